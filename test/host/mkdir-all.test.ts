import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mkdirAll } from '../../src/host/mkdir-all.ts';
import { runUnprivileged } from '../helpers/as-nobody.ts';

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

test('a level that cannot be created names that level (checked as an unprivileged user)', () => {
  const dir = scratch();
  try {
    chmodSync(dir, 0o755); // mkdtemp makes it 0700; the unprivileged user must reach 'ro'
    mkdirSync(join(dir, 'ro'), 0o500);
    const target = join(dir, 'ro', 'a', 'b');
    const mod = new URL('../../src/host/mkdir-all.ts', import.meta.url).pathname;
    const script = `import { mkdirAll } from ${JSON.stringify(mod)};
try { mkdirAll(${JSON.stringify(target)}, 0o750); } catch (e) { process.stdout.write(e.message); }`;
    const r = runUnprivileged(script);
    assert.equal(r.stdout, `mkdir ${join(dir, 'ro', 'a')}: permission denied`, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
