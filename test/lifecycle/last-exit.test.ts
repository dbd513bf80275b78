import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import {
  describeLastExit,
  type LastExit,
  parseLastExit,
  readLastExit,
  recordLastExit,
} from '../../src/lifecycle/last-exit.ts';

function withRoot(fn: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'bpm-last-exit-'));
  try {
    fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const exited3: LastExit = { at: '2026-12-01T20:05:01.806Z', code: 3, signal: null, seenBy: 'start' };

test('a record is written beside the pid file in the 0700 pid dir and read back', () => {
  withRoot((root) => {
    const paths = new RootPaths(root).job('web');
    recordLastExit(paths, 'worker', exited3);
    assert.equal(paths.lastExitFile('worker'), join(root, 'sys/run/bpm/web/worker.last-exit.json'));
    assert.equal(statSync(paths.pidDir).mode & 0o777, 0o700);
    assert.equal(statSync(paths.lastExitFile('worker')).mode & 0o777, 0o600);
    assert.deepEqual(readLastExit(paths, 'worker'), exited3);
    // no temporary file is left behind
    assert.deepEqual(readdirSync(paths.pidDir), ['worker.last-exit.json']);
    recordLastExit(paths, 'worker', {
      ...exited3,
      code: null,
      signal: 'SIGKILL',
      oomKilled: true,
      seenBy: 'run',
    });
    assert.equal(readLastExit(paths, 'worker')?.signal, 'SIGKILL');
  });
});

test('missing, symlinked or malformed records read as none', () => {
  withRoot((root) => {
    const paths = new RootPaths(root).job('web');
    assert.equal(readLastExit(paths, 'web'), undefined);
    mkdirSync(paths.pidDir, { recursive: true });
    const elsewhere = join(root, 'planted.json');
    writeFileSync(elsewhere, JSON.stringify(exited3));
    symlinkSync(elsewhere, paths.lastExitFile('web'));
    assert.equal(readLastExit(paths, 'web'), undefined);
    writeFileSync(paths.lastExitFile('other'), '{"at":"x"');
    assert.equal(readLastExit(paths, 'other'), undefined);
  });
  assert.equal(parseLastExit('[]'), undefined);
  assert.equal(parseLastExit(JSON.stringify({ ...exited3, at: 'yesterday' })), undefined);
  assert.equal(parseLastExit(JSON.stringify({ ...exited3, code: 1.5 })), undefined);
  assert.equal(parseLastExit(JSON.stringify({ ...exited3, seenBy: 'cron' })), undefined);
});

test('descriptions read like an operator would say them', () => {
  assert.equal(describeLastExit(exited3), 'exited 3');
  assert.equal(describeLastExit({ ...exited3, code: null }), 'exited (status unknown)');
  assert.equal(
    describeLastExit({ ...exited3, code: null, signal: 'SIGKILL', oomKilled: true }),
    'killed by SIGKILL (OOM)',
  );
});
