// bpm under real systemd units, in the Noble VM (docs/supervisor.md, "Running under systemd"):
// a `Type=notify` unit `ExecStart=bpm run JOB` — `systemctl start` returns once the container runs
// (READY=1), `systemctl stop` stops it gracefully and leaves no scope, cgroup or mount — and the
// release's bpm-supervisor.service supervising a job, whose `systemctl restart` leaves the
// container running and adopted by the next supervisor.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { containerId } from '../../../src/ids/container-id.ts';
import { BoshRoot, BPM, eventually, REPO, scaledMs } from '../../helpers/bosh-root.ts';
import { inspectJob, inspectRoot, settle } from '../../reliability/support.ts';
import { CGROUP_ROOT, systemdV2SkipReason, unitState, unitsMatching } from './systemd-host.ts';

const skip = systemdV2SkipReason();
/** Traps TERM: says so and exits 0 (short sleeps: the shell runs its trap within 0.1 s). */
const GRACEFUL = '#!/bin/sh\ntrap \'echo "got TERM"; exit 0\' TERM\necho up\nwhile :; do sleep 0.1; done\n';

function systemctl(...args: string[]): { ms: number } {
  const started = performance.now();
  const res = spawnSync('systemctl', args, { encoding: 'utf8', timeout: scaledMs(120_000) });
  assert.equal(res.status, 0, `systemctl ${args.join(' ')}: ${res.stderr}`);
  return { ms: performance.now() - started };
}

function show(unit: string, property: string): string {
  return spawnSync('systemctl', ['show', '-p', property, '--value', unit], {
    encoding: 'utf8',
  }).stdout.trim();
}

/** What a stopped job must not leave (a `bpm run` keeps its bundle, as upstream's does). */
function leftovers(r: BoshRoot, job: string): string[] {
  const cid = containerId(job, job);
  const scopes = unitsMatching(cid).filter((u) => u.endsWith('.scope'));
  return [
    ...inspectJob(r, job, 'stopped').filter((p) => !p.endsWith('bundle left')),
    ...inspectRoot(r),
    ...scopes.map((u) => `scope ${u} left`),
  ];
}

describe('bpm under systemd units', { skip }, () => {
  let r: BoshRoot;
  const units: string[] = [];
  const install = (unit: string, lines: string[]): void => {
    units.push(unit);
    writeFileSync(`/run/systemd/system/${unit}`, `${lines.join('\n')}\n`);
    systemctl('daemon-reload');
  };
  before(() => {
    r = BoshRoot.create();
  });
  after(async () => {
    for (const unit of units) {
      spawnSync('systemctl', ['stop', unit]);
      rmSync(`/run/systemd/system/${unit}`, { force: true });
    }
    spawnSync('systemctl', ['daemon-reload']);
    await r.cleanup();
  });

  /** The job said `up`: its TERM trap is set. */
  const up = (job: string) =>
    eventually(
      () =>
        existsSync(r.paths.job(job).stdoutLog(job)) && r.readLog(job, `${job}.stdout.log`).startsWith('up\n'),
      20_000,
    );

  function addJob(prefix: string): string {
    const job = r.uniqueJob(prefix);
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: GRACEFUL });
    return job;
  }

  test('Type=notify `bpm run JOB`: start returns once it runs, stop is graceful, nothing left', async () => {
    const job = addJob('unit');
    const unit = `bpm-test-run-${job}.service`;
    install(unit, [
      '[Unit]',
      `Description=bpm run ${job}`,
      '[Service]',
      'Type=notify',
      `Environment=BPM_BOSH_ROOT=${r.root}`,
      `ExecStart=${BPM} run ${job}`,
      'KillMode=mixed',
      'TimeoutStopSec=60',
      'SuccessExitStatus=143',
    ]);
    systemctl('start', unit);
    // READY=1 came once the container ran: it runs the moment `systemctl start` returns.
    assert.equal(r.containerState(job)?.status, 'running');
    assert.equal(unitState(unit), 'active');
    const main = Number(show(unit, 'MainPID'));
    assert.match(readFileSync(`/proc/${main}/cmdline`, 'utf8'), /\0run\0/, 'bpm run is the main pid');
    const scope = readFileSync(`/proc/${r.containerState(job)?.pid}/cgroup`, 'utf8')
      .trim()
      .slice(3);
    assert.ok(existsSync(join(CGROUP_ROOT, scope)), scope);

    assert.ok(await up(job));
    const { ms } = systemctl('stop', unit);
    assert.ok(ms < scaledMs(10_000), `stopped in ${Math.round(ms)} ms, not after a timeout`);
    assert.equal(unitState(unit), 'inactive', show(unit, 'Result'));
    assert.equal(show(unit, 'ExecMainStatus'), '0', 'the job exited 0 on its TERM');
    assert.equal(r.readLog(job, `${job}.stdout.log`), 'up\ngot TERM\n');
    await settle(r);
    assert.deepEqual(leftovers(r, job), []);
    assert.equal(existsSync(join(CGROUP_ROOT, scope)), false, `${scope} removed`);
  });

  test("the release's bpm-supervisor.service: READY once supervised, restart adopts, stop stops", async () => {
    const job = addJob('sup');
    const unit = `bpm-test-supervisor-${process.pid}.service`;
    // The shipped unit, with this checkout's bpm and the test's BOSH root.
    const shipped = readFileSync(join(REPO, 'release/jobs/bpm/templates/bpm-supervisor.service'), 'utf8');
    const lines = shipped
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .flatMap((l) =>
        l.startsWith('ExecStart=')
          ? [`Environment=BPM_BOSH_ROOT=${r.root}`, `ExecStart=${BPM} supervise --job ${job}`]
          : [l],
      );
    assert.ok(lines.includes('Type=notify') && lines.includes('KillMode=process'));
    install(unit, lines);
    systemctl('start', unit);
    const first = r.containerState(job);
    assert.equal(first?.status, 'running', 'started before READY=1');
    const supervisor = Number(show(unit, 'MainPID'));

    systemctl('restart', unit);
    assert.equal(unitState(unit), 'active');
    assert.notEqual(Number(show(unit, 'MainPID')), supervisor, 'a new supervisor');
    assert.equal(r.containerState(job)?.pid, first?.pid, 'the same container: not restarted');
    const log = () => readFileSync(join(r.root, 'sys', 'log', 'bpm', 'supervisor.log'), 'utf8');
    assert.ok(
      await eventually(() => /bpm\.supervise\.process\.adopted/.test(log()), 10_000),
      'the new supervisor adopted it',
    );
    assert.deepEqual(inspectJob(r, job, 'running'), []);

    assert.ok(await up(job));
    systemctl('stop', unit);
    assert.equal(unitState(unit), 'inactive', show(unit, 'Result'));
    assert.equal(r.readLog(job, `${job}.stdout.log`), 'up\ngot TERM\n');
    await settle(r);
    assert.deepEqual(leftovers(r, job), []);
  });
});
