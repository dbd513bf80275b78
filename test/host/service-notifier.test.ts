// The sd_notify messages of bpm run and bpm supervise (src/host/service-notifier.ts), received on a
// real datagram socket; without NOTIFY_SOCKET nothing is sent; a dead socket warns once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { serviceNotifier } from '../../src/host/service-notifier.ts';
import { NotifyReceiver } from '../helpers/notify-receiver.ts';

describe('serviceNotifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpm-notifier-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('READY=1 with MAINPID, then STOPPING=1', async () => {
    const rx = new NotifyReceiver(join(dir, 'n.sock'));
    try {
      const n = serviceNotifier({ NOTIFY_SOCKET: rx.address }, 4242, (w) => assert.fail(w));
      n.ready();
      n.stopping();
      assert.equal(await rx.next(1000), 'READY=1\nMAINPID=4242');
      assert.equal(await rx.next(1000), 'STOPPING=1');
    } finally {
      rx.close();
    }
  });

  test('STATUS= lines: alone (one line) or with READY=1', async () => {
    const rx = new NotifyReceiver(join(dir, 's.sock'));
    try {
      const n = serviceNotifier({ NOTIFY_SOCKET: rx.address }, 4242, (w) => assert.fail(w));
      n.status('waiting\nfor the probe');
      n.ready('ready: the probe passed');
      assert.equal(await rx.next(1000), 'STATUS=waiting for the probe');
      assert.equal(await rx.next(1000), 'READY=1\nMAINPID=4242\nSTATUS=ready: the probe passed');
    } finally {
      rx.close();
    }
  });

  test('STATUS= lines never block: once the queue is full they are dropped, without a warning', () => {
    const rx = new NotifyReceiver(join(dir, 'full.sock'));
    try {
      const n = serviceNotifier({ NOTIFY_SOCKET: rx.address }, 1, (w) => assert.fail(w));
      // A unix datagram queue holds at most net.unix.max_dgram_qlen (default 512) datagrams.
      for (let i = 0; i < 5_000; i++) n.status(`attempt ${i}`);
    } finally {
      rx.close();
    }
  });

  test('no NOTIFY_SOCKET (or an empty one): silent', () => {
    for (const env of [{}, { NOTIFY_SOCKET: '' }]) {
      const n = serviceNotifier(env, 1, (w) => assert.fail(w));
      n.ready();
      n.stopping();
      n.status('x');
      assert.equal(n.listening, false);
    }
  });

  test('a socket nobody listens on: one warning naming it, the command goes on', () => {
    const warnings: string[] = [];
    const socket = join(dir, 'gone.sock');
    const n = serviceNotifier({ NOTIFY_SOCKET: socket }, 1, (w) => warnings.push(w));
    n.ready();
    n.stopping();
    assert.deepEqual(warnings, [`NOTIFY_SOCKET=${socket}: sendto ${socket}: no such file or directory`]);
  });
});
