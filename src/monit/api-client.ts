// `bpm monit`'s side of the supervisor's monit API: the status XML and `_doaction`, with the
// agent's credentials (R/monit/monit.user, its first user) on the port the supervisor wrote down.
import { request } from 'node:http';
import { BpmError, messageOf } from '../errors.ts';
import type { Users } from './credentials.ts';

export class MonitApiClient {
  private readonly port: number;
  private readonly auth: string;

  constructor(port: number, users: Users) {
    this.port = port;
    const [user, password] = [...users][0] ?? ['', ''];
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private send(method: string, path: string, body: string): Promise<{ code: number; body: string }> {
    const headers = { Authorization: this.auth, 'Content-Type': 'application/x-www-form-urlencoded' };
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, method, path, headers, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) =>
        reject(
          new BpmError(
            `cannot reach bpm supervise --monit-compat on 127.0.0.1:${this.port}: ${messageOf(err)}`,
          ),
        ),
      );
      req.end(body);
    });
  }

  async status(): Promise<string> {
    const a = await this.send('GET', '/_status2?format=xml', '');
    if (a.code !== 200) throw new BpmError(`monit status: the supervisor answered ${a.code}`);
    return a.body;
  }

  async action(action: string, services: readonly string[]): Promise<void> {
    if (services.length === 0) return;
    const form = new URLSearchParams([
      ['action', action],
      ...services.map((s) => ['service', s] as [string, string]),
    ]);
    const a = await this.send('POST', '/_doaction', form.toString());
    if (a.code === 200) return;
    const text = a.body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    throw new BpmError(`monit ${action}: ${text || `the supervisor answered ${a.code}`}`);
  }
}
