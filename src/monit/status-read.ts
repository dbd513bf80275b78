// The status XML read back by `bpm monit` (summary, status, group and `all` actions): the document
// this supervisor writes (status-xml.ts), not monit's in general.
export interface ServiceRow {
  name: string;
  monitor: number;
  pending: number;
  status: number;
  statusMessage?: string;
  pid?: number;
  uptime?: number;
  children?: number;
  memoryKb?: number;
  cpuPercent?: number;
  groups: string[];
}

function field(body: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(body);
  return m?.[1]
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function int(body: string, name: string): number | undefined {
  const v = field(body, name);
  return v === undefined ? undefined : Number(v);
}

export function readServiceRows(xml: string): { incarnation: number; services: ServiceRow[] } {
  const incarnation = Number(/<monit [^>]*incarnation="(\d+)"/.exec(xml)?.[1] ?? 0);
  const groups = new Map<string, string[]>();
  for (const g of xml.matchAll(/<servicegroup name="([^"]*)">(.*?)<\/servicegroup>/g)) {
    for (const s of g[2]!.matchAll(/<service>([^<]*)<\/service>/g))
      groups.set(s[1]!, [...(groups.get(s[1]!) ?? []), g[1]!]);
  }
  const services: ServiceRow[] = [];
  for (const m of xml.matchAll(/<service name="([^"]*)">(.*?)<\/service>/g)) {
    const body = m[2]!;
    const row: ServiceRow = {
      name: m[1]!,
      monitor: int(body, 'monitor') ?? 0,
      pending: int(body, 'pendingaction') ?? 0,
      status: int(body, 'status') ?? 0,
      groups: groups.get(m[1]!) ?? [],
    };
    const message = field(body, 'status_message');
    if (message !== undefined) row.statusMessage = message;
    const pid = int(body, 'pid');
    if (pid !== undefined) {
      row.pid = pid;
      row.uptime = int(body, 'uptime') ?? 0;
      row.children = int(body, 'children') ?? 0;
      row.memoryKb = int(/<memory>(.*?)<\/memory>/.exec(body)?.[1] ?? '', 'kilobytetotal') ?? 0;
      row.cpuPercent = Number(field(/<cpu>(.*?)<\/cpu>/.exec(body)?.[1] ?? '', 'percenttotal') ?? 0);
    }
    services.push(row);
  }
  return { incarnation, services };
}

/** Monit's words for a service's state, as `monit summary` shows them. */
export function stateText(row: ServiceRow): string {
  const pending = ['', '', 'restart pending', 'stop pending', '', 'unmonitor pending', 'start pending'][
    row.pending
  ];
  if (pending) return pending;
  if (row.monitor === 0) return 'not monitored';
  if (row.monitor === 2) return 'initializing';
  if (row.status === 0) return 'running';
  if (row.status & 0x200) return 'Does not exist';
  if (row.status & 0x1000) return 'Execution failed';
  return 'failed';
}
