// The kernel's own account of OOM kills (`bpm status`), from its log (/dev/kmsg): one line
//   oom-kill:constraint=CONSTRAINT_MEMCG,…,oom_memcg=/bpm-web,task_memcg=/bpm-web,task=perl,pid=16145,uid=999
// per kill, stamped with microseconds since boot. It outlives the cgroup, which matters where the
// cgroup goes with the container: systemd removes a dead container's scope at once, and its
// memory.events with it. The log is a ring buffer that other messages push old lines out of, so
// the count is a lower bound, and no line proves nothing.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { hasCode } from '../sys/errno.ts';

/** One kmsg record holds at most this much (the kernel's limit is about 1 KiB of text). */
const RECORD_MAX = 8192;
/** Enough for any ring buffer; a bound on the loop should records keep being overwritten. */
const MAX_RECORDS = 1_000_000;

/** The microseconds-since-boot stamp of an oom-kill record for `memcg`, else undefined. */
export function oomKillStamp(record: string, memcg: string): number | undefined {
  const semi = record.indexOf(';');
  if (semi < 0) return undefined;
  const text = record.slice(semi + 1).split('\n')[0] ?? '';
  if (!text.startsWith('oom-kill:')) return undefined;
  // The first task_memcg= is the kernel's: the task's name comes after it (and a job chooses it).
  const victimMemcg = text
    .slice('oom-kill:'.length)
    .split(',')
    .find((kv) => kv.startsWith('task_memcg='))
    ?.slice('task_memcg='.length);
  if (victimMemcg !== memcg) return undefined;
  const usec = Number(record.slice(0, semi).split(',')[2]);
  return Number.isSafeInteger(usec) ? usec : undefined;
}

/**
 * How many OOM kills of processes in the memory cgroup `memcg` (as the kernel names it: `/bpm-web`
 * on v1, `/system.slice/….scope` on v2) the kernel log still holds from `sinceUsec` (microseconds
 * since boot) on. undefined when the log cannot be read.
 */
export function kernelOomKills(memcg: string, sinceUsec: number, kmsg = '/dev/kmsg'): number | undefined {
  let fd: number;
  try {
    fd = openSync(kmsg, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  let kills = 0;
  const buf = Buffer.alloc(RECORD_MAX);
  try {
    for (let i = 0; i < MAX_RECORDS; i++) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, RECORD_MAX, null);
      } catch (err) {
        // EPIPE: the next record was overwritten while reading; reading goes on from the oldest.
        if (hasCode(err, 'EPIPE')) continue;
        break; // EAGAIN: the end of the log
      }
      if (n <= 0) break;
      const stamp = oomKillStamp(buf.toString('utf8', 0, n), memcg);
      if (stamp !== undefined && stamp >= sinceUsec) kills++;
    }
  } finally {
    closeSync(fd);
  }
  return kills;
}
