// How a process last ended, as far as bpm saw it (docs/last-exit.md): one small JSON record per
// process in R/sys/run/bpm/JOB/PROC.last-exit.json, beside the pid file, in the root-only (0700)
// pid directory — no job process can write or plant anything there. Every bpm command that learns
// how a container ended records it here; `bpm status` and `bpm list --json` read it.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import type { JobPaths } from '../bosh/paths.ts';
import { mkdirAll, writeFileAtomic } from '../go/os.ts';

/** Which bpm command saw the end. */
export type ExitWitness = 'start' | 'run' | 'stop' | 'status' | 'list' | 'supervise';

export interface LastExit {
  /** When bpm saw the process end, ISO 8601 UTC (`2026-12-01T20:05:01.806Z`). */
  at: string;
  /** The container init's exit status (tini passes the job's on, 128+N for signal N); null when unknown. */
  code: number | null;
  /** The signal that killed the init itself (`SIGKILL`), when bpm saw one; else null. */
  signal: string | null;
  seenBy: ExitWitness;
  /** The kernel's OOM killer acted in the container's cgroup (when the witness could tell). */
  oomKilled?: boolean;
}

const MAX_BYTES = 4096;

/** Write the record atomically (temp + rename, 0600). The pid directory is created 0700 if missing. */
export function recordLastExit(paths: JobPaths, proc: string, exit: LastExit): void {
  mkdirAll(paths.pidDir, 0o700);
  writeFileAtomic(paths.lastExitFile(proc), `${JSON.stringify(exit)}\n`, paths.pidDir);
}

/** The record, or undefined when there is none or it is not one (never a symlink, never huge). */
export function readLastExit(paths: JobPaths, proc: string): LastExit | undefined {
  let fd: number;
  try {
    fd = openSync(paths.lastExitFile(proc), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_BYTES) return undefined;
    return parseLastExit(readFileSync(fd, 'utf8'));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

const WITNESSES: readonly string[] = ['start', 'run', 'stop', 'status', 'list', 'supervise'];

/** A record's text → LastExit; undefined for anything not shaped like one. */
export function parseLastExit(text: string): LastExit | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const { at, code, signal, seenBy, oomKilled } = r;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return undefined;
  if (code !== null && !Number.isSafeInteger(code)) return undefined;
  if (signal !== null && typeof signal !== 'string') return undefined;
  if (typeof seenBy !== 'string' || !WITNESSES.includes(seenBy)) return undefined;
  const out: LastExit = {
    at,
    code: code as number | null,
    signal: signal as string | null,
    seenBy: seenBy as ExitWitness,
  };
  if (typeof oomKilled === 'boolean') out.oomKilled = oomKilled;
  return out;
}

/** `exited 3`, `killed by SIGKILL`, `killed by SIGKILL (OOM)`, `exited (status unknown)`. */
export function describeLastExit(exit: LastExit): string {
  const oom = exit.oomKilled === true ? ' (OOM)' : '';
  if (exit.signal !== null) return `killed by ${exit.signal}${oom}`;
  if (exit.code === null) return `exited (status unknown)${oom}`;
  return `exited ${exit.code}${oom}`;
}
