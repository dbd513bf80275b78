// What a captured runc call (`runc state`, `runc list`) costs the supervisor's event loop: Node's
// child_process with pipes (fork + exec, the calling thread waiting for the exec, then a 'data'
// callback per chunk) against src/runc/spawn.ts's captureCombined/captureApart (posix_spawn on a
// libuv worker, the output in anonymous files read once runc has exited), in a process built up
// to the supervisor's size with 30 jobs (~80 MiB, 64 libuv workers).
//   node bench/capture.ts [--runs 5] [--n 30]
// Real runc against an empty state root: `state bpm-none` (combined output) and `list` (apart).
// Per variant and per call, one call at a time: the event loop's busy time (everything but its
// wait for events: performance.eventLoopUtilization), the longest synchronous stretch of the call
// (performance.now() around the call up to its first await, and around each callback or
// continuation), and the main thread's own CPU time (/proc/self/task/PID/schedstat). Then N calls
// at once, as N stops do: the event loop's busy time, the main thread's CPU time and its time
// runnable but waiting for a CPU (schedstat's second figure), and the wall time of the batch.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureApart, captureCombined } from '../src/runc/spawn.ts';
import { load, mainThreadCpuMs, mainThreadSched, median, withSupervisorPool } from './support.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 5);
const N = arg('--n', 30);
const runc = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => existsSync(p));
if (runc === undefined) throw new Error('runc is not installed (run scripts/setup.sh)');

/** The longest synchronous stretch seen since the last reset (ms). */
let longest = 0;
function stretch<T>(fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    longest = Math.max(longest, performance.now() - t0);
  }
}

/** What spawn.ts did before: child_process with pipes, output gathered from 'data' events. */
function viaChildProcess(args: string[], apart: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const child = stretch(() => spawn(runc!, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    child.stdout?.on('data', (c: Buffer) => stretch(() => out.push(c)));
    child.stderr?.on('data', (c: Buffer) => stretch(() => (apart ? err : out).push(c)));
    child.once('error', reject);
    child.once('close', () =>
      stretch(() => {
        Buffer.concat(out);
        Buffer.concat(err);
        resolve();
      }),
    );
  });
}

/** spawn.ts now: the part before the first await, and the continuation after runc's end. */
async function viaPosixSpawn(args: string[], apart: boolean): Promise<void> {
  const call = stretch(() => (apart ? captureApart(runc!, args) : captureCombined(runc!, args)));
  // The read of the anonymous files and their close run in the continuation that resolves `call`;
  // their share is in the event loop's busy time (below), not in this stretch.
  await call;
}

async function main(): Promise<void> {
  // The supervisor's shape: ~10 MiB of heap, every libuv worker started.
  const ballast: unknown[] = [];
  for (let i = 0; i < 50_000; i++) ballast.push({ i, s: `x${i}` });
  await Promise.all(Array.from({ length: 64 }, () => stat('/')));
  const threads = readFileSync('/proc/self/status', 'utf8').match(/^Threads:\s+(\d+)/m)?.[1];
  const rss = (): string => (process.memoryUsage().rss / 1048576).toFixed(0);
  const root = mkdtempSync(join(tmpdir(), 'bpm-bench-capture-'));
  const calls: [string, string[], boolean][] = [
    ['state (combined)', ['--root', root, '--log-format', 'json', 'state', 'bpm-none'], false],
    ['list (apart)', ['--root', root, 'list', '--format', 'json'], true],
  ];
  const variants: [string, (args: string[], apart: boolean) => Promise<void>][] = [
    ['child_process', viaChildProcess],
    ['posix_spawn', viaPosixSpawn],
  ];
  console.log(
    `bench:capture: real runc, ${RUNS} runs after a warm-up; RSS ${rss()} MiB, ${threads} threads; load ${load()}`,
  );
  try {
    for (const [call, args, apart] of calls) {
      const one = new Map<string, { busy: number[]; longest: number[]; cpu: number[] }>();
      const batch = new Map<string, { busy: number[]; cpu: number[]; queued: number[]; wall: number[] }>();
      for (let run = 0; run <= RUNS; run++) {
        for (const [name, capture] of variants) {
          // One at a time: per call.
          const f = one.get(name) ?? { busy: [], longest: [], cpu: [] };
          for (let i = 0; i < N; i++) {
            longest = 0;
            const e0 = performance.eventLoopUtilization();
            const c0 = mainThreadCpuMs();
            await capture(args, apart);
            const cpu = mainThreadCpuMs() - c0;
            const busy = performance.eventLoopUtilization(e0).active;
            if (run === 0) continue; // warm-up
            f.busy.push(busy);
            f.longest.push(longest);
            f.cpu.push(cpu);
          }
          one.set(name, f);
          // N at once.
          const e0 = performance.eventLoopUtilization();
          const s0 = mainThreadSched();
          const t0 = performance.now();
          await Promise.all(Array.from({ length: N }, () => capture(args, apart)));
          const wall = performance.now() - t0;
          const s1 = mainThreadSched();
          const cpu = s1.cpu - s0.cpu;
          const queued = s1.queued - s0.queued;
          const busy = performance.eventLoopUtilization(e0).active;
          if (run === 0) continue;
          const b = batch.get(name) ?? { busy: [], cpu: [], queued: [], wall: [] };
          b.busy.push(busy);
          b.cpu.push(cpu);
          b.queued.push(queued);
          b.wall.push(wall);
          batch.set(name, b);
        }
      }
      console.log(`  ${call}, per call (medians of ${RUNS}×${N}) and ${N} at once (medians of ${RUNS}):`);
      for (const [name] of variants) {
        const f = one.get(name)!;
        const b = batch.get(name)!;
        console.log(
          `    ${name.padEnd(14)} loop busy ${median(f.busy).toFixed(2).padStart(6)} ms, longest stretch ${median(f.longest).toFixed(2).padStart(6)} ms, main-thread CPU ${median(f.cpu).toFixed(2).padStart(6)} ms | ${N} ∥: loop busy ${median(b.busy).toFixed(1).padStart(6)} ms, CPU ${median(b.cpu).toFixed(1).padStart(5)} ms, waiting for a CPU ${median(b.queued).toFixed(1).padStart(5)} ms, wall ${median(b.wall).toFixed(0).padStart(5)} ms`,
        );
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`RSS ${rss()} MiB; load at the end ${load()}`);
}

await withSupervisorPool(main);
