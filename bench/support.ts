// What the bench scripts share: a temporary BOSH root with real runc and tini, a child-process
// timer, medians, and the runc floor's bundles (the config.json bpm generated, run by runc itself).
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

export const repo = new URL('..', import.meta.url).pathname;
export const bpmBin = join(repo, 'bin', 'bpm');

export interface BenchRoot {
  root: string;
  env: Record<string, string>;
  runc: string;
  runcRoot: string;
}

export function makeRoot(): BenchRoot {
  const root = mkdtempSync('/tmp/bpm-bench-');
  const runc = join(root, 'packages', 'bpm', 'bin', 'runc');
  mkdirSync(join(root, 'packages', 'bpm', 'bin'), { recursive: true });
  mkdirSync(join(root, 'data', 'packages'), { recursive: true });
  mkdirSync(join(root, 'store'), { recursive: true });
  const systemRunc = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => existsSync(p));
  if (!systemRunc) throw new Error('runc is not installed (run scripts/setup.sh)');
  symlinkSync(systemRunc, runc);
  writeFileSync(join(root, 'runc-path'), systemRunc);
  copyFileSync('/usr/bin/tini-static', join(root, 'packages', 'bpm', 'bin', 'tini'));
  chmodSync(join(root, 'packages', 'bpm', 'bin', 'tini'), 0o755);
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', BPM_BOSH_ROOT: root };
  return { root, env, runc, runcRoot: join(root, 'sys', 'run', 'bpm-runc') };
}

export function writeJob(b: BenchRoot, name: string, yml: string): void {
  mkdirSync(join(b.root, 'jobs', name, 'config'), { recursive: true });
  writeFileSync(join(b.root, 'jobs', name, 'config', 'bpm.yml'), yml);
}

export const sleeperYml = (name: string, extra = ''): string =>
  `processes:\n- name: ${name}\n  executable: /bin/sleep\n  args: ["1000"]\n${extra}`;

/** Run a command to its end; resolves with its wall time in ms, rejects on a non-zero exit. */
export function run(b: BenchRoot, cmd: string, args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: b.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}

export const bpm = (b: BenchRoot, ...args: string[]): Promise<number> => run(b, bpmBin, args);

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Median of `runs` runs after one warm-up (page cache, code cache); the runs go to stderr. */
export async function measure(label: string, runs: number, once: () => Promise<number>): Promise<number> {
  await once();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await once());
  process.stderr.write(`  ${label}: ${xs.map((x) => x.toFixed(0)).join(' ')} ms\n`);
  return median(xs);
}

/**
 * Several figures measured in turns: one warm-up of each, then `runs` rounds of all of them, each
 * round starting one further along (a, b, c; b, c, a; ...), so that a drift of the machine over
 * the run (the load, the slow-down dropCaches undoes) reaches each figure
 * alike instead of the last one measured. The medians, in the order given; the runs go to stderr.
 */
export async function measureInTurns(
  runs: number,
  figures: ReadonlyArray<{ label: string; once: () => Promise<number> }>,
): Promise<number[]> {
  for (const f of figures) await f.once();
  const xs = figures.map((): number[] => []);
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < figures.length; k++) {
      const i = (r + k) % figures.length;
      xs[i]!.push(await figures[i]!.once());
    }
  }
  for (const [i, f] of figures.entries())
    process.stderr.write(`  ${f.label}: ${xs[i]!.map((x) => x.toFixed(0)).join(' ')} ms\n`);
  return xs.map(median);
}

/**
 * Free the page cache (`sync; echo 1 > /proc/sys/vm/drop_caches`, root only) before a figure. On
 * this VM, container starts got ~1.3-1.6x slower over a few hundred containers' runs, and
 * dropping the page cache brought them back (docs/performance.md, "The supervisor"); the figure's
 * warm-up reads the binaries back. BPM_BENCH_KEEP_CACHES=1 skips it. False when not done.
 */
export function dropCaches(): boolean {
  if (process.env['BPM_BENCH_KEEP_CACHES'] === '1') return false;
  try {
    spawnSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch {
    return false;
  }
}

export const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/**
 * A copy of the bundle bpm made for JOB/PROC (running now), under the id `floorId`, for runc to run
 * directly: same config.json, own rootfs mount point, bind sources and cgroup.
 */
export function floorBundle(b: BenchRoot, job: string, floorId: string): string {
  const bundle = join(b.root, 'floor-bundles', floorId);
  const spec = JSON.parse(
    readFileSync(join(b.root, 'data', 'bpm', 'bundles', job, job, 'config.json'), 'utf8'),
  );
  mkdirSync(join(bundle, 'rootfs'), { recursive: true });
  spec.root.path = join(bundle, 'rootfs');
  // bpm's staged bind sources (R/data/bpm/mounts/...) go with its container: give the floor its own.
  const staged = join(b.root, 'data', 'bpm', 'mounts');
  for (const m of spec.mounts as Array<{ source: string }>) {
    if (!m.source.startsWith(`${staged}/`)) continue;
    m.source = join(bundle, 'mounts', m.source.slice(staged.length + 1));
    mkdirSync(m.source, { recursive: true });
  }
  const cgroup: unknown = spec.linux?.cgroupsPath;
  if (typeof cgroup === 'string' && cgroup.endsWith(`bpm-${job}`))
    spec.linux.cgroupsPath = cgroup.slice(0, -`bpm-${job}`.length) + floorId;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

/** `runc run --detach` of a floor bundle with the pid file and output redirection bpm gives runc. */
export function floorRun(b: BenchRoot, bundle: string, floorId: string, job: string): Promise<void> {
  const pidFile = join(b.root, 'sys', 'run', 'bpm', job, `${floorId}.pid`);
  const log = join(b.root, 'sys', 'log', job, `${floorId}.stdout.log`);
  return new Promise<void>((resolve, reject) => {
    // The shell only sets up the redirection, then execs runc.
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        `exec "$0" --root "$1" run --bundle "$2" --pid-file "$3" --detach "$5" >>"$4" 2>>"$4"`,
        b.runc,
        b.runcRoot,
        bundle,
        pidFile,
        log,
        floorId,
      ],
      { env: b.env, stdio: 'ignore' },
    );
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`runc run exited ${code}`))));
  });
}

export async function floorStop(b: BenchRoot, floorId: string): Promise<void> {
  await run(b, b.runc, ['--root', b.runcRoot, 'kill', floorId, 'TERM']);
  await run(b, b.runc, ['--root', b.runcRoot, 'delete', '--force', floorId]);
}

/** Delete every container left in the root and remove it. */
export function removeRoot(b: BenchRoot): void {
  const list = spawnSync(b.runc, ['--root', b.runcRoot, 'list', '--format', 'json'], { encoding: 'utf8' });
  for (const c of (JSON.parse(list.stdout || 'null') ?? []) as Array<{ id: string }>) {
    spawnSync(b.runc, ['--root', b.runcRoot, 'delete', '--force', c.id]);
  }
  rmSync(b.root, { recursive: true, force: true });
}

/** The main thread's schedstat: time on a CPU, and time runnable but waiting for one (ms). */
export function mainThreadSched(): { cpu: number; queued: number } {
  const [cpu, queued] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
  return { cpu: Number(cpu) / 1e6, queued: Number(queued) / 1e6 };
}

export const mainThreadCpuMs = (): number => mainThreadSched().cpu;

/**
 * Run `main` with libuv's pool at the supervisor's size for 30 jobs (4 + 2 per job): the size is
 * read when the pool first starts, so without UV_THREADPOOL_SIZE this script re-runs itself with it.
 */
export async function withSupervisorPool(main: () => Promise<void>): Promise<void> {
  if (process.env['UV_THREADPOOL_SIZE'] !== undefined) return main();
  const child = spawn(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, UV_THREADPOOL_SIZE: '64' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
}
