// On a systemd host with cgroup v2 (the Noble VM): each container gets a systemd scope through
// `runc --systemd-cgroup` with upstream's cgroupsPath, carries its limits (memory.max, pids.max,
// memory.swap.max), and leaves no scope, cgroup or mount behind when stopped or when it dies.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually } from '../../helpers/bosh-root.ts';
import { mountsUnder } from '../../reliability/support.ts';
import {
  cgroupFile,
  expectedCgroupsPath,
  scopeOf,
  systemdV2SkipReason,
  unitState,
  unitsMatching,
} from './systemd-host.ts';

const skip = systemdV2SkipReason();
const REPORT = '#!/bin/sh\necho "cgroup=$(cat /proc/self/cgroup)"\nexec sleep 100000\n';
// Once told to (a file appears in its log dir), the job's process becomes perl allocating 200 MB.
const ALLOC_LATER = (job: string) =>
  `#!/bin/sh\nwhile [ ! -e /var/vcap/sys/log/${job}/go ]; do sleep 0.1; done\nexec perl -e '$x = "a" x (200 * 1024 * 1024); print "allocated\\n"'\n`;

describe('systemd scopes and cgroup v2 limits', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  function specOf(job: string): { linux: { cgroupsPath?: string; resources: Record<string, unknown> } } {
    return JSON.parse(readFileSync(r.paths.job(job).configJson(job), 'utf8'));
  }

  test('a scope named from upstream cgroupsPath carries memory.max, memory.swap.max and pids.max; stop removes it all', async () => {
    const job = r.uniqueJob('scope');
    r.addJob(
      job,
      {
        processes: [
          { name: job, executable: r.jobBin(job, 'run'), limits: { memory: '64M', processes: 40 } },
        ],
      },
      { run: REPORT },
    );
    const started = await r.bpm('start', job);
    assert.equal(started.code, 0, started.stderr);

    const path = expectedCgroupsPath(job);
    const spec = specOf(job);
    assert.equal(spec.linux.cgroupsPath, path);
    // swap = limit: memory+swap may not exceed the memory limit, i.e. no swap (policy fix #12).
    assert.deepEqual(spec.linux.resources['memory'], { limit: 67108864, swap: 67108864 });
    const scope = scopeOf(path);
    assert.equal(unitState(scope.unit), 'active');

    // From the host: the scope's cgroup holds the container and its limits.
    const pid = r.containerState(job)?.pid;
    assert.ok(pid);
    assert.equal(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), `0::/system.slice/${scope.unit}\n`);
    assert.equal(cgroupFile(scope.dir, 'memory.max'), '67108864');
    assert.equal(cgroupFile(scope.dir, 'memory.swap.max'), '0');
    assert.equal(cgroupFile(scope.dir, 'pids.max'), '40');
    // From inside: the job's own process is in that cgroup.
    assert.ok(await eventually(() => r.readLog(job, `${job}.stdout.log`) !== ''));
    assert.equal(r.readLog(job, `${job}.stdout.log`), `cgroup=0::/system.slice/${scope.unit}\n`);

    const stopped = await r.bpm('stop', job);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(
      await eventually(() => unitsMatching(`-bpm-${job}`).length === 0),
      unitsMatching(job).join(' '),
    );
    assert.equal(existsSync(scope.dir), false, `${scope.dir} left`);
    assert.deepEqual(mountsUnder(r.root), []);
    assert.equal(existsSync(r.paths.job(job).bundle(job)), false);
  });

  test('a container that died: its scope goes, bpm list says failed, the next start makes a new scope', async () => {
    const job = r.uniqueJob('dead');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: REPORT });
    assert.equal((await r.bpm('start', job)).code, 0);
    const scope = scopeOf(expectedCgroupsPath(job));
    const old = r.containerState(job)?.pid;
    assert.ok(old);
    process.kill(old, 'SIGKILL');
    assert.ok(await eventually(() => r.containerState(job)?.status === 'stopped'));
    assert.ok(await eventually(() => unitState(scope.unit) !== 'active'));
    const list = await r.bpm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${job} +- +failed$`, 'm'));

    const again = await r.bpm('start', job);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(unitState(scope.unit), 'active');
    assert.notEqual(r.containerState(job)?.pid, old);
    assert.equal((await r.bpm('stop', job)).code, 0);
    assert.equal(existsSync(scope.dir), false);
  });

  test('an allocation over limits.memory is OOM-killed in its own scope; the other job lives on', async () => {
    const hog = r.uniqueJob('hog');
    r.addJob(
      hog,
      { processes: [{ name: hog, executable: r.jobBin(hog, 'run'), limits: { memory: '32M' } }] },
      { run: ALLOC_LATER(hog) },
    );
    const calm = r.uniqueJob('calm');
    r.addJob(
      calm,
      { processes: [{ name: calm, executable: r.jobBin(calm, 'run'), limits: { memory: '32M' } }] },
      { run: REPORT },
    );
    assert.equal((await r.bpm('start', hog)).code, 0);
    assert.equal((await r.bpm('start', calm)).code, 0);
    const calmPid = r.containerState(calm)?.pid;
    const hogScope = scopeOf(expectedCgroupsPath(hog));
    const dmesgBefore = spawnSync('dmesg', { encoding: 'utf8' }).stdout;

    spawnSync('touch', [`${r.paths.job(hog).logDir}/go`]);
    // The kernel kills the allocation inside the scope's memory.max; it was the job's process, so
    // the container stops, as a crashed job does (monit would start it again).
    assert.ok(await eventually(() => r.containerState(hog)?.status === 'stopped', 60_000));
    const kernel = spawnSync('dmesg', { encoding: 'utf8' }).stdout.slice(dmesgBefore.length);
    assert.match(
      kernel,
      new RegExp(`oom_memcg=/system\\.slice/${hogScope.unit.replace(/\./g, '\\.')},.*task=perl`),
    );
    assert.doesNotMatch(r.readLog(hog, `${hog}.stdout.log`), /allocated/);
    assert.match((await r.bpm('list')).stdout, new RegExp(`^${hog} +- +failed$`, 'm'));

    assert.equal(r.containerState(calm)?.status, 'running');
    assert.equal(r.containerState(calm)?.pid, calmPid);
    assert.equal((await r.bpm('stop', hog)).code, 0);
    assert.equal((await r.bpm('stop', calm)).code, 0);
  });
});
