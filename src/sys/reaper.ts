// Learning how a container's init ended although bpm is not its parent: as a child subreaper
// (prctl PR_SET_CHILD_SUBREAPER) bpm inherits the init once `runc run --detach` exits, and can then
// reap it with waitid(2) and read its status. Only processes that were bpm's descendants are
// affected, and only while bpm runs; when bpm exits they pass on to the next reaper as before.
//
// A long-running subreaper (`bpm supervise`) also inherits every other orphan of what it starts
// (a helper runc leaves behind, a daemon a pre-start hook forks). `reapOrphans()` reaps those on
// each SIGCHLD so none stays a zombie, without ever taking the status of a child Node's
// child_process waits for (libuv reaps those by pid; taking one would lose its 'exit' for good):
// it never waits on "any child", only on the pids it has checked are neither Node's children
// (learnt from the documented `child_process` diagnostics channel) nor claimed inits.
import { subscribe } from 'node:diagnostics_channel';
import { readdirSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { ExitResult } from '../text/exit-status.ts';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';
import { readProcStat } from './pidfd.ts';

const PR_SET_CHILD_SUBREAPER = 36;
const P_PID = 1;
const P_PIDFD = 3;
const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
const CLD_EXITED = 1;
const SIGINFO_BYTES = 128;
/** Offsets in siginfo_t (the same on every Linux architecture bpm runs on). */
const SI_CODE = 8;
const SI_PID = 16;
const SI_STATUS = 24;

/** Become the reaper of orphaned descendants; false when the kernel refuses. */
export function becomeSubreaper(): boolean {
  return libc().prctl(PR_SET_CHILD_SUBREAPER, 1) === 0;
}

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([name, num]) => [num, name as NodeJS.Signals]),
);

function signalName(signo: number): NodeJS.Signals {
  return signalNames.get(signo) ?? 'SIGKILL';
}

/** Decode a raw wait status (WIFEXITED / WIFSIGNALED). */
export function decodeWaitStatus(status: number): ExitResult {
  const sig = status & 0x7f;
  if (sig === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: signalName(sig) };
}

/** waitid(idtype, id, WEXITED | WNOHANG): the end, or undefined (still running, or not bpm's child). */
function waitExited(idtype: number, id: number): ExitResult | undefined {
  const info = Buffer.alloc(SIGINFO_BYTES);
  if (libc().waitid(idtype, id, info, WEXITED | WNOHANG) < 0) {
    const errno = libc().errno();
    if (errno === osConstants.errno.ECHILD || errno === osConstants.errno.EINVAL) return undefined;
    throw new SysError('waitid', errno);
  }
  if (info.readInt32LE(SI_PID) === 0) return undefined;
  return decodeSiginfo(info);
}

/** The end a waitid(2) wrote into the siginfo_t `info`: exit code, or the signal that killed it. */
export function decodeSiginfo(info: Buffer): ExitResult {
  const status = info.readInt32LE(SI_STATUS);
  return info.readInt32LE(SI_CODE) === CLD_EXITED
    ? { code: status, signal: null }
    : { code: null, signal: signalName(status) };
}

/**
 * Reap the exited process behind `pidfd` (waitid P_PIDFD: the descriptor, not a pid that could be
 * reused) if it is bpm's child: its end. Undefined when it still runs or is not bpm's to reap
 * (an adopted container's init is the host init's child); then the orphan reaper may have taken
 * it first, which `pid` and `startTime` (when given) look up.
 */
export function reapPidfd(pidfd: number, pid?: number, startTime?: number): ExitResult | undefined {
  const end = waitExited(P_PIDFD, pidfd);
  if (end !== undefined || pid === undefined || startTime === undefined) return end;
  return takeReaped(pid, startTime);
}

/**
 * Reap the process `pid` that started at `startTime` (/proc, clock ticks) if it is bpm's child
 * and has exited: its end; undefined when it still runs, is not bpm's to reap, or is gone (then
 * the orphan reaper may have taken it first, which is looked up). The start time proves the pid is
 * still that process (a zombie keeps its pid until bpm reaps it), so a reused pid is never waited on.
 */
export function reapExited(pid: number, startTime: number): ExitResult | undefined {
  const kept = takeReaped(pid, startTime);
  if (kept !== undefined) return kept;
  if (readProcStat(pid)?.startTime !== startTime) return undefined;
  return waitExited(P_PID, pid);
}

// --- the orphan reaper (one per process: being the subreaper is a property of the process) ---

/** Node's own children (spawned through child_process), until their 'exit'. */
const nodeChildren = new Set<{
  pid?: number | undefined;
  exitCode: number | null;
  signalCode: string | null;
}>();
/** Pids of inits someone holds a pidfd on and reaps itself (reapPidfd). */
const claimed = new Map<number, number>();
/** Ends the sweep took of processes nobody had claimed yet, by pid and start time; bounded. */
const reaped = new Map<string, ExitResult>();
const MAX_REMEMBERED = 64;
let sweeping = 0;

subscribe('child_process', (message) => {
  const child = (message as { process?: unknown }).process;
  if (typeof child === 'object' && child !== null) nodeChildren.add(child as never);
});

/** Leave the init `pid` to its owner, who reaps it with reapPidfd. */
export function claimChild(pid: number): void {
  claimed.set(pid, (claimed.get(pid) ?? 0) + 1);
}

export function unclaimChild(pid: number): void {
  const n = (claimed.get(pid) ?? 0) - 1;
  if (n > 0) claimed.set(pid, n);
  else claimed.delete(pid);
}

function takeReaped(pid: number, startTime: number): ExitResult | undefined {
  const key = `${pid}:${startTime}`;
  const end = reaped.get(key);
  reaped.delete(key);
  return end;
}

/** Pids of bpm's live child processes (Node's, still unreaped by libuv). */
function nodeChildPids(): Set<number> {
  const pids = new Set<number>();
  for (const child of nodeChildren) {
    // never spawned, or reaped by libuv already
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
      nodeChildren.delete(child);
    else pids.add(child.pid);
  }
  return pids;
}

/**
 * The main thread's children: /proc/self/task/PID/children, or a /proc scan where that file is
 * missing. Node's child_process spawns from the main thread and the kernel hands orphans to the
 * subreaper's main thread, so both are there; a child another thread started (a runc
 * posix-spawn.ts started from a libuv worker, which that module reaps) is listed under that thread
 * only and left alone. The scan cannot tell threads apart, but posix-spawn.ts claims its children,
 * so they are skipped either way.
 */
export function childPids(): number[] {
  const out: number[] = [];
  try {
    const text = readFileSync(`/proc/self/task/${process.pid}/children`, 'latin1');
    for (const word of text.split(' ')) if (word !== '') out.push(Number(word));
    return out;
  } catch {
    // no CONFIG_PROC_CHILDREN: scan
  }
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (readProcStat(Number(name))?.ppid === process.pid) out.push(Number(name));
  }
  return out;
}

/** The siginfo_t the sweep's peeks write into (the sweep runs on the main thread only). */
const peekInfo = Buffer.alloc(SIGINFO_BYTES);

/**
 * Whether bpm's child `pid` has exited, without reaping it: waitid(WEXITED | WNOHANG | WNOWAIT),
 * one system call instead of reading /proc/PID/stat for every live child on every SIGCHLD.
 */
function hasExited(pid: number): boolean {
  peekInfo.fill(0);
  if (libc().waitid(P_PID, pid, peekInfo, WEXITED | WNOHANG | WNOWAIT) < 0) return false;
  return peekInfo.readInt32LE(SI_PID) !== 0;
}

/** Reap every exited child that is neither Node's nor claimed; what it reaped, by pid. */
export function sweepOrphans(): Map<number, ExitResult> {
  const node = nodeChildPids();
  const out = new Map<number, ExitResult>();
  for (const pid of childPids()) {
    if (node.has(pid) || claimed.has(pid) || !hasExited(pid)) continue;
    // A zombie: its stat still names it, with the start time its end is remembered by.
    const stat = readProcStat(pid);
    if (stat === undefined || stat.state !== 'Z') continue;
    // The pid cannot be reused meanwhile: a zombie keeps it, and only bpm may reap it.
    const end = waitExited(P_PID, pid);
    if (end === undefined) continue;
    out.set(pid, end);
    reaped.set(`${pid}:${stat.startTime}`, end);
    if (reaped.size > MAX_REMEMBERED) reaped.delete(reaped.keys().next().value as string);
  }
  return out;
}

/**
 * One sweep per turn of the event loop however many SIGCHLDs arrived in it: a 30-job start-up or
 * shutdown delivers dozens in a burst, and each sweep reads every child's state.
 */
let sweepQueued = false;
const onSigchld = (): void => {
  if (sweepQueued) return;
  sweepQueued = true;
  setImmediate(() => {
    sweepQueued = false;
    if (sweeping > 0) sweepOrphans();
  });
};

/**
 * Reap orphans on every SIGCHLD until the returned function is called (and once now). For a
 * long-running subreaper; the signal handle does not keep the event loop alive.
 */
export function reapOrphans(): () => void {
  if (sweeping++ === 0) process.on('SIGCHLD', onSigchld);
  sweepOrphans();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--sweeping === 0) process.off('SIGCHLD', onSigchld);
  };
}
