// cgroup v2 without systemd in reach, in the Noble VM: bpm runs in a private mount namespace whose
// /run/systemd is an empty tmpfs (so it does not see systemd and runc uses its cgroupfs driver),
// from a cgroup the test picks. The container's cgroup goes under bpm's own cgroup, and where the
// kernel will not let that cgroup pass a controller down, start fails with one line naming it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, BPM, type BpmResult, scaledMs } from '../../helpers/bosh-root.ts';
import { CGROUP_ROOT, cgroupFile, systemdV2SkipReason } from './systemd-host.ts';

const skip = systemdV2SkipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 100000\n';
// Moves itself into cgroup $1, hides systemd, then becomes bpm with the remaining arguments.
const IN_CGROUP = `set -e
echo $$ > ${CGROUP_ROOT}$1/cgroup.procs
mount -t tmpfs -o size=1m tmpfs /run/systemd
shift
exec ${BPM} "$@"`;

describe('cgroup v2 without systemd: containers under bpm’s own cgroup', { skip }, () => {
  let r: BoshRoot;
  const made: string[] = [];
  before(() => {
    r = BoshRoot.create();
  });
  after(async () => {
    await r.cleanup();
    for (const dir of made.reverse()) if (existsSync(dir)) rmdirSync(dir);
  });

  function bpmIn(cgroup: string, ...args: string[]): BpmResult {
    const started = performance.now();
    const res = spawnSync(
      'unshare',
      ['--mount', '--propagation', 'private', '/bin/sh', '-c', IN_CGROUP, 'sh', cgroup, ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, BPM_BOSH_ROOT: r.root },
        timeout: scaledMs(60_000),
      },
    );
    return {
      code: res.status,
      signal: res.signal,
      stdout: res.stdout,
      stderr: res.stderr,
      ms: performance.now() - started,
    };
  }

  /** A cgroup directly under the root (which passes memory and pids down), with `subtree` enabled. */
  function makeCgroup(path: string, subtree = ''): string {
    const dir = `${CGROUP_ROOT}${path}`;
    mkdirSync(dir);
    made.push(dir);
    if (subtree !== '') writeFileSync(`${dir}/cgroup.subtree_control`, subtree);
    return dir;
  }

  function job(prefix: string, limits?: object): string {
    const name = r.uniqueJob(prefix);
    r.addJob(
      name,
      { processes: [{ name, executable: r.jobBin(name, 'run'), ...(limits ? { limits } : {}) }] },
      { run: SLEEPER },
    );
    return name;
  }

  test('bpm in the root cgroup: the container gets /bpm-JOB with its limits; stop removes it', () => {
    const name = job('root', { memory: '48M', processes: 30 });
    const started = bpmIn('/', 'start', name);
    assert.equal(started.code, 0, started.stderr);
    const spec = JSON.parse(readFileSync(r.paths.job(name).configJson(name), 'utf8'));
    assert.equal(spec.linux.cgroupsPath, `/bpm-${name}`);
    const dir = `${CGROUP_ROOT}/bpm-${name}`;
    const pid = r.containerState(name)?.pid;
    assert.equal(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), `0::/bpm-${name}\n`);
    assert.equal(cgroupFile(dir, 'memory.max'), String(48 * 1024 * 1024));
    assert.equal(cgroupFile(dir, 'memory.swap.max'), '0');
    assert.equal(cgroupFile(dir, 'pids.max'), '30');
    const stopped = bpmIn('/', 'stop', name);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(existsSync(dir), false, `${dir} left`);
    assert.deepEqual(r.containerIds(), []);
  });

  test('bpm in a delegated subtree that holds processes: limits.memory fails in one line; no limits work', () => {
    const nest = `/bpm-nest-${process.pid}`;
    makeCgroup(nest);
    const refused = (errno: string) =>
      `Error: failed to start job-process: cgroup ${nest} cannot pass the memory controller to bpm's containers: write ${CGROUP_ROOT}${nest}/cgroup.subtree_control: ${errno} (it holds processes, bpm's own among them; cgroup v2 passes memory down only from the root cgroup or an empty one)\n`;
    const limited = job('nested-limited', { memory: '48M' });
    const res = bpmIn(nest, 'start', limited);
    assert.equal(res.code, 1);
    assert.equal(res.stderr, refused('device or resource busy'));
    assert.equal(r.containerState(limited), undefined);
    assert.equal(existsSync(`${CGROUP_ROOT}${nest}/bpm-${limited}`), false);

    const free = job('nested');
    const started = bpmIn(nest, 'start', free);
    assert.equal(started.code, 0, started.stderr);
    const pid = r.containerState(free)?.pid;
    assert.equal(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), `0::${nest}/bpm-${free}\n`);
    assert.equal(bpmIn(nest, 'stop', free).code, 0);
    assert.equal(existsSync(`${CGROUP_ROOT}${nest}/bpm-${free}`), false);

    // runc enabled the threaded controllers (cpu, pids, …) it could; now the kernel says EOPNOTSUPP.
    const again = bpmIn(nest, 'start', limited);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, refused('operation not supported'));
  });

  test('a subtree the memory controller was not delegated to: one line naming cgroup.controllers', () => {
    const outer = `/bpm-outer-${process.pid}`;
    makeCgroup(outer, '+pids');
    makeCgroup(`${outer}/inner`);
    const limited = job('undelegated', { memory: '48M', processes: 10 });
    const res = bpmIn(`${outer}/inner`, 'start', limited);
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      `Error: failed to start job-process: cgroup ${outer}/inner cannot pass the memory controller to bpm's containers: it is not delegated there (${CGROUP_ROOT}${outer}/inner/cgroup.controllers lacks it)\n`,
    );
    assert.equal(r.containerState(limited), undefined);
  });
});
