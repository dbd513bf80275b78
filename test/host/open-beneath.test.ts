import assert from 'node:assert/strict';
import {
  closeSync,
  fstatSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openBeneath } from '../../src/host/open-beneath.ts';
import type { User } from '../../src/host-facts.ts';
import { needsRoot } from '../helpers/needs-root.ts';
import { ensureVcap } from './vcap-user.ts';

let vcap: User;
const skip = needsRoot('chown of planted links');
const base = skip ? '' : mkdtempSync(join(tmpdir(), 'bpm-beneath-'));
const root = join(base, 'R');
const outside = join(base, 'outside');
before(() => {
  if (skip) return;
  vcap = ensureVcap();
  mkdirSync(join(root, 'data', 'job', 'real'), { recursive: true });
  mkdirSync(join(root, 'data', 'sys', 'log'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'data', 'job', 'file'), 'x');
});
after(() => {
  if (!skip) rmSync(base, { recursive: true, force: true });
});

/** The path a descriptor really refers to. */
function opened(path: string, options = {}): string {
  const fd = openBeneath(root, path, options);
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } finally {
    closeSync(fd);
  }
}

function vcapLink(target: string, at: string): void {
  symlinkSync(target, at);
  lchownSync(at, vcap.uid, vcap.gid);
}

describe('openBeneath', { skip }, () => {
  it('opens a directory or file below R', () => {
    assert.equal(opened(join(root, 'data', 'job', 'real')), join(root, 'data', 'job', 'real'));
    assert.equal(opened(join(root, 'data', 'job', 'file')), join(root, 'data', 'job', 'file'));
    assert.equal(opened(root), root);
  });

  it('follows root-owned links, relative and absolute (BOSH: /var/vcap/sys → /var/vcap/data/sys)', () => {
    symlinkSync(join(root, 'data', 'sys'), join(root, 'sys'));
    symlinkSync('../job/real', join(root, 'data', 'sys', 'rel'));
    assert.equal(opened(join(root, 'sys', 'log')), join(root, 'data', 'sys', 'log'));
    assert.equal(opened(join(root, 'sys', 'rel')), join(root, 'data', 'job', 'real'));
  });

  it('refuses a link anyone but root owns, anywhere on the way, without touching its target', () => {
    const link = join(root, 'data', 'job', 'evil');
    vcapLink(outside, link);
    const refusal = (path: string) => ({
      message: `refusing to use ${path}: ${link} is a symlink owned by uid ${vcap.uid}, not root`,
    });
    assert.throws(() => openBeneath(root, link), refusal(link));
    assert.throws(() => openBeneath(root, join(link, 'sub'), { create: 0o700 }), refusal(join(link, 'sub')));
    assert.equal(statSync(outside).nlink, 2, 'nothing was created outside');
  });

  it('creates missing levels root-owned with the mode given, and only when asked', () => {
    const deep = join(root, 'data', 'job', 'a', 'b');
    assert.throws(() => openBeneath(root, deep), { message: `stat ${deep}: no such file or directory` });
    const fd = openBeneath(root, deep, { create: 0o700 });
    const st = fstatSync(fd);
    closeSync(fd);
    assert.ok(st.isDirectory());
    assert.deepEqual([st.uid, st.mode & 0o777], [0, 0o700]);
    assert.equal(statSync(join(root, 'data', 'job', 'a')).mode & 0o777, 0o700);
  });

  it('names a file in the way like mkdir -p does, and refuses paths outside R', () => {
    const file = join(root, 'data', 'job', 'file');
    assert.throws(() => openBeneath(root, join(file, 'x'), { create: 0o700 }), {
      message: `mkdir ${file}: not a directory`,
    });
    assert.throws(() => openBeneath(root, outside), {
      message: `refusing to use ${outside}: not inside the BOSH root ${root}`,
    });
  });

  it('gives up on a loop of root-owned links with ELOOP', () => {
    symlinkSync('loop2', join(root, 'data', 'loop1'));
    symlinkSync('loop1', join(root, 'data', 'loop2'));
    assert.throws(() => openBeneath(root, join(root, 'data', 'loop1')), { code: 'ELOOP' });
  });
});
