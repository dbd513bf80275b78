import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { bpmTarget } from '../../src/monit/bpm-program.ts';
import { parseMonitrc } from '../../src/monit/monitrc.ts';

const root = new RootPaths('/var/vcap');

function target(start: string, stop: string, r = root): ReturnType<typeof bpmTarget> {
  const rc = parseMonitrc(
    't',
    `check process s with pidfile /p\n start program "${start}"\n stop program "${stop}"\n`,
  );
  return bpmTarget(r, rc.services[0]!);
}

describe('bpmTarget', () => {
  const bpm = '/var/vcap/jobs/bpm/bin/bpm';
  test('plain bpm start/stop of a job, or of one process with -p', () => {
    assert.deepEqual(target(`${bpm} start nats`, `${bpm} stop nats`), { job: 'nats', process: 'nats' });
    assert.deepEqual(target(`${bpm} start app -p web`, `${bpm} stop app -p web`), {
      job: 'app',
      process: 'web',
    });
  });
  test('the bpm of the BOSH root in use (a test root)', () => {
    const r = new RootPaths('/tmp/r1');
    assert.deepEqual(target('/tmp/r1/jobs/bpm/bin/bpm start j', '/tmp/r1/jobs/bpm/bin/bpm stop j', r), {
      job: 'j',
      process: 'j',
    });
    assert.equal(target(`${bpm} start j`, `${bpm} stop j`, r), undefined);
  });
  test('anything else runs the monit way', () => {
    assert.equal(target(`${bpm} start a`, `${bpm} stop b`), undefined);
    assert.equal(target(`${bpm} start a -p x`, `${bpm} stop a -p y`), undefined);
    assert.equal(target(`/usr/bin/env X=1 ${bpm} start a`, `${bpm} stop a`), undefined);
    assert.equal(target(`${bpm} start a extra`, `${bpm} stop a`), undefined);
    assert.equal(target(`${bpm} start -p x`, `${bpm} stop -p x`), undefined);
    assert.equal(target('/var/vcap/jobs/a/bin/ctl start', '/var/vcap/jobs/a/bin/ctl stop'), undefined);
  });
});
