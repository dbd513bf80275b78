import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AlertSender, alertMessage, rfc1123z, sendMail } from '../../src/monit/alert-mail.ts';
import { AlertReceiver } from './agent/alerts.ts';

describe('monit alerts by mail', () => {
  const receiver = new AlertReceiver();
  let port = 0;
  before(async () => {
    port = await receiver.listen();
  });
  after(() => receiver.close());

  test("the date is Go's RFC1123Z, which the agent parses", () => {
    assert.equal(rfc1123z(new Date(Date.UTC(2026, 11, 1, 3, 4, 5))), 'Tue, 01 Dec 2026 03:04:05 +0000');
  });

  test("the agent's parser reads service, event, action, date, description and the Message-id", async () => {
    const e = {
      service: 'web',
      event: 'Does not exist',
      action: 'restart',
      description: 'process is not running',
    };
    await sendMail(
      { host: '127.0.0.1', port, to: 'agent@local' },
      alertMessage(e, new Date(Date.UTC(2026, 0, 2)), 'agent@local'),
    );
    const a = await receiver.waitFor((x) => x.service === 'web', 5000);
    assert.deepEqual(
      { ...a, id: a.id.replace(/^\d+\.[0-9a-f]+@.*$/, 'ID'), receivedAt: 0 },
      { ...e, id: 'ID', date: 'Fri, 02 Jan 2026 00:00:00 +0000', severity: 'alert', receivedAt: 0 },
    );
  });

  test('a name or message cannot add lines to the mail; a leading dot survives', async () => {
    const e = {
      service: 'evil\r\nEvent: Exists',
      event: 'Execution failed',
      action: 'alert',
      description: '.\r\n.x',
    };
    const sender = new AlertSender({ host: '127.0.0.1', port, to: 'agent@local' }, (err) => assert.fail(err));
    sender.send(e);
    await sender.flush();
    const a = await receiver.waitFor((x) => x.service.startsWith('evil'), 5000);
    assert.equal(a.event, 'Execution failed');
    assert.equal(a.service, 'evil Event: Exists');
    assert.equal(a.description, '. .x');
  });

  test('an unreachable mail server is reported, and later mails still go', async () => {
    const errors: string[] = [];
    const dead = new AlertSender({ host: '127.0.0.1', port: 1, to: 'agent@local' }, (err, e) =>
      errors.push(`${e.service}: ${err.message}`),
    );
    dead.send({ service: 'a', event: 'Exists', action: 'alert', description: 'x' });
    await dead.flush();
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^a: .*ECONNREFUSED/);
  });
});
