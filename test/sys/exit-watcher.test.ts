// ExitWatcher: several pidfds in one poll(2); each callback fires once, soon after its process exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { test } from 'node:test';
import { ExitWatcher } from '../../src/sys/exit-watcher.ts';
import { libc } from '../../src/sys/libc.ts';

function sleeper(seconds: string): { pid: number; fd: number; kill: () => void } {
  const child = spawn('sleep', [seconds], { stdio: 'ignore' });
  const fd = libc().pidfdOpen(child.pid!, 0);
  assert.ok(fd >= 0);
  return { pid: child.pid!, fd, kill: () => child.kill('SIGKILL') };
}

test('callbacks fire in exit order, each once, and watching more wakes the poll', async () => {
  const w = new ExitWatcher();
  const order: string[] = [];
  const a = sleeper('0.3');
  const b = sleeper('100');
  const both = new Promise<void>((resolve) => {
    w.watch(a.fd, () => order.push('a'));
    w.watch(b.fd, () => {
      order.push('b');
      resolve();
    });
  });
  const c = sleeper('100');
  w.watch(c.fd, () => order.push('c'));
  w.unwatch(c.fd);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(order, ['a']);
  b.kill();
  await both;
  assert.ok(performance.now() - t0 < 2_000);
  c.kill();
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(order, ['a', 'b'], 'an unwatched fd fires nothing');
  w.close();
  for (const p of [a, b, c]) closeSync(p.fd);
});
