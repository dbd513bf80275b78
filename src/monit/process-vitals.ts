// What monit shows of a process tree: children, memory (resident, with the children) and CPU
// since the previous look, read from /proc when the status is asked for (never on a timer).
import { readdirSync, readFileSync } from 'node:fs';

export interface Vitals {
  children: number;
  kilobyte: number;
  kilobyteTotal: number;
  /** Percent of the host's memory. */
  percent: number;
  percentTotal: number;
  cpuPercent: number;
  cpuPercentTotal: number;
}

interface Stat {
  ppid: number;
  /** utime + stime in clock ticks. */
  ticks: number;
  rssKb: number;
}

const TICKS_PER_SECOND = 100;
const PAGE_KB = 4;

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(f[1]),
    ticks: Number(f[11]) + Number(f[12]),
    rssKb: Number(f[21]) * PAGE_KB,
  };
}

function memTotalKb(): number {
  try {
    const m = /^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'latin1'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Remembers the previous CPU sample per service, so a percentage covers the time between looks. */
export class VitalsReader {
  private readonly previous = new Map<string, { at: number; self: number; total: number }>();
  private table: Map<number, Stat> | undefined;

  /** One /proc walk shared by every service of one status answer. */
  beginSnapshot(): void {
    const table = new Map<number, Stat>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const s = readStat(Number(name));
      if (s !== undefined) table.set(Number(name), s);
    }
    this.table = table;
  }

  endSnapshot(): void {
    this.table = undefined;
  }

  read(service: string, pid: number, nowMs: number): Vitals | undefined {
    const table = this.table ?? new Map<number, Stat>();
    const self = table.get(pid) ?? readStat(pid);
    if (self === undefined) return undefined;
    const below = new Set<number>();
    let grew = true;
    while (grew) {
      grew = false;
      for (const [p, s] of table) {
        if (!below.has(p) && (s.ppid === pid || below.has(s.ppid))) {
          below.add(p);
          grew = true;
        }
      }
    }
    let rssTotal = self.rssKb;
    let ticksTotal = self.ticks;
    for (const p of below) {
      rssTotal += table.get(p)!.rssKb;
      ticksTotal += table.get(p)!.ticks;
    }
    const mem = memTotalKb();
    const pct = (kb: number): number => (mem > 0 ? Math.round((kb * 1000) / mem) / 10 : 0);
    const prev = this.previous.get(service);
    this.previous.set(service, { at: nowMs, self: self.ticks, total: ticksTotal });
    const cpu = (now: number, before: number | undefined): number => {
      if (prev === undefined || before === undefined || nowMs <= prev.at) return 0;
      const used = (now - before) / TICKS_PER_SECOND;
      return Math.max(0, Math.round((used / ((nowMs - prev.at) / 1000)) * 1000) / 10);
    };
    return {
      children: below.size,
      kilobyte: self.rssKb,
      kilobyteTotal: rssTotal,
      percent: pct(self.rssKb),
      percentTotal: pct(rssTotal),
      cpuPercent: cpu(self.ticks, prev?.self),
      cpuPercentTotal: cpu(ticksTotal, prev?.total),
    };
  }
}
