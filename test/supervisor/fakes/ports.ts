// Fakes of the supervised process's ports (src/supervisor/process-port.ts): one container per
// process with an init that runs or has ended, a lifecycle lock that a "CLI" can hold, an exit watch
// the test fires, virtual time with timers the test advances, and probes the test passes or fails.
// Nothing touches runc, pidfds or real time, so the tests are fast and deterministic.
import type { ProcessConfig } from '../../../src/config/types.ts';
import type { FoundContainer } from '../../../src/lifecycle/bpm-containers.ts';
import type { LastExit } from '../../../src/lifecycle/last-exit.ts';
import type { ProcessRef } from '../../../src/lifecycle/process-ref.ts';
import { Logger, type LogSink } from '../../../src/log/logger.ts';
import type { ProbeListener, ProbesSnapshot } from '../../../src/supervisor/probes/process-probes.ts';
import type {
  ExitWatch,
  LiveInit,
  ProbeConfigs,
  ProbesPort,
  ProcessPort,
  SupervisorClock,
  SupervisorPorts,
} from '../../../src/supervisor/process-port.ts';
import type { ExitResult } from '../../../src/text/exit-status.ts';

/** The one container of the process under test. */
interface Container {
  init: LiveInit;
  /** Set once the init has ended (its status: what the supervisor reaps). */
  end?: ExitResult | undefined;
  /** Another process's container (its bundle says so). */
  foreign?: boolean;
}

/** How the next start goes. */
export type StartOutcome = 'runs' | 'fails' | { exitsAtOnce: ExitResult };

export const TERMINATED: ExitResult = { code: 143, signal: null };

export class FakeProcessPort implements ProcessPort {
  /** The calls, in order: `start`, `stop`, `clear`, `release`, `reap-dead`, `ask-run`. */
  readonly calls: string[] = [];
  /** Stops and clears that removed the bundle too (the process is no longer supervised). */
  bundleRemovals = 0;
  readonly lastExits: LastExit[] = [];
  container: Container | undefined;
  /** What each start does, in order; then `runs`. */
  readonly starts: StartOutcome[] = [];
  /** Inits released (reaped and closed) by the process. */
  readonly released: number[] = [];
  private nextPid = 1000;
  private lockHolder: Promise<void> | undefined;
  private readonly watcher: FakeExitWatch;

  constructor(watcher: FakeExitWatch) {
    this.watcher = watcher;
  }

  /** A container that runs already (adoption). */
  running(): LiveInit {
    this.container = this.newContainer();
    return this.container.init;
  }

  /** The running init ends with `end`: its pidfd becomes readable. */
  exit(end: ExitResult): void {
    const c = this.container;
    if (c === undefined || c.end !== undefined) throw new Error('no running init');
    c.end = end;
    this.watcher.fire(c.init.fd);
  }

  /** A CLI holds the process's lifecycle lock until the returned function is called. */
  holdLock(): () => void {
    let release = (): void => {};
    this.lockHolder = new Promise<void>((resolve) => {
      release = () => {
        this.lockHolder = undefined;
        resolve();
      };
    });
    return release;
  }

  openInit(_ref: ProcessRef): LiveInit | undefined {
    const c = this.container;
    if (c?.foreign === true) throw new Error('container belongs to another process');
    return c !== undefined && c.end === undefined ? c.init : undefined;
  }

  hasContainer(): boolean {
    return this.container !== undefined;
  }

  /** Counted in bundleRemovals, not in calls. */
  async removeKeptBundle(_ref: ProcessRef, signal: AbortSignal): Promise<void> {
    await this.locked(signal);
    this.bundleRemovals++;
  }

  async start(_ref: ProcessRef, signal: AbortSignal): Promise<{ exitedAtOnce?: ExitResult }> {
    this.calls.push('start');
    await this.locked(signal);
    const outcome = this.starts.shift() ?? 'runs';
    if (outcome === 'fails') throw new Error('failed to start job-process: boom');
    this.container = this.newContainer();
    if (outcome === 'runs') return {};
    this.container.end = outcome.exitsAtOnce;
    return { exitedAtOnce: outcome.exitsAtOnce };
  }

  async stop(
    _ref: ProcessRef,
    _config: ProcessConfig,
    signal: AbortSignal,
    keepBundle: boolean,
  ): Promise<void> {
    this.calls.push('stop');
    if (!keepBundle) this.bundleRemovals++;
    await this.locked(signal);
    if (this.container !== undefined) this.container.end ??= TERMINATED;
    this.container = undefined;
  }

  async clearExited(
    _ref: ProcessRef,
    _config: ProcessConfig,
    signal: AbortSignal,
    keepBundle: boolean,
  ): Promise<void> {
    this.calls.push('clear');
    if (!keepBundle) this.bundleRemovals++;
    await this.locked(signal);
    this.container = undefined;
  }

  release(init: LiveInit): ExitResult | undefined {
    this.calls.push('release');
    this.released.push(init.pid);
    return this.endOf(init);
  }

  reapDeadInit(): ExitResult | undefined {
    this.calls.push('reap-dead');
    return this.container?.end;
  }

  recordLastExit(_ref: ProcessRef, exit: LastExit): void {
    this.lastExits.push(exit);
  }

  /** The pid of the `bpm run` the test says runs the container, if any. */
  runner: number | undefined;

  runOwner(_ref: ProcessRef): number | undefined {
    return this.runner;
  }

  /** Asking the run to stop: it stops its container and ends (releasing the lock, if held). */
  onRunAsked: (() => void) | undefined;

  async askRunToStop(_ref: ProcessRef): Promise<number | undefined> {
    const run = this.runner;
    if (run === undefined) return undefined;
    this.calls.push('ask-run');
    this.runner = undefined;
    this.onRunAsked?.();
    return run;
  }

  /** Every container made, by its init's pid: an end stays known after a stop removed it. */
  private readonly byPid = new Map<number, Container>();

  private endOf(init: LiveInit): ExitResult | undefined {
    return this.byPid.get(init.pid)?.end;
  }

  private newContainer(): Container {
    const pid = this.nextPid++;
    const c: Container = { init: { pid, startTime: pid * 10, fd: pid + 50_000 } };
    this.byPid.set(pid, c);
    return c;
  }

  private async locked(signal: AbortSignal): Promise<void> {
    while (this.lockHolder !== undefined) {
      if (signal.aborted) throw new Error('operation cancelled');
      const holder = this.lockHolder;
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(new Error('operation cancelled'));
        signal.addEventListener('abort', onAbort, { once: true });
        void holder.then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }
}

export class FakeExitWatch implements ExitWatch {
  readonly watched = new Map<number, () => void>();

  watch(fd: number, onExit: () => void): void {
    this.watched.set(fd, onExit);
  }

  unwatch(fd: number): void {
    this.watched.delete(fd);
  }

  fire(fd: number): void {
    const onExit = this.watched.get(fd);
    this.watched.delete(fd);
    onExit?.();
  }
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** Virtual time: `advance(ms)` fires the timers due, in order, settling between them. */
export class FakeTimers implements SupervisorClock {
  private t = 0;
  private seq = 0;
  private timers: Timer[] = [];
  static readonly EPOCH = Date.UTC(2026, 11, 1, 20, 0, 0);

  now(): number {
    return FakeTimers.EPOCH + this.t;
  }

  timer(ms: number, fire: () => void): () => void {
    const timer = { at: this.t + ms, seq: this.seq++, fire };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** The delays of the pending timers from now. */
  pending(): number[] {
    return this.timers.map((x) => x.at - this.t);
  }

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fire();
    }
    this.t = end;
    await settle();
  }
}

/** Let every queued promise reaction run (the process's steps are promise chains). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeProbes implements ProbesPort {
  readonly hasReadiness: boolean;
  listener: ProbeListener | undefined;
  starts = 0;

  constructor(configs: ProbeConfigs) {
    this.hasReadiness = configs.readiness !== undefined;
  }

  start(listener: ProbeListener): void {
    this.starts++;
    this.listener = listener;
  }

  stop(): void {
    this.listener = undefined;
  }

  snapshot(): ProbesSnapshot {
    return {};
  }
}

/** The log lines' messages (`bpm.supervise.process.started`, …) and data. */
export class LogCapture implements LogSink {
  readonly lines: { message: string; data: Record<string, string> }[] = [];

  write(line: string): void {
    const record = JSON.parse(line) as { message: string; data: Record<string, string> };
    this.lines.push({ message: record.message, data: record.data });
  }

  /** The process events (`started`, `restart-planned`, …), in order. */
  events(): string[] {
    return this.lines.map((l) => l.message.replace(/^bpm\.supervise\.process\./, ''));
  }
}

export interface FakeSupervisor {
  ports: SupervisorPorts;
  process: FakeProcessPort;
  watcher: FakeExitWatch;
  clock: FakeTimers;
  /** The probes made for each process, in order. */
  probes: FakeProbes[];
  log: LogCapture;
  logger: Logger;
  /** Aborting it is the supervisor's cancellation. */
  cancel: AbortController;
  /** What `containers()` finds in the runc root (the start-up sweep's input). */
  found: FoundContainer[];
}

export function fakeSupervisor(): FakeSupervisor {
  const watcher = new FakeExitWatch();
  const process = new FakeProcessPort(watcher);
  const clock = new FakeTimers();
  const probes: FakeProbes[] = [];
  const cancel = new AbortController();
  const log = new LogCapture();
  const found: FoundContainer[] = [];
  const ports: SupervisorPorts = {
    signal: cancel.signal,
    process,
    clock,
    probes: (_ref, configs) => {
      const p = new FakeProbes(configs);
      probes.push(p);
      return p;
    },
    containers: () => found,
  };
  return {
    ports,
    process,
    watcher,
    clock,
    probes,
    log,
    logger: new Logger(log, 'bpm.supervise', '1', {}),
    cancel,
    found,
  };
}
