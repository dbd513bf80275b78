import assert from 'node:assert/strict';
import { lchownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertInsideRoot } from '../../src/host/inside-root.ts';

const isRoot = process.geteuid?.() === 0;
const skip = isRoot ? undefined : 'needs root (plants symlinks owned by another user with lchown)';
const UID = 4242; // any non-root owner: the job's vcap user in production

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newRoot(): string {
  const r = mkdtempSync(join(tmpdir(), 'bpm-inside-'));
  dirs.push(r);
  mkdirSync(join(r, 'data', 'bpm'), { recursive: true, mode: 0o700 });
  mkdirSync(join(r, 'data', 'web'), { recursive: true, mode: 0o700 });
  return r;
}

describe('assertInsideRoot', { skip }, () => {
  it('accepts a root-owned symlink to a directory inside the root (BOSH links packages so)', () => {
    const r = newRoot();
    symlinkSync(join(r, 'data', 'bpm'), join(r, 'data', 'web', 'vol'));
    assertInsideRoot(r, join(r, 'data', 'web', 'vol'));
    assertInsideRoot(r, join(r, 'data', 'web', 'vol', 'missing'));
  });

  it('refuses a symlink not owned by root on the way, even to a target inside the root', () => {
    // vcap owns R/data/JOB (ephemeral_disk): a link it plants there to R/data/bpm, R/jobs/OTHER
    // or R/packages must not make root chown, chmod or mount that target for it.
    const r = newRoot();
    const link = join(r, 'data', 'web', 'vol');
    symlinkSync(join(r, 'data', 'bpm'), link);
    lchownSync(link, UID, UID);
    assert.throws(() => assertInsideRoot(r, link), {
      message: `refusing to use ${link}: ${link} is a symlink owned by uid ${UID}, not root`,
    });
    assert.throws(() => assertInsideRoot(r, join(link, 'sub')), {
      message: `refusing to use ${join(link, 'sub')}: ${link} is a symlink owned by uid ${UID}, not root`,
    });
  });

  it('names the outside-root target first when a link leads out of the root', () => {
    const r = newRoot();
    const link = join(r, 'data', 'web', 'tmp');
    symlinkSync('/etc', link);
    lchownSync(link, UID, UID);
    assert.throws(() => assertInsideRoot(r, link), {
      message: `refusing to use ${link}: it resolves to /etc, outside the BOSH root ${r}`,
    });
  });

  it('does not judge symlinks in the root path itself (the operator chose BPM_BOSH_ROOT)', () => {
    const r = newRoot();
    const parent = mkdtempSync(join(tmpdir(), 'bpm-inside-link-'));
    dirs.push(parent);
    const alias = join(parent, 'root');
    symlinkSync(r, alias);
    lchownSync(alias, UID, UID);
    assertInsideRoot(alias, join(alias, 'data', 'web'));
  });
});
