// The real ports of the supervised processes (src/supervisor/process-port.ts): the lifecycle's own
// start and stop under the per-process lifecycle lock, runc's state file, pidfds and the reaper
// (sys/reaper.ts), Node's timers and the probe loops' host (probe-host.ts). Made once per `bpm supervise`.
import { closeSync, existsSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { removeBundle } from '../host/bundle.ts';
import { bpmContainers } from '../lifecycle/bpm-containers.ts';
import { type Operation, probeHost } from '../lifecycle/context.ts';
import { recordLastExit } from '../lifecycle/last-exit.ts';
import { withLifecycleLock } from '../lifecycle/lock.ts';
import { assertOwnContainer } from '../lifecycle/ownership.ts';
import { removeProcess } from '../lifecycle/remove.ts';
import { askRunOwnerToStop, liveRunOwner } from '../lifecycle/run-owner.ts';
import { startProcess } from '../lifecycle/start.ts';
import { stopProcess } from '../lifecycle/stop.ts';
import { readInitProcess } from '../runc/state-file.ts';
import { probeLoops } from '../supervisor/probes/probe-host.ts';
import { ProcessProbes, probeRunc } from '../supervisor/probes/process-probes.ts';
import type { ProcessPort, SupervisorClock, SupervisorPorts } from '../supervisor/process-port.ts';
import { openLiveProcess } from '../sys/pidfd.ts';
import { claimChild, reapExited, reapPidfd, unclaimChild } from '../sys/reaper.ts';

/** The lifecycle's start and stop with `op`'s ports, the container's init through its pidfd. */
export function lifecycleProcessPort(root: RootPaths, op: Operation): ProcessPort {
  return {
    openInit(ref) {
      const stateFile = root.runcStateFile(ref.cid);
      const init = readInitProcess(stateFile);
      if (init === undefined) return undefined;
      assertOwnContainer(ref, stateFile);
      const fd = openLiveProcess(init.pid, init.startTime);
      if (fd === undefined) return undefined;
      // Ours to reap (as the subreaper of the runc that started it) unless it was adopted.
      claimChild(init.pid);
      return { pid: init.pid, startTime: init.startTime, fd };
    },
    hasContainer: (ref) => existsSync(root.runcStateFile(ref.cid)),
    async start(ref, signal) {
      const outcome = await withLifecycleLock(
        root,
        'start',
        ref.job,
        ref.proc,
        // A stopped container found in the way goes, its bundle stays for this start to reuse.
        (locked, log) => startProcess(locked, log, { ...op, keepBundles: true }),
        signal,
      );
      const end = outcome.exitedAtOnce?.end;
      return end === undefined ? {} : { exitedAtOnce: end };
    },
    stop: (ref, config, signal, keepBundle) =>
      withLifecycleLock(
        root,
        'stop',
        ref.job,
        ref.proc,
        (locked, log) => stopProcess(locked, log, { ...op, keepBundles: keepBundle }, config),
        signal,
      ),
    clearExited: (ref, config, signal, keepBundle) =>
      withLifecycleLock(
        root,
        'supervise',
        ref.job,
        ref.proc,
        async (locked, log) => {
          const host = probeHost(op.host, locked.lockFd);
          const stateFile = host.runc.stateFile(locked.cid);
          const live = op.host.openInit(stateFile);
          if (live !== undefined) {
            live.close();
            await stopProcess(locked, log, { ...op, keepBundles: keepBundle }, config);
          } else if (existsSync(stateFile)) {
            assertOwnContainer(locked, stateFile);
            await removeProcess(locked, host.runc, op.host, log, keepBundle);
          }
        },
        signal,
      ),
    removeKeptBundle: async (ref, signal) => {
      if (!existsSync(ref.paths.bundle(ref.proc))) return;
      await withLifecycleLock(
        root,
        'supervise',
        ref.job,
        ref.proc,
        async (locked, log) => {
          // A container made meanwhile (a `bpm start` took the lock first) keeps its bundle.
          if (existsSync(root.runcStateFile(locked.cid))) return;
          log.info('destroying-bundle');
          await removeBundle(locked.paths, locked.proc);
        },
        signal,
      );
    },
    release(init) {
      try {
        return reapPidfd(init.fd, init.pid, init.startTime);
      } finally {
        unclaimChild(init.pid);
        closeSync(init.fd);
      }
    },
    reapDeadInit(ref) {
      const init = readInitProcess(root.runcStateFile(ref.cid));
      return init === undefined ? undefined : reapExited(init.pid, init.startTime);
    },
    recordLastExit: (ref, exit) => recordLastExit(ref.paths, ref.proc, exit),
    runOwner: (ref) => liveRunOwner(ref, op.host),
    askRunToStop: (ref) => askRunOwnerToStop(ref, op.host),
  };
}

const nodeTimers: SupervisorClock = {
  now: () => Date.now(),
  timer(ms, fire) {
    const t = setTimeout(fire, ms);
    return () => clearTimeout(t);
  },
};

/** The supervisor's ports for a BOSH root, over the lifecycle ports `op` (and with its signal). */
export function supervisorPorts(root: RootPaths, op: Operation): SupervisorPorts {
  const runc = probeRunc(root, op.host);
  return {
    signal: op.signal,
    process: lifecycleProcessPort(root, op),
    clock: nodeTimers,
    probes: (ref, configs, log) => new ProcessProbes(ref, configs, { log, thread: probeLoops(), runc }),
    containers: () => bpmContainers(root),
  };
}
