// A fake Clock (src/lifecycle/ports.ts): virtual time that jumps to the next timer once nothing
// else can happen (every pending promise settled), so a 20 s stop timeout passes in microseconds
// and tests can assert exactly how much virtual time an operation took.
import type { Clock } from '../../../src/lifecycle/ports.ts';

interface Timer {
  at: number;
  seq: number;
  fire(): void;
}

/** 2026-12-01T20:00:00Z: what `now()` says at virtual time 0. */
export const EPOCH_MS = Date.UTC(2026, 11, 1, 20, 0, 0);

export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: Timer[] = [];
  private scheduled = false;

  now(): number {
    return EPOCH_MS + this.t;
  }

  /** Virtual milliseconds since the clock was made. */
  elapsed(): number {
    return this.t;
  }

  /** Timers still pending (a finished operation leaves none). */
  pending(): number {
    return this.timers.length;
  }

  sleep(ms: number, abort?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (abort?.aborted) return resolve();
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          abort?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      abort?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.schedule();
    });
  }

  /** setImmediate runs after every queued promise reaction: only then is the code under test idle. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      const next = this.timers.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a));
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.fire();
      if (this.timers.length > 0) this.schedule();
    });
  }
}
