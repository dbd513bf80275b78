import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { globalPreRun, ROOT_REQUIRED } from '../../src/cli/pre-run.ts';

function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'bpm-prerun-'));
}

test('non-root (uid and gid both non-zero) is refused without usage; nothing is created', async () => {
  const r = tempRoot();
  try {
    await assert.rejects(
      globalPreRun(new RootPaths(r), { ids: () => ({ uid: 1000, gid: 1000 }), skipCgroups: true }),
      {
        message: ROOT_REQUIRED,
        showUsage: false,
      },
    );
    assert.throws(() => statSync(join(r, 'data')));
  } finally {
    rmSync(r, { recursive: true, force: true });
  }
});

test('gid 0 alone passes the root check; the lock dir is created 0700', async () => {
  const r = tempRoot();
  try {
    await globalPreRun(new RootPaths(join(r, 'deep', 'root')), {
      ids: () => ({ uid: 1000, gid: 0 }),
      skipCgroups: true,
    });
    const st = statSync(join(r, 'deep', 'root', 'data', 'bpm', 'locks'));
    assert.ok(st.isDirectory());
    assert.equal(st.mode & 0o777, 0o700);
    assert.equal(statSync(join(r, 'deep', 'root', 'data', 'bpm')).mode & 0o777, 0o700);
  } finally {
    rmSync(r, { recursive: true, force: true });
  }
});

test('lock dir failure: Go-worded OS error, with usage', async () => {
  const r = tempRoot();
  try {
    writeFileSync(join(r, 'data'), 'not a dir');
    await assert.rejects(
      globalPreRun(new RootPaths(r), { ids: () => ({ uid: 0, gid: 0 }), skipCgroups: true }),
      {
        message: `mkdir ${join(r, 'data')}: not a directory`,
        showUsage: true,
      },
    );
  } finally {
    rmSync(r, { recursive: true, force: true });
  }
});

test('failing to determine the user: wrapped, with usage', async () => {
  await assert.rejects(
    globalPreRun(new RootPaths('/nonexistent'), {
      ids: () => {
        throw new Error('user: unknown userid 4242');
      },
      skipCgroups: true,
    }),
    { message: 'unable to get current user: user: unknown userid 4242', showUsage: true },
  );
});
