// `bpm run`'s foreground runc, stopped when the run's operation aborts (docs/behaviour/policy.md
// fix #13: the command aborts it on SIGTERM/SIGINT). The stop is stop's own escalation
// (`shutDown` of stop.ts): the shutdown signal, `shutdown_timeout`, SIGQUIT, 2 s — each sent to
// the foreground runc, which forwards it to the container init and holds what arrives while it
// still creates the container — then `runc kill KILL`. runc then reaps the init, deletes the
// container and exits with the init's status, and the run ends as every run does. The stop runs
// under a signal of its own that never aborts, so a second SIGTERM cannot cut it short.
import type { ProbeConfig } from '../config/supervision.ts';
import type { Logger } from '../log/logger.ts';
import type { ForegroundEnd, ForegroundRun, ForegroundRunc } from '../runc/client.ts';
import type { Host, Operation } from './context.ts';
import type { InitHandle } from './ports.ts';
import type { ProcessRef } from './process-ref.ts';
import { inSession } from './session.ts';
import { type ShutdownConfig, shutDown } from './stop.ts';

/** What a service manager hears of a run (the command turns it into sd_notify's READY=1). */
export interface RunEvents {
  /** The process is up (see `whenReady`); not called once a stop was asked for. */
  ready?: () => void;
  /**
   * Waits for the process's readiness probe to pass, once its container runs: resolves true at
   * the first pass, false once `until` aborts first (the run ended or a stop was asked for).
   * Without it a process with a readiness probe is ready once it runs.
   */
  readiness?: (probe: ProbeConfig, cid: string, until: AbortSignal) => Promise<boolean>;
}

/** What a run needs of its process: how to stop it and, if it has one, its readiness probe. */
export type RunConfig = ShutdownConfig & { readiness?: ProbeConfig | undefined };

/** Resolves false once `abort` aborts (never rejects). */
function aborted(abort: AbortSignal): Promise<false> {
  return new Promise((resolve) => {
    if (abort.aborted) resolve(false);
    else abort.addEventListener('abort', () => resolve(false), { once: true });
  });
}

/**
 * Whether the run's process is up: once the container runs its process and, for a process with a
 * `readiness` probe (when `events` can wait for one), once that probe passed. Resolves false once
 * `until` aborts first.
 */
async function whenReady(
  ref: ProcessRef,
  host: Host,
  op: Operation,
  proc: RunConfig,
  events: RunEvents,
  until: AbortSignal,
): Promise<boolean> {
  if (!(await op.host.containerRunning(host.runc.stateFile(ref.cid), until))) return false;
  if (proc.readiness === undefined || events.readiness === undefined) return true;
  return events.readiness(proc.readiness, ref.cid, until);
}

/** Run `run` in the foreground; when `op.signal` aborts, stop it and still resolve with its end. */
export async function runStoppable(
  ref: ProcessRef,
  host: Host,
  op: Operation,
  proc: RunConfig,
  log: Logger,
  run: ForegroundRun,
  events: RunEvents,
): Promise<ForegroundEnd> {
  let runc: ForegroundRunc | undefined;
  const ended = host.runc.runForeground({
    ...run,
    started: (started) => {
      runc = started;
    },
  });
  const over = new AbortController();
  const settled = ended.then(
    () => over.abort(),
    () => over.abort(),
  );
  let stopping: Promise<void> | undefined;
  const stop = (): void => {
    const init: InitHandle = {
      signal: async (signal) => {
        if (signal === 'KILL') await host.runc.kill(ref.cid, 'KILL');
        else runc?.signal(signal);
      },
      exited: (abort) => Promise.race([settled.then(() => true), aborted(abort)]),
      close: () => {},
    };
    stopping = stopContainer(log, init, proc, op, settled);
  };
  if (op.signal.aborted) stop();
  else op.signal.addEventListener('abort', stop, { once: true });
  if (events.ready !== undefined) {
    const ready = events.ready;
    // Probing ends with the run, or when a stop is asked for: a stopping process is not ready.
    const until = AbortSignal.any([over.signal, op.signal]);
    void whenReady(ref, host, op, proc, events, until).then((up) => {
      if (up && !op.signal.aborted) ready();
    });
  }
  try {
    return await ended;
  } finally {
    op.signal.removeEventListener('abort', stop);
    await stopping;
  }
}

/** Stop's escalation, then SIGKILL through runc if it came to that; resolves once runc ended. */
function stopContainer(
  log: Logger,
  init: InitHandle,
  proc: ShutdownConfig,
  op: Operation,
  settled: Promise<void>,
): Promise<void> {
  const session = log.session('stop-process');
  const steady: Operation = { ...op, signal: new AbortController().signal };
  return inSession(session, async () => {
    if (!(await shutDown(session, init, proc, steady))) {
      session.info('killing-container');
      try {
        await init.signal('KILL');
      } catch (err) {
        session.error('failed-to-kill', err);
      }
    }
    await settled;
  });
}
