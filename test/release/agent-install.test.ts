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
// and issue #16, deliverable 3 (docs/release.md, "bpm in monit's place"):
//   5. a deploy with bpm.supervisor: bpm: pre-start puts bpm supervise --monit-compat in the
//      stemcell's monit.service and `bpm monit` at /var/vcap/bosh/bin/monit; the test agent
//      (test/monit/agent/, the agent's monit client) starts web through it, sees a crash restarted
//      and its alert mailed, StopAndWait with `monit stop -g vcap` through the installed command, a
//      `monit reload`, a second pre-start that changes nothing and a `systemctl restart monit`
//      that keeps web's process
//   6. a deploy with bpm.supervisor: monit puts the stemcell's monit and command back, and monit
//      runs web again
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildRelease } from '../../scripts/release/build.ts';
import { containerId } from '../../src/ids/container-id.ts';
import { AlertReceiver } from '../monit/agent/alerts.ts';
import { AgentJobSupervisor } from '../monit/agent/job-supervisor.ts';
import { MonitClient } from '../monit/agent/monit-client.ts';
import { Agent, sh, type Unpacked } from './agent.ts';
import { MONIT_UNIT, Stemcell } from './stemcell.ts';

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
  const alerts = new AlertReceiver();
  let alertPort = 0;

  /** A deploy's apply: jobs and packages of both releases laid out, monit files written. */
  function install(bpmRelease: Unpacked, bpmProperties?: Record<string, unknown>): void {
    agent.compile(bpmRelease);
    agent.compile(releases.jobs);
    agent.applyJobs([
      { release: bpmRelease, name: 'bpm', ...(bpmProperties ? { properties: bpmProperties } : {}) },
      { release: releases.jobs, name: 'web', properties: { port: PORT } },
      { release: releases.jobs, name: 'errand' },
    ]);
  }

  const preStart = (): string => sh(join(R, 'jobs', 'bpm', 'bin', 'pre-start'), []);

  /** What a deploy does on the VM: jobs and packages of both releases applied, pre-start run. */
  function apply(bpmRelease: Unpacked): void {
    install(bpmRelease);
    preStart();
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

  before(async () => {
    assert.equal(readdirSync(R).length, 0, `${R} must start empty, as on a fresh stemcell`);
    alertPort = await alerts.listen();
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
    alerts.close();
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
    stemcell.startMonit(alertPort);
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

  // Issue #16, deliverable 3: bpm.supervisor. From here on the test agent drives monit's API as the
  // BOSH agent does (its client, retries and job supervisor: test/monit/agent/).
  const client = new MonitClient({
    port: 2822,
    user: 'vcap',
    password: stemcell.password,
    retryDelayMs: 1000,
  });
  const jobs = new AgentJobSupervisor(client);
  const DROPIN = `/etc/systemd/system/${MONIT_UNIT}.d/50-bpm-supervisor.conf`;

  async function agentSeesRunning(): Promise<void> {
    await waitFor('the agent to see every job running', async () =>
      (await jobs.status()) === 'running' ? true : undefined,
    );
  }

  test('bpm.supervisor: bpm: a deploy puts bpm supervise in monit.service; the agent starts web through it', async (t) => {
    // The agent's deploy: stop (nothing runs: the last test stopped everything), apply, `monit
    // reload` (the real monit's, from the apply), pre-start, start.
    install(releases.new, { bpm: { supervisor: 'bpm' } });
    assert.equal(stemcell.monit('reload').code, 0);
    const monitBefore = stemcell.monitMain();
    assert.ok(monitBefore.argv.includes('-I'), `monit runs: ${monitBefore.argv.join(' ')}`);
    t.diagnostic(preStart());
    const swap = stemcell.lastRestart();
    t.diagnostic(
      `switch in: monit stopped in ${swap.stop} ms, the supervisor's READY=1 ${swap.start} ms later`,
    );
    const main = stemcell.monitMain();
    // The wrapper gives the supervisor its V8 flags as the single executable's --node-options.
    assert.deepEqual(
      main.argv.slice(1),
      ['--node-options=--max-semi-space-size=2 --single-threaded-gc', 'supervise', '--monit-compat'],
      'monit.service runs bpm supervise',
    );
    assert.ok(existsSync(DROPIN));
    assert.equal(readFileSync(join(R, 'bosh', 'bin', 'monit.stemcell'), 'utf8'), Stemcell.COMMAND_TEXT);
    assert.match(readFileSync(stemcell.command, 'utf8'), /exec \/var\/vcap\/jobs\/bpm\/bin\/bpm monit "\$@"/);
    // pre-start left every service unmonitored: the agent's start comes after it.
    const before = await client.status();
    assert.deepEqual(
      before.services.map((s) => [s.name, s.monitored]),
      [['web', false]],
    );
    assert.equal(await answer(), undefined, 'web is not started before the agent starts it');
    await jobs.start();
    await agentSeesRunning();
    assert.match((await waitFor('web to answer', answer)) ?? '', /^hello from web pid [2-9] uid 1000\n$/);
    assert.match(stemcell.monit('summary').out, /^Process 'web' +running$/m);
  });

  test('bpm.supervisor: bpm: a crashed web is restarted and its alert mailed to the agent', async (t) => {
    const crashed = pidOfWeb();
    const at = performance.now();
    process.kill(crashed, 'SIGKILL');
    const alert = await alerts.waitFor(
      (a) => a.service === 'web' && a.event === 'Does not exist' && a.receivedAt > at,
      120_000,
    );
    assert.equal(alert.severity, 'alert');
    const pid = await waitFor('a new web pid that answers', async () => {
      const p = existsSync(join(R, 'sys', 'run', 'bpm', 'web', 'web.pid')) ? pidOfWeb() : crashed;
      return p !== crashed && (await answer()) !== undefined ? p : undefined;
    });
    assert.notEqual(pid, crashed);
    await agentSeesRunning();
    t.diagnostic(`crash: alert after ${Math.round(alert.receivedAt - at)} ms, running again`);
  });

  test('bpm.supervisor: bpm: StopAndWait with `monit stop -g vcap` through the installed command', async () => {
    await jobs.stopAndWait(300_000, async () => {
      const r = stemcell.monit('stop', '-g', 'vcap');
      assert.equal(r.code, 0, r.out);
    });
    await noContainers();
    assert.equal(await jobs.status(), 'stopped');
  });

  test('bpm.supervisor: bpm: `monit reload` gives a new incarnation; start again; pre-start again changes nothing', async (t) => {
    await jobs.reload(
      async () => {
        const r = stemcell.monit('reload');
        assert.equal(r.code, 0, r.out);
      },
      { maxTries: 3, maxCheckTries: 12, delayMs: 1000 },
    );
    await jobs.start();
    await agentSeesRunning();
    const web = pidOfWeb();
    const main = stemcell.monitMain().pid;
    const files = [DROPIN, stemcell.command].map((f) => statSync(f).mtimeMs);
    t.diagnostic(preStart());
    assert.equal(stemcell.monitMain().pid, main, 'the same supervisor');
    assert.deepEqual(
      [DROPIN, stemcell.command].map((f) => statSync(f).mtimeMs),
      files,
    );
    // What the agent's bootstrap (systemctl start monit) and a reboot go through: the unit is bpm's.
    sh('systemctl', ['restart', MONIT_UNIT]);
    assert.notEqual(stemcell.monitMain().pid, main);
    await agentSeesRunning();
    assert.equal(pidOfWeb(), web, 'a restarted supervisor adopts web: same process');
  });

  test('bpm.supervisor: monit: a deploy puts the stemcell monit back, which runs web again', async (t) => {
    await jobs.stopAndWait(300_000, async () => {
      assert.equal(stemcell.monit('stop', '-g', 'vcap').code, 0);
    });
    await noContainers();
    install(releases.new, { bpm: { supervisor: 'monit' } });
    assert.equal(stemcell.monit('reload').code, 0);
    t.diagnostic(preStart());
    const back = stemcell.lastRestart();
    t.diagnostic(
      `switch back: the supervisor stopped in ${back.stop} ms, monit started ${back.start} ms later`,
    );
    assert.equal(existsSync(DROPIN), false);
    assert.equal(readFileSync(stemcell.command, 'utf8'), Stemcell.COMMAND_TEXT);
    assert.equal(existsSync(join(R, 'bosh', 'bin', 'monit.stemcell')), false);
    await waitFor('monit.service to run monit', () =>
      stemcell.monitMain().argv.includes('-I') ? true : undefined,
    );
    await waitFor('monit to answer', () => (stemcell.monit('summary').code === 0 ? true : undefined));
    await jobs.start();
    await webUp();
    await agentSeesRunning();
    assert.equal(stemcell.monit('stop', 'all').code, 0);
    await noContainers();
  });

  test('bpm.supervisor: any other value fails the rendering, naming the property', () => {
    assert.throws(
      () => install(releases.new, { bpm: { supervisor: 'runit' } }),
      /bpm job: property bpm.supervisor must be monit or bpm, not "runit"/,
    );
  });
});
