// monit as a systemd service with KillMode=process, as on a stemcell, supervising bpm jobs in the
// Noble VM. The containers live in scopes of their own, outside monit's service cgroup, so
// `systemctl restart` of monit neither kills them nor loses track of them: afterwards the same
// containers run, monit sees them through their pid files, and no bpm or runc is left behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually } from '../../helpers/bosh-root.ts';
import { MONIT, monitrc, parseSummary } from '../../reliability/monitrc.ts';
import { addSleeperJob, inspectJob, inspectRoot, settle } from '../../reliability/support.ts';
import { CGROUP_ROOT, systemdV2SkipReason, unitState } from './systemd-host.ts';

const skip = systemdV2SkipReason();

function systemctl(...args: string[]): void {
  const res = spawnSync('systemctl', args, { encoding: 'utf8' });
  assert.equal(res.status, 0, `systemctl ${args.join(' ')}: ${res.stderr}`);
}

/** Pids in a cgroup v2 directory. */
function procsOf(dir: string): number[] {
  try {
    return readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('monit as a systemd service (KillMode=process)', { skip }, () => {
  let r: BoshRoot;
  let dir: string;
  const unit = `bpm-test-monit-${process.pid}.service`;
  const unitFile = `/run/systemd/system/${unit}`;
  const jobs: string[] = [];
  before(() => {
    r = BoshRoot.create();
    dir = mkdtempSync('/tmp/bpm-monit-svc-');
  });
  after(async () => {
    spawnSync('systemctl', ['stop', unit]);
    rmSync(unitFile, { force: true });
    spawnSync('systemctl', ['daemon-reload']);
    for (const job of jobs) await r.bpm('stop', job);
    await r.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('systemctl restart of monit keeps the containers running and tracked, nothing orphaned', async () => {
    for (let i = 0; i < 3; i++) jobs.push(addSleeperJob(r, 'svc'));
    const rc = join(dir, 'monitrc');
    writeFileSync(rc, monitrc(dir, r, jobs));
    chmodSync(rc, 0o600);
    writeFileSync(
      unitFile,
      [
        '[Unit]',
        'Description=monit for a bpm test',
        '[Service]',
        `ExecStart=${MONIT} -I -c ${rc}`,
        'KillMode=process',
        'Restart=always',
        '',
      ].join('\n'),
    );
    systemctl('daemon-reload');
    systemctl('start', unit);

    const summary = () =>
      parseSummary(spawnSync(MONIT, ['-c', rc, 'summary', '-B'], { encoding: 'utf8' }).stdout);
    const allUp = () =>
      jobs.every((j) => summary().get(j) === 'OK' && inspectJob(r, j, 'running').length === 0);
    assert.ok(await eventually(allUp, 60_000), readFileSync(join(dir, 'monit.log'), 'utf8'));
    const serviceDir = `${CGROUP_ROOT}/system.slice/${unit}`;
    const scope = (job: string) => `${unit.replace(/\./g, '-')}-bpm-bpm-${job}.scope`;
    const inits = new Map(jobs.map((j) => [j, r.containerState(j)?.pid]));
    for (const job of jobs) {
      const pid = inits.get(job);
      assert.equal(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), `0::/system.slice/${scope(job)}\n`);
    }

    const monitBefore = procsOf(serviceDir);
    systemctl('restart', unit);
    assert.equal(unitState(unit), 'active');
    assert.ok(await eventually(allUp, 60_000), readFileSync(join(dir, 'monit.log'), 'utf8'));
    await settle(r);
    for (const job of jobs) {
      assert.equal(r.containerState(job)?.pid, inits.get(job), `${job} was restarted`);
      assert.equal(r.containerIds().filter((id) => id === `bpm-${job}`).length, 1);
    }
    // Only the new monit is left in its service's cgroup: no bpm or runc of the old one.
    const now = procsOf(serviceDir);
    assert.equal(now.length, 1, `in ${serviceDir}: ${now.join(' ')}`);
    assert.ok(!monitBefore.includes(now[0] ?? 0), 'monit was not restarted');
    assert.doesNotMatch(readFileSync(join(dir, 'monit.log'), 'utf8'), /failed to start|restart action/);

    systemctl('stop', unit);
    for (const job of jobs) assert.equal(r.containerState(job)?.status, 'running');
    for (const job of jobs) assert.equal((await r.bpm('stop', job)).code, 0);
    await settle(r);
    assert.deepEqual([...jobs.flatMap((j) => inspectJob(r, j, 'stopped')), ...inspectRoot(r)], []);
  });
});
