// `bpm status` stdout: one row per process, aligned like `bpm list` (docs/status.md).
import { tabulate } from './list-table.ts';
import type { StatusRow, Usage } from './status-model.ts';

const UNITS = ['K', 'M', 'G', 'T'];

/** 724992 → `708K`, 67108864 → `64M`, 1610612736 → `1.5G`: powers of 1024, like `ps`/`free -h`. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  let v = n;
  let unit = '';
  for (const u of UNITS) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  const text = v < 10 && Math.round(v * 10) % 10 !== 0 ? v.toFixed(1) : String(Math.round(v));
  return `${text}${unit}`;
}

/** 192 → `3m12s`, 7500 → `2h5m`, 277200 → `3d5h`. */
export function humanDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function usageCell(u: Usage | undefined, show: (n: number) => string): string {
  if (u === undefined) return '-';
  return `${show(u.current)}/${u.limit === null ? 'max' : show(u.limit)}`;
}

/** ISO time to the second: `2026-12-01T20:05:01Z`. */
function shortTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

function lastExitCell(r: StatusRow): string {
  const e = r.lastExit;
  return e === undefined ? '-' : `${e.description} at ${shortTime(e.at)} (${e.seenBy})`;
}

/** The supervisor's columns, shown only while bpm supervise runs (docs/supervisor.md). */
function supervisorCells(r: StatusRow): string[] {
  const s = r.supervisor;
  if (s === undefined) return ['-', '-', '-'];
  return [
    `${s.desired}/${s.state}`,
    String(s.restarts),
    s.nextRestartAt === undefined ? '-' : shortTime(s.nextRestartAt),
  ];
}

export function renderStatusTable(rows: readonly StatusRow[]): string {
  if (rows.some((r) => r.supervisor !== undefined)) {
    const base = statusCells(rows);
    return tabulate([
      [...base[0]!, 'Supervisor', 'Restarts', 'Next restart'],
      ...rows.map((r, i) => [...base[i + 1]!, ...supervisorCells(r)]),
    ]);
  }
  return tabulate(statusCells(rows));
}

function statusCells(rows: readonly StatusRow[]): string[][] {
  return [
    ['Name', 'Status', 'Pid', 'Uptime', 'Memory', 'Pids', 'OOM', 'Last exit'],
    ...rows.map((r) => [
      r.name,
      r.status,
      r.pid > 0 ? String(r.pid) : '-',
      r.uptimeSeconds === undefined ? '-' : humanDuration(r.uptimeSeconds),
      usageCell(r.cgroup?.memory, humanBytes),
      usageCell(r.cgroup?.pids, String),
      r.cgroup?.oomKills === undefined ? '-' : String(r.cgroup.oomKills),
      lastExitCell(r),
    ]),
  ];
}
