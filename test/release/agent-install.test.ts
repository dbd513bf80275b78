// The BOSH release installed the way the agent installs it, on the Noble VM (systemd as pid 1,
// cgroup v2, monit as a systemd service): `npm run test:release-vm` builds the tarballs on the
// host and runs this file in the VM. Issue #12, items 3 and 4:
//   1. fresh install of the previous build; monit starts `web` through /var/vcap/jobs/bpm/bin/bpm
//   2. the new tarball deployed as a deploy does (monit stop all, packages and jobs replaced,
//      pre-start, monit start all): every job comes back, under the new version
//   3. monit restart; `bpm run` of an errand returns its exit status; monit stop all leaves no
//      container
//   4. a container left running while the release is swapped underneath it (no stop) is listed,
//      stopped and started again by the new build: same container id, pid file and lock
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildRelease } from '../../scripts/release/build.ts';
import { containerId } from '../../src/ids/container-id.ts';
import { Agent, sh, type Unpacked } from './agent.ts';
import { Stemcell } from './stemcell.ts';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const R = '/var/vcap';
const BPM = join(R, 'jobs', 'bpm', 'bin', 'bpm');
const PORT = 8080;
const WEB_CONTAINER = containerId('web', 'web');

function onNobleVm(): string | undefined {
  const pid1 = readFileSync('/proc/1/comm', 'utf8').trim();
  if (pid1 !== 'systemd')
    return `needs systemd as pid 1 (pid 1 is ${pid1}): runs in the Noble VM, npm run test:release-vm`;
  if (!existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'needs cgroup v2: runs in the Noble VM';
  return undefined;
}
const skip = onNobleVm();

/** The newest tarball in DIR (the VM runner puts the current build in dist/release/ and the
 * previous one in dist/release/previous/). */
function tarballIn(dir: string): string {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tgz')) : [];
  const newest = files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  assert.ok(newest, `no release tarball in ${dir}: run npm run test:release-vm (it builds them first)`);
  return newest;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 120_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function answer(): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${PORT}/`, { signal: AbortSignal.timeout(5000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

function bpm(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(BPM, args, {
    encoding: 'utf8',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Container ids runc knows under bpm's runc root. */
function containers(): string[] {
  const out = sh(join(R, 'packages', 'bpm', 'bin', 'runc'), [
    '--root',
    join(R, 'sys', 'run', 'bpm-runc'),
    'list',
    '-q',
  ]);
  return out.split('\n').filter((l) => l !== '');
}

const pidOfWeb = (): number =>
  Number(readFileSync(join(R, 'sys', 'run', 'bpm', 'web', 'web.pid'), 'utf8').trim());

describe('the bpm release, installed as the BOSH agent installs it', { skip }, () => {
  const agent = new Agent(R);
  const stemcell = new Stemcell(R);
  const releases: Record<'old' | 'new' | 'jobs', Unpacked> = {} as never;

  /** What a deploy does on the VM: jobs and packages of both releases applied, pre-start run. */
  function apply(bpmRelease: Unpacked): void {
    agent.compile(bpmRelease);
    agent.compile(releases.jobs);
    agent.applyJobs([
      { release: bpmRelease, name: 'bpm' },
      { release: releases.jobs, name: 'web', properties: { port: PORT } },
      { release: releases.jobs, name: 'errand' },
    ]);
    sh(join(R, 'jobs', 'bpm', 'bin', 'pre-start'), []);
  }

  async function webUp(): Promise<{ pid: number; body: string }> {
    const body = await waitFor('web to answer', answer);
    await waitFor('monit to see web running', () =>
      stemcell.summary().get('web') === 'OK' ? true : undefined,
    );
    return { pid: pidOfWeb(), body };
  }

  async function noContainers(): Promise<void> {
    await waitFor('every container to be gone', () => (containers().length === 0 ? true : undefined));
    assert.equal(await answer(), undefined, 'web still answers');
  }

  before(() => {
    assert.equal(readdirSync(R).length, 0, `${R} must start empty, as on a fresh stemcell`);
    releases.new = agent.unpack(tarballIn(join(REPO, 'dist', 'release')));
    releases.old = agent.unpack(tarballIn(join(REPO, 'dist', 'release', 'previous')));
    const out = '/tmp/jobs-release';
    releases.jobs = agent.unpack(
      buildRelease({
        releaseDir: join(REPO, 'test', 'fixtures', 'release'),
        name: 'bpm-test-jobs',
        version: '1',
        commitHash: 'test',
        uncommittedChanges: false,
        outDir: out,
      }),
    );
  });

  after(() => {
    stemcell.monit('stop', 'all');
    stemcell.stopMonit();
    for (const r of Object.values(releases)) rmSync(r.dir, { recursive: true, force: true });
  });

  test('fresh install of the previous build: packages compiled in order, monit starts web via bpm', async (t) => {
    apply(releases.old);
    // The disk cost docs/release.md reports.
    t.diagnostic(sh('sh', ['-c', `du -sh ${R}/data/packages/*/* ${R}/packages/bpm/bin/bpm`]));
    for (const p of ['bpm', 'bpm-runc', 'tini']) {
      const fp = releases.old.manifest.packages.find((x) => x.name === p)!.fingerprint;
      assert.equal(
        readFileSync(join(R, 'data', 'packages', p, fp, 'bin', p === 'bpm-runc' ? 'runc' : p)).length > 0,
        true,
      );
    }
    assert.ok(existsSync('/etc/profile.d/bpm.sh'), 'pre-start installs the login-shell PATH');
    assert.match(sh('bash', ['-lc', 'command -v bpm']), /^\/var\/vcap\/jobs\/bpm\/bin\/bpm$/m);
    assert.equal(bpm('version').stdout, `${releases.old.manifest.version}\n`);
    stemcell.startMonit();
    const { pid, body } = await webUp();
    // tini is pid 1 in the container's own pid namespace; the server, vcap, runs under it.
    assert.match(body, /^hello from web pid [2-9] uid 1000\n$/);
    assert.ok(pid > 1);
  });

  test('deploy of the new tarball: monit stop all, swap, pre-start, monit start all; web comes back', async () => {
    assert.equal(stemcell.monit('stop', 'all').code, 0);
    await noContainers();
    apply(releases.new);
    assert.equal(stemcell.monit('reload').code, 0);
    await sleep(2000);
    assert.equal(stemcell.monit('start', 'all').code, 0);
    await webUp();
    assert.equal(bpm('version').stdout, `${releases.new.manifest.version}\n`);
    assert.notEqual(releases.new.manifest.version, releases.old.manifest.version);
  });

  test('monit restart web: a new container answers', async () => {
    const before = pidOfWeb();
    assert.equal(stemcell.monit('restart', 'web').code, 0);
    const pid = await waitFor('a new web pid', async () => {
      const p = existsSync(join(R, 'sys', 'run', 'bpm', 'web', 'web.pid')) ? pidOfWeb() : before;
      return p !== before && (await answer()) !== undefined ? p : undefined;
    });
    assert.notEqual(pid, before);
    assert.deepEqual(containers(), [WEB_CONTAINER]);
  });

  test('bpm run errand returns the errand exit status; bpm logs finds tail with no environment', () => {
    const r = bpm('run', 'errand');
    assert.equal(r.code, 7, r.stderr);
    assert.match(
      readFileSync(join(R, 'sys', 'log', 'errand', 'errand.stdout.log'), 'utf8'),
      /errand ran as vcap\n/,
    );
    assert.deepEqual(containers(), [WEB_CONTAINER], 'the errand container is removed');
    // As monit may run it: no PATH at all (the wrapper supplies one).
    const logs = spawnSync(BPM, ['logs', 'errand', '-n', '1'], {
      encoding: 'utf8',
      env: {},
      timeout: 120_000,
    });
    assert.deepEqual([logs.status, logs.stderr], [0, '']);
    assert.match(logs.stdout, /^errand ran as vcap\n/);
  });

  test('monit stop all leaves no container', async () => {
    assert.equal(stemcell.monit('stop', 'all').code, 0);
    await noContainers();
    assert.doesNotMatch(bpm('list').stdout, /running/);
  });

  test('swap under a running container: the new build lists, stops and starts it', async () => {
    // Back to the previous build, web running under it...
    apply(releases.old);
    assert.equal(stemcell.monit('reload').code, 0);
    await sleep(2000);
    assert.equal(stemcell.monit('start', 'web').code, 0);
    const running = await webUp();
    assert.equal(bpm('version').stdout, `${releases.old.manifest.version}\n`);
    // ...then the new build swapped in without stopping anything.
    assert.equal(stemcell.monit('unmonitor', 'all').code, 0);
    apply(releases.new);
    assert.equal(bpm('version').stdout, `${releases.new.manifest.version}\n`);
    assert.match(bpm('list').stdout, new RegExp(`^web +${running.pid} +running$`, 'm'));
    assert.equal(bpm('pid', 'web').stdout, `${running.pid}\n`);
    assert.equal(await answer(), running.body);
    const stop = bpm('stop', 'web');
    assert.equal(stop.code, 0, stop.stderr);
    await noContainers();
    assert.equal(stemcell.monit('reload').code, 0);
    await sleep(2000);
    assert.equal(stemcell.monit('start', 'all').code, 0);
    const again = await webUp();
    assert.notEqual(again.pid, running.pid);
    assert.equal(stemcell.monit('stop', 'all').code, 0);
    await noContainers();
  });
});
