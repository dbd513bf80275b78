// The test agent's HTTP client, written from the BOSH agent's public monit client
// (jobsupervisor/monit): Basic auth, form-encoded POST /SERVICE action=start|stop|unmonitor,
// GET /_status2?format=xml, and its two retry strategies — the short one (status, start: up to 20
// attempts on any error) and monit's own (stop, unmonitor: up to 300 attempts while the answer is
// 503, then 20 for anything else), one delay between attempts (1 s in the agent). One addition for
// monit ≥ 5.26, which wants a CSRF token on POST: a `securitytoken` cookie the server sets is sent
// back as a form field (a browser's way; the agent on the stemcell's monit needs none).
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentStatus, parseAgentStatus } from './status-xml.ts';

interface Answer {
  code: number;
  body: string;
}

export class HttpError extends Error {
  readonly code: number;
  constructor(code: number, body: string) {
    super(`Request failed with ${code}: ${body.slice(0, 200)}`);
    this.code = code;
  }
}

export interface ClientOptions {
  port: number;
  user: string;
  password: string;
  /** The agent's retry delay is 1 s; a test may shorten it. */
  retryDelayMs?: number;
}

export class MonitClient {
  private readonly opts: ClientOptions;
  private token: string | undefined;
  /** Every request made, for the tests: `GET /_status2`, `POST /web action=stop`. */
  readonly requests: string[] = [];

  constructor(opts: ClientOptions) {
    this.opts = opts;
  }

  private once(method: string, path: string, body: string): Promise<Answer> {
    const auth = Buffer.from(`${this.opts.user}:${this.opts.password}`).toString('base64');
    const headers: Record<string, string> = {
      Authorization: `Basic ${auth}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    };
    if (this.token !== undefined) headers['Cookie'] = `securitytoken=${this.token}`;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.opts.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const m = /^securitytoken=([^;]+)/.exec(c);
            if (m) this.token = m[1];
          }
          const code = res.statusCode ?? 0;
          // Go's client follows a redirect after a POST with a GET (monit 5.33 answers 302).
          if (code >= 300 && code < 400 && res.headers.location !== undefined) {
            const loc = new URL(res.headers.location, 'http://127.0.0.1');
            this.once('GET', loc.pathname + loc.search, '').then(resolve, reject);
            return;
          }
          resolve({ code, body: Buffer.concat(chunks).toString('latin1') });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  private send(method: string, path: string, body: string): Promise<Answer> {
    this.requests.push(`${method} ${path}${body ? ` ${body}` : ''}`);
    const withToken =
      method === 'POST' && this.token !== undefined ? `securitytoken=${this.token}&${body}` : body;
    return this.once(method, path, withToken);
  }

  private delay(): Promise<void> {
    return sleep(this.opts.retryDelayMs ?? 1000);
  }

  /** The short strategy: up to 20 attempts, on a connection error or a non-200 answer. */
  private async short(method: string, path: string, body: string): Promise<Answer> {
    let last: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const a = await this.send(method, path, body);
        if (a.code === 200) return a;
        last = new HttpError(a.code, a.body);
      } catch (err) {
        last = err;
      }
      await this.delay();
    }
    throw last;
  }

  /** Monit's strategy: 503s (an action pending) are retried up to 300 times, other errors 20. */
  private async long(method: string, path: string, body: string): Promise<Answer> {
    let unavailable = 0;
    let other = 0;
    let last: unknown;
    while (unavailable < 300 || other < 20) {
      let is503 = false;
      try {
        const a = await this.send(method, path, body);
        if (a.code === 200) return a;
        is503 = a.code === 503;
        last = new HttpError(a.code, a.body);
      } catch (err) {
        last = err;
      }
      if (is503 && unavailable < 300) unavailable++;
      else {
        unavailable = 301;
        other++;
      }
      await this.delay();
    }
    throw last;
  }

  async status(): Promise<AgentStatus> {
    const a = await this.short('GET', '/_status2?format=xml', '');
    return parseAgentStatus(a.body);
  }

  async startService(name: string): Promise<void> {
    await this.short('POST', `/${name}`, 'action=start');
  }

  async stopService(name: string): Promise<void> {
    await this.long('POST', `/${name}`, 'action=stop');
  }

  async unmonitorService(name: string): Promise<void> {
    await this.long('POST', `/${name}`, 'action=unmonitor');
  }

  /** One attempt, the answer's code: for tests of the API itself. */
  async raw(method: string, path: string, body = '', auth = true): Promise<Answer> {
    if (auth) return this.send(method, path, body);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.opts.port, method, path }, (res) => {
        res.resume();
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: '' }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
