import assert from 'node:assert/strict';
import { closeSync, fstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openLogFile } from '../../src/host/log-file.ts';
import type { User } from '../../src/oci/input.ts';
import { needsRoot } from '../helpers/needs-root.ts';
import { ensureVcap } from './vcap-user.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-logfile-'));
let vcap: User;
before(() => {
  vcap = ensureVcap();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const notRoot = needsRoot('chown');

describe('openLogFile', () => {
  it('creates 0600, chowns to the user and appends', { skip: notRoot }, () => {
    const file = join(dir, 'a.log');
    for (const text of ['one\n', 'two\n']) {
      const fd = openLogFile(file, vcap);
      const st = fstatSync(fd);
      assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [vcap.uid, vcap.gid, 0o600]);
      writeSync(fd, text, 0);
      closeSync(fd);
    }
    assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\n');
  });

  it('refuses a symlink', () => {
    const file = join(dir, 'b.log');
    symlinkSync(join(dir, 'target'), file);
    assert.throws(() => openLogFile(file, vcap), {
      message: `refusing to open symlink at ${file}: too many levels of symbolic links`,
    });
  });

  it('words other failures like Go', () => {
    const file = join(dir, 'missing', 'c.log');
    assert.throws(() => openLogFile(file, vcap), { message: `open ${file}: no such file or directory` });
  });
});
