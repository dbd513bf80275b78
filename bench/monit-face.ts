// Agent-visible latency of the monit face (issue #16), side by side in one run: the test agent
// (test/monit/agent/) against `bpm supervise --monit-compat` and against the real monit (Debian's,
// with the stemcell's 10 s cycle) driving bpm through the CLI, on the same 20 job monit files.
//   deploy start: the agent starts every vcap service and polls until it sees all running;
//   crash: SIGKILL of one job's container init until the agent sees it failing, and until it
//          sees it running with a new process;
//   stop: StopAndWait until nothing is monitored.
// Run as root after `npm run build`:  node bench/monit-face.ts [--jobs 20] [--cycle 10]
import { setTimeout as sleep } from 'node:timers/promises';
import { BoshRoot } from '../test/helpers/bosh-root.ts';
import { AgentJobSupervisor } from '../test/monit/agent/job-supervisor.ts';
import { MonitClient } from '../test/monit/agent/monit-client.ts';
import {
  addBpmJob,
  freePort,
  type MonitDaemon,
  prepareVm,
  RealMonitDaemon,
  SupervisorDaemon,
} from '../test/monit/agent/vm.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const JOBS = arg('--jobs', 20);
const CYCLE = arg('--cycle', 10);
const POLL_MS = 100;

async function timeUntil(check: () => Promise<boolean>, limitMs = 600_000): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > limitMs) throw new Error('timed out');
    await sleep(POLL_MS);
  }
  return performance.now() - t0;
}

async function measure(kind: 'bpm' | 'monit'): Promise<Record<string, number>> {
  const r = BoshRoot.create();
  const vm = prepareVm(r);
  const jobs = Array.from({ length: JOBS }, (_, i) => addBpmJob(vm, `lat${i}`));
  const port = await freePort();
  const daemon: MonitDaemon =
    kind === 'bpm' ? new SupervisorDaemon(vm, port) : new RealMonitDaemon(vm, port, CYCLE);
  const client = new MonitClient({ port, user: vm.user, password: vm.password, retryDelayMs: POLL_MS });
  const agent = new AgentJobSupervisor(client, POLL_MS);
  try {
    const t0 = performance.now();
    daemon.start();
    await agent.start();
    await timeUntil(async () => (await agent.status()) === 'running');
    const start = performance.now() - t0;

    const victim = jobs[Math.floor(JOBS / 2)]!;
    const init = r.containerState(victim)?.pid ?? 0;
    const seen = async (want: string): Promise<boolean> =>
      (await agent.processes()).find((s) => s.name === victim)?.status === want;
    const t1 = performance.now();
    process.kill(init, 'SIGKILL');
    let failingAt = Number.NaN;
    await timeUntil(async () => {
      if (Number.isNaN(failingAt) && (await seen('failing'))) failingAt = performance.now() - t1;
      const again = r.containerState(victim);
      return again?.status === 'running' && again.pid !== init && (await seen('running'));
    });
    const restarted = performance.now() - t1;

    const t2 = performance.now();
    await agent.stopAndWait(600_000, async () => {
      daemon.cli('stop', '-g', 'vcap');
    });
    const stop = performance.now() - t2;
    return { start, failing: failingAt, restarted, stop };
  } finally {
    await daemon.dispose();
    await Promise.all(jobs.map((j) => r.bpm('stop', j)));
    await r.cleanup();
  }
}

const s = (ms: number): string => (Number.isNaN(ms) ? 'not seen' : `${(ms / 1000).toFixed(2)} s`);
const bpm = await measure('bpm');
const monit = await measure('monit');
console.log(`${JOBS} bpm jobs; monit with set daemon ${CYCLE}; the agent polls every ${POLL_MS} ms`);
console.log('                                  supervisor    real monit + bpm CLI');
for (const [key, label] of [
  ['start', 'deploy start, all seen running'],
  ['failing', 'crash, seen failing'],
  ['restarted', 'crash, seen running again'],
  ['stop', 'StopAndWait'],
] as const) {
  console.log(`${label.padEnd(34)}${s(bpm[key]!).padEnd(14)}${s(monit[key]!)}`);
}
