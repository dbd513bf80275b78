// Side-by-side benchmark: bpm against the runc floor, in a temporary BOSH root.
// Run as root after `npm run build`:  npm run bench  [-- --runs 7]
// Prints medians of N runs (after one warm-up) and each figure's ratio to the floor (a).
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

const repo = new URL('..', import.meta.url).pathname;
const bpmBin = join(repo, 'bin', 'bpm');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const PARALLEL = 30;

const root = mkdtempSync('/tmp/bpm-bench-');
const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', BPM_BOSH_ROOT: root };
const runc = join(root, 'packages', 'bpm', 'bin', 'runc');
const runcRoot = join(root, 'sys', 'run', 'bpm-runc');

function writeJob(name: string, yml: string): void {
  mkdirSync(join(root, 'jobs', name, 'config'), { recursive: true });
  writeFileSync(join(root, 'jobs', name, 'config', 'bpm.yml'), yml);
}

function setupRoot(): void {
  mkdirSync(join(root, 'packages', 'bpm', 'bin'), { recursive: true });
  mkdirSync(join(root, 'data', 'packages'), { recursive: true });
  mkdirSync(join(root, 'store'), { recursive: true });
  const systemRunc = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => existsSync(p));
  if (!systemRunc) throw new Error('runc is not installed (run scripts/setup.sh)');
  symlinkSync(systemRunc, runc);
  writeFileSync(join(root, 'runc-path'), systemRunc);
  copyFileSync('/usr/bin/tini-static', join(root, 'packages', 'bpm', 'bin', 'tini'));
  chmodSync(join(root, 'packages', 'bpm', 'bin', 'tini'), 0o755);
  const sleeper = (name: string) =>
    `processes:\n- name: ${name}\n  executable: /bin/sleep\n  args: ["1000"]\n`;
  writeJob('sleeper', sleeper('sleeper'));
  for (let i = 0; i < PARALLEL; i++) writeJob(`j${i}`, sleeper(`j${i}`));
  // Exits 0.3 s after TERM: the shell's trap runs as soon as `wait` is interrupted.
  writeJob(
    'slowstop',
    'processes:\n- name: slowstop\n  executable: /bin/sh\n  args: ["-c", "trap \'sleep 0.3; exit 0\' TERM; sleep 1000 & wait"]\n',
  );
}

function run(cmd: string, args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
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

const bpm = (...args: string[]) => run(bpmBin, args);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function measure(label: string, once: () => Promise<number>): Promise<number> {
  await once(); // warm-up (page cache, compile cache)
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await once());
  const m = median(xs);
  process.stderr.write(`  ${label}: ${xs.map((x) => x.toFixed(0)).join(' ')} ms\n`);
  return m;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** (a) the same config.json bpm generates, driven by runc directly. */
function prepareFloorBundle(): string {
  const bundle = join(root, 'floor-bundle');
  const spec = JSON.parse(
    readFileSync(join(root, 'data', 'bpm', 'bundles', 'sleeper', 'sleeper', 'config.json'), 'utf8'),
  );
  mkdirSync(join(bundle, 'rootfs'), { recursive: true });
  spec.root.path = join(bundle, 'rootfs');
  if (spec.linux?.cgroupsPath)
    spec.linux.cgroupsPath = spec.linux.cgroupsPath.replace(/bpm-sleeper$/, 'bpm-floor');
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

async function floorCycle(bundle: string): Promise<number> {
  const pidFile = join(root, 'sys', 'run', 'bpm', 'sleeper', 'floor.pid');
  const log = join(root, 'sys', 'log', 'sleeper', 'floor.stdout.log');
  return timed(async () => {
    // The shell only sets up the same output redirection bpm gives runc, then execs runc.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        '/bin/sh',
        [
          '-c',
          `exec "$0" --root "$1" run --bundle "$2" --pid-file "$3" --detach bpm-floor >>"$4" 2>>"$4"`,
          runc,
          runcRoot,
          bundle,
          pidFile,
          log,
        ],
        { env, stdio: 'ignore' },
      );
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`runc run exited ${code}`))));
    });
    await run(runc, ['--root', runcRoot, 'kill', 'bpm-floor', 'TERM']);
    await run(runc, ['--root', runcRoot, 'delete', '--force', 'bpm-floor']);
  });
}

/** runc invocations per bpm command, counted through a wrapper put in place of runc for this pass only. */
async function runcSpawns(): Promise<Record<string, number>> {
  const counter = join(root, 'runc-calls');
  const systemRunc = readFileSync(join(root, 'runc-path'), 'utf8');
  rmSync(runc);
  writeFileSync(runc, `#!/bin/sh\necho "$*" >> '${counter}'\nexec '${systemRunc}' "$@"\n`, { mode: 0o755 });
  const counts: Record<string, number> = {};
  const count = async (label: string, args: string[]) => {
    rmSync(counter, { force: true });
    await bpm(...args);
    counts[label] = existsSync(counter) ? readFileSync(counter, 'utf8').trim().split('\n').length : 0;
  };
  try {
    await count('start', ['start', 'sleeper']);
    await count('list', ['list']);
    await count('stop', ['stop', 'sleeper']);
    await count('version', ['version']);
  } finally {
    rmSync(runc);
    symlinkSync(systemRunc, runc);
  }
  return counts;
}

function peakRssKiB(args: string[]): number {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', bpmBin, ...args], { env, encoding: 'utf8' });
  const line = r.stderr.trim().split('\n').pop() ?? '';
  return Number(line);
}

async function main(): Promise<void> {
  setupRoot();
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  process.stderr.write(
    `bench: BOSH root ${root}, ${RUNS} runs + 1 warm-up each, node ${process.version}, load ${load()}\n`,
  );
  await bpm('start', 'sleeper');
  const floorBundle = prepareFloorBundle();
  await bpm('stop', 'sleeper');

  const a = await measure('(a) runc floor: run --detach + kill + delete', () => floorCycle(floorBundle));
  const b = await measure('(b) bpm start + stop', () =>
    timed(async () => {
      await bpm('start', 'sleeper');
      await bpm('stop', 'sleeper');
    }),
  );
  const c = await measure('(c) bpm stop of a process exiting 0.3 s after TERM', async () => {
    await bpm('start', 'slowstop');
    await new Promise((r) => setTimeout(r, 100));
    return bpm('stop', 'slowstop');
  });
  const jobs = Array.from({ length: PARALLEL }, (_, i) => `j${i}`);
  const d = await measure(`(d) ${PARALLEL} parallel start + list + ${PARALLEL} parallel stop`, () =>
    timed(async () => {
      await Promise.all(jobs.map((j) => bpm('start', j)));
      await bpm('list');
      await Promise.all(jobs.map((j) => bpm('stop', j)));
    }),
  );
  await Promise.all(jobs.map((j) => bpm('start', j)));
  const e = await measure(`(e) list with ${PARALLEL} running`, () => bpm('list'));
  const rssList = peakRssKiB(['list']);
  await Promise.all(jobs.map((j) => bpm('stop', j)));
  const f = await measure('(f) bpm version', () => bpm('version'));
  const rssStart = peakRssKiB(['start', 'sleeper']);
  const rssStop = peakRssKiB(['stop', 'sleeper']);
  const rss = Math.max(rssList, rssStart, rssStop) / 1024;
  const spawns = await runcSpawns();

  const row = (label: string, ms: number, target: string) =>
    `${label.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms ${(ms / a).toFixed(2).padStart(7)}x   target ${target}`;
  const lines = [
    '',
    `figure${' '.repeat(43)}median    ratio to (a)`,
    row('(a) runc floor (run --detach, kill, delete)', a, '1.00x'),
    row('(b) bpm start + stop', b, '<= 1.5x'),
    row('(c) stop, process exits 0.3 s after TERM', c, `<= 400 ms (${(c / 300).toFixed(2)}x of 0.3 s)`),
    row(`(d) ${PARALLEL} parallel start + list + stop`, d, '<= 22x'),
    row(`(e) list with ${PARALLEL} running`, e, '<= 0.5x'),
    row('(f) bpm version', f, '<= 0.4x'),
    `peak RSS of one invocation (max of start, stop, list): ${rss.toFixed(1)} MiB   target <= 60 MiB`,
    `runc spawns per command: ${Object.entries(spawns)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (upstream: start 2, stop 4, list 1)`,
    `load average at the end: ${load()}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  const list = spawnSync(runc, ['--root', runcRoot, 'list', '--format', 'json'], { encoding: 'utf8' });
  for (const c of (JSON.parse(list.stdout || 'null') ?? []) as Array<{ id: string }>) {
    spawnSync(runc, ['--root', runcRoot, 'delete', '--force', c.id]);
  }
  rmSync(root, { recursive: true, force: true });
}
