// stdout of `bpm monit summary` and `bpm monit status`, in monit 5.2.5's layout: one line per
// service for the summary, a block per service for the status. Rows arrive formatted as strings.
import { writeStdout } from './stdout.ts';

export interface MonitSummaryRow {
  name: string;
  state: string;
}

export function printMonitSummary(rows: readonly MonitSummaryRow[]): void {
  const lines = ['bpm supervise --monit-compat (the monit 5.2.5 API)', ''];
  for (const r of rows) lines.push(`${`Process '${r.name}'`.padEnd(36)}${r.state}`);
  writeStdout(`${lines.join('\n')}\n`);
}

export interface MonitStatusBlock {
  name: string;
  /** Label → value, in order. */
  fields: readonly [string, string][];
}

export function printMonitStatus(blocks: readonly MonitStatusBlock[]): void {
  const out: string[] = ['bpm supervise --monit-compat (the monit 5.2.5 API)', ''];
  for (const b of blocks) {
    out.push(`Process '${b.name}'`);
    for (const [label, value] of b.fields) out.push(`  ${label.padEnd(34)}${value}`);
    out.push('');
  }
  writeStdout(`${out.join('\n')}`);
}

/** `bpm monit validate`: one line per problem. */
export function printMonitProblems(lines: readonly string[]): void {
  if (lines.length > 0) writeStdout(`${lines.join('\n')}\n`);
}
