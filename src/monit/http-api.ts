// The BOSH agent's side of monit's HTTP interface: `GET /_status2?format=xml` (also `/_status`),
// `POST /SERVICE` with `action=start|stop|restart|unmonitor` and, for the monit CLI,
// `POST /_doaction` with `action=…&service=…` (repeatable). Basic auth on every request. An
// action is started and answered at once (monit's actions are asynchronous too): 503 while another
// action of that service is pending, as monit answers. A `securitytoken` field (monit ≥ 5.26's CSRF
// token) is accepted and not required: the agent does not send one.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { authorized, type Users } from './credentials.ts';
import type { Action } from './service.ts';

export type ActionOutcome = 'ok' | 'not-found' | 'busy';

export interface MonitApiHandler {
  statusXml(): string;
  action(service: string, action: Action): ActionOutcome;
}

const ACTIONS: ReadonlySet<string> = new Set(['start', 'stop', 'restart', 'unmonitor']);
const MAX_BODY = 64 * 1024;

function reply(res: ServerResponse, code: number, body: string, type = 'text/html'): void {
  res.writeHead(code, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
}

function page(title: string, text: string): string {
  return `<html><head><title>${title}</title></head><body><h2>${title}</h2>${text}</body></html>`;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        // Answered 413 at once; the rest is read and dropped (the connection then closes).
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

async function handle(
  users: Users,
  handler: MonitApiHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!authorized(users, req.headers.authorization)) {
    res.setHeader('WWW-Authenticate', 'Basic realm="monit"');
    return reply(res, 401, page('401 Unauthorized', 'You are not authorized to access monit.'));
  }
  const url = new URL(req.url ?? '/', 'http://monit');
  if (req.method === 'GET' && (url.pathname === '/_status2' || url.pathname === '/_status')) {
    return reply(res, 200, handler.statusXml(), 'text/xml');
  }
  if (req.method !== 'POST') return reply(res, 405, page('405 Method Not Allowed', 'Unsupported request.'));
  const body = await readBody(req);
  if (body === undefined) return reply(res, 413, page('413 Request Entity Too Large', 'Request too large.'));
  const form = new URLSearchParams(body);
  const action = form.get('action') ?? '';
  if (!ACTIONS.has(action)) return reply(res, 400, page('400 Bad Request', 'Invalid action.'));
  let name: string;
  try {
    name = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return reply(res, 400, page('400 Bad Request', 'Bad service name.'));
  }
  const targets = name === '_doaction' ? form.getAll('service') : [name];
  const outcomes = targets.map((t) => [t, handler.action(t, action as Action)] as const);
  const missing = outcomes.find(([, o]) => o === 'not-found');
  if (missing !== undefined)
    return reply(
      res,
      404,
      page('404 Not Found', `There is no service named "${missing[0].replace(/[<>&"]/g, '')}"`),
    );
  if (outcomes.some(([, o]) => o === 'busy'))
    return reply(
      res,
      503,
      page('503 Service Unavailable', 'Other action already in progress -- please try again later'),
    );
  return reply(res, 200, page('Action', `${action} requested`));
}

export function listenMonitApi(
  address: string,
  port: number,
  users: Users,
  handler: MonitApiHandler,
): Promise<Server> {
  const server = createServer((req, res) => {
    handle(users, handler, req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, page('500 Internal Server Error', 'Internal error.'));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
