// The job/process a lifecycle operation works on, and the collaborators it uses (its ports,
// src/lifecycle/ports.ts, and the AbortSignal that cancels it).
import { BpmError, messageOf } from '../errors.ts';
import type { HostFeatures } from '../host-facts.ts';
import type { Logger } from '../log/logger.ts';
import type { HostPort, LifecyclePorts, RuncPort } from './ports.ts';

/**
 * One lifecycle operation's ports and its cancellation. `H` is the host port's own type where a
 * caller needs more of it than the lifecycle does (the CLI's `shell` and `exec` use its runc's `exec`).
 */
export interface Operation<H extends HostPort = HostPort> extends LifecyclePorts {
  host: H;
  /** Aborting it cancels the operation at its next step or wait (a running runc is not killed). */
  signal: AbortSignal;
  /**
   * Keep a removed container's bundle for the process's next start (the supervisor's port sets it
   * per call: commands/supervisor-ports.ts; src/lifecycle/remove.ts); the CLI's remove it, as
   * upstream does.
   */
  keepBundles?: boolean;
}

/** The probed host: its features and the runc client that follows from them. */
export interface Host<R extends RuncPort = RuncPort> {
  features: HostFeatures;
  runc: R;
}

/**
 * Probe host features (docs/behaviour/locking-and-recovery.md §6.3) and make the runc client that
 * follows from them; under the lifecycle lock, pass `ref.lockFd` (its runc calls inherit the lock).
 */
export function probeHost<R extends RuncPort>(
  port: Pick<HostPort, 'probeFeatures'> & { runc(features: HostFeatures, lockFd?: number): R },
  lockFd?: number,
): Host<R> {
  let features: HostFeatures;
  try {
    features = port.probeFeatures();
  } catch (err) {
    throw new BpmError(`failed to fetch system features: ${messageOf(err)}`, { cause: err });
  }
  return { features, runc: port.runc(features, lockFd) };
}

/** The operation was cancelled through its AbortSignal (never by a bpm command of its own). */
export class CancelledError extends BpmError {
  constructor(cause?: unknown) {
    super('operation cancelled', { cause });
  }
}

/** Throws CancelledError once `signal` aborted: called between an operation's steps. */
export function checkpoint(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError(signal.reason);
}

/**
 * The log-and-wrap of every failing lifecycle step: log `events` (in order) with the cause, and
 * return the BpmError `<text>: <cause>` to throw.
 */
export function stepFailed(
  log: Logger,
  events: string | readonly string[],
  text: string,
  err: unknown,
): BpmError {
  for (const event of typeof events === 'string' ? [events] : events) log.error(event, err);
  return new BpmError(`${text}: ${messageOf(err)}`, { cause: err });
}
