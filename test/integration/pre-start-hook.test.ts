// Issue #10 item 7 (policy fix 11): the pre-start hook runs as root on the host. Its HOME and
// TMPDIR must be root's own fresh directory (not the job's vcap-writable data and tmp dirs, where
// the job could plant files root's interpreters load), and a hook must die with the `bpm start`
// that ran it, so that a SIGKILLed start and the next one never run two hooks at once.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, isAlive, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';

describe('pre-start hook', { skip }, () => {
  let r: BoshRoot;
  const leftovers: number[] = [];
  before(() => {
    r = BoshRoot.create();
  });
  after(async () => {
    for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await r.cleanup();
  });

  function addHookedJob(prefix: string, hook: string): string {
    const job = r.uniqueJob(prefix);
    r.addJob(
      job,
      {
        processes: [
          { name: job, executable: r.jobBin(job, 'run'), hooks: { pre_start: r.jobScript(job, 'hook') } },
        ],
      },
      { run: SLEEPER, hook },
    );
    return job;
  }

  test('HOME and TMPDIR are a fresh root-only directory under R/data/bpm, removed afterwards', async () => {
    const report = join(r.root, 'hook-dirs');
    const job = addHookedJob(
      'home',
      `#!/bin/sh\nstat -c '%u %g %a %n' "$HOME" "$TMPDIR" > '${report}'\nexit 0\n`,
    );
    const started = await r.bpm('start', job);
    assert.equal(started.code, 0, started.stderr);
    const lines = readFileSync(report, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 2, `HOME or TMPDIR does not exist: ${lines.join(' | ')}`);
    for (const line of lines) {
      const [uid, gid, mode, path = ''] = line.split(' ');
      assert.deepEqual([uid, gid, mode], ['0', '0', '700'], line);
      assert.ok(path.startsWith(`${r.paths.bpmDataDir}/`), `${path} is not under R/data/bpm`);
      assert.equal(existsSync(path), false, `${path} was left behind`);
    }
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('a hook dies with a SIGKILLed bpm start; the next start runs its own hook alone', async () => {
    const pids = join(r.root, 'hook-pids');
    const fast = join(r.root, 'hook-fast');
    const job = addHookedJob(
      'orphan',
      `#!/bin/sh\necho $$ >> '${pids}'\n[ -e '${fast}' ] && exit 0\nexec sleep 60\n`,
    );
    const first = r.spawnBpm(['start', job]);
    assert.ok(await eventually(() => existsSync(pids) && readFileSync(pids, 'utf8').endsWith('\n'), 20_000));
    const hookPid = Number(readFileSync(pids, 'utf8').trim());
    leftovers.push(hookPid);
    first.child.kill('SIGKILL');
    await first.done;
    assert.ok(await eventually(() => !isAlive(hookPid), 2000), 'the hook outlived bpm start');

    writeFileSync(fast, '');
    const second = await r.bpm('start', job);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(readFileSync(pids, 'utf8').trim().split('\n').length, 2);
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('what a killed hook forked is killed before the next hook runs', async () => {
    const pids = join(r.root, 'forker-pids');
    const children = join(r.root, 'forker-children');
    const overlaps = join(r.root, 'forker-overlaps');
    const fast = join(r.root, 'forker-fast');
    // A shell hook whose long step is a child process (the usual shape), not an exec.
    const job = addHookedJob(
      'forker',
      `#!/bin/sh
# still running (a zombie nobody reaped yet has ended): state is field 3 of /proc/PID/stat
for p in $(cat '${children}' 2>/dev/null); do
  s=$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)
  [ -n "$s" ] && [ "$s" != Z ] && echo "$p" >> '${overlaps}'
done
echo $$ >> '${pids}'
[ -e '${fast}' ] && exit 0
sleep 60 &
echo $! >> '${children}'
wait
`,
    );
    const first = r.spawnBpm(['start', job]);
    assert.ok(
      await eventually(() => existsSync(children) && readFileSync(children, 'utf8').endsWith('\n'), 20_000),
    );
    const child = Number(readFileSync(children, 'utf8').trim());
    leftovers.push(child, Number(readFileSync(pids, 'utf8').trim()));
    first.child.kill('SIGKILL');
    await first.done;

    writeFileSync(fast, '');
    const second = await r.bpm('start', job);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(isAlive(child), false, "the first hook's child survived the next start");
    assert.equal(existsSync(overlaps), false, "the second hook ran while the first one's child was alive");
    assert.equal((await r.bpm('stop', job)).code, 0);
  });
});
