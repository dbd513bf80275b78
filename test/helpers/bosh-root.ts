// A throw-away BOSH root for integration tests that drive the real `bin/bpm` against real runc.
//
//   const r = await BoshRoot.create();          // R = /tmp/bpm-it-XXXX, with runc, tini, packages, store
//   const job = r.uniqueJob('web');            // job names are global (cgroup paths): keep them unique
//   r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
//            { run: '#!/bin/sh\nexec sleep 1000\n' });
//   const res = await r.bpm('start', job);     // { code, signal, stdout, stderr, ms }
//   await r.cleanup();                         // force-deletes containers, unmounts, removes R
//
// Requirements (checked by `skipReason()`): root, /usr/sbin/runc, /usr/bin/tini-static, the vcap user,
// and a built bundle (dist/main.js; `npm test` builds first).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { RootPaths } from '../../src/bosh/paths.ts';
import { containerId } from '../../src/ids/container-id.ts';

export const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const BPM = join(REPO, 'bin', 'bpm');
export const HOST_RUNC = '/usr/sbin/runc';
export const HOST_TINI = '/usr/bin/tini-static';

/**
 * How many times slower than this host the machine running the tests is: BPM_TEST_TIME_SCALE
 * (default 1). The Noble VM emulates its CPU, so `npm run test:noble` sets 20. Waits and upper
 * bounds on durations are multiplied by it (`scaledMs`); lower bounds that bpm itself promises
 * (e.g. the 20 s before SIGQUIT) are not.
 */
export const TIME_SCALE = timeScale(process.env['BPM_TEST_TIME_SCALE']);

function timeScale(text: string | undefined): number {
  const n = Number(text ?? '1');
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** `ms` on this host → `ms` on the machine running the tests. */
export function scaledMs(ms: number): number {
  return Math.round(ms * TIME_SCALE);
}

export interface BpmResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock duration of the bpm invocation in milliseconds. */
  ms: number;
}

export interface BpmOptions {
  env?: Record<string, string>;
  /** Kill bpm (SIGKILL) after this many ms (scaled by TIME_SCALE); default 60 s. */
  timeoutMs?: number;
}

/** One parsed bpm.log line. */
export interface LogLine {
  timestamp: string;
  level: string;
  source: string;
  message: string;
  data: Record<string, string>;
}

/** Why integration tests cannot run here, or undefined when they can. Pass it to `test(…, { skip })`. */
export function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'integration tests need root (runc containers)';
  if (!existsSync(HOST_RUNC)) return `integration tests need runc at ${HOST_RUNC}`;
  if (!existsSync(HOST_TINI)) return `integration tests need tini at ${HOST_TINI}`;
  if (
    !readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .some((l) => l.startsWith('vcap:'))
  ) {
    return 'integration tests need the vcap user (run scripts/setup.sh)';
  }
  if (!existsSync(join(REPO, 'dist', 'main.js')))
    return 'integration tests need the built bundle (npm run build)';
  return undefined;
}

let counter = 0;

export class BoshRoot {
  readonly root: string;
  readonly paths: RootPaths;
  private readonly children = new Set<ChildProcess>();

  private constructor(root: string) {
    this.root = root;
    this.paths = new RootPaths(root);
  }

  /**
   * A fresh root under `options.parent`, else BPM_TEST_ROOT_PARENT, else /tmp (the Noble VM's
   * /tmp is a tmpfs, so `npm run test:noble` uses /var/tmp, on disk as /var/vcap/data is):
   * packages/bpm/bin/{runc,tini}, data/packages, store, jobs.
   */
  static create(options: { parent?: string } = {}): BoshRoot {
    const parent = options.parent ?? process.env['BPM_TEST_ROOT_PARENT'] ?? '/tmp';
    const root = mkdtempSync(join(parent, 'bpm-it-'));
    chmodSync(root, 0o755);
    const r = new BoshRoot(root);
    const bin = join(root, 'packages', 'bpm', 'bin');
    mkdirSync(bin, { recursive: true, mode: 0o755 });
    symlinkSync(HOST_RUNC, join(bin, 'runc'));
    copyFileSync(HOST_TINI, join(bin, 'tini'));
    chmodSync(join(bin, 'tini'), 0o755);
    for (const d of ['data/packages', 'store', 'jobs'])
      mkdirSync(join(root, d), { recursive: true, mode: 0o755 });
    return r;
  }

  /** A job name unique on this host (container ids and cgroup paths are not scoped by R). */
  uniqueJob(prefix: string): string {
    counter += 1;
    return `${prefix}-${process.pid}-${counter}`;
  }

  /** External path of a job's script `R/jobs/JOB/bin/NAME`. */
  jobScript(job: string, name: string): string {
    return join(this.root, 'jobs', job, 'bin', name);
  }

  /** In-container path of the same script (`/var/vcap/jobs/JOB/bin/NAME`), for `executable:`. */
  jobBin(job: string, name: string): string {
    return `/var/vcap/jobs/${job}/bin/${name}`;
  }

  /** Write R/jobs/JOB/config/bpm.yml (an object is YAML-serialised) and executable bin/ scripts. */
  addJob(job: string, config: string | object, scripts: Record<string, string> = {}): void {
    const dir = join(this.root, 'jobs', job);
    mkdirSync(join(dir, 'config'), { recursive: true, mode: 0o755 });
    mkdirSync(join(dir, 'bin'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, 'config', 'bpm.yml'), typeof config === 'string' ? config : stringify(config));
    for (const [name, body] of Object.entries(scripts)) this.writeScript(job, name, body);
  }

  writeScript(job: string, name: string, body: string): string {
    const file = this.jobScript(job, name);
    mkdirSync(join(this.root, 'jobs', job, 'bin'), { recursive: true, mode: 0o755 });
    writeFileSync(file, body);
    chmodSync(file, 0o755);
    return file;
  }

  /** Start `bin/bpm ARGS` with BPM_BOSH_ROOT=R; the child is killed by cleanup() if still running. */
  spawnBpm(args: string[], options: BpmOptions = {}): { child: ChildProcess; done: Promise<BpmResult> } {
    const started = performance.now();
    const child = spawn(BPM, args, {
      env: { ...process.env, ...options.env, BPM_BOSH_ROOT: this.root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), scaledMs(options.timeoutMs ?? 60_000));
    const done = new Promise<BpmResult>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ms: performance.now() - started,
        });
      });
    });
    return { child, done };
  }

  /** Run `bin/bpm ARGS` to completion. */
  bpm(...args: string[]): Promise<BpmResult> {
    return this.spawnBpm(args).done;
  }

  bpmWith(options: BpmOptions, ...args: string[]): Promise<BpmResult> {
    return this.spawnBpm(args, options).done;
  }

  /** `runc --root R/sys/run/bpm-runc ARGS` with the host runc, synchronously. */
  runc(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(HOST_RUNC, ['--root', this.paths.runcRoot, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** runc's raw state of JOB/PROC, or undefined when the container does not exist. */
  containerState(job: string, proc = job): { status: string; pid: number } | undefined {
    const r = this.runc('state', containerId(job, proc));
    if (r.code !== 0) return undefined;
    const s = JSON.parse(r.stdout) as { status: string; pid: number };
    return { status: s.status, pid: s.pid };
  }

  /** runc's cgroup directories of JOB/PROC (state.json `cgroup_paths`: controller → directory). */
  cgroupPaths(job: string, proc = job): Record<string, string> {
    const file = join(this.paths.runcRoot, containerId(job, proc), 'state.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { cgroup_paths: Record<string, string> }).cgroup_paths;
  }

  /** The host pids in JOB/PROC's cgroups right now, over every hierarchy, sorted. */
  cgroupPids(job: string, proc = job): number[] {
    const pids = new Set<number>();
    for (const dir of Object.values(this.cgroupPaths(job, proc))) {
      const procs = join(dir, 'cgroup.procs');
      if (!existsSync(procs)) continue;
      for (const line of readFileSync(procs, 'utf8').split('\n')) if (line !== '') pids.add(Number(line));
    }
    return [...pids].sort((a, b) => a - b);
  }

  /** Container ids present in the runc root (from its directory, so broken ones count too). */
  containerIds(): string[] {
    try {
      return readdirSync(this.paths.runcRoot).sort();
    } catch {
      return [];
    }
  }

  pidFile(job: string, proc = job): string {
    return this.paths.job(job).pidFile(proc);
  }

  readLog(job: string, file: string): string {
    try {
      return readFileSync(join(this.paths.job(job).logDir, file), 'utf8');
    } catch {
      return '';
    }
  }

  /** The parsed lines of R/sys/log/JOB/bpm.log. */
  bpmLog(job: string): LogLine[] {
    return this.readLog(job, 'bpm.log')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as LogLine);
  }

  /** Kill leftover bpm children, force-delete every container, unmount anything under R, remove R. */
  async cleanup(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    for (const id of this.containerIds()) {
      if (this.runc('delete', '--force', id).code === 0) continue;
      // Broken state: kill the init (if readable) and everything in its cgroups, then drop the state.
      killContainerLeftovers(join(this.paths.runcRoot, id), id);
      rmSync(join(this.paths.runcRoot, id), { recursive: true, force: true });
    }
    for (const mountPoint of mountsUnder(this.root)) spawnSync('umount', ['-l', mountPoint]);
    rmSync(this.root, { recursive: true, force: true });
  }
}

function mountsUnder(root: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const points = lines
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === root || p.startsWith(`${root}/`));
  return points.sort((a, b) => b.length - a.length);
}

function killContainerLeftovers(stateDir: string, id: string): void {
  try {
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as {
      init_process_pid?: number;
    };
    if (state.init_process_pid) process.kill(state.init_process_pid, 'SIGKILL');
  } catch {
    // unreadable state: fall through to the cgroups
  }
  for (const ctrl of safeReaddir('/sys/fs/cgroup')) {
    const procs = join('/sys/fs/cgroup', ctrl, id, 'cgroup.procs');
    if (!existsSync(procs)) continue;
    for (const pid of readFileSync(procs, 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `promise`'s value, or undefined once `ms` milliseconds (not scaled) have passed first. The timer
 * is cleared as soon as the race is decided: a pending one would keep the test file's process alive
 * until it fires (with a race against `sleep`, a 30 s bound kept every run of the file 30 s longer,
 * 10 minutes in the Noble VM at its time scale).
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Poll `check` every 20 ms until it returns true or `timeoutMs` (scaled) passes; returns the last result. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = performance.now() + scaledMs(timeoutMs);
  while (performance.now() < deadline) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

/** Whether `pid` is a live process (a zombie, which has exited but is not yet reaped, is not). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
