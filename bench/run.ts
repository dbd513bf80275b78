// Side-by-side benchmark: bpm against the runc floor, in a temporary BOSH root.
// Run as root after `npm run build`:  npm run bench  [-- --runs 7]
// Prints medians of N runs (after one warm-up) and each figure's ratio to the floor (a).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bpmBin,
  bpm as bpmIn,
  floorBundle,
  floorRun,
  floorStop,
  load,
  makeRoot,
  measure as measureRuns,
  removeRoot,
  sleeperYml,
  timed,
  writeJob,
} from './support.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const PARALLEL = 30;

const br = makeRoot();
const { root, env, runc } = br;

function setupRoot(): void {
  writeJob(br, 'sleeper', sleeperYml('sleeper'));
  for (let i = 0; i < PARALLEL; i++) writeJob(br, `j${i}`, sleeperYml(`j${i}`));
  // Exits 0.3 s after TERM: the shell's trap runs as soon as `wait` is interrupted.
  writeJob(
    br,
    'slowstop',
    'processes:\n- name: slowstop\n  executable: /bin/sh\n  args: ["-c", "trap \'sleep 0.3; exit 0\' TERM; sleep 1000 & wait"]\n',
  );
}

const bpm = (...args: string[]) => bpmIn(br, ...args);
const measure = (label: string, once: () => Promise<number>) => measureRuns(label, RUNS, once);

/** (a) the same config.json bpm generates, driven by runc directly. */
function floorCycle(bundle: string): Promise<number> {
  return timed(async () => {
    await floorRun(br, bundle, 'bpm-floor', 'sleeper');
    await floorStop(br, 'bpm-floor');
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
  process.stderr.write(
    `bench: BOSH root ${root}, ${RUNS} runs + 1 warm-up each, node ${process.version}, load ${load()}\n`,
  );
  await bpm('start', 'sleeper');
  const bundle = floorBundle(br, 'sleeper', 'bpm-floor');
  await bpm('stop', 'sleeper');

  const a = await measure('(a) runc floor: run --detach + kill + delete', () => floorCycle(bundle));
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
  removeRoot(br);
}
