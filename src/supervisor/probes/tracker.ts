// The pure part of a probe (docs/supervisor.md#probes): what a run of results means. No timers, no
// I/O; the loop (loop.ts) feeds it each result with the time it was taken.

/** `unknown` until a result decides; `passing` after a success; `failing` after `failure_threshold` failures in a row. */
export type ProbeStatus = 'unknown' | 'passing' | 'failing';

/** One probe's outcome: `detail` says what happened (`HTTP 503`, `exit status 1`, `timed out after 1000 ms`). */
export interface ProbeOutcome {
  ok: boolean;
  detail: string;
}

export interface ProbeView {
  status: ProbeStatus;
  consecutiveFailures: number;
  /** The last outcome and when it was taken (ms since the epoch); absent before the first. */
  last?: ProbeOutcome & { at: number };
}

export class ProbeTracker {
  private readonly failureThreshold: number;
  private status: ProbeStatus = 'unknown';
  private failures = 0;
  private last: (ProbeOutcome & { at: number }) | undefined;

  constructor(failureThreshold: number) {
    this.failureThreshold = failureThreshold;
  }

  /**
   * Take one outcome; returns the new status when it changed. One success is enough to pass (and
   * resets the count); failing takes `failureThreshold` consecutive failures.
   */
  record(outcome: ProbeOutcome, at: number): ProbeStatus | undefined {
    this.last = { ...outcome, at };
    const before = this.status;
    if (outcome.ok) {
      this.failures = 0;
      this.status = 'passing';
    } else {
      this.failures += 1;
      if (this.failures >= this.failureThreshold) this.status = 'failing';
    }
    return this.status === before ? undefined : this.status;
  }

  view(): ProbeView {
    const v: ProbeView = { status: this.status, consecutiveFailures: this.failures };
    if (this.last !== undefined) v.last = { ...this.last };
    return v;
  }
}
