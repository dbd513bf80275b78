// What the process sees inside real runc containers: pid namespace (own or the host's), the
// BOSH tree (its own job only), environment, working directory and the shared tmp directory.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../../helpers/bosh-root.ts';
import { addProbeJob, parseReport, runProbe } from './probe.ts';

const skip = skipReason();

const PIDS = [
  'echo pid1=$(cat /proc/1/comm)',
  "echo pids=$(ls /proc | grep -c '^[0-9][0-9]*$')",
  `[ -e /proc/${process.pid} ] && echo runner=visible || echo runner=hidden`,
].join('\n');

const hostPidCount = (): number => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;

describe('isolation: what the process sees', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('own pid namespace: tini is pid 1, host processes (this test runner) are invisible', async () => {
    const p = await runProbe(r, 'pidns', {}, PIDS);
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.pid1, 'tini');
    assert.ok(Number(p.out.pids) < 10, `pids: ${p.out.pids}`);
    assert.equal(p.out.runner, 'hidden');
  });

  test('unsafe.host_pid_namespace: true sees the host pids, pid 1 is the host init', async () => {
    const p = await runProbe(r, 'hostpid', { unsafe: { host_pid_namespace: true } }, PIDS);
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.pid1, readFileSync('/proc/1/comm', 'utf8').trim());
    assert.equal(p.out.runner, 'visible');
    assert.ok(Number(p.out.pids) > hostPidCount() / 2, `pids: ${p.out.pids} (host ${hostPidCount()})`);
  });

  test('only its own job directories are visible, not other jobs or bpm internals', async () => {
    // Another job with data, store, log and run dirs of its own, and bpm's private data dir.
    const other = addProbeJob(r, 'other', { ephemeral_disk: true, persistent_disk: true }, 'exit 0');
    assert.equal((await r.bpm('run', other)).code, 0);
    const p = await runProbe(
      r,
      'alone',
      {},
      [
        'for d in /var/vcap /var/vcap/jobs /var/vcap/data /var/vcap/sys /var/vcap/sys/log /var/vcap/store; do',
        '  echo "$d=$(ls -A $d 2>&1 | sort | tr "\\n" " ")"',
        'done',
      ].join('\n'),
    );
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.deepEqual(p.out, {
      '/var/vcap': 'data jobs packages sys',
      '/var/vcap/jobs': p.job,
      '/var/vcap/data': `${p.job} packages`,
      '/var/vcap/sys': 'log',
      '/var/vcap/sys/log': p.job,
      '/var/vcap/store': "ls: cannot access '/var/vcap/store': No such file or directory",
    });
  });

  test('environment defaults, nothing of bpm’s own environment, cwd = the job directory', async () => {
    const job = addProbeJob(r, 'env', { env: { FOO: 'bar' } }, 'echo cwd=$(pwd)\nenv | sort');
    const res = await r.bpmWith({ env: { LEAK_FROM_BPM: 'x' } }, 'run', job);
    assert.equal(res.code, 0, res.stderr);
    const out = parseReport(res.stdout);
    assert.equal(out.cwd, `/var/vcap/jobs/${job}`);
    delete out.cwd;
    delete out.PWD; // set by the shell itself
    assert.deepEqual(out, {
      FOO: 'bar',
      HOME: `/var/vcap/data/${job}`,
      LANG: 'en_US.UTF-8',
      PATH: `/var/vcap/jobs/${job}/bin:/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.`,
      TMPDIR: `/var/vcap/data/${job}/tmp`,
    });
  });

  test('/tmp, /var/tmp and /var/vcap/data/JOB/tmp are the one (noexec) host directory R/data/JOB/tmp', async () => {
    const p = await runProbe(
      r,
      'tmp',
      {},
      [
        'J=$(basename $HOME)',
        'echo written > /tmp/probe',
        'echo var_tmp=$(cat /var/tmp/probe)',
        'echo job_tmp=$(cat /var/vcap/data/$J/tmp/probe)',
        'echo ids=$(stat -c %d:%i /tmp /var/tmp /var/vcap/data/$J/tmp | sort -u | wc -l)',
        'echo tmpdir_is_tmp=$([ "$TMPDIR" -ef /tmp ] && echo yes || echo no)',
        'echo fstype=$(stat -f -c %T /tmp)',
        'cp /bin/true /tmp/true && if /tmp/true 2>/dev/null; then echo tmp_exec=ok; else echo tmp_exec=fail; fi',
      ].join('\n'),
    );
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.var_tmp, 'written');
    assert.equal(p.out.job_tmp, 'written');
    assert.equal(p.out.ids, '1');
    assert.equal(p.out.tmpdir_is_tmp, 'yes');
    assert.notEqual(p.out.fstype, 'tmpfs');
    assert.equal(p.out.tmp_exec, 'fail'); // mounted noexec
    assert.equal(readFileSync(join(r.paths.job(p.job).tmpDir, 'probe'), 'utf8'), 'written\n');
  });
});
