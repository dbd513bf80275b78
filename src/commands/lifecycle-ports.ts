// The real lifecycle ports (src/lifecycle/ports.ts), made once per command: runc through
// runc/client.ts, the host through host/ and sys/, the system clock, the documented stop timeouts.
// start's set-up (prerequisites, hook) and the cgroup walks (pids, kill) are loaded when first
// called (docs/performance.md); the synchronous ones (staging, last-exit records, cgroup figures)
// are imported directly: their modules only define functions (over node:fs and the lazy libc).
import { closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RootPaths } from '../bosh/paths.ts';
import { lookupUser } from '../go/user.ts';
import { writeBundle } from '../host/bundle.ts';
import { prepareContainerCgroup } from '../host/cgroup-delegation.ts';
import { containerRunning } from '../host/container-running.ts';
import { probeFeatures } from '../host/features.ts';
import { readPidFile, removePidFile, writePidFile } from '../host/pid-file.ts';
import { clearStaging } from '../host/staging.ts';
import type { HostFeatures } from '../host-facts.ts';
import type { Operation } from '../lifecycle/context.ts';
import { watchEarlyExit } from '../lifecycle/early-exit.ts';
import { containerUsage } from '../lifecycle/found-stopped.ts';
import { readLastExit, recordLastExit } from '../lifecycle/last-exit.ts';
import { type Clock, DEFAULT_STOP_TIMEOUTS, type HostPort, type InitHandle } from '../lifecycle/ports.ts';
import { RuncClient } from '../runc/client.ts';
import { readInitProcess } from '../runc/state-file.ts';
import { openLiveProcess, readProcStat, signalPidfd } from '../sys/pidfd.ts';
import { becomeSubreaper } from '../sys/reaper.ts';
import { waitForExit, waitForPidfd } from '../sys/wait-exit.ts';

/** The real host port, whose runc is the concrete client (`shell` and `exec` use its `exec`). */
export type RealHost = HostPort & { runc(features: HostFeatures, lockFd?: number): RuncClient };

/** A pidfd on the verified init; the descriptor is closed once every wait on it returned. */
function pidfdInit(fd: number): InitHandle {
  const closing = new AbortController();
  const waits = new Set<Promise<boolean>>();
  return {
    signal: async (signal) => signalPidfd(fd, `SIG${signal}`),
    exited: (abort) => {
      const wait = waitForPidfd(fd, Number.POSITIVE_INFINITY, AbortSignal.any([abort, closing.signal]));
      waits.add(wait);
      return wait;
    },
    close: () => {
      closing.abort();
      void Promise.allSettled(waits).then(() => closeSync(fd));
    },
  };
}

export function realHost(root: RootPaths): RealHost {
  return {
    probeFeatures,
    runc: (features, lockFd?: number) => RuncClient.forRoot(root, features.systemd, lockFd),
    openInit: (stateFile) => {
      const init = readInitProcess(stateFile);
      const fd = init === undefined ? undefined : openLiveProcess(init.pid, init.startTime);
      return fd === undefined ? undefined : pidfdInit(fd);
    },
    processExited: (pid, abort) => waitForExit(pid, Number.POSITIVE_INFINITY, abort),
    containerPids: async (ref, features) =>
      (await import('../lifecycle/cgroup-procs.ts')).containerPids(ref, features),
    containerRunning,
    self: () => ({ pid: process.pid, startTime: readProcStat(process.pid)?.startTime ?? 0 }),
    openProcess: ({ pid, startTime }) => {
      const fd = openLiveProcess(pid, startTime);
      return fd === undefined ? undefined : pidfdInit(fd);
    },
    killContainerProcesses: async (ref, features) =>
      (await import('../lifecycle/cgroup-procs.ts')).killContainerProcesses(ref, features),
    lookupUser: (name) => lookupUser(name),
    createPrerequisites: async (input) =>
      (await import('../host/prerequisites.ts')).createPrerequisites(input),
    writeBundle,
    runPreStartHook: async (...args) => (await import('../host/pre-start-hook.ts')).runPreStartHook(...args),
    becomeSubreaper,
    clearStaging,
    readPidFile,
    writePidFile,
    removePidFile,
    prepareContainerCgroup: (features, resources) => prepareContainerCgroup(features, resources),
    readLastExit,
    recordLastExit,
    containerUsage,
    watchEarlyExit,
  };
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, abort) => sleep(ms, undefined, { signal: abort }).catch(() => {}),
};

/**
 * The ports of a lifecycle command run by the CLI: one operation, never cancelled unless the
 * command passes its own `signal` (`bpm run` aborts it on SIGTERM/SIGINT to stop its process).
 */
export function commandOperation(
  root: RootPaths,
  signal = new AbortController().signal,
): Operation<RealHost> {
  return { host: realHost(root), clock: systemClock, stopTimeouts: DEFAULT_STOP_TIMEOUTS, signal };
}
