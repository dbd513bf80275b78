import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clearRuncLog, lastRuncError, runcErrorFromLog, stripBoilerplate } from '../../src/runc/error-log.ts';

// What runc 1.1.5 wrote with `--log F --log-format json` for a start whose volume is missing.
const MOUNT_FAILURE =
  '{"level":"error","msg":"runc run failed: unable to start container process: error during container init: error mounting \\"/r/data/packages\\" to rootfs at \\"/var/vcap/data/packages\\": stat /r/data/packages: no such file or directory","time":"2026-12-01T20:05:04Z"}\n';

test('the last error line, without the wrapping every failed start has', () => {
  assert.equal(
    lastRuncError(`{"level":"warning","msg":"w","time":"t"}\n${MOUNT_FAILURE}`),
    'error mounting "/r/data/packages" to rootfs at "/var/vcap/data/packages": stat /r/data/packages: no such file or directory',
  );
  assert.equal(
    stripBoilerplate(
      'runc run failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted',
    ),
    'error setting rlimits for ready process: error setting rlimit type 7: operation not permitted',
  );
  assert.equal(stripBoilerplate('container "bpm-x" already exists'), 'container "bpm-x" already exists');
});

test('no error, torn or foreign lines: no reason', () => {
  assert.equal(lastRuncError(''), undefined);
  assert.equal(lastRuncError('{"level":"info","msg":"fine"}\n'), undefined);
  assert.equal(lastRuncError('not json\n{"level":"error"}\n[1]\n'), undefined);
  assert.equal(lastRuncError('l":"error","msg":"torn"}\n{"level":"error","msg":"whole"}'), 'whole');
});

test('read from the file without following a symlink; cleared before a run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpm-runc-log-'));
  try {
    const file = join(dir, 'runc.log');
    assert.equal(runcErrorFromLog(file), undefined);
    writeFileSync(join(dir, 'elsewhere'), MOUNT_FAILURE);
    symlinkSync(join(dir, 'elsewhere'), file);
    assert.equal(runcErrorFromLog(file), undefined);
    clearRuncLog(file);
    writeFileSync(file, `${'x'.repeat(100_000)}\n${MOUNT_FAILURE}`);
    assert.match(runcErrorFromLog(file) ?? '', /^error mounting/);
    clearRuncLog(file);
    assert.equal(runcErrorFromLog(file), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
