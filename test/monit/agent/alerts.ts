// The test agent's alert receiver, written from the BOSH agent's job-failure SMTP server
// (jobsupervisor/alert_envelope.go, agent/alert/monit_adapter.go): an SMTP server on loopback that
// takes each mail's lines, trimmed, as the agent does — `Message-id: <ID>`, `Service: `, `Event: `,
// `Action: `, `Date: `, `Description: ` (a later line wins) — and keeps a mail only when one of
// them was found; then the severity the agent gives the event (the part of its table for process
// services).
import { createServer, type Server, type Socket } from 'node:net';

/** The text of the agent's MONIT_DIR/alerts.monitrc (as the stemcell ships it), alerts to `port`. */
export function alertsMonitrc(monitDir: string, port: number): string {
  return [
    'set alert agent@local',
    `set mailserver 127.0.0.1 port ${port}`,
    `set eventqueue basedir ${monitDir}/events slots 5000`,
    'set mail-format {',
    '  from: monit@localhost',
    '  subject: Monit Alert',
    '  message: Service: $SERVICE',
    '  Event: $EVENT',
    '  Action: $ACTION',
    '  Date: $DATE',
    '  Description: $DESCRIPTION',
    '}',
    '',
  ].join('\n');
}

export interface AgentAlert {
  id: string;
  service: string;
  event: string;
  action: string;
  date: string;
  description: string;
  /** The agent's severity for the event; `ignored` alerts are not forwarded. */
  severity: 'alert' | 'critical' | 'error' | 'warning' | 'ignored' | 'default';
  /** performance.now() when the mail was taken. */
  receivedAt: number;
}

const SEVERITY: Record<string, AgentAlert['severity']> = {
  'action done': 'ignored',
  'does not exist': 'alert',
  exists: 'ignored',
  'execution failed': 'alert',
  'execution succeeded': 'ignored',
  'pid failed': 'critical',
  'pid changed': 'warning',
  'ppid changed': 'warning',
  timeout: 'critical',
  'monit instance changed': 'ignored',
};

function parseAlert(lines: string[]): AgentAlert | undefined {
  const a = { id: '', service: '', event: '', action: '', date: '', description: '' };
  for (const raw of lines) {
    const line = raw.trim();
    const id = /^Message-id: <([^>]+)>$/.exec(line);
    if (id) a.id = id[1]!;
    else if (line.startsWith('Service: ')) a.service = line.slice(9);
    else if (line.startsWith('Event: ')) a.event = line.slice(7);
    else if (line.startsWith('Action: ')) a.action = line.slice(8);
    else if (line.startsWith('Date: ')) a.date = line.slice(6);
    else if (line.startsWith('Description: ')) a.description = line.slice(13);
  }
  if (Object.values(a).every((v) => v === '')) return undefined;
  return { ...a, severity: SEVERITY[a.event.toLowerCase()] ?? 'default', receivedAt: performance.now() };
}

export class AlertReceiver {
  readonly alerts: AgentAlert[] = [];
  private server: Server | undefined;
  private waiters: (() => void)[] = [];

  async listen(): Promise<number> {
    const server = createServer((s) => this.session(s));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  private session(socket: Socket): void {
    let buffer = '';
    let inData = false;
    let lines: string[] = [];
    socket.write('220 agent ESMTP\r\n');
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            const alert = parseAlert(lines);
            lines = [];
            if (alert) this.alerts.push(alert);
            for (const w of this.waiters.splice(0)) w();
            socket.write('250 OK\r\n');
          } else lines.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  }

  /** Resolve once an alert matches, or reject after `timeoutMs`. */
  async waitFor(match: (a: AgentAlert) => boolean, timeoutMs: number): Promise<AgentAlert> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.alerts.find(match);
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no such alert; got ${JSON.stringify(this.alerts)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.server?.close();
  }
}
