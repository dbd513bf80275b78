// A fake process table for the lifecycle's fakes: pids with start times (so a recycled pid can be
// told apart), the container each belongs to (its cgroups), and how each answers a signal.
import type { KillSignal } from '../../../src/runc/client.ts';
import type { FakeClock } from './clock.ts';

/** What a process does on a signal: exit at once, ignore it, or exit after a delay. */
export type Reaction = 'exit' | 'ignore' | { exitAfterMs: number };

export interface FakeProcess {
  pid: number;
  startTime: number;
  /** The container whose cgroups hold it ('' for none). */
  cid: string;
  alive: boolean;
  /** Signals it received, in order (SIGKILL from `runc delete` or a cgroup kill as KILL). */
  received: KillSignal[];
  reactions: Partial<Record<KillSignal, Reaction>>;
}

export class ProcessTable {
  private readonly clock: FakeClock;
  private readonly byPid = new Map<number, FakeProcess>();
  private readonly waiters = new Map<FakeProcess, (() => void)[]>();
  private nextPid = 4200;
  private nextStart = 1000;

  constructor(clock: FakeClock) {
    this.clock = clock;
  }

  /** A new live process (by default it exits on TERM and INT and QUIT). */
  spawn(cid: string, reactions: Partial<Record<KillSignal, Reaction>> = {}, pid?: number): FakeProcess {
    const p: FakeProcess = {
      pid: pid ?? this.nextPid++,
      startTime: this.nextStart++,
      cid,
      alive: true,
      received: [],
      reactions: { TERM: 'exit', INT: 'exit', QUIT: 'exit', ...reactions },
    };
    this.byPid.set(p.pid, p);
    return p;
  }

  get(pid: number): FakeProcess | undefined {
    return this.byPid.get(pid);
  }

  alive(pid: number): boolean {
    return this.byPid.get(pid)?.alive === true;
  }

  /** Deliver a signal to that very process; throws, like pidfd_send_signal(2), once it is gone. */
  signal(p: FakeProcess, signal: KillSignal): void {
    if (!p.alive) throw new Error('pidfd_send_signal: no such process');
    p.received.push(signal);
    const reaction = signal === 'KILL' ? 'exit' : (p.reactions[signal] ?? 'exit');
    if (reaction === 'exit') this.end(p);
    else if (reaction !== 'ignore') void this.clock.sleep(reaction.exitAfterMs).then(() => this.end(p));
  }

  /** SIGKILL every live process in a container's cgroups. */
  killContainer(cid: string): number[] {
    const killed: number[] = [];
    for (const p of this.byPid.values()) {
      if (p.cid !== cid || !p.alive) continue;
      this.signal(p, 'KILL');
      killed.push(p.pid);
    }
    return killed;
  }

  /** Resolves true once whatever process has `pid` now is gone, false when `abort` aborts first. */
  pidExited(pid: number, abort: AbortSignal): Promise<boolean> {
    const p = this.byPid.get(pid);
    return p === undefined ? Promise.resolve(true) : this.exited(p, abort);
  }

  /** Resolves true once `p` is gone (at once if it is), false when `abort` aborts first. */
  exited(p: FakeProcess, abort: AbortSignal): Promise<boolean> {
    if (!p.alive) return Promise.resolve(true);
    if (abort.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(false);
      abort.addEventListener('abort', onAbort, { once: true });
      const list = this.waiters.get(p) ?? [];
      list.push(() => {
        abort.removeEventListener('abort', onAbort);
        resolve(true);
      });
      this.waiters.set(p, list);
    });
  }

  private end(p: FakeProcess): void {
    if (!p.alive) return;
    p.alive = false;
    for (const wake of this.waiters.get(p) ?? []) wake();
    this.waiters.delete(p);
  }
}
