// `bpm list` stdout (docs/behaviour/commands.md §5): columns laid out like Go's text/tabwriter with min width
// 0, padding 1 and spaces; widths count Unicode code points; the last column is not padded.

export interface ListRow {
  /** Decoded container id: `JOB` or `JOB.PROC`. */
  name: string;
  /** The container init's pid; 0 when there is none. */
  pid: number;
  status: string;
}

function width(cell: string): number {
  let n = 0;
  for (const _ of cell) n++;
  return n;
}

/** Cells of each row, tab-writer aligned: every cell but the last padded to column max + 1. */
export function tabulate(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  }
  let out = '';
  for (const row of rows) {
    row.forEach((cell, i) => {
      out += i < row.length - 1 ? cell + ' '.repeat((widths[i] ?? 0) - width(cell) + 1) : cell;
    });
    out += '\n';
  }
  return out;
}

/** The whole table, header first. */
export function renderListTable(rows: readonly ListRow[]): string {
  return tabulate([
    ['Name', 'Pid', 'Status'],
    ...rows.map((r) => [r.name, r.pid > 0 ? String(r.pid) : '-', r.status]),
  ]);
}
