import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
