// scripts/make-root.sh: the layout it creates is enough for a real bpm start/stop (issue #13 item 10).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BPM, HOST_RUNC, HOST_TINI, REPO, skipReason } from '../helpers/bosh-root.ts';

const SCRIPT = join(REPO, 'scripts', 'make-root.sh');

function makeRoot(dir: string, env: Record<string, string> = {}) {
  return spawnSync('sh', [SCRIPT, dir], {
    encoding: 'utf8',
    env: { ...process.env, BPM_RUNC: HOST_RUNC, BPM_TINI: HOST_TINI, ...env },
  });
}

test('usage and missing binaries are refused, creating nothing', () => {
  assert.equal(spawnSync('sh', [SCRIPT], { encoding: 'utf8' }).status, 2);
  const parent = mkdtempSync('/tmp/bpm-make-root-');
  try {
    const r = makeRoot(join(parent, 'R'), { BPM_RUNC: join(parent, 'no-runc') });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^make-root: runc not found at .*no-runc/);
    assert.throws(() => statSync(join(parent, 'R')));
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('the layout, twice; then a real job starts and stops in it', { skip: skipReason() }, () => {
  const parent = mkdtempSync('/tmp/bpm-make-root-');
  const R = join(parent, 'R');
  const job = `mkroot-${process.pid}`;
  try {
    for (let i = 0; i < 2; i++) {
      const r = makeRoot(R);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `BOSH root ready: export BPM_BOSH_ROOT=${R}\n`);
    }
    for (const d of ['', 'packages/bpm/bin', 'data/packages', 'jobs', 'store', 'sys/log', 'sys/run']) {
      const st = statSync(join(R, d));
      assert.ok(st.isDirectory(), d);
      assert.equal(st.mode & 0o777, 0o755, d);
    }
    assert.equal(readlinkSync(join(R, 'packages/bpm/bin/runc')), HOST_RUNC);
    const tini = lstatSync(join(R, 'packages/bpm/bin/tini'));
    assert.ok(tini.isFile() && (tini.mode & 0o111) !== 0);

    mkdirSync(join(R, 'jobs', job, 'config'), { recursive: true });
    mkdirSync(join(R, 'jobs', job, 'bin'), { recursive: true });
    writeFileSync(join(R, 'jobs', job, 'bin', 'run'), '#!/bin/sh\nexec sleep 1000\n');
    chmodSync(join(R, 'jobs', job, 'bin', 'run'), 0o755);
    writeFileSync(
      join(R, 'jobs', job, 'config', 'bpm.yml'),
      `processes:\n- name: ${job}\n  executable: /var/vcap/jobs/${job}/bin/run\n  persistent_disk: true\n`,
    );
    const bpm = (...args: string[]) =>
      spawnSync(BPM, args, { encoding: 'utf8', env: { ...process.env, BPM_BOSH_ROOT: R } });
    const started = bpm('start', job);
    assert.equal(started.status, 0, started.stderr);
    assert.equal(started.stderr, '');
    assert.match(bpm('list').stdout, new RegExp(`${job} +\\d+ +running`));
    assert.equal(bpm('stop', job).status, 0);
  } finally {
    spawnSync(HOST_RUNC, ['--root', join(R, 'sys/run/bpm-runc'), 'delete', '--force', `bpm-${job}`]);
    rmSync(parent, { recursive: true, force: true });
  }
});
