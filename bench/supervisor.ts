// The supervisor's figures (issue #15), side by side with the CLI and the runc floor in one run.
// Run as root after `npm run build`:
//   npm run bench:supervisor [-- --runs 5] [--only thirty|crash]
//   BPM_BENCH_RESTARTS=N     restarts in the crash-loop figure (default 1000, ~10-15 min here); sampled
//                            every floor(N/20), so a run of N >= 20 ends at 20 * floor(N/20): 240 for 250
//   BPM_BENCH_IDLE_S=60      seconds of the idle-CPU sample (default 60)
//   BPM_BENCH_TRACE_GC=1     crash loop: run the supervisor under node --trace-gc, print the heap after full GCs
//   BPM_BENCH_WAIT_SCALE=N   multiply the waits for the supervisor's log (60 s, 120 s) by N: 20 in the
//                            Noble VM, whose emulated CPU starts 30 containers in more than a minute
//   BPM_BENCH_KEEP_CACHES=1  thirty: do not drop the page cache first
// Figures (docs/performance.md, "The supervisor"):
//   thirty  30 jobs started then stopped: runc floor, 30 ∥ bpm start + 30 ∥ bpm stop, `bpm supervise`
//           from exec until all run plus SIGTERM until it exits, and 30 ∥ start + 30 ∥ stop requests
//           on a running supervisor's control socket (one supervisor per run), measured in turns
//           after dropping the page cache (support.ts, measureInTurns and dropCaches); then the RSS
//           of one supervisor after RUNS + 1 such cycles with 30 running, its CPU over an idle minute
//           and `strace -c -f` of 10 idle seconds.
//   crash   a process that exits 0.1 s after each start, restarted on a short back-off: how late
//           each start attempt is against its planned time, and the supervisor's CPU and RSS series.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LogTail, lineTime } from './log-tail.ts';
import {
  type BenchRoot,
  bpm,
  bpmBin,
  dropCaches,
  floorBundle,
  floorRun,
  floorStop,
  load,
  makeRoot,
  measureInTurns,
  median,
  percentile,
  removeRoot,
  repo,
  sleeperYml,
  timed,
  writeJob,
} from './support.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 5);
const ONLY = arg('--only');
const JOBS = 30;
const RESTARTS = Number(process.env['BPM_BENCH_RESTARTS'] ?? 1000);
const IDLE_S = Number(process.env['BPM_BENCH_IDLE_S'] ?? 60);
const CLK_TCK = 100;
const WAIT_SCALE = Number(process.env['BPM_BENCH_WAIT_SCALE'] ?? 1);
const UP_WAIT_MS = 60_000 * WAIT_SCALE;

const out: string[] = [];
const say = (line: string) => {
  out.push(line);
  process.stderr.write(`${line}\n`);
};

interface Supervisor {
  child: ChildProcess;
  exited: Promise<number | null>;
}

function startSupervisor(b: BenchRoot, jobs: readonly string[]): Supervisor {
  const args = ['supervise', ...jobs.flatMap((j) => ['--job', j])];
  const child = spawn(bpmBin, args, { env: b.env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited };
}

/**
 * The same supervisor run by Node directly with --trace-gc (BPM_BENCH_TRACE_GC=1): the heap in use
 * after each full (mark-compact) collection, which grows only if something is kept.
 */
function startTracedSupervisor(b: BenchRoot, jobs: readonly string[]): Supervisor & { heapMiB: number[] } {
  const args = [
    '--trace-gc',
    join(repo, 'dist', 'main.js'),
    'supervise',
    ...jobs.flatMap((j) => ['--job', j]),
  ];
  const child = spawn(join(repo, 'node_modules', 'node', 'bin', 'node'), args, {
    env: b.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const heapMiB: number[] = [];
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const m = /Mark-Compact[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \(/.exec(l);
      if (m) heapMiB.push(Number(m[1]));
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, heapMiB };
}

async function stopSupervisor(s: Supervisor): Promise<void> {
  s.child.kill('SIGTERM');
  const code = await s.exited;
  if (code !== 0) throw new Error(`bpm supervise exited ${code}`);
}

/** One request on the control socket (docs/supervisor.md); rejects unless the reply is ok. */
function ask(b: BenchRoot, request: object): Promise<void> {
  return new Promise((resolve, reject) => {
    // src/supervisor/control-protocol.ts's controlSocketPath
    const socket = connect(join(b.root, 'data', 'bpm', 'supervisor', 'control.sock'));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (d: string) => {
      answer += d;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const reply = JSON.parse(answer) as { ok: boolean; error?: string };
      if (reply.ok) resolve();
      else reject(new Error(`${JSON.stringify(request)}: ${reply.error}`));
    });
  });
}

/** utime + stime in ms, and VmRSS / VmHWM / RssAnon (heap, stacks: not shared code pages) in MiB. */
function usage(pid: number): { cpuMs: number; rssMiB: number; hwmMiB: number; anonMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { cpuMs, rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024, anonMiB: kib('RssAnon') / 1024 };
}

/** Zombie children of `pid`: exited processes it never reaped. */
function zombiesOf(pid: number): number {
  let n = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] === 'Z' && Number(f[1]) === pid) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** `strace -c -f -p PID` for `seconds`; the summary table it prints. */
function straceSummary(pid: number, seconds: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('timeout', ['-s', 'INT', String(seconds), 'strace', '-c', '-f', '-p', String(pid)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', () => resolve(err.trim()));
  });
}

const ratio = (ms: number, of: number) => `${(ms / of).toFixed(2)}x`;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function thirty(b: BenchRoot): Promise<void> {
  const jobs = Array.from({ length: JOBS }, (_, i) => `s${i}`);
  for (const j of jobs) writeJob(b, j, sleeperYml(j));
  await Promise.all(jobs.map((j) => bpm(b, 'start', j)));
  const bundles = jobs.map((j) => floorBundle(b, j, `bpm-floor-${j}`));
  await Promise.all(jobs.map((j) => bpm(b, 'stop', j)));

  // Container starts slow down over a long run until the page cache is dropped (support.ts).
  const dropped = dropCaches();
  const tail = new LogTail(join(b.root, 'sys', 'log', 'bpm', 'supervisor.log'));
  try {
    let started = 0;
    /** A supervisor of the 30 jobs, once its log says every process runs. */
    const supervisorUp = async (): Promise<Supervisor> => {
      const s = startSupervisor(b, jobs);
      started++;
      const n = started;
      await tail.until(() => tail.count('bpm.supervise.supervising') >= n, UP_WAIT_MS, 'supervising');
      return s;
    };
    const cycle = async (): Promise<void> => {
      await Promise.all(jobs.map((j) => ask(b, { op: 'start', job: j, process: j })));
      await Promise.all(jobs.map((j) => ask(b, { op: 'stop', job: j, process: j })));
    };
    const ups: number[] = [];
    const downs: number[] = [];
    const freshRss: number[] = [];
    const cycleCpu: number[] = [];
    const [floor, cli, life, sock] = (await measureInTurns(RUNS, [
      {
        label: `floor: ${JOBS} ∥ runc run -d, then ${JOBS} ∥ kill + delete`,
        once: () =>
          timed(async () => {
            await Promise.all(jobs.map((j, i) => floorRun(b, bundles[i]!, `bpm-floor-${j}`, j)));
            await Promise.all(jobs.map((j) => floorStop(b, `bpm-floor-${j}`)));
          }),
      },
      {
        label: `cli: ${JOBS} ∥ bpm start, then ${JOBS} ∥ bpm stop`,
        once: () =>
          timed(async () => {
            await Promise.all(jobs.map((j) => bpm(b, 'start', j)));
            await Promise.all(jobs.map((j) => bpm(b, 'stop', j)));
          }),
      },
      {
        label: `supervise: exec until ${JOBS} run, then SIGTERM until exit`,
        once: () =>
          timed(async () => {
            const t0 = performance.now();
            const s = await supervisorUp();
            const t1 = performance.now();
            freshRss.push(usage(s.child.pid!).rssMiB);
            await stopSupervisor(s);
            ups.push(t1 - t0);
            downs.push(performance.now() - t1);
          }),
      },
      {
        // A supervisor that stays up: everything stopped through it first, then one timed cycle.
        label: `socket: ${JOBS} ∥ start requests, then ${JOBS} ∥ stop requests`,
        once: async () => {
          const s = await supervisorUp();
          await Promise.all(jobs.map((j) => ask(b, { op: 'stop', job: j, process: j })));
          const cpu0 = usage(s.child.pid!).cpuMs;
          const ms = await timed(cycle);
          cycleCpu.push(usage(s.child.pid!).cpuMs - cpu0);
          await stopSupervisor(s);
          return ms;
        },
      },
    ])) as [number, number, number, number];
    const cpuPerCycle = median(cycleCpu);

    // One supervisor through RUNS + 1 cycles, then its memory with all 30 running, and idle.
    const s = await supervisorUp();
    const pid = s.child.pid!;
    await Promise.all(jobs.map((j) => ask(b, { op: 'stop', job: j, process: j })));
    for (let i = 0; i <= RUNS; i++) await cycle();
    await Promise.all(jobs.map((j) => ask(b, { op: 'start', job: j, process: j })));

    say('');
    say(
      `${JOBS} jobs started then stopped (medians of ${RUNS}, measured in turns${dropped ? ' after dropping the page cache' : ''}; ratios to the floor of this run)`,
    );
    say(`  floor: ${JOBS} ∥ runc run -d, ${JOBS} ∥ runc kill + delete   ${ms(floor)}  1.00x`);
    say(`  cli: ${JOBS} ∥ bpm start, ${JOBS} ∥ bpm stop                ${ms(cli)}  ${ratio(cli, floor)}`);
    say(
      `  supervise: exec → all running → SIGTERM → exit       ${ms(life)}  ${ratio(life, floor)}  ${ratio(life, cli)} of cli (up ${ms(median(ups))}, down ${ms(median(downs))})`,
    );
    say(
      `  socket: ${JOBS} ∥ start + ${JOBS} ∥ stop requests         ${ms(sock)}  ${ratio(sock, floor)}  ${ratio(sock, cli)} of cli (supervisor CPU ${ms(cpuPerCycle)} per cycle)`,
    );
    say(
      `supervisor just up with ${JOBS} running: VmRSS ${median(freshRss).toFixed(1)} MiB (median)   target <= 80 MiB`,
    );
    // Idle: 30 running, nothing happening.
    const idle0 = usage(pid);
    const slices: number[] = [];
    for (let left = IDLE_S, last = idle0.cpuMs; left > 0; left -= 10) {
      await new Promise((r) => setTimeout(r, Math.min(10, left) * 1000));
      const now = usage(pid).cpuMs;
      slices.push(now - last);
      last = now;
    }
    const idle1 = usage(pid);
    say(
      `after ${RUNS + 1} socket cycles, ${JOBS} running: VmRSS ${idle1.rssMiB.toFixed(1)} MiB (RssAnon ${idle1.anonMiB.toFixed(1)}, peak VmHWM ${idle1.hwmMiB.toFixed(1)} MiB)   target <= 80 MiB`,
    );
    say(
      `  idle CPU over ${IDLE_S} s: ${(idle1.cpuMs - idle0.cpuMs).toFixed(0)} ms (utime + stime delta; per 10 s: ${slices.map((x) => x.toFixed(0)).join(' ')})   target ~0`,
    );
    const strace = (await straceSummary(pid, 10)).split('\n');
    const threads = /attached with (\d+) threads/.exec(strace[0] ?? '')?.[1] ?? '1';
    const table = strace.filter((l) => !l.startsWith('strace: '));
    say(`  strace -c -f -p SUPERVISOR (${threads} threads) for the next 10 s:`);
    if (table.length === 0) say('    no system call at all');
    for (const line of table) say(`    ${line}`);
    await stopSupervisor(s);
  } finally {
    tail.close();
  }
}

async function crash(b: BenchRoot): Promise<void> {
  const job = 'crasher';
  writeJob(
    b,
    job,
    `processes:\n- name: ${job}\n  executable: /bin/sh\n  args: ["-c", "sleep 0.1; exit 3"]\n` +
      '  restart: {policy: always, initial_delay: 100ms, max_delay: 400ms, reset_after: 1h}\n',
  );
  const tail = new LogTail(join(b.root, 'sys', 'log', 'bpm', 'supervisor.log'));
  const planned = 'bpm.supervise.process.restart-planned';
  try {
    const t0 = performance.now();
    const traced = process.env['BPM_BENCH_TRACE_GC'] === '1' ? startTracedSupervisor(b, [job]) : undefined;
    const s = traced ?? startSupervisor(b, [job]);
    const pid = s.child.pid!;
    const every = Math.max(1, Math.floor(RESTARTS / 20));
    const series: Array<{ restarts: number; cpuMs: number; rssMiB: number; anonMiB: number }> = [];
    for (let k = every; k <= RESTARTS; k += every) {
      await tail.until(() => tail.count(planned) >= k, 120_000 * WAIT_SCALE, `${k} restarts`);
      series.push({ restarts: k, ...usage(pid) });
    }
    const elapsed = performance.now() - t0;
    const zombies = zombiesOf(pid);
    await stopSupervisor(s);

    // Each planned restart against the next start attempt.
    const late: number[] = [];
    let due: number | undefined;
    for (const l of tail.lines) {
      if (l.message === planned) due = lineTime(l) + Number(l.data['delay_ms']);
      else if (l.message === 'bpm.supervise.process.starting' && due !== undefined) {
        late.push(lineTime(l) - due);
        due = undefined;
      }
    }
    const first = series[0]!;
    const last = series[series.length - 1]!;
    say('');
    say(
      `crash loop: ${last.restarts} restarts of a process exiting 0.1 s after start (back-off 0, 100, 200, 400, 400 … ms) in ${(elapsed / 1000).toFixed(0)} s`,
    );
    say(
      `  start attempt after its planned time: median ${late.length ? median(late).toFixed(1) : '-'} ms, p95 ${percentile(late, 95).toFixed(1)} ms, p99 ${percentile(late, 99).toFixed(1)} ms, max ${Math.max(...late).toFixed(1)} ms; ${late.filter((x) => x > 50).length} of ${late.length} later than 50 ms (target 0)`,
    );
    say(
      `  supervisor CPU: ${first.cpuMs.toFixed(0)} ms at ${first.restarts} restarts → ${last.cpuMs.toFixed(0)} ms at ${last.restarts} (${((last.cpuMs - first.cpuMs) / (last.restarts - first.restarts)).toFixed(1)} ms per restart)`,
    );
    say(
      `  supervisor RSS: ${first.rssMiB.toFixed(1)} MiB at ${first.restarts} restarts → ${last.rssMiB.toFixed(1)} MiB at ${last.restarts} (max ${Math.max(...series.map((x) => x.rssMiB)).toFixed(1)} MiB)`,
    );
    say(`  zombie children of the supervisor at the end: ${zombies}`);
    say(`  RSS series (MiB): ${series.map((x) => x.rssMiB.toFixed(1)).join(' ')}`);
    say(`  RssAnon series (MiB): ${series.map((x) => x.anonMiB.toFixed(1)).join(' ')}`);
    if (traced !== undefined)
      say(
        `  V8 heap after each mark-compact (MB, --trace-gc, ${traced.heapMiB.length}): ${traced.heapMiB.map((x) => x.toFixed(1)).join(' ')}`,
      );
    say(
      `  CPU per interval (ms / ${every} restarts): ${series
        .slice(1)
        .map((x, i) => (x.cpuMs - series[i]!.cpuMs).toFixed(0))
        .join(' ')}`,
    );
  } finally {
    tail.close();
  }
}

async function main(): Promise<void> {
  const b = makeRoot();
  const started = new Date().toISOString();
  process.stderr.write(`bench:supervisor: BOSH root ${b.root}, node ${process.version}, load ${load()}\n`);
  try {
    if (ONLY === undefined || ONLY === 'thirty') await thirty(b);
    if (ONLY === undefined || ONLY === 'crash') await crash(b);
  } finally {
    removeRoot(b);
  }
  say('');
  say(`started ${started}, load average at the end: ${load()}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
