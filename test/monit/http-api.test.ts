import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseUsers } from '../../src/monit/credentials.ts';
import { listenMonitApi, type MonitApiHandler } from '../../src/monit/http-api.ts';
import type { Action } from '../../src/monit/service.ts';
import { MonitClient } from './agent/monit-client.ts';

describe('the monit HTTP API', () => {
  const actions: string[] = [];
  const busy = new Set<string>(['busy']);
  const handler: MonitApiHandler = {
    statusXml: () => '<monit incarnation="7"><services></services><servicegroups></servicegroups></monit>',
    action(service: string, action: Action) {
      if (service === 'missing') return 'not-found';
      if (busy.has(service)) return 'busy';
      actions.push(`${service}:${action}`);
      return 'ok';
    },
  };
  let server: Awaited<ReturnType<typeof listenMonitApi>>;
  let client: MonitClient;
  let port: number;
  before(async () => {
    server = await listenMonitApi('127.0.0.1', 0, parseUsers('# agent\nvcap:s3cret\n'), handler);
    port = (server.address() as AddressInfo).port;
    client = new MonitClient({ port, user: 'vcap', password: 's3cret', retryDelayMs: 10 });
  });
  after(() => server.close());

  test('status and actions with the right credentials', async () => {
    assert.equal((await client.status()).incarnation, 7);
    await client.startService('web');
    await client.stopService('web');
    await client.unmonitorService('web');
    assert.deepEqual(actions.splice(0), ['web:start', 'web:stop', 'web:unmonitor']);
  });

  test('the monit CLI form: _doaction with several services', async () => {
    const a = await client.raw('POST', '/_doaction', 'action=restart&service=a&service=b');
    assert.equal(a.code, 200);
    assert.deepEqual(actions.splice(0), ['a:restart', 'b:restart']);
  });

  test('401 without or with wrong credentials, and nothing done', async () => {
    assert.equal((await client.raw('GET', '/_status2?format=xml', '', false)).code, 401);
    const wrong = new MonitClient({ port, user: 'vcap', password: 'nope' });
    assert.equal((await wrong.raw('POST', '/web', 'action=stop')).code, 401);
    assert.deepEqual(actions, []);
  });

  test('404 for an unknown service, 400 for an unknown action, 503 while one is pending', async () => {
    assert.equal((await client.raw('POST', '/missing', 'action=start')).code, 404);
    assert.equal((await client.raw('POST', '/web', 'action=explode')).code, 400);
    assert.equal((await client.raw('POST', '/busy', 'action=stop')).code, 503);
    assert.equal((await client.raw('PUT', '/web', 'action=stop')).code, 405);
    assert.equal((await client.raw('POST', '/%E0%A4%A', 'action=stop')).code, 400);
    assert.equal((await client.raw('POST', '/web', 'x'.repeat(70 * 1024))).code, 413);
    assert.deepEqual(actions, []);
  });

  test("the agent's stop retries 503s until the pending action is over", async () => {
    const started = client.stopService('busy');
    setTimeout(() => busy.delete('busy'), 50);
    await started;
    assert.deepEqual(actions.splice(0), ['busy:stop']);
    assert.ok(client.requests.filter((r) => r === 'POST /busy action=stop').length >= 2);
  });
});
