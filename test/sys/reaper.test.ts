import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { becomeSubreaper, decodeWaitStatus, reapExited } from '../../src/sys/reaper.ts';
import { waitForExit } from '../../src/sys/wait-exit.ts';

test('raw wait statuses decode like WIFEXITED / WIFSIGNALED', () => {
  assert.deepEqual(decodeWaitStatus(3 << 8), { code: 3, signal: null });
  assert.deepEqual(decodeWaitStatus(0), { code: 0, signal: null });
  assert.deepEqual(decodeWaitStatus(9), { code: null, signal: 'SIGKILL' });
  assert.deepEqual(decodeWaitStatus(15 | 0x80), { code: null, signal: 'SIGTERM' });
});

test('as subreaper, an orphaned grandchild is reaped with its status', async () => {
  assert.equal(becomeSubreaper(), true);
  // sh starts a grandchild and exits at once: the grandchild is orphaned onto this process.
  const child = spawn('sh', ['-c', '(sleep 0.3; exit 5) >/dev/null & echo $!'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await new Promise((resolve) => child.once('close', resolve));
  const pid = Number(out.trim());
  assert.ok(pid > 0);
  assert.equal(reapExited(pid), undefined, 'still running');
  assert.equal(await waitForExit(pid, 5000), true);
  assert.deepEqual(reapExited(pid), { code: 5, signal: null });
  // not ours (any more): nothing to reap
  assert.equal(reapExited(pid), undefined);
  assert.equal(reapExited(1), undefined);
});
