import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { monitCli } from '../../src/monit/monit-cli.ts';
import {
  MONITOR_INIT,
  MONITOR_NOT,
  MONITOR_YES,
  PENDING,
  STATUS_NONEXIST,
  STATUS_OK,
} from '../../src/monit/service.ts';
import { readServiceRows, stateText } from '../../src/monit/status-read.ts';
import { statusXml } from '../../src/monit/status-xml.ts';

describe('bpm monit', () => {
  const dir = mkdtempSync('/tmp/bpm-monit-cli-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const root = new RootPaths(dir);

  test('without a running supervisor: one clear error', async () => {
    await assert.rejects(
      monitCli(root, ['summary'], ''),
      /bpm supervise --monit-compat is not running for this BOSH root/,
    );
    await assert.rejects(monitCli(root, ['reload'], ''), /is not running/);
  });

  test('bad command lines', async () => {
    await assert.rejects(monitCli(root, [], ''), /an action is needed/);
    await assert.rejects(monitCli(root, ['stop', 'a', 'b'], ''), /unexpected argument "b"/);
  });

  test('validate: every problem with file and line; errors make it fail', async () => {
    mkdirSync(join(dir, 'monit', 'job'), { recursive: true });
    writeFileSync(
      join(dir, 'monit', 'job', '0000_a.monitrc'),
      'check process a with pidfile /p\n  mode manual\n',
    );
    writeFileSync(join(dir, 'monit', 'job', '0001_b.monitrc'), 'check process b\n  start program "/b"\n');
    const r = await monitCli(root, ['validate'], '');
    assert.deepEqual(r, {
      kind: 'problems',
      lines: [
        `warning: ${dir}/monit/job/0000_a.monitrc:2: a: mode manual: not supported; ignored`,
        `error: ${dir}/monit/job/0001_b.monitrc:1: b: check process needs "with pidfile"; service not supervised`,
      ],
      errors: 1,
    });
  });

  test('the status read back: names, groups, states as monit words them', () => {
    const base = { groups: ['vcap'], pending: PENDING.none, status: STATUS_OK, pid: 0 };
    const xml = statusXml({
      id: 'x',
      incarnation: 5,
      version: '5.2.5',
      nowMs: 0,
      services: [
        { view: { ...base, name: 'a', monitor: MONITOR_YES } },
        { view: { ...base, name: 'b', monitor: MONITOR_NOT } },
        { view: { ...base, name: 'c', monitor: MONITOR_INIT } },
        {
          view: { ...base, name: 'd', monitor: MONITOR_YES, status: STATUS_NONEXIST, statusMessage: 'gone' },
        },
        { view: { ...base, name: 'e', monitor: MONITOR_YES, pending: PENDING.stop, groups: [] } },
      ],
    });
    const { incarnation, services } = readServiceRows(xml);
    assert.equal(incarnation, 5);
    assert.deepEqual(
      services.map((s) => [s.name, stateText(s), s.groups.join(',')]),
      [
        ['a', 'running', 'vcap'],
        ['b', 'not monitored', 'vcap'],
        ['c', 'initializing', 'vcap'],
        ['d', 'Does not exist', 'vcap'],
        ['e', 'stop pending', ''],
      ],
    );
  });
});
