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

test('a pidfd closed during the poll and its number reused for a live process fires nothing', async () => {
  const w = new ExitWatcher();
  const p = sleeper('100');
  const keep = sleeper('100'); // keeps the poll running throughout
  w.watch(keep.fd, () => {});
  w.watch(p.fd, () => assert.fail('the first watch fired'));
  await new Promise((r) => setTimeout(r, 100));
  // What a reload does: the old owner unwatches and closes, a new one opens a pidfd on the same,
  // still running, process. The poll thread sees the closed number (POLLNVAL) in between.
  w.unwatch(p.fd);
  closeSync(p.fd);
  const until = performance.now() + 20;
  while (performance.now() < until) {
    // give the poll thread time to wake on the closed number before it is reused
  }
  const again = libc().pidfdOpen(p.pid, 0);
  assert.equal(again, p.fd, 'the kernel reused the number (the lowest free one)');
  let fired = 0;
  const exited = new Promise<void>((resolve) =>
    w.watch(again, () => {
      fired++;
      resolve();
    }),
  );
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(fired, 0, 'not an exit: the process runs');
  p.kill();
  await exited;
  assert.equal(fired, 1);
  keep.kill();
  w.close();
  closeSync(again);
  closeSync(keep.fd);
});
