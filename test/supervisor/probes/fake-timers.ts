// Manual virtual time for the probe loop (src/supervisor/probes/loop.ts's Timers): nothing fires
// until the test calls advance(), which runs every timer due by then in order, letting the code
// under test settle (every queued promise reaction) after each.
import type { Timers } from '../../../src/supervisor/probes/loop.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets every pending promise reaction run (setImmediate comes after them). */
export function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeTimers implements Timers {
  private t = 0;
  private seq = 0;
  private timers = new Map<number, Timer>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.seq++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), seq: id, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pending(): number {
    return this.timers.size;
  }

  /** Move time forward by `ms` with nothing firing, as a busy event loop: what fell due meanwhile
   *  fires late, at the next advance(). */
  async busy(ms: number): Promise<void> {
    await settled();
    this.t += ms;
  }

  /** Move time forward by `ms`, firing each timer due on the way at its own time. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settled();
    for (;;) {
      const due = [...this.timers.values()]
        .filter((x) => x.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers.delete(due.seq);
      // A timer overdue after busy() fires now, late.
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settled();
    }
    this.t = end;
  }
}
