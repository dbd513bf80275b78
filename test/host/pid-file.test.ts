import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { readPidFile, writePidFile } from '../../src/host/pid-file.ts';
import type { User } from '../../src/host-facts.ts';
import { needsRoot } from '../helpers/needs-root.ts';
import { ensureVcap } from './vcap-user.ts';

let vcap: User;
const skip = needsRoot('chown of planted links');
const base = skip ? '' : mkdtempSync(join(tmpdir(), 'bpm-pidfile-'));
before(() => {
  if (skip) return;
  vcap = ensureVcap();
});
after(() => {
  if (!skip) rmSync(base, { recursive: true, force: true });
});

let n = 0;
/** A fresh BOSH root and a root-only file outside it that an attacker would like overwritten. */
function fixture(): { paths: RootPaths; secret: string } {
  n += 1;
  const paths = new RootPaths(join(base, `r${n}`));
  mkdirSync(paths.root, { recursive: true });
  const secret = join(base, `secret${n}`);
  writeFileSync(secret, 'root only\n', { mode: 0o600 });
  return { paths, secret };
}

describe('pid file', { skip }, () => {
  it('is written like runc writes it: 0644, no newline, temp file renamed, root-only pid dir', () => {
    const { paths } = fixture();
    const job = paths.job('web');
    writePidFile(job, 'worker', 4242);
    assert.equal(readFileSync(job.pidFile('worker'), 'utf8'), '4242');
    assert.equal(statSync(job.pidFile('worker')).mode & 0o777, 0o644);
    assert.equal(statSync(job.pidDir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(job.pidDir), ['worker.pid']);
    assert.equal(readPidFile(job, 'worker'), '4242');
  });

  it('never follows a symlink planted at the temporary name (O_CREAT|O_EXCL|O_NOFOLLOW)', () => {
    const { paths, secret } = fixture();
    const job = paths.job('web');
    mkdirSync(job.pidDir, { recursive: true });
    const tmp = join(job.pidDir, `worker.pid.${process.pid}.tmp`);
    symlinkSync(secret, tmp);
    lchownSync(tmp, vcap.uid, vcap.gid);
    assert.throws(() => writePidFile(job, 'worker', 4242), { message: `open ${tmp}: file exists` });
    assert.equal(readFileSync(secret, 'utf8'), 'root only\n');
    assert.equal(existsSync(job.pidFile('worker')), false);
  });

  it('never follows a pid directory replaced by a symlink the job planted', () => {
    const { paths } = fixture();
    const job = paths.job('web');
    const elsewhere = join(base, `elsewhere${n}`);
    mkdirSync(elsewhere);
    mkdirSync(paths.pidRoot, { recursive: true });
    symlinkSync(elsewhere, job.pidDir);
    lchownSync(job.pidDir, vcap.uid, vcap.gid);
    const refusal = `refusing to use ${job.pidDir}: ${job.pidDir} is a symlink owned by uid ${vcap.uid}, not root`;
    assert.throws(() => writePidFile(job, 'worker', 4242), { message: refusal });
    assert.throws(() => readPidFile(job, 'worker'), { message: refusal });
    assert.deepEqual(readdirSync(elsewhere), []);
  });

  it('reads neither through a symlink nor blocks on a FIFO at the pid file', () => {
    const { paths, secret } = fixture();
    const job = paths.job('web');
    mkdirSync(job.pidDir, { recursive: true });
    symlinkSync(secret, job.pidFile('worker'));
    assert.throws(() => readPidFile(job, 'worker'), { code: 'ELOOP' });
    rmSync(job.pidFile('worker'));
    execFileSync('mkfifo', [job.pidFile('worker')]);
    assert.equal(readPidFile(job, 'worker'), '');
  });
});
