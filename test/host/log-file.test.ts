import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  linkSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openLogFile } from '../../src/host/log-file.ts';
import type { User } from '../../src/host-facts.ts';
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

  it('refuses a FIFO, even one nobody reads, without blocking', () => {
    const fifo = join(dir, 'fifo.log');
    execFileSync('mkfifo', [fifo]);
    for (const nonBlocking of [false, true]) {
      assert.throws(() => openLogFile(fifo, vcap, nonBlocking), {
        message: `refusing to open ${fifo}: not a regular file`,
      });
    }
    assert.equal(statSync(fifo).uid, 0, 'not chowned');
  });

  it('refuses a hard link to another file and leaves its owner alone', () => {
    const other = join(dir, 'root-only');
    writeFileSync(other, 'secret\n', { mode: 0o600 });
    const file = join(dir, 'hard.log');
    linkSync(other, file);
    assert.throws(() => openLogFile(file, vcap), {
      message: `refusing to open ${file}: it has 2 hard links`,
    });
    assert.equal(statSync(other).uid, 0, 'not chowned');
  });

  it('words other failures like Go', () => {
    const file = join(dir, 'missing', 'c.log');
    assert.throws(() => openLogFile(file, vcap), { message: `open ${file}: no such file or directory` });
  });
});
