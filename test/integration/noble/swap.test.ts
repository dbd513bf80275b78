// Swap on systemd + cgroup v2 (policy fix #12): upstream probes memory.swap.max at the cgroup root,
// where it never exists, so on v2 it never limits swap, and a memory-limited job on a VM with swap
// swaps instead of being held to its limit. bpm probes where the container's cgroup is made and sets
// memory.swap.max = 0 (memory plus swap may not exceed limits.memory, as on v1). The Noble VM has
// no swap, so this test turns a swap file on for its duration.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs } from '../../helpers/bosh-root.ts';
import { cgroupFile, expectedCgroupsPath, scopeOf, systemdV2SkipReason } from './systemd-host.ts';

const skip = systemdV2SkipReason();
/** perl allocating 100 MB: three times the 32M limit, well within limit plus swap. */
const ALLOC = '$x = "a" x (100 * 1024 * 1024); print "allocated\\n"';

function run(cmd: string, ...args: string[]): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(res.status, 0, `${cmd} ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

describe('swap on systemd + cgroup v2', { skip }, () => {
  let r: BoshRoot;
  let swapFile: string;
  before(() => {
    r = BoshRoot.create();
    swapFile = join(r.root, 'swap');
    run('fallocate', '-l', '512M', swapFile);
    run('chmod', '600', swapFile);
    run('mkswap', swapFile);
    run('swapon', swapFile);
  });
  after(async () => {
    spawnSync('swapoff', [swapFile]);
    rmSync(swapFile, { force: true });
    await r.cleanup();
  });

  test('with swap on, an allocation over limits.memory is OOM-killed, not swapped out', async () => {
    assert.match(readFileSync('/proc/swaps', 'utf8'), new RegExp(swapFile));
    // The control, what upstream's container gets on v2: the same memory.max without a swap
    // limit. The allocation swaps and succeeds.
    const control = spawnSync(
      'systemd-run',
      ['--scope', '--quiet', '-p', 'MemoryMax=32M', '-p', 'MemorySwapMax=infinity', 'perl', '-e', ALLOC],
      { encoding: 'utf8', timeout: scaledMs(60_000) },
    );
    assert.equal(control.stdout, 'allocated\n', `without a swap limit it swaps: ${control.stderr}`);

    const job = r.uniqueJob('swap');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), limits: { memory: '32M' } }] },
      // Allocate only once told to (a file in its log dir): start's early-exit watch is over by then.
      {
        run: `#!/bin/sh\nwhile [ ! -e /var/vcap/sys/log/${job}/go ]; do sleep 0.1; done\nexec perl -e '${ALLOC}'\n`,
      },
    );
    assert.equal((await r.bpm('start', job)).code, 0);
    const scope = scopeOf(expectedCgroupsPath(job));
    assert.equal(cgroupFile(scope.dir, 'memory.max'), '33554432');
    assert.equal(cgroupFile(scope.dir, 'memory.swap.max'), '0');
    run('touch', `${r.paths.job(job).logDir}/go`);
    assert.ok(await eventually(() => r.containerState(job)?.status === 'stopped', 60_000));
    assert.doesNotMatch(r.readLog(job, `${job}.stdout.log`), /allocated/);
    assert.equal((await r.bpm('stop', job)).code, 0);
  });
});
