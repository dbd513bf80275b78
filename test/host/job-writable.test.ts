import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type JobWriter, jobRedirect, jobWriter } from '../../src/host/job-writable.ts';
import { expandVolumes } from '../../src/host/unrestricted-volumes.ts';
import type { User } from '../../src/host-facts.ts';
import { needsRoot } from '../helpers/needs-root.ts';
import { ensureVcap } from './vcap-user.ts';

// Under /run, not /tmp: a sticky world-writable /tmp would be a case of its own (tested below).
const skip = needsRoot('chown, and a directory under /run');
const base = skip ? '' : mkdtempSync('/run/bpm-jobwritable-');
let vcap: User;
let w: JobWriter;
before(() => {
  if (skip) return;
  vcap = ensureVcap();
  w = { uid: vcap.uid, gids: [vcap.gid] };
  chmodSync(base, 0o755);
});
after(() => {
  if (!skip) rmSync(base, { recursive: true, force: true });
});

function dir(rel: string, mode = 0o755, owner?: User): string {
  const p = join(base, rel);
  mkdirSync(p, { recursive: true });
  chmodSync(p, mode);
  if (owner) chownSync(p, owner.uid, owner.gid);
  return p;
}

describe('jobRedirect: could vcap redirect a mount of this path?', { skip }, () => {
  it('no, for a root-owned tree, also through a root-owned link in a root-owned directory', () => {
    const real = dir('root/real');
    symlinkSync(join(base, 'root'), join(base, 'rootlink'));
    assert.equal(jobRedirect(real, w), undefined);
    assert.equal(jobRedirect(join(base, 'rootlink', 'real'), w), undefined);
  });

  it('yes, when the path itself is a symlink, or a vcap-owned link is on the way', () => {
    dir('links');
    const link = join(base, 'links', 'x');
    symlinkSync(dir('target'), link);
    assert.equal(jobRedirect(link, w), `${link} is a symlink`);
    const vlink = join(base, 'links', 'v');
    symlinkSync(join(base, 'root'), vlink);
    lchownSync(vlink, vcap.uid, vcap.gid);
    assert.equal(jobRedirect(join(vlink, 'real'), w), `${vlink} is a symlink owned by uid ${vcap.uid}`);
  });

  it('yes, when a directory on the way is vcap-writable (owner, group or other bits)', () => {
    const owned = dir('owned', 0o700, vcap);
    dir('owned/sub');
    assert.equal(jobRedirect(join(owned, 'sub'), w), `vcap can replace ${owned}/sub (it can write ${owned})`);
    dir('group', 0o775);
    chownSync(join(base, 'group'), 0, vcap.gid);
    dir('group/sub');
    assert.match(jobRedirect(join(base, 'group', 'sub'), w) ?? '', /it can write .*\/group\)$/);
    dir('group-ro', 0o755);
    chownSync(join(base, 'group-ro'), 0, vcap.gid);
    assert.equal(jobRedirect(dir('group-ro/sub'), w), undefined);
  });

  it('a sticky world-writable directory protects root-owned entries only', () => {
    dir('sticky', 0o1777);
    assert.equal(jobRedirect(dir('sticky/roots'), w), undefined);
    const theirs = dir('sticky/theirs', 0o755, vcap);
    assert.equal(jobRedirect(theirs, w), `vcap can replace ${theirs} (it can write ${join(base, 'sticky')})`);
  });

  it('expandVolumes drops the matches vcap could redirect and says why', () => {
    const jobDir = dir('jobdir', 0o700, vcap);
    symlinkSync('/etc', join(jobDir, 'planted'));
    writeFileSync(join(base, 'root', 'file'), '');
    const opts = { writable: true, allowExecutions: false, mountOnly: false, shared: false };
    const { volumes, dropped } = expandVolumes(
      [
        { path: `${jobDir}/*`, ...opts },
        { path: `${base}/root/*`, ...opts },
      ],
      w,
    );
    assert.deepEqual(
      volumes.map((v) => v.path),
      [join(base, 'root', 'file'), join(base, 'root', 'real')],
    );
    assert.deepEqual(dropped, [
      {
        path: join(jobDir, 'planted'),
        reason: `vcap can replace ${jobDir}/planted (it can write ${jobDir})`,
      },
    ]);
  });

  it('jobWriter adds the groups /etc/group lists vcap in', () => {
    const groups = join(base, 'group-file');
    writeFileSync(groups, `root:x:0:\nadm:x:4:syslog,vcap\nvcap:x:${vcap.gid}:\nother:x:77:vcapx\n`);
    assert.deepEqual(jobWriter(vcap, 'vcap', groups), { uid: vcap.uid, gids: [vcap.gid, 4] });
  });
});
