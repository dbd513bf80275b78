import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { forgetHookSession, killHookLeftovers, recordHookSession } from '../../src/host/hook-session.ts';
import { readProcStat } from '../../src/sys/pidfd.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-hooksession-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  const st = readProcStat(pid);
  return st !== undefined && st.state !== 'Z';
}

test('leftovers of a recorded session are killed; the record goes', async () => {
  const file = join(dir, 'a.session');
  // A session leader that forks a long child and is then killed, as a hook whose bpm died.
  const leader = spawn('sh', ['-c', 'sleep 60 & echo $!; wait'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const childPid = Number(
    await new Promise<string>((resolve) => leader.stdout.once('data', (d) => resolve(String(d)))),
  );
  recordHookSession(file, leader.pid!);
  assert.match(readFileSync(file, 'utf8'), new RegExp(`^${leader.pid} [0-9]+\\n$`));
  leader.kill('SIGKILL');
  await new Promise((resolve) => leader.once('exit', resolve));
  assert.equal(alive(childPid), true);
  assert.equal(readProcStat(childPid)?.session, leader.pid, 'the child is in the hook session');

  assert.equal(await killHookLeftovers(file), 1);
  assert.equal(alive(childPid), false);
  assert.equal(existsSync(file), false);
});

test('no record: nothing is killed', async () => {
  const file = join(dir, 'none.session');
  assert.equal(await killHookLeftovers(file), 0);
  forgetHookSession(file); // a missing record is fine
});

test('a record of a session whose members all ended kills nothing', async () => {
  const file = join(dir, 'b.session');
  const leader = spawn('true', { detached: true });
  recordHookSession(file, leader.pid!);
  await new Promise((resolve) => leader.once('exit', resolve));
  assert.equal(await killHookLeftovers(file), 0);
  assert.equal(existsSync(file), false);
});
