// The supervisor's RSS with a probe on each of 30 processes (issue #15, docs/performance.md's
// "Probes on the main thread"). Run as root after `npm run build`:
//   node bench/probe-rss.ts [--runs 2] [--probe tcp|http] [--bin OTHER/bin/bpm] [--env NAME=VALUE]...
// Each run starts `bpm supervise` with 30 sleeper jobs, each with a readiness probe (period 1 s,
// tcp by default; http GETs /ready) on a port this script listens on (the containers share the
// host's loopback; it answers every request `200 OK`), and prints VmRSS (RssAnon) when the log
// says `supervising` and 15 s later, with the load.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { LogTail } from './log-tail.ts';
import { bpmBin, makeRoot, removeRoot, sleeperYml, writeJob } from './support.ts';

const argv = process.argv.slice(2);
const RUNS = Number(argv[argv.indexOf('--runs') + 1] || 2);
const PROBE = argv.includes('--probe') ? argv[argv.indexOf('--probe') + 1] : 'tcp';
// Another build's bin/bpm (a copy of the old dist/ beside a node_modules link), for A/B runs.
const BIN = argv.includes('--bin') ? (argv[argv.indexOf('--bin') + 1] ?? bpmBin) : bpmBin;
if (PROBE !== 'tcp' && PROBE !== 'http') throw new Error(`--probe tcp|http, not ${PROBE}`);
const extraEnv: Record<string, string> = {};
argv.forEach((a, i) => {
  if (a !== '--env') return;
  const [name, ...value] = (argv[i + 1] ?? '').split('=');
  if (name) extraEnv[name] = value.join('=');
});
const JOBS = 30;

function rss(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (key: string) =>
    (Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024).toFixed(1);
  return `VmRSS ${mib('VmRSS')} MiB (RssAnon ${mib('RssAnon')}, threads ${/^Threads:\s+(\d+)/m.exec(status)?.[1]})`;
}

// A tcp probe connects and closes; an http probe's request gets a 200 and the end of the connection.
const server = createServer((s) => {
  s.on('error', () => {});
  s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
const check = PROBE === 'tcp' ? `tcp: {port: ${port}}` : `http: {port: ${port}, path: /ready}`;
const probe = `  readiness:\n    ${check}\n    period: 1s\n`;

for (let run = 1; run <= RUNS; run++) {
  const b = makeRoot();
  const jobs = Array.from({ length: JOBS }, (_, i) => `p${process.pid}x${run}x${i}`);
  for (const job of jobs) writeJob(b, job, sleeperYml(job, probe));
  const tail = new LogTail(join(b.root, 'sys', 'log', 'bpm', 'supervisor.log'));
  const args = ['supervise', ...jobs.flatMap((j) => ['--job', j])];
  const child = spawn(BIN, args, {
    env: { ...b.env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pid = child.pid as number;
  try {
    await tail.until(() => tail.count('bpm.supervise.supervising') >= 1, 120_000, 'supervising');
    const up = rss(pid);
    const load1 = loadavg()[0]?.toFixed(1);
    await new Promise((r) => setTimeout(r, 15_000));
    const later = rss(pid);
    const passing = tail.count('bpm.supervise.process.probe-passing');
    process.stdout.write(
      `run ${run} ${BIN === bpmBin ? '' : `${BIN} `}${PROBE} ${JSON.stringify(extraEnv)}: supervising ${up}; 15 s later ${later}; ${passing} probes passed; load ${load1} → ${loadavg()[0]?.toFixed(1)}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
    tail.close();
    removeRoot(b);
  }
}
server.close();
