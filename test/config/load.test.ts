// Reading bpm.yml from disk.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadJobConfig } from '../../src/config/load.ts';
import { BpmError, ConfigError } from '../../src/errors.ts';
import { runUnprivileged } from '../helpers/as-nobody.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-config-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const opts = { root: dir, job: 'web' };

test('reads and parses the file', () => {
  const file = join(dir, 'ok.yml');
  writeFileSync(file, 'processes:\n- name: web\n  executable: /bin/web\n');
  const cfg = loadJobConfig(file, opts);
  assert.equal(cfg.file, file);
  assert.equal(cfg.processes[0]!.name, 'web');
});

test('a missing file is a BpmError with Go text (the caller adds the prefix)', () => {
  const file = join(dir, 'missing', 'bpm.yml');
  assert.throws(
    () => loadJobConfig(file, opts),
    (err: unknown) =>
      err instanceof BpmError &&
      !(err instanceof ConfigError) &&
      err.message === `open ${file}: no such file or directory`,
  );
});

test('a path through a regular file is "not a directory"', () => {
  const file = join(dir, 'ok.yml', 'bpm.yml');
  assert.throws(() => loadJobConfig(file, opts), { message: `open ${file}: not a directory` });
});

test('a directory is "read …: is a directory"', () => {
  assert.throws(() => loadJobConfig(dir, opts), { message: `read ${dir}: is a directory` });
});

test('an unreadable file is "permission denied" (checked as an unprivileged user)', () => {
  const file = join(dir, 'secret.yml');
  writeFileSync(file, 'processes: []\n');
  chmodSync(file, 0o000);
  chmodSync(dir, 0o755); // mkdtemp makes it 0700; the unprivileged user must reach the file
  const loader = new URL('../../src/config/load.ts', import.meta.url).pathname;
  const script = `import { loadJobConfig } from ${JSON.stringify(loader)};
try { loadJobConfig(${JSON.stringify(file)}, { root: '/', job: 'web' }); } catch (e) { process.stdout.write(e.message); }`;
  const r = runUnprivileged(script);
  assert.equal(r.stdout, `open ${file}: permission denied`, r.stderr);
});

test('invalid UTF-8 is a one-line ConfigError naming the file', () => {
  const file = join(dir, 'latin1.yml');
  writeFileSync(file, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
  assert.throws(
    () => loadJobConfig(file, opts),
    (err: unknown) =>
      err instanceof ConfigError && err.message === `${file}: yaml: invalid UTF-8 in the file`,
  );
});

test('parse errors name the file that was read', () => {
  const file = join(dir, 'bad.yml');
  writeFileSync(file, 'processes:\n- name: web\n');
  assert.throws(() => loadJobConfig(file, opts), {
    message: `${file}:2:3: processes[0].executable: invalid config: executable`,
  });
});
