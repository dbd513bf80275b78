// One probe's schedule (docs/supervisor.md#probes): one timer, armed `initial_delay` after the start
// and then after each result, so that attempts are due every `period` (never two at once: a slow
// attempt pushes the next one back). The next attempt is due `period` after the previous one was
// due, not after it began: a timer that fires late because the event loop was busy (the main
// thread starting and stopping processes) delays that one attempt, not every one after it. Each
// attempt is cut off at `timeout`: its AbortSignal aborts
// (the runner ends what it started) and the attempt counts as a failure at that moment, whether or
// not the runner has settled; the next one waits until it has.
import type { ProbeConfig } from '../../config/supervision.ts';
import { type ProbeOutcome, type ProbeStatus, ProbeTracker, type ProbeView } from './tracker.ts';

/** Runs one check; must settle soon after `abort` aborts. A rejection counts as a failure. */
export type ProbeRunner = (abort: AbortSignal) => Promise<ProbeOutcome>;

/** Time as the loop sees it (the real timers, or a fake clock in tests). */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type ProbeTiming = Omit<ProbeConfig, 'check'>;

/** Called after every result, with the new status when it changed. */
export type ResultListener = (
  outcome: ProbeOutcome,
  changed: ProbeStatus | undefined,
  view: ProbeView,
) => void;

export class ProbeLoop {
  private readonly timing: ProbeTiming;
  private readonly run: ProbeRunner;
  private readonly timers: Timers;
  private readonly onResult: ResultListener;
  private readonly tracker: ProbeTracker;
  private timer: unknown;
  /** When the attempt armed or running was due (what the next one is due after). */
  private due = 0;
  private inFlight: AbortController | undefined;
  private stopped = false;

  constructor(timing: ProbeTiming, run: ProbeRunner, timers: Timers, onResult: ResultListener) {
    this.timing = timing;
    this.run = run;
    this.timers = timers;
    this.onResult = onResult;
    this.tracker = new ProbeTracker(timing.failureThreshold);
  }

  start(): void {
    this.due = this.timers.now() + this.timing.initialDelayMs;
    this.arm(this.timing.initialDelayMs);
  }

  /** No further attempt; the one in flight is aborted and its result ignored. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort(new Error('probe stopped'));
  }

  view(): ProbeView {
    return this.tracker.view();
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.attempt();
    }, ms);
  }

  private async attempt(): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    let settle!: (o: ProbeOutcome) => void;
    const timedOut = new Promise<ProbeOutcome>((resolve) => {
      settle = resolve;
    });
    const { timeoutMs } = this.timing;
    const cutOff = this.timers.setTimeout(() => {
      controller.abort(new Error('probe timed out'));
      settle({ ok: false, detail: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    const running = this.run(controller.signal).catch(
      (err: unknown): ProbeOutcome => ({
        ok: false,
        detail: err instanceof Error ? err.message : String(err),
      }),
    );
    const outcome = await Promise.race([running, timedOut]);
    this.timers.clearTimeout(cutOff);
    if (this.stopped) return;
    const changed = this.tracker.record(outcome, this.timers.now());
    this.onResult(outcome, changed, this.tracker.view());
    await running;
    this.inFlight = undefined;
    // Due a period after this one was due; if that has passed (a slow attempt), at once, and the
    // schedule goes on from now.
    const now = this.timers.now();
    const next = this.due + this.timing.periodMs;
    this.due = Math.max(next, now);
    this.arm(this.due - now);
  }
}
