import assert from 'node:assert/strict';
import {
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
import { after, describe, it } from 'node:test';
import { mkdirAllOnPool, writeFileAtomicOnPool } from '../../src/host/pool-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-pool-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const mode = (path: string) => statSync(path).mode & 0o7777;

describe('mkdirAllOnPool', () => {
  it('creates every missing level with the mode, and an existing directory is fine', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    await mkdirAllOnPool(deep, 0o700);
    for (const level of [join(dir, 'a'), join(dir, 'a', 'b'), deep]) assert.equal(mode(level), 0o700);
    await mkdirAllOnPool(deep, 0o755);
    assert.equal(mode(deep), 0o700);
  });

  it('follows a link to a directory, as Go’s Stat does', async () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    await mkdirAllOnPool(join(dir, 'link'), 0o700);
    await mkdirAllOnPool(join(dir, 'link', 'below'), 0o700);
    assert.ok(statSync(join(dir, 'real', 'below')).isDirectory());
  });

  it('names the level a file blocks, Go-worded', async () => {
    writeFileSync(join(dir, 'file'), '');
    await assert.rejects(mkdirAllOnPool(join(dir, 'file'), 0o700), {
      message: `mkdir ${join(dir, 'file')}: not a directory`,
    });
    await assert.rejects(mkdirAllOnPool(join(dir, 'file', 'x', 'y'), 0o700), {
      message: `mkdir ${join(dir, 'file')}: not a directory`,
    });
  });
});

describe('writeFileAtomicOnPool', () => {
  it('replaces the file with a 0600 one and leaves no temporary file', async () => {
    const target = join(dir, 'w');
    mkdirSync(target);
    writeFileSync(join(target, 'config.json'), 'old and longer');
    await writeFileAtomicOnPool(join(target, 'config.json'), '{}\n', target);
    assert.equal(readFileSync(join(target, 'config.json'), 'utf8'), '{}\n');
    assert.equal(mode(join(target, 'config.json')), 0o600);
    assert.deepEqual(readdirSync(target), ['config.json']);
  });

  it('fails Go-worded on the temporary file when the rename cannot happen, and removes it', async () => {
    const target = join(dir, 'r');
    mkdirSync(join(target, 'config.json'), { recursive: true });
    writeFileSync(join(target, 'config.json', 'entry'), '');
    await assert.rejects(writeFileAtomicOnPool(join(target, 'config.json'), '{}', target), {
      message: /^rename .*\/\.config\.json\.\d+\.\d+\.tmp: (is a directory|file exists|directory not empty)$/,
    });
    assert.deepEqual(readdirSync(target), ['config.json']);
  });
});
