import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mkdirAll } from '../../src/host/mkdir-all.ts';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'bpm-mkdir-all-'));
}

test('creates every missing level; an existing directory is fine', () => {
  const dir = scratch();
  try {
    mkdirAll(join(dir, 'a', 'b', 'c'), 0o750);
    assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
    mkdirAll(join(dir, 'a', 'b'), 0o750);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file in the way: the error names that file, like Go (`mkdir <file>: not a directory`)', () => {
  const dir = scratch();
  try {
    writeFileSync(join(dir, 'log'), '');
    assert.throws(() => mkdirAll(join(dir, 'log'), 0o750), {
      message: `mkdir ${join(dir, 'log')}: not a directory`,
    });
    assert.throws(() => mkdirAll(join(dir, 'log', 'job', 'x'), 0o750), {
      message: `mkdir ${join(dir, 'log')}: not a directory`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a level that cannot be created names that level', {
  skip: process.getuid?.() === 0 ? 'root may write anywhere' : undefined,
}, () => {
  const dir = scratch();
  try {
    mkdirSync(join(dir, 'ro'), 0o500);
    assert.throws(() => mkdirAll(join(dir, 'ro', 'a', 'b'), 0o750), {
      message: `mkdir ${join(dir, 'ro', 'a')}: permission denied`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
