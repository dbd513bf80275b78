import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { HOOK_GATE, runPreStartHook } from '../../src/host/pre-start-hook.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-hook-'));
const scratch = join(dir, 'data', 'bpm', 'hooks', 'job');
const places = { scratch, session: `${scratch}.session` };
after(() => rmSync(dir, { recursive: true, force: true }));

test('the hook gets the given environment, its own HOME and TMPDIR, and appends to the logs', async () => {
  const hook = join(dir, 'env-hook');
  writeFileSync(
    hook,
    '#!/bin/sh\necho "A=$A HOME=$HOME TMPDIR=$TMPDIR"\nstat -c %a "$HOME" "$TMPDIR"\necho oops >&2\n',
  );
  chmodSync(hook, 0o755);
  const out = join(dir, 'out.log');
  const err = join(dir, 'err.log');
  writeFileSync(out, 'before\n');
  const logs = { stdout: openSync(out, 'a'), stderr: openSync(err, 'a') };
  try {
    await runPreStartHook(
      hook,
      ['A=1', 'HOME=/home/job', 'TMPDIR=/tmp/job', 'PATH=/usr/bin:/bin'],
      logs,
      places,
    );
  } finally {
    closeSync(logs.stdout);
    closeSync(logs.stderr);
  }
  assert.equal(readFileSync(out, 'utf8'), `before\nA=1 HOME=${scratch} TMPDIR=${scratch}/tmp\n700\n700\n`);
  assert.equal(existsSync(scratch), false, 'the scratch directory is removed');
  assert.equal(readFileSync(err, 'utf8'), 'oops\n');
});

test('a hook that is neither a #! script nor an ELF binary fails with exec format error, as execve says', async () => {
  const marker = join(dir, 'ran-by-sh');
  const noShebang = join(dir, 'no-shebang');
  writeFileSync(noShebang, `touch ${marker}\n`);
  chmodSync(noShebang, 0o755);
  const empty = join(dir, 'empty-hook');
  writeFileSync(empty, '');
  chmodSync(empty, 0o755);
  const logs = { stdout: openSync('/dev/null', 'a'), stderr: openSync('/dev/null', 'a') };
  try {
    for (const hook of [noShebang, empty]) {
      await assert.rejects(runPreStartHook(hook, [], logs, places), {
        message: `prestart hook failed: fork/exec ${hook}: exec format error`,
      });
    }
    assert.equal(existsSync(marker), false, 'no shell ran the file');
  } finally {
    closeSync(logs.stdout);
    closeSync(logs.stderr);
  }
});

test('failures read like upstream, also for a hook that cannot be executed', async () => {
  const failing = join(dir, 'fail-hook');
  writeFileSync(failing, '#!/bin/sh\nexit 3\n');
  chmodSync(failing, 0o755);
  const plain = join(dir, 'not-executable');
  writeFileSync(plain, '#!/bin/sh\n');
  chmodSync(plain, 0o644);
  const logs = { stdout: openSync('/dev/null', 'a'), stderr: openSync('/dev/null', 'a') };
  try {
    await assert.rejects(runPreStartHook(failing, [], logs, places), {
      message: 'prestart hook failed: exit status 3',
    });
    await assert.rejects(runPreStartHook(join(dir, 'missing'), [], logs, places), {
      message: `prestart hook failed: fork/exec ${join(dir, 'missing')}: no such file or directory`,
    });
    await assert.rejects(runPreStartHook(plain, [], logs, places), {
      message: `prestart hook failed: fork/exec ${plain}: permission denied`,
    });
    await assert.rejects(runPreStartHook(dir, [], logs, places), {
      message: `prestart hook failed: fork/exec ${dir}: permission denied`,
    });
  } finally {
    closeSync(logs.stdout);
    closeSync(logs.stderr);
  }
});

test('what a killed run left in the scratch directory is gone before the next hook', async () => {
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, '.planted'), '');
  const hook = join(dir, 'ls-hook');
  writeFileSync(hook, '#!/bin/sh\nls -A "$HOME"\n');
  chmodSync(hook, 0o755);
  const out = join(dir, 'ls.log');
  const logs = { stdout: openSync(out, 'w'), stderr: openSync('/dev/null', 'a') };
  try {
    await runPreStartHook(hook, [], logs, places);
  } finally {
    closeSync(logs.stdout);
    closeSync(logs.stderr);
  }
  assert.equal(readFileSync(out, 'utf8'), 'tmp\n');
});

/** Run HOOK_GATE in front of `command`; `write` is what "bpm" sends through descriptor 3 before closing it. */
function throughGate(write: string, command: string[]): Promise<number | null> {
  const child = spawn('/bin/sh', ['-c', HOOK_GATE, 'bpm-hook-gate', ...command], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const gate = child.stdio[3] as Writable;
  gate.on('error', () => {});
  gate.end(write);
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

test("the gate runs the hook only after bpm said go, and the hook does not get the gate's pipe", async () => {
  const marker = join(dir, 'gate-ran');
  // a bpm killed before it recorded the session closes the pipe unwritten (or half written)
  for (const write of ['', 'g', 'stop\n']) {
    assert.equal(
      await throughGate(write, ['/bin/sh', '-c', `touch ${marker}`]),
      125,
      `after ${JSON.stringify(write)}`,
    );
    assert.equal(existsSync(marker), false, `the hook ran after ${JSON.stringify(write)}`);
  }
  // the hook's own shell: exit 8 if it holds a descriptor 3 (`[` is dash's builtin: it opens none)
  const hook = 'if [ -e /proc/$$/fd/3 ]; then exit 8; fi; exit 7';
  assert.equal(await throughGate('go\n', ['/bin/sh', '-c', hook]), 7);
});
