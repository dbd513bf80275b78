// Resource limits inside real runc containers: memory cgroup, pids cgroup, rlimits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { containerId } from '../../../src/ids/container-id.ts';
import { BoshRoot, skipReason } from '../../helpers/bosh-root.ts';
import { runProbe } from './probe.ts';

const skip = skipReason();

// Allocates ~200 MB in one perl string (perl-base is Essential on Debian, so /usr/bin/perl is there).
const ALLOC_200M = `perl -e '$x = "a" x (200 * 1024 * 1024); print "allocated=", length($x), "\\n"'`;

describe('isolation: limits', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('limits.memory: 32M kills a process allocating 200 MB (and 512M lets it live)', async () => {
    const killed = await runProbe(r, 'mem', { limits: { memory: '32M' } }, `exec ${ALLOC_200M}`);
    // The OOM killer's SIGKILL is relayed by tini as 128+9 and by bpm run as its exit status.
    assert.equal(killed.res.code, 137, killed.res.stderr);
    assert.equal(killed.out.allocated, undefined, killed.res.stdout);
    assert.match(killed.res.stderr, /Error: failed to run job-process: exit status 137/);

    const roomy = await runProbe(r, 'memok', { limits: { memory: '512M' } }, ALLOC_200M);
    assert.equal(roomy.res.code, 0, roomy.res.stderr);
    assert.equal(roomy.out.allocated, String(200 * 1024 * 1024));
  });

  test('limits.processes: 20 stops a fork bomb with EAGAIN, and the host is fine afterwards', async () => {
    // Forks until fork fails (bounded at 100), every child sleeping; then reports and kills them.
    const bomb = [
      `perl -e '`,
      `my @kids; my $err = "none";`,
      `for (1 .. 100) { my $p = fork; if (!defined $p) { $err = "$!"; last } if ($p == 0) { sleep 30; exit 0 } push @kids, $p }`,
      `print "forked=", scalar(@kids), "\\nerror=$err\\n";`,
      `kill "KILL", @kids; waitpid($_, 0) for @kids;'`,
      `sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22; do sleep 30 & done; wait' 2>&1 | head -n 1 | sed 's/^/shell=/'`,
      'kill -KILL -1 2>/dev/null; echo done=1',
    ].join('\n');
    const p = await runProbe(r, 'pids', { limits: { processes: 20 } }, bomb);
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.error, 'Resource temporarily unavailable');
    // tini, sh and perl take 3 of the 20 pids.
    assert.ok(Number(p.out.forked) <= 17, `forked ${p.out.forked}`);
    assert.ok(Number(p.out.forked) >= 10, `forked ${p.out.forked}`);
    assert.match(p.out.shell ?? '', /fork|Resource temporarily unavailable/i);
    assert.equal(p.out.done, '1');

    // Nothing of the container is left in its pids cgroup, and the host still forks.
    const cg = `/sys/fs/cgroup/pids/${containerId(p.job, p.job)}/cgroup.procs`;
    assert.ok(!existsSync(cg) || readFileSync(cg, 'utf8').trim() === '', `leftovers in ${cg}`);
    const host = spawnSync(
      '/bin/sh',
      ['-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do true & done; wait; echo ok'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(host.stdout, 'ok\n');
  });

  test('open_files and core_file_size become RLIMIT_NOFILE and RLIMIT_CORE (soft = hard)', async () => {
    const p = await runProbe(
      r,
      'rlim',
      { limits: { open_files: 123, core_file_size: 4096 } },
      [
        'echo nofile=$(ulimit -n)',
        'echo nofile_hard=$(ulimit -H -n)',
        `grep '^Max open files' /proc/self/limits | awk '{print "limits_nofile=" $4 "/" $5}'`,
        `grep '^Max core file size' /proc/self/limits | awk '{print "limits_core=" $5 "/" $6}'`,
      ].join('\n'),
    );
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.nofile, '123');
    assert.equal(p.out.nofile_hard, '123');
    assert.equal(p.out.limits_nofile, '123/123');
    assert.equal(p.out.limits_core, '4096/4096');
  });
});
