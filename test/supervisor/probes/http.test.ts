import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { after, before, test } from 'node:test';
import { httpProbe } from '../../../src/supervisor/probes/http.ts';

let server: Server;
let port: number;
const paths: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (req.url === '/hang') return; // never answers
    const code = Number(req.url?.slice(1)) || 200;
    res.writeHead(code, code === 302 ? { location: '/elsewhere' } : {});
    res.end('body');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const never = new AbortController().signal;

async function listen(s: NetServer): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

test('2xx and 3xx pass (a redirect is not followed); other codes fail, each with its code', async () => {
  assert.deepEqual(await httpProbe(port, '/200')(never), { ok: true, detail: 'HTTP 200' });
  assert.deepEqual(await httpProbe(port, '/204')(never), { ok: true, detail: 'HTTP 204' });
  assert.deepEqual(await httpProbe(port, '/302')(never), { ok: true, detail: 'HTTP 302' });
  assert.deepEqual(await httpProbe(port, '/404')(never), { ok: false, detail: 'HTTP 404' });
  assert.deepEqual(await httpProbe(port, '/503')(never), { ok: false, detail: 'HTTP 503' });
  assert.ok(!paths.includes('/elsewhere'));
});

test('the path and query are sent as they are', async () => {
  await httpProbe(port, '/200?probe=ready')(never);
  assert.equal(paths.at(-1), '/200?probe=ready');
});

test('a refused connection fails with the reason', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const free = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const r = await httpProbe(free, '/')(never);
  assert.equal(r.ok, false);
  assert.match(r.detail, /ECONNREFUSED/);
});

test('a server that never answers: the abort ends the request at once', async () => {
  const abort = new AbortController();
  const pending = httpProbe(port, '/hang')(abort.signal);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const t0 = performance.now();
  abort.abort(new Error('probe timed out'));
  const r = await pending;
  assert.equal(r.ok, false);
  assert.ok(performance.now() - t0 < 1_000, 'settled right after the abort');
});

test('the request is one HTTP/1.1 GET with the host and port, closing the connection', async () => {
  const seen: string[] = [];
  const raw = createNetServer((s) => {
    s.once('data', (d) => {
      seen.push(d.toString('latin1'));
      s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
    });
  });
  const rawPort = await listen(raw);
  assert.deepEqual(await httpProbe(rawPort, '/ready?x=1')(never), { ok: true, detail: 'HTTP 200' });
  raw.close();
  const [request] = seen;
  assert.match(request ?? '', /^GET \/ready\?x=1 HTTP\/1\.1\r\n/);
  assert.match(request ?? '', new RegExp(`\r\nHost: 127\\.0\\.0\\.1:${rawPort}\r\n`));
  assert.match(request ?? '', /\r\nConnection: close\r\n\r\n$/);
});

/** A server that answers every connection with `reply`, written in pieces of `chunk` bytes. */
async function replying(reply: string, chunk = reply.length): Promise<{ port: number; close: () => void }> {
  const raw = createNetServer((s) => {
    s.on('error', () => {});
    s.once('data', async () => {
      for (let i = 0; i < reply.length; i += chunk) {
        s.write(reply.slice(i, i + chunk));
        await new Promise((r) => setTimeout(r, 5));
      }
      s.end();
    });
  });
  return { port: await listen(raw), close: () => raw.close() };
}

test('the status line is read however the response is split, with or without a reason phrase', async () => {
  const split = await replying('HTTP/1.1 204 No Content\r\n\r\n', 3);
  assert.deepEqual(await httpProbe(split.port, '/')(never), { ok: true, detail: 'HTTP 204' });
  split.close();
  const bare = await replying('HTTP/1.0 399\r\n\r\n');
  assert.deepEqual(await httpProbe(bare.port, '/')(never), { ok: true, detail: 'HTTP 399' });
  bare.close();
  const low = await replying('HTTP/1.1 199 Odd\r\n\r\nHTTP/1.1 400 Bad\r\n\r\n');
  assert.deepEqual(await httpProbe(low.port, '/')(never), { ok: false, detail: 'HTTP 400' });
  low.close();
});

test('interim 1xx responses are skipped to the final one; 101 is final and fails', async () => {
  const interim = await replying(
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n',
    7,
  );
  assert.deepEqual(await httpProbe(interim.port, '/')(never), { ok: true, detail: 'HTTP 200' });
  interim.close();
  const upgrade = await replying('HTTP/1.1 101 Switching Protocols\r\n\r\n');
  assert.deepEqual(await httpProbe(upgrade.port, '/')(never), { ok: false, detail: 'HTTP 101' });
  upgrade.close();
});

test('no answer, a closed connection or something other than HTTP fails', async () => {
  const closes = await replying('');
  assert.deepEqual(await httpProbe(closes.port, '/')(never), {
    ok: false,
    detail: 'connection closed before a response',
  });
  closes.close();
  const partial = await replying('HTTP/1.1 20');
  assert.deepEqual(await httpProbe(partial.port, '/')(never), {
    ok: false,
    detail: 'connection closed before a response',
  });
  partial.close();
  const ssh = await replying('SSH-2.0-OpenSSH_9.6\r\n');
  const r = await httpProbe(ssh.port, '/')(never);
  assert.equal(r.ok, false);
  assert.match(r.detail, /^malformed HTTP response "SSH-2\.0/);
  ssh.close();
  const endless = await replying('x'.repeat(20_000));
  assert.deepEqual(await httpProbe(endless.port, '/')(never), {
    ok: false,
    detail: 'response header too large',
  });
  endless.close();
  const interims = await replying('HTTP/1.1 100 Continue\r\n\r\n'.repeat(2_000), 4_096);
  assert.deepEqual(await httpProbe(interims.port, '/')(never), {
    ok: false,
    detail: 'response header too large',
  });
  interims.close();
});

test('a path that would split the request line is not sent', async () => {
  const r = await httpProbe(port, '/a b\r\nx: y')(never);
  assert.equal(r.ok, false);
  assert.match(r.detail, /^invalid request path/);
  assert.ok(!paths.some((p) => p.startsWith('/a')), 'nothing reached the server');
});
