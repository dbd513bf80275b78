import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { killExecTree } from '../../src/runc/exec-tree.ts';

/** Live (not zombie) processes in session `sid`. */
function inSession(sid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[3]) === sid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

test('killExecTree kills the child that leads its own session with everything in its group', async () => {
  // Stands in for runc exec: its child leads a new session (as runc init does) and starts two more.
  const child = spawn('/bin/sh', ['-c', 'setsid /bin/sh -c "sleep 1001 & sleep 999" & wait'], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let leader: number | undefined;
  for (let i = 0; i < 200 && leader === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
    const k = Number(kids.split(' ')[0]);
    if (kids !== '' && inSession(k).length === 3) leader = k;
  }
  assert.ok(leader !== undefined, 'the session leader and its two sleeps are up');
  assert.equal(killExecTree(child.pid!), 1);
  await exited;
  for (let i = 0; i < 100 && inSession(leader).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(inSession(leader), [], 'the whole group is gone');
});

test('killExecTree of a process without children kills nothing and says so', async () => {
  const child = spawn('/bin/sleep', ['5'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  assert.equal(killExecTree(child.pid!), 0);
  child.kill('SIGKILL');
});
