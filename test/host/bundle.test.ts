import assert from 'node:assert/strict';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { removeBundle, writeBundle } from '../../src/host/bundle.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const job = new RootPaths(dir).job('web');

function mode(path: string): number {
  return statSync(path).mode & 0o7777;
}

describe('bundles', () => {
  it('creates the bundle tree with the exact modes and a 0600 config.json', async () => {
    await writeBundle(job, 'worker', '{\n\t"ociVersion": "1.3.0"\n}\n');
    assert.equal(mode(join(dir, 'data', 'bpm', 'bundles')), 0o700);
    assert.equal(mode(job.bundlesDir), 0o700);
    assert.equal(mode(job.bundle('worker')), 0o700);
    assert.equal(mode(job.rootfs('worker')), 0o755);
    assert.deepEqual(readdirSync(job.rootfs('worker')), []);
    assert.equal(mode(job.configJson('worker')), 0o600);
    assert.equal(readFileSync(job.configJson('worker'), 'utf8'), '{\n\t"ociVersion": "1.3.0"\n}\n');
  });

  it('replaces config.json atomically: a new file, no stale tail, no temporary leftovers', async () => {
    const file = job.configJson('worker');
    const old = openSync(file, 'r');
    try {
      await writeBundle(job, 'worker', '{}\n');
      assert.equal(readFileSync(file, 'utf8'), '{}\n');
      // The reader that had the old file open still sees the complete old document.
      const buf = Buffer.alloc(64);
      const n = readSync(old, buf, 0, 64, 0);
      assert.equal(buf.subarray(0, n).toString(), '{\n\t"ociVersion": "1.3.0"\n}\n');
    } finally {
      closeSync(old);
    }
    assert.deepEqual(readdirSync(job.bundle('worker')).sort(), ['config.json', 'rootfs']);
    assert.equal(mode(file), 0o600);
  });

  it('keeps a bundle that holds the very spec: config.json untouched, rootfs with what runc made', async () => {
    const spec = '{\n\t"ociVersion": "1.3.0"\n}\n';
    assert.equal(await writeBundle(job, 'kept', spec, true), false);
    mkdirSync(join(job.rootfs('kept'), 'var', 'vcap'), { recursive: true }); // a mount point runc made
    const before = statSync(job.configJson('kept')).ino;
    assert.equal(await writeBundle(job, 'kept', spec, true), true);
    assert.equal(statSync(job.configJson('kept')).ino, before);
    assert.deepEqual(readdirSync(job.rootfs('kept')), ['var']);
  });

  it('another spec empties the rootfs before the new config.json is written', async () => {
    mkdirSync(join(job.rootfs('kept'), 'var', 'vcap', 'data'), { recursive: true });
    assert.equal(await writeBundle(job, 'kept', '{}\n', true), false);
    assert.deepEqual(readdirSync(job.rootfs('kept')), []);
    assert.equal(mode(job.rootfs('kept')), 0o755);
    assert.equal(readFileSync(job.configJson('kept'), 'utf8'), '{}\n');
  });

  it('a bundle without config.json (a start killed while writing it) gets an empty rootfs', async () => {
    rmSync(job.configJson('kept'));
    mkdirSync(join(job.rootfs('kept'), 'tmp'));
    assert.equal(await writeBundle(job, 'kept', '{}\n', true), false);
    assert.deepEqual(readdirSync(job.rootfs('kept')), []);
  });

  it('not reusable (a container that could write its root): the same spec still gets an empty rootfs', async () => {
    writeFileSync(join(job.rootfs('kept'), 'left-by-root'), 'x');
    assert.equal(await writeBundle(job, 'kept', '{}\n'), false);
    assert.deepEqual(readdirSync(job.rootfs('kept')), []);
    await removeBundle(job, 'kept');
  });

  it('reports failures as bundle build failures', async () => {
    const blocked = new RootPaths(join(dir, 'data', 'bpm', 'bundles', 'web', 'worker', 'config.json')).job(
      'x',
    );
    await assert.rejects(writeBundle(blocked, 'p', '{}'), {
      message: /^bundle build failure: mkdir .*: not a directory$/,
    });
  });

  it('removes the bundle, and a missing bundle is fine', async () => {
    await removeBundle(job, 'worker');
    assert.throws(() => statSync(job.bundle('worker')), { code: 'ENOENT' });
    assert.ok(statSync(job.bundlesDir).isDirectory());
    await removeBundle(job, 'worker');
  });
});
