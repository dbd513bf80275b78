// `bpm run`'s foreground runc, stopped when the run's operation aborts (docs/behaviour/policy.md
// fix #13: the command aborts it on SIGTERM/SIGINT). The stop is stop's own escalation
// (`shutDown` of stop.ts): the shutdown signal, `shutdown_timeout`, SIGQUIT, 2 s — each sent to
// the foreground runc, which forwards it to the container init and holds what arrives while it
// still creates the container — then `runc kill KILL`. runc then reaps the init, deletes the
// container and exits with the init's status, and the run ends as every run does. The stop runs
// under a signal of its own that never aborts, so a second SIGTERM cannot cut it short.
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
}

/** Resolves false once `abort` aborts (never rejects). */
function aborted(abort: AbortSignal): Promise<false> {
  return new Promise((resolve) => {
    if (abort.aborted) resolve(false);
    else abort.addEventListener('abort', () => resolve(false), { once: true });
  });
}

/**
 * Whether the run's process is up: today, once the container runs its process. This is the seam
 * for readiness probes (issue #15): a process with a `readiness` probe will be ready once its
 * probe passes, awaited here.
 */
function whenReady(ref: ProcessRef, host: Host, op: Operation, ended: AbortSignal): Promise<boolean> {
  return op.host.containerRunning(host.runc.stateFile(ref.cid), ended);
}

/** Run `run` in the foreground; when `op.signal` aborts, stop it and still resolve with its end. */
export async function runStoppable(
  ref: ProcessRef,
  host: Host,
  op: Operation,
  proc: ShutdownConfig,
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
    void whenReady(ref, host, op, over.signal).then((up) => {
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
