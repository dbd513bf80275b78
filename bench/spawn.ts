// What starting runc costs the supervisor's event loop: Node's child_process (fork + exec, the
// calling thread waiting for the exec) against sys/posix-spawn.ts (posix_spawn on a libuv worker,
// waitid on another), in a process built up to the supervisor's size with 30 jobs (~75-110 MiB,
// 64 libuv workers). Both start `runc --version` N times at once, as 30 starts and 30 stops do.
//   node bench/spawn.ts [--runs 5] [--n 60]
// Prints, per variant, the medians of the wall time and of the main thread's own CPU time
// (/proc/self/task/PID/schedstat), and the posix_spawn figures as ratios of child_process's.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { spawnChild } from '../src/sys/posix-spawn.ts';
import { load, mainThreadCpuMs, median, withSupervisorPool } from './support.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 5);
const N = arg('--n', 60);
const runc = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => existsSync(p));
if (runc === undefined) throw new Error('runc is not installed (run scripts/setup.sh)');

await withSupervisorPool(main);

async function nodeSpawn(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(runc!, ['--version'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

async function posixSpawn(): Promise<void> {
  const child = await spawnChild(runc!, [runc!, '--version'], process.env, ['ignore', 'ignore', 'ignore']);
  await child.exited;
}

async function main(): Promise<void> {
  // The supervisor's shape: ~40 MiB of heap and buffers, every libuv worker started.
  const ballast: unknown[] = [];
  for (let i = 0; i < 300; i++) ballast.push(Buffer.alloc(100_000, 1));
  for (let i = 0; i < 200_000; i++) ballast.push({ i, s: `x${i}` });
  await Promise.all(Array.from({ length: 64 }, () => stat('/')));
  const rss = (): string => (process.memoryUsage().rss / 1048576).toFixed(0);
  console.log(
    `bench:spawn: ${N} ∥ runc --version, ${RUNS} runs after a warm-up; RSS ${rss()} MiB; load ${load()}`,
  );
  const figures = new Map<string, { wall: number[]; cpu: number[] }>();
  const variants: [string, () => Promise<void>][] = [
    ['child_process', nodeSpawn],
    ['posix_spawn', posixSpawn],
  ];
  for (let run = 0; run <= RUNS; run++) {
    for (const [name, start] of variants) {
      const t0 = performance.now();
      const c0 = mainThreadCpuMs();
      await Promise.all(Array.from({ length: N }, start));
      const cpu = mainThreadCpuMs() - c0;
      const wall = performance.now() - t0;
      if (run === 0) continue; // warm-up
      const f = figures.get(name) ?? { wall: [], cpu: [] };
      f.wall.push(wall);
      f.cpu.push(cpu);
      figures.set(name, f);
    }
  }
  const base = figures.get('child_process')!;
  for (const [name, f] of figures) {
    const wall = median(f.wall);
    const cpu = median(f.cpu);
    console.log(
      `  ${name.padEnd(14)} wall ${wall.toFixed(0).padStart(5)} ms (${(wall / median(base.wall)).toFixed(2)}x)   main-thread CPU ${cpu.toFixed(1).padStart(6)} ms (${(cpu / median(base.cpu)).toFixed(2)}x)`,
    );
  }
  console.log(`load at the end ${load()}`);
}
