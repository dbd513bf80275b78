// unsafe.unrestricted_volumes globs against a hostile job (issue #10 item 4): a job that plants a
// symlink in a directory it can write, where the author's pattern matches, must not get the link's
// target (outside R, root-only) mounted read-write into its container; `bpm validate` says so.
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
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../../helpers/bosh-root.ts';
import { runProbe, vcapIds } from './probe.ts';

const skip = skipReason();

describe('isolation: unrestricted volume globs and planted links', { skip }, () => {
  let r: BoshRoot;
  // Outside /tmp (a BOSH mount destination, where bpm drops unrestricted matches anyway).
  const base = mkdtempSync('/run/bpm-it-links-');
  const { uid, gid } = vcapIds();
  before(() => {
    r = BoshRoot.create();
    chmodSync(base, 0o755);
  });
  after(async () => {
    await r.cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  test('a match that is a planted link, or lies in a vcap-writable directory, is not mounted', async () => {
    const secret = join(base, 'secret');
    mkdirSync(secret, { mode: 0o700 });
    writeFileSync(join(secret, 'file'), 'root only\n', { mode: 0o600 });
    // The author shares sockets from a directory the job can write; the job plants a link there.
    const sockets = join(base, 'sockets');
    mkdirSync(join(sockets, 'real'), { recursive: true });
    chownSync(sockets, uid, gid);
    symlinkSync(secret, join(sockets, 'planted'));
    lchownSync(join(sockets, 'planted'), uid, gid);
    // A root-owned tree next to it is mounted as before.
    const shared = join(base, 'shared');
    mkdirSync(join(shared, 'one'), { recursive: true });
    writeFileSync(join(shared, 'one', 'file'), 'one\n');

    const volumes = [{ path: `${sockets}/*`, writable: true }, { path: `${shared}/*` }];
    const p = await runProbe(
      r,
      'ulinks',
      { unsafe: { unrestricted_volumes: volumes } },
      [
        // vcap cannot read the 0700 target even when mounted: look for the mount itself.
        `echo planted=$(awk -v s=${secret} '$4 == s { m = "mounted" } END { print m ? m : "absent" }' /proc/self/mountinfo)`,
        `[ -d ${sockets}/real ] && echo real=present || echo real=absent`,
        `echo one=$(cat ${shared}/one/file)`,
      ].join('\n'),
    );
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.deepEqual([p.out.planted, p.out.real, p.out.one], ['absent', 'absent', 'one']);
    const dropped = r.bpmLog(p.job).filter((l) => l.message.endsWith('dropped-unrestricted-volume'));
    assert.deepEqual(
      dropped.map((l) => l.data.path),
      [join(sockets, 'planted'), join(sockets, 'real')],
    );

    const v = await r.bpm('validate', p.job);
    assert.match(
      v.stdout,
      /unrestricted volume ".*\/sockets\/\*": bpm drops 2 of 2 match\(es\) because the job could redirect the mount/,
    );
  });
});
