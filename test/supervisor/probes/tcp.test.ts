import assert from 'node:assert/strict';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { tcpProbe } from '../../../src/supervisor/probes/tcp.ts';

let server: Server;
let port: number;
let accepted = 0;

before(async () => {
  server = createServer((socket) => {
    accepted += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

const never = new AbortController().signal;

test('a listening port passes; the connection is closed at once', async () => {
  assert.deepEqual(await tcpProbe(port)(never), { ok: true, detail: 'connected' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(accepted, 1);
});

test('a closed port fails with the reason', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const free = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const r = await tcpProbe(free)(never);
  assert.equal(r.ok, false);
  assert.match(r.detail, /ECONNREFUSED/);
});

test('an aborted attempt fails and settles', async () => {
  const abort = new AbortController();
  abort.abort(new Error('probe timed out'));
  const r = await tcpProbe(port)(abort.signal);
  assert.equal(r.ok, false);
});
