import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boshRoot, JobPaths, RootPaths } from '../../src/bosh/paths.ts';

test('BPM_BOSH_ROOT overrides /var/vcap when set and non-empty, cleaned lexically', () => {
  assert.equal(boshRoot({}), '/var/vcap');
  assert.equal(boshRoot({ BPM_BOSH_ROOT: '' }), '/var/vcap');
  assert.equal(boshRoot({ BPM_BOSH_ROOT: '/tmp//r1/' }), '/tmp/r1');
});

test('external paths live under R, internal ones under /var/vcap', () => {
  const r = new RootPaths('/tmp/r1');
  const j = r.job('web');
  assert.equal(r.runcBinary, '/tmp/r1/packages/bpm/bin/runc');
  assert.equal(r.runcRoot, '/tmp/r1/sys/run/bpm-runc');
  assert.equal(r.locksDir, '/tmp/r1/data/bpm/locks');
  assert.equal(r.runcStateFile('bpm-web'), '/tmp/r1/sys/run/bpm-runc/bpm-web/state.json');
  assert.equal(j.configFile, '/tmp/r1/jobs/web/config/bpm.yml');
  assert.equal(j.pidFile('worker'), '/tmp/r1/sys/run/bpm/web/worker.pid');
  assert.equal(j.stdoutLog('worker'), '/tmp/r1/sys/log/web/worker.stdout.log');
  assert.equal(j.stderrLog('worker'), '/tmp/r1/sys/log/web/worker.stderr.log');
  assert.equal(j.bpmLog, '/tmp/r1/sys/log/web/bpm.log');
  assert.equal(j.bundle('worker'), '/tmp/r1/data/bpm/bundles/web/worker');
  assert.equal(j.configJson('worker'), '/tmp/r1/data/bpm/bundles/web/worker/config.json');
  assert.equal(j.tmpDir, '/tmp/r1/data/web/tmp');
  assert.equal(j.storeDir, '/tmp/r1/store/web');
  assert.equal(j.runDir, '/tmp/r1/sys/run/web');
  assert.equal(j.internalTmpDir, '/var/vcap/data/web/tmp');
  assert.equal(j.internalJobDir, '/var/vcap/jobs/web');
  assert.equal(JobPaths.internalTini, '/var/vcap/packages/bpm/bin/tini');
});
