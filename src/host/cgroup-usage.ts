// What a container uses of its cgroup limits, read from the cgroup files (`bpm status`): memory
// and pids in use against their limits, and the OOM killer's count. cgroup v1 (a directory per
// controller) and v2 (one directory) alike; the directories come from runc's state file.
//
//   v1: memory/memory.usage_in_bytes, memory.limit_in_bytes, memory.oom_control (`oom_kill N`);
//       pids/pids.current, pids.max
//   v2: memory.current, memory.max, memory.events (`oom_kill N`), pids.current, pids.max
//
// Usage includes the page cache the kernel charges to the cgroup: the figure the limit is
// enforced against. A file that is missing or unreadable leaves its figure out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Usage {
  current: number;
  /** null: no limit. */
  limit: number | null;
}

export interface CgroupUsage {
  /** 1 or 2: which cgroup interface the figures were read through. */
  version: 1 | 2;
  /** Bytes. */
  memory?: Usage;
  pids?: Usage;
  /** How many processes the kernel's OOM killer killed in this cgroup since it was created. */
  oomKills?: number;
}

/** A v1 memory limit at or above this is the kernel's "unlimited" (PAGE_COUNTER_MAX pages). */
const V1_UNLIMITED = 2n ** 62n;

function read(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `max` (v2, and pids on v1) or a v1 "unlimited" byte count → null. */
function limit(text: string | undefined): number | null | undefined {
  if (text === 'max') return null;
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  if (BigInt(text) >= V1_UNLIMITED) return null;
  return count(text);
}

function usage(dir: string, currentFile: string, limitFile: string): Usage | undefined {
  const current = count(read(dir, currentFile));
  const max = limit(read(dir, limitFile));
  return current === undefined || max === undefined ? undefined : { current, limit: max };
}

/** The `oom_kill N` line of memory.oom_control (v1) or memory.events (v2). */
function oomKills(text: string | undefined): number | undefined {
  const line = text?.split('\n').find((l) => l.startsWith('oom_kill '));
  return count(line?.slice('oom_kill '.length));
}

/**
 * Figures from a container's cgroup directories (controller → directory, `""` for v2). A directory
 * that is gone (the container's cgroup was removed) gives no figures.
 */
export function readCgroupUsage(dirs: Readonly<Record<string, string>>): CgroupUsage {
  // runc names v1 directories by controller; on a unified host it records only "".
  const v1Memory = dirs['memory'];
  if (v1Memory !== undefined) {
    const out: CgroupUsage = { version: 1 };
    const memory = usage(v1Memory, 'memory.usage_in_bytes', 'memory.limit_in_bytes');
    if (memory !== undefined) out.memory = memory;
    const pidsDir = dirs['pids'];
    const pids = pidsDir === undefined ? undefined : usage(pidsDir, 'pids.current', 'pids.max');
    if (pids !== undefined) out.pids = pids;
    const kills = oomKills(read(v1Memory, 'memory.oom_control'));
    if (kills !== undefined) out.oomKills = kills;
    return out;
  }
  const out: CgroupUsage = { version: 2 };
  const dir = dirs[''];
  if (dir === undefined) return out;
  const memory = usage(dir, 'memory.current', 'memory.max');
  if (memory !== undefined) out.memory = memory;
  const pids = usage(dir, 'pids.current', 'pids.max');
  if (pids !== undefined) out.pids = pids;
  const kills = oomKills(read(dir, 'memory.events'));
  if (kills !== undefined) out.oomKills = kills;
  return out;
}
