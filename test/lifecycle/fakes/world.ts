// One lifecycle test's world: a temporary BOSH root (real files, no root needed), the fakes of
// this folder wired into an Operation, and bpm.log captured as parsed records.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import { RootPaths } from '../../../src/bosh/paths.ts';
import type { Operation } from '../../../src/lifecycle/context.ts';
import { DEFAULT_STOP_TIMEOUTS } from '../../../src/lifecycle/ports.ts';
import { type ProcessRef, processRef } from '../../../src/lifecycle/process-ref.ts';
import { commandLogger, type Logger } from '../../../src/log/logger.ts';
import { FakeClock } from './clock.ts';
import { FakeHost } from './host.ts';
import { ProcessTable } from './processes.ts';
import { FakeRunc } from './runc.ts';

export interface LogRecord {
  message: string;
  level: string;
  data: Record<string, string>;
}

export class World {
  readonly dir: string;
  readonly root: RootPaths;
  readonly clock = new FakeClock();
  readonly procs = new ProcessTable(this.clock);
  readonly runc: FakeRunc;
  readonly host: FakeHost;
  readonly abort = new AbortController();
  readonly op: Operation;
  readonly lines: string[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'bpm-lifecycle-'));
    this.root = new RootPaths(this.dir);
    this.runc = new FakeRunc(this.root.runcRoot, this.procs);
    this.host = new FakeHost(this.runc, this.procs);
    this.op = {
      host: this.host,
      clock: this.clock,
      stopTimeouts: DEFAULT_STOP_TIMEOUTS,
      signal: this.abort.signal,
    };
  }

  /** Write R/jobs/JOB/config/bpm.yml. */
  addJob(job: string, yaml: string): void {
    const dir = join(this.dir, 'jobs', job, 'config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bpm.yml'), yaml);
  }

  ref(job: string, proc = job): ProcessRef {
    return processRef(this.root, job, proc);
  }

  logger(command: string, ref: ProcessRef): Logger {
    return commandLogger({ write: (line) => this.lines.push(line) }, command, ref.job, ref.proc);
  }

  records(): LogRecord[] {
    return this.lines.map((l) => JSON.parse(l) as LogRecord);
  }

  /** `message` of each record, `!` appended for errors. */
  events(): string[] {
    return this.records().map((r) => (r.level === 'error' ? `${r.message}!` : r.message));
  }

  /** The `error` of the record with `message`. */
  errorOf(message: string): string | undefined {
    return this.records().find((r) => r.message === message)?.data['error'];
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A job with one process `web` running `/bin/web` (and `extra` YAML appended to it). */
export function webJob(extra = ''): string {
  return `processes:\n- name: web\n  executable: /bin/web\n${extra}`;
}

/**
 * A fresh World with the job of webJob() before each test of the enclosing describe, removed
 * after it: `let w: World; eachWorld((world) => { w = world; });`.
 */
export function eachWorld(use: (world: World) => void): void {
  let current: World | undefined;
  beforeEach(() => {
    current = new World();
    current.addJob('web', webJob());
    use(current);
  });
  afterEach(() => current?.cleanup());
}

/** The events of the set-up session (docs/behaviour/commands.md §10.1) of `command`, in order. */
export function setupEvents(command: 'start' | 'run'): string[] {
  const steps = [
    'starting',
    'creating-job-prerequisites',
    'building-spec',
    'creating-bundle',
    'running-container',
    'complete',
  ];
  return steps.map((step) => `bpm.${command}.${command}-process.${step}`);
}

/** The events of removing a process (docs/behaviour/commands.md §10.3) logged by `command`. */
export function removalEvents(command: 'start' | 'stop' | 'run'): string[] {
  return ['forcefully-deleting-container', 'destroying-bundle', 'deleting-pidfile'].map(
    (e) => `bpm.${command}.${e}`,
  );
}
