// Shared pieces of the reliability suite (docs/reliability.md): the scale switch, a seeded random
// source, sleeper jobs, and `inspectJob`, the leak scanner every test ends with.
//
//   BPM_RELIABILITY_SCALE=full   the full figures (npm run test:reliability); default: the CI subset
//   BPM_RELIABILITY_SEED=N       replay a run (each test prints the seed it used)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerId } from '../../src/ids/container-id.ts';
import { readProcStat } from '../../src/sys/pidfd.ts';
import { type BoshRoot, scaledMs } from '../helpers/bosh-root.ts';

export const FULL = process.env['BPM_RELIABILITY_SCALE'] === 'full';

/** The CI figure, or the full one under BPM_RELIABILITY_SCALE=full. */
export function scaled(ci: number, full: number): number {
  return FULL ? full : ci;
}

/** A seed from BPM_RELIABILITY_SEED or a fresh one. */
export function seed(): number {
  const fromEnv = Number(process.env['BPM_RELIABILITY_SEED']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1;
}

/** mulberry32: small, fast, reproducible. */
export class Random {
  private s: number;
  constructor(seedValue: number) {
    this.s = seedValue >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** Clock ticks per second of /proc/PID/stat's start time (USER_HZ: 100 on every Linux we run on). */
const USER_HZ = 100;

/** How long ago process `pid` started, in ms; undefined if it is gone. */
export function processAgeMs(pid: number): number | undefined {
  const stat = readProcStat(pid);
  if (stat === undefined) return undefined;
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return (uptimeS - stat.startTime / USER_HZ) * 1000;
}

export const SLEEPER = '#!/bin/sh\nexec sleep 100000\n';

/** A one-process job whose process sleeps (and dies at once on TERM, as sleep does). */
export function addSleeperJob(r: BoshRoot, prefix: string): string {
  const job = r.uniqueJob(prefix);
  r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
  return job;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

function ppidOf(pid: number): number {
  const stat = readOr(`/proc/${pid}/stat`, '');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[1] ?? 0);
}

/** Still there and not a zombie. */
function isLive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !isZombie(pid);
}

function isZombie(pid: number): boolean {
  const stat = readOr(`/proc/${pid}/stat`, '');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; p = ppidOf(p), hops++) if (p === ancestor) return true;
  return false;
}

/**
 * Whether a cgroup directory name is the container's: `<cid>` (cgroupfs driver), or the systemd
 * scope `<prefix>-<cid>.scope` that `runc --systemd-cgroup` makes for it.
 */
export function isContainerCgroup(name: string, cid: string): boolean {
  return name === cid || name.endsWith(`-${cid}.scope`);
}

/** Live processes whose cgroup (any hierarchy) is the container's. */
export function processesInCgroupOf(cid: string): number[] {
  return pids().filter((pid) => {
    if (isZombie(pid)) return false;
    return readOr(`/proc/${pid}/cgroup`, '')
      .split('\n')
      .some((l) => isContainerCgroup(l.slice(l.lastIndexOf('/') + 1), cid));
  });
}

/** Live processes carrying BPM_BOSH_ROOT=<root> in their environment: bpm or runc left running. */
export function processesOfRoot(root: string): number[] {
  const needle = `\0BPM_BOSH_ROOT=${root}\0`;
  return pids().filter((pid) => {
    if (pid === process.pid || isZombie(pid)) return false;
    return `\0${readOr(`/proc/${pid}/environ`, '')}`.includes(needle);
  });
}

/** The container's cgroup directories (see isContainerCgroup) in any cgroup v1/v2 hierarchy (depth ≤ 3). */
export function cgroupDirsOf(cid: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const name of entries) {
      if (isContainerCgroup(name, cid)) found.push(join(dir, name));
      else if (depth < 3) walk(join(dir, name), depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found;
}

/** Mount points at or under `dir` in our mount namespace. */
export function mountsUnder(dir: string): string[] {
  return readOr('/proc/self/mountinfo', '')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
}

export type Expected = 'running' | 'stopped';

/**
 * Everything wrong with JOB/PROC against `expected`: a running job has exactly one running container,
 * its pid file names the live init, every process in its cgroup descends from that init, and it
 * has one bundle; a stopped job has no container, pid file, bundle, cgroup or process.
 */
export function inspectJob(r: BoshRoot, job: string, expected: Expected, proc = job): string[] {
  const problems: string[] = [];
  const cid = containerId(job, proc);
  const inRoot = r.containerIds().filter((id) => id === cid);
  const state = r.containerState(job, proc);
  const pidFile = r.pidFile(job, proc);
  const bundle = r.paths.job(job).bundle(proc);
  const procs = processesInCgroupOf(cid);
  if (expected === 'running') {
    if (state?.status !== 'running')
      problems.push(`${cid}: expected running, runc says ${state?.status ?? 'none'}`);
    const pid = state?.pid ?? 0;
    const written = readOr(pidFile, '<missing>');
    if (written !== String(pid)) problems.push(`${cid}: pid file says ${written}, runc says ${pid}`);
    if (pid > 0 && (!existsSync(`/proc/${pid}`) || isZombie(pid)))
      problems.push(`${cid}: init ${pid} is not alive`);
    // A process that ended during the walk (the job's own short `sleep`s) has no ancestry left to
    // read: it is gone, not outside the container.
    const orphans = procs.filter((p) => !descendsFrom(p, pid) && isLive(p));
    if (orphans.length > 0)
      problems.push(`${cid}: processes outside the live container: ${orphans.join(' ')}`);
    if (procs.length === 0) problems.push(`${cid}: no process in the container's cgroup`);
    if (!existsSync(bundle)) problems.push(`${cid}: bundle missing`);
  } else {
    if (inRoot.length > 0) problems.push(`${cid}: container left (${state?.status ?? 'unreadable state'})`);
    if (existsSync(pidFile)) problems.push(`${cid}: pid file left: ${readOr(pidFile, '')}`);
    if (existsSync(bundle)) problems.push(`${cid}: bundle left`);
    if (procs.length > 0) problems.push(`${cid}: processes left: ${procs.join(' ')}`);
    const groups = cgroupDirsOf(cid);
    if (groups.length > 0) problems.push(`${cid}: cgroups left: ${groups.join(' ')}`);
  }
  return problems;
}

/** Problems of the whole root: bpm/runc processes still running for it, mounts under it. */
export function inspectRoot(r: BoshRoot): string[] {
  const problems: string[] = [];
  const left = processesOfRoot(r.root);
  if (left.length > 0)
    problems.push(
      `processes of this root still running: ${left.map((p) => `${p} ${readOr(`/proc/${p}/cmdline`, '').replaceAll('\0', ' ')}`).join('; ')}`,
    );
  const mounts = mountsUnder(r.root);
  if (mounts.length > 0) problems.push(`mounts left under the root: ${mounts.join(' ')}`);
  return problems;
}

/** Wait until no bpm/runc process of the root is alive (orphaned runc children finish on their own). */
export async function settle(r: BoshRoot, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + scaledMs(timeoutMs);
  while (processesOfRoot(r.root).length > 0 && performance.now() < deadline) {
    await new Promise((res) => setTimeout(res, 25));
  }
}

/** How many lines of R/sys/log/bpm/supervisor.log carry `message` (e.g. `bpm.supervise.supervising`). */
export function supervisorLogCount(r: BoshRoot, message: string, job?: string): number {
  const text = readOr(join(r.root, 'sys', 'log', 'bpm', 'supervisor.log'), '');
  let n = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const l = JSON.parse(line) as { message: string; data: Record<string, string> };
    if (l.message === message && (job === undefined || l.data['job'] === job)) n++;
  }
  return n;
}

/**
 * Container processes of JOB that escaped its container: every live process whose command line
 * names the job's in-container directory (tini and the job's own commands) must be in the cgroup
 * of the job's container.
 */
export function escapedProcesses(job: string, proc = job): number[] {
  const needle = `/var/vcap/jobs/${job}/`;
  const inside = new Set(processesInCgroupOf(containerId(job, proc)));
  return pids().filter(
    (pid) => !isZombie(pid) && readOr(`/proc/${pid}/cmdline`, '').includes(needle) && !inside.has(pid),
  );
}
