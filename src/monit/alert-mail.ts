// Monit's alerts to the BOSH agent: one mail per event, over SMTP to the `set mailserver HOST port
// N` of the agent's R/monit/*.monitrc (127.0.0.1:2825 on a VM), to the `set alert` address. The
// body is the stemcell's mail format, which the agent's parser reads line by line: `Service:`,
// `Event:` (monit's event name; the agent's severity table keys on it), `Action:`, `Date:` (RFC
// 1123 with a numeric zone) and `Description:`, plus the `Message-id:` header it takes as the
// alert's id. Mails go one at a time; one that cannot be delivered is logged and dropped (monit's
// event queue, which keeps them on disk, is not emulated).
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import type { ServiceEvent } from './service.ts';

export interface MailTarget {
  host: string;
  port: number;
  to: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Tue, 01 Dec 2026 23:12:18 +0000`: Go's RFC1123Z, which the agent parses the date with. */
export function rfc1123z(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** One line's worth: no CR or LF can reach the mail from a service name or message. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

export function alertMessage(e: ServiceEvent, at: Date, to: string): string {
  const date = rfc1123z(at);
  const id = `${at.getTime()}.${randomBytes(4).toString('hex')}@${hostname()}`;
  return [
    'From: monit@localhost',
    `To: ${to}`,
    'Subject: Monit Alert',
    `Date: ${date}`,
    `Message-id: <${id}>`,
    '',
    `Service: ${oneLine(e.service)}`,
    `Event: ${oneLine(e.event)}`,
    `Action: ${oneLine(e.action)}`,
    `Date: ${date}`,
    `Description: ${oneLine(e.description)}`,
    '',
  ].join('\r\n');
}

/** Send one mail; resolves when the server accepted it, rejects on any other answer. */
export function sendMail(target: MailTarget, message: string, timeoutMs = 10_000): Promise<void> {
  // Dot-stuffing: a body line starting with '.' gets another one.
  const data = message.replace(/\r\n\./g, '\r\n..');
  const steps: [string | undefined, number][] = [
    [undefined, 220],
    ['HELO localhost', 250],
    ['MAIL FROM:<monit@localhost>', 250],
    [`RCPT TO:<${target.to}>`, 250],
    ['DATA', 354],
    [`${data}\r\n.`, 250],
    ['QUIT', 221],
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, target.host);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('SMTP timeout')));
    let buffer = '';
    let step = 0;
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.on('error', fail);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const nl = buffer.indexOf('\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (/^\d{3}-/.test(line)) continue; // a multi-line answer goes on
        const code = Number(line.slice(0, 3));
        const want = steps[step]![1];
        if (code !== want && !(step === steps.length - 1 && code >= 200 && code < 300)) {
          return fail(new Error(`SMTP: expected ${want}, got ${JSON.stringify(line)}`));
        }
        step++;
        if (step === steps.length) {
          socket.end();
          return resolve();
        }
        socket.write(`${steps[step]![0]}\r\n`);
      }
    });
  });
}

/** Mails sent one after another, in the order of the events. */
export class AlertSender {
  private chain: Promise<void> = Promise.resolve();
  private readonly target: MailTarget;
  private readonly onError: (err: Error, e: ServiceEvent) => void;

  constructor(target: MailTarget, onError: (err: Error, e: ServiceEvent) => void) {
    this.target = target;
    this.onError = onError;
  }

  send(e: ServiceEvent): void {
    const message = alertMessage(e, new Date(), this.target.to);
    this.chain = this.chain.then(() =>
      sendMail(this.target, message).catch((err: unknown) =>
        this.onError(err instanceof Error ? err : new Error(String(err)), e),
      ),
    );
  }

  /** Resolves when every mail queued so far was sent or dropped. */
  flush(): Promise<void> {
    return this.chain;
  }
}
