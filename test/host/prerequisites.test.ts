import assert from 'node:assert/strict';
import {
  closeSync,
  fstatSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import type { Volume } from '../../src/config/types.ts';
import { createPrerequisites, type PrerequisitesInput } from '../../src/host/prerequisites.ts';
import { clearStaging } from '../../src/host/staging.ts';
import type { User } from '../../src/host-facts.ts';
import { needsRoot } from '../helpers/needs-root.ts';
import { ensureVcap } from './vcap-user.ts';

let vcap: User;
const roots: string[] = [];
before(() => {
  vcap = ensureVcap();
});
after(async () => {
  for (const r of roots) {
    // The staging mounts go first: a recursive removal would descend into them.
    await clearStaging(new RootPaths(r).job('web'), 'worker');
    rmSync(r, { recursive: true, force: true });
  }
});

function newRoot(): RootPaths {
  const r = mkdtempSync(join(tmpdir(), 'bpm-prereq-'));
  roots.push(r);
  return new RootPaths(r);
}

function vol(path: string, extra: Partial<Volume> = {}): Volume {
  return { path, writable: true, allowExecutions: false, mountOnly: false, shared: false, ...extra };
}

function owner(path: string): [number, number, number] {
  const st = statSync(path);
  return [st.uid, st.gid, st.mode & 0o7777];
}

function input(root: RootPaths, extra: Partial<PrerequisitesInput> = {}): PrerequisitesInput {
  return {
    paths: root.job('web'),
    proc: 'worker',
    volumes: [],
    ephemeralDisk: false,
    persistentDisk: false,
    user: vcap,
    ...extra,
  };
}

const notRoot = needsRoot('chown');

describe('createPrerequisites', () => {
  it('creates the fixed directories with the exact owners and modes and opens both logs', {
    skip: notRoot,
  }, async () => {
    const root = newRoot();
    const job = root.job('web');
    const logs = await createPrerequisites(input(root));
    try {
      assert.deepEqual(owner(root.pidRoot), [0, 0, 0o700]);
      assert.deepEqual(owner(job.pidDir), [0, 0, 0o700]);
      assert.deepEqual(owner(job.logDir), [vcap.uid, vcap.gid, 0o700]);
      assert.deepEqual(owner(job.runDir), [vcap.uid, vcap.gid, 0o700]);
      assert.deepEqual(owner(job.tmpDir), [vcap.uid, vcap.gid, 0o700]);
      // Without ephemeral_disk R/data/JOB exists only as tmp's root-owned parent.
      assert.deepEqual(owner(job.dataDir), [0, 0, 0o700]);
      for (const [fd, path] of [
        [logs.stdout, job.stdoutLog('worker')],
        [logs.stderr, job.stderrLog('worker')],
      ] as const) {
        const st = fstatSync(fd);
        assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [vcap.uid, vcap.gid, 0o600]);
        assert.equal(st.ino, statSync(path).ino);
      }
    } finally {
      closeSync(logs.stdout);
      closeSync(logs.stderr);
    }
  });

  it('handles ephemeral and persistent disks', { skip: notRoot }, async () => {
    const root = newRoot();
    const job = root.job('web');
    await assert.rejects(createPrerequisites(input(root, { persistentDisk: true })), {
      message: 'failed to create system files: requested persistent disk does not exist',
    });
    mkdirSync(root.storeRoot);
    const logs = await createPrerequisites(input(root, { persistentDisk: true, ephemeralDisk: true }));
    closeSync(logs.stdout);
    closeSync(logs.stderr);
    assert.deepEqual(owner(job.storeDir), [vcap.uid, vcap.gid, 0o700]);
    assert.deepEqual(owner(job.dataDir), [vcap.uid, vcap.gid, 0o700]);
  });

  it('creates missing volumes, re-chmods existing directories, leaves files and mount_only alone', {
    skip: notRoot,
  }, async () => {
    const root = newRoot();
    const base = root.external('vols');
    mkdirSync(base, { mode: 0o755 });
    const existing = join(base, 'existing');
    mkdirSync(existing, { mode: 0o755 });
    const file = join(base, 'file');
    writeFileSync(file, 'x', { mode: 0o644 });
    const missing = join(base, 'deep', 'missing');
    const mountOnly = join(base, 'mount-only');
    const logs = await createPrerequisites(
      input(root, { volumes: [vol(existing), vol(file), vol(missing), vol(mountOnly, { mountOnly: true })] }),
    );
    closeSync(logs.stdout);
    closeSync(logs.stderr);
    assert.deepEqual(owner(existing), [vcap.uid, vcap.gid, 0o700]);
    assert.deepEqual(owner(file), [vcap.uid, vcap.gid, 0o644]);
    assert.deepEqual(owner(missing), [vcap.uid, vcap.gid, 0o700]);
    assert.deepEqual(owner(join(base, 'deep')), [0, 0, 0o700]);
    assert.throws(() => statSync(mountOnly), { code: 'ENOENT' });
  });

  it('refuses a symlink planted at a process log and closes the first log', { skip: notRoot }, async () => {
    const root = newRoot();
    const job = root.job('web');
    mkdirSync(job.logDir, { recursive: true });
    const target = join(root.root, 'elsewhere');
    writeFileSync(target, '');
    symlinkSync(target, job.stderrLog('worker'));
    await assert.rejects(createPrerequisites(input(root)), {
      message: `failed to create system files: refusing to open symlink at ${job.stderrLog('worker')}: too many levels of symbolic links`,
    });
    assert.equal(statSync(target).uid, 0);
    assert.deepEqual(owner(job.stdoutLog('worker')), [vcap.uid, vcap.gid, 0o600]);
  });

  it('does not hand a root-only directory inside R to vcap through a volume symlink planted by vcap', {
    skip: notRoot,
  }, async () => {
    const root = newRoot();
    const job = root.job('web');
    mkdirSync(root.locksDir, { recursive: true, mode: 0o700 });
    mkdirSync(job.dataDir, { recursive: true, mode: 0o700 });
    // vcap owns R/data/JOB (ephemeral_disk) and replaces its volume directory with a symlink.
    const link = join(job.dataDir, 'vol');
    symlinkSync(root.bpmDataDir, link);
    lchownSync(link, vcap.uid, vcap.gid);
    await assert.rejects(createPrerequisites(input(root, { ephemeralDisk: true, volumes: [vol(link)] })), {
      message: `failed to create system files: refusing to use ${link}: ${link} is a symlink owned by uid ${vcap.uid}, not root`,
    });
    assert.deepEqual(owner(root.bpmDataDir), [0, 0, 0o700]);
  });

  it('fails on a shared volume that does not exist', async () => {
    const root = newRoot();
    mkdirSync(root.locksDir, { recursive: true });
    const missing = root.external('nope', 'shared');
    await assert.rejects(createPrerequisites(input(root, { volumes: [vol(missing, { shared: true })] })), {
      message: `failed to create system files: lstat ${root.external('nope')}: no such file or directory`,
    });
  });
});
