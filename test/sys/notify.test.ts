// sd_notify's datagram (src/sys/notify.ts) against a receiving socket made the same way, at a path
// and in the abstract namespace; the address encoding; the errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SysError } from '../../src/sys/errno.ts';
import { sendNotify, unixAddress } from '../../src/sys/notify.ts';
import { NotifyReceiver } from '../helpers/notify-receiver.ts';

describe('sys/notify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpm-notify-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('unixAddress: family 1, a path with its NUL, an abstract name with a leading NUL only', () => {
    const path = unixAddress('/run/x');
    assert.equal(path.readUInt16LE(0), 1);
    assert.deepEqual(path.subarray(2), Buffer.from('/run/x\0'));
    assert.deepEqual(unixAddress('@sd').subarray(2), Buffer.from('\0sd'));
  });

  test('unixAddress refuses empty and over-long addresses', () => {
    for (const bad of ['', '@', `/${'x'.repeat(107)}`]) assert.throws(() => unixAddress(bad), SysError);
    assert.equal(unixAddress(`/${'x'.repeat(106)}`).length, 2 + 108);
  });

  test('a datagram reaches a socket bound at a path, whole and in order', async () => {
    const rx = new NotifyReceiver(join(dir, 'notify.sock'));
    try {
      sendNotify(rx.address, 'READY=1\nMAINPID=42');
      sendNotify(rx.address, 'STOPPING=1');
      assert.equal(await rx.next(1000), 'READY=1\nMAINPID=42');
      assert.equal(await rx.next(1000), 'STOPPING=1');
      assert.equal(await rx.next(50), undefined);
    } finally {
      rx.close();
    }
  });

  test('… and one in the abstract namespace (`@name`)', async () => {
    const rx = new NotifyReceiver(`@bpm-notify-test-${process.pid}`);
    try {
      sendNotify(rx.address, 'READY=1');
      assert.equal(await rx.next(1000), 'READY=1');
    } finally {
      rx.close();
    }
  });

  test('nobody listening: a SysError naming the socket', () => {
    assert.throws(() => sendNotify(join(dir, 'absent.sock'), 'READY=1'), {
      name: 'SysError',
      message: `sendto ${join(dir, 'absent.sock')}: no such file or directory`,
    });
  });
});
