// The test agent's reading of monit's status XML: what the BOSH agent's decoder takes from it
// (`<monit incarnation>`, each `<service name>`'s monitor, pendingaction, status, status_message,
// uptime, children, memory and cpu totals, and `<servicegroups>`), and its state mapping. Written
// from the agent's public code (jobsupervisor/monit/status.go); not a general XML parser.

export interface AgentService {
  name: string;
  monitored: boolean;
  pending: boolean;
  /** The agent's mapping: unknown (not monitored), starting (initialising), running, failing. */
  status: 'unknown' | 'starting' | 'running' | 'failing';
  /** A failing status with a message: StopAndWait fails on these. */
  errored: boolean;
  statusMessage: string;
  uptime: number;
  memoryKilobytesTotal: number;
  memoryPercentTotal: number;
  cpuPercentTotal: number;
}

export interface AgentStatus {
  incarnation: number;
  services: AgentService[];
  groups: Map<string, string[]>;
}

function xmlUnescape(s: string): string {
  return s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** The text of the first direct `<name>` element in `xml` (nested elements are skipped). */
function child(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m ? xmlUnescape(m[1]!) : undefined;
}

function num(s: string | undefined): number {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
}

/** Go's xml decoder leaves a missing int at 0: so does this. */
export function parseAgentStatus(xml: string): AgentStatus {
  const root = /<monit\b([^>]*)>/.exec(xml);
  if (root === null) throw new Error('no <monit> element');
  const inc = /\bincarnation="([^"]*)"/.exec(root[1]!);
  const incarnation = Number(inc?.[1]);
  if (!Number.isInteger(incarnation)) throw new Error(`incarnation is not an integer: ${inc?.[1]}`);
  const servicesXml = /<services>([\s\S]*?)<\/services>/.exec(xml)?.[1] ?? '';
  const services: AgentService[] = [];
  for (const m of servicesXml.matchAll(/<service name="([^"]*)">([\s\S]*?)<\/service>/g)) {
    const body = m[2]!;
    const monitor = num(child(body, 'monitor'));
    const status = num(child(body, 'status'));
    const message = child(body, 'status_message') ?? '';
    const memory = /<memory>([\s\S]*?)<\/memory>/.exec(body)?.[1] ?? '';
    const cpu = /<cpu>([\s\S]*?)<\/cpu>/.exec(body)?.[1] ?? '';
    services.push({
      name: xmlUnescape(m[1]!),
      monitored: monitor > 0,
      pending: num(child(body, 'pendingaction')) > 0,
      status: monitor === 0 ? 'unknown' : monitor === 2 ? 'starting' : status === 0 ? 'running' : 'failing',
      errored: status > 0 && message !== '',
      statusMessage: message,
      uptime: num(child(body, 'uptime')),
      memoryKilobytesTotal: num(child(memory, 'kilobytetotal')),
      memoryPercentTotal: num(child(memory, 'percenttotal')),
      cpuPercentTotal: num(child(cpu, 'percenttotal')),
    });
  }
  const groups = new Map<string, string[]>();
  const groupsXml = /<servicegroups>([\s\S]*?)<\/servicegroups>/.exec(xml)?.[1] ?? '';
  for (const g of groupsXml.matchAll(/<servicegroup name="([^"]*)">([\s\S]*?)<\/servicegroup>/g)) {
    groups.set(
      xmlUnescape(g[1]!),
      [...g[2]!.matchAll(/<service>([^<]*)<\/service>/g)].map((s) => xmlUnescape(s[1]!)),
    );
  }
  return { incarnation, services, groups };
}

/** The services of a group, in the order of `<services>` (the agent's ServicesInGroup). */
export function servicesInGroup(status: AgentStatus, group: string): AgentService[] {
  const names = status.groups.get(group);
  return names === undefined ? [] : status.services.filter((s) => names.includes(s.name));
}
