// pinLogFiles moves the calling process to a private mount namespace, so each case runs in a child.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const notRoot = process.getuid?.() === 0 ? false : 'mount namespaces need root';
const dir = mkdtempSync(join(tmpdir(), 'bpm-logview-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const logView = JSON.stringify(new URL('../../src/host/log-view.ts', import.meta.url).href);

/**
 * A child that pins `files`, prints `pinned`, waits for a line on stdin, then prints what `cat`
 * (a process it forks, like tail) reads at those paths; `between` runs while it waits.
 */
function pinThenCat(files: string[], between: () => void): Promise<{ stdout: string; stderr: string }> {
  const script = `
    import { spawnSync } from 'node:child_process';
    import { pinLogFiles } from ${logView};
    try { pinLogFiles(${JSON.stringify(files)}); } catch (err) { console.log('refused: ' + err.message); process.exit(0); }
    console.log('pinned');
    process.stdin.once('data', () => {
      process.stdout.write(spawnSync('cat', ${JSON.stringify(files)}, { encoding: 'utf8' }).stdout);
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      const first = stdout === '';
      stdout += d.toString();
      if (first && stdout.startsWith('pinned\n')) {
        between();
        child.stdin.write('go\n');
      }
    });
    child.once('close', () => resolve({ stdout, stderr }));
  });
}

function hostMountsUnder(path: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => (l.split(' ')[4] ?? '').startsWith(path));
}

test('children see the files as they were when pinned, whatever happens to the names', {
  skip: notRoot,
}, async () => {
  const logs = join(dir, 'log');
  mkdirSync(logs);
  const out = join(logs, 'web.stdout.log');
  const err = join(logs, 'web.stderr.log');
  writeFileSync(out, 'out line\n');
  writeFileSync(err, 'err line\n');
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'SECRET\n', { mode: 0o600 });
  const r = await pinThenCat([out, err], () => {
    // The job's move after bpm's check: both names now lead to the secret.
    for (const f of [out, err]) {
      symlinkSync(secret, `${f}.new`);
      renameSync(`${f}.new`, f);
    }
  });
  assert.equal(r.stdout, 'pinned\nout line\nerr line\n', r.stderr);
  assert.deepEqual(hostMountsUnder(dir), [], 'nothing is mounted on the host');
});

test('a symlink at a log file is refused; a FIFO too', { skip: notRoot }, async () => {
  const logs = join(dir, 'log2');
  mkdirSync(logs);
  const linked = join(logs, 'a.stdout.log');
  symlinkSync('/etc/hostname', linked);
  const r = await pinThenCat([linked], () => {});
  assert.equal(
    r.stdout,
    `refused: refusing to open symlink at ${linked}: too many levels of symbolic links\n`,
  );
  const fifo = join(logs, 'b.stdout.log');
  execFileSync('mkfifo', [fifo]);
  const f = await pinThenCat([fifo], () => {});
  assert.equal(f.stdout, `refused: refusing to read ${fifo}: not a regular file\n`);
});
