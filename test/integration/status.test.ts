// `bpm status [JOB] [--json]` and `bpm list --json` (issue #13 item 6) against real runc: state,
// pid, uptime, memory and pids against their limits and OOM kills read from the container's cgroup
// (v1 on the development host, v2 in the Noble VM: the expectations hold on both), and the last
// exit of a container that died with nobody watching, and OOM kills from the kernel log once the
// cgroup is gone.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();

interface ProcJson {
  job: string;
  process: string;
  name: string;
  state: string;
  pid: number | null;
  started_at: string | null;
  uptime_seconds: number | null;
  memory: { current_bytes: number; limit_bytes: number | null } | null;
  pids: { current: number; limit: number | null } | null;
  oom_kills: number | null;
  cgroup_version: number | null;
  last_exit: {
    description: string;
    at: string;
    code: number | null;
    signal: string | null;
    oom_killed: boolean | null;
    seen_by: string;
  } | null;
}

describe('bpm status', { skip }, () => {
  let r: BoshRoot;
  let web = '';
  let quits = '';
  let oomy = '';

  const status = async (...args: string[]): Promise<ProcJson[]> => {
    const res = await r.bpm('status', '--json', ...args);
    assert.equal(res.code, 0, res.stderr);
    const doc = JSON.parse(res.stdout) as { schema: string; schema_version: number; processes: ProcJson[] };
    assert.equal(doc.schema, 'bpm.status');
    assert.equal(doc.schema_version, 1);
    return doc.processes;
  };
  const one = async (job: string): Promise<ProcJson> => {
    const [p, ...rest] = await status(job, '-p', job);
    assert.equal(rest.length, 0);
    return p!;
  };
  const stateOf = (job: string) => r.containerState(job)?.status;

  before(async () => {
    r = BoshRoot.create();
    web = r.uniqueJob('stweb');
    quits = r.uniqueJob('stquit');
    oomy = r.uniqueJob('stoom');
    r.addJob(
      web,
      {
        processes: [
          { name: web, executable: r.jobBin(web, 'run'), limits: { memory: '64M', processes: 50 } },
          { name: 'idle', executable: r.jobBin(web, 'run') },
        ],
      },
      { run: '#!/bin/sh\nsleep 1000 &\nexec sleep 1000\n' },
    );
    // Dies on its own after the start returned: nobody is watching.
    r.addJob(
      quits,
      { processes: [{ name: quits, executable: r.jobBin(quits, 'run') }] },
      {
        run: '#!/bin/sh\nsleep 2\nexit 3\n',
      },
    );
    // Allocates far beyond its limit: the OOM killer ends it.
    r.addJob(
      oomy,
      { processes: [{ name: oomy, executable: r.jobBin(oomy, 'run'), limits: { memory: '32M' } }] },
      { run: `#!/bin/sh\nsleep 1\nexec perl -e '$x = "a" x (200 * 1024 * 1024); sleep 100'\n` },
    );
    for (const job of [web, quits, oomy]) {
      const started = await r.bpm('start', job);
      assert.equal(started.code, 0, started.stderr);
    }
  });
  after(() => r.cleanup());

  test('a running process: pid, uptime, memory and pids against the limits of its bpm.yml', async () => {
    const p = await one(web);
    assert.equal(p.name, web);
    assert.equal(p.state, 'running');
    assert.equal(p.pid, Number(readFileSync(r.pidFile(web), 'utf8')));
    assert.ok(p.started_at !== null && Date.now() - Date.parse(p.started_at) < 120_000, p.started_at ?? '');
    assert.ok(p.uptime_seconds !== null && p.uptime_seconds >= 0);
    assert.equal(p.memory?.limit_bytes, 64 * 1024 * 1024);
    assert.ok((p.memory?.current_bytes ?? 0) > 0);
    assert.equal(p.pids?.limit, 50);
    assert.ok(await eventually(() => r.cgroupPids(web).length === 3));
    assert.equal((await one(web)).pids?.current, 3, 'tini, the shell turned sleep, the background sleep');
    assert.equal(p.oom_kills, 0);
    const unified = Object.keys(r.cgroupPaths(web)).length === 1;
    assert.equal(p.cgroup_version, unified ? 2 : 1);
    assert.equal(p.last_exit, null);
  });

  test('-p picks one process; a process without limits shows no limit', async () => {
    const [idle, ...rest] = await status(web, '-p', 'idle');
    assert.equal(rest.length, 0);
    assert.equal(idle?.name, `${web}.idle`);
    assert.equal(idle?.state, 'stopped');
    assert.equal(idle?.pid, null);
    assert.equal(idle?.memory, null);
  });

  test('a container that exited with nobody watching: failed, status unknown, first sighting recorded once', async () => {
    assert.ok(await eventually(() => stateOf(quits) === 'stopped', 15_000));
    const p = await one(quits);
    assert.equal(p.state, 'failed');
    assert.equal(p.pid, null);
    assert.equal(p.uptime_seconds, null);
    assert.ok(p.last_exit !== null);
    assert.equal(p.last_exit.code, null);
    assert.equal(p.last_exit.seen_by, 'status');
    assert.equal(p.last_exit.oom_killed, false);
    assert.equal(p.last_exit.description, 'exited (status unknown)');
    // Recorded: a later look reports the same sighting, not a newer time.
    const again = await one(quits);
    assert.deepEqual(again.last_exit, p.last_exit);
  });

  test('an OOM kill: counted from the cgroup, and the last exit says OOM', async () => {
    assert.ok(await eventually(() => stateOf(oomy) === 'stopped', 20_000));
    const p = await one(oomy);
    assert.equal(p.state, 'failed');
    assert.ok((p.oom_kills ?? 0) >= 1, JSON.stringify(p));
    // Without systemd the dead container's cgroup is still there; systemd removes its scope at once
    // (then the count comes from the kernel log, and memory is unknown).
    if (p.memory !== null) assert.equal(p.memory.limit_bytes, 32 * 1024 * 1024);
    assert.equal(p.last_exit?.oom_killed, true);
    assert.match(p.last_exit?.description ?? '', /\(OOM\)$/);
  });

  test('the cgroup gone with the dead container (as systemd removes its scope): OOM kills from the kernel log', async () => {
    assert.ok(await eventually(() => stateOf(oomy) === 'stopped', 20_000));
    const dirs = r.cgroupPaths(oomy);
    const memoryDir = dirs['memory'] ?? dirs[''];
    assert.ok(memoryDir !== undefined);
    if (existsSync(memoryDir)) rmdirSync(memoryDir); // empty: its processes are gone
    const p = await one(oomy);
    assert.equal(p.memory, null);
    assert.ok((p.oom_kills ?? 0) >= 1, JSON.stringify(p));
    assert.equal(p.cgroup_version, dirs['memory'] === undefined ? 2 : 1);
  });

  test('bpm list --json: the same document for every job; bpm list keeps its table', async () => {
    assert.ok(await eventually(() => stateOf(quits) === 'stopped' && stateOf(oomy) === 'stopped', 20_000));
    const res = await r.bpm('list', '--json');
    assert.equal(res.code, 0, res.stderr);
    const listed = (JSON.parse(res.stdout) as { processes: ProcJson[] }).processes;
    const all = await status();
    const stable = (ps: ProcJson[]) =>
      ps.map((p) => ({ ...p, uptime_seconds: null, memory: null, pids: null }));
    assert.deepEqual(stable(listed), stable(all));
    assert.deepEqual(
      all.map((p) => [p.name, p.state]),
      [
        [web, 'running'],
        [`${web}.idle`, 'stopped'],
        [oomy, 'failed'],
        [quits, 'failed'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    const table = await r.bpm('list');
    assert.match(table.stdout.split('\n')[0] ?? '', /^Name +Pid +Status$/);
    assert.equal(table.stdout.split('\n').length, all.length + 2, table.stdout);
  });

  test('the text view: a header and one row per process', async () => {
    const res = await r.bpm('status', web);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^Name +Status +Pid +Uptime +Memory +Pids +OOM +Last exit$/);
    assert.match(
      lines[1] ?? '',
      new RegExp(`^${web} +running +\\d+ +[\\dmhs]+ +\\d+(\\.\\d)?[KM]/64M +3/50 +0 +-$`),
    );
    assert.match(lines[2] ?? '', new RegExp(`^${web}\\.idle +stopped +- +- +- +- +- +-$`));
  });

  test('monit-style restart before anyone looked: the start that removes the dead container records its end', async () => {
    const job = r.uniqueJob('strestart');
    const tmp = `/var/vcap/data/${job}/tmp`;
    // The first run is OOM-killed after start's early-exit watch; the restarted one (the marker is
    // kept in the job's tmp) sleeps.
    const run = `#!/bin/sh\n[ -e ${tmp}/ran ] && exec sleep 1000\ntouch ${tmp}/ran\nsleep 2\nexec perl -e '$x = "a" x (200 * 1024 * 1024)'\n`;
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), limits: { memory: '32M' } }] },
      { run },
    );
    assert.equal((await r.bpm('start', job)).code, 0);
    assert.ok(await eventually(() => stateOf(job) === 'stopped', 20_000));
    const restarted = await r.bpm('start', job);
    assert.equal(restarted.code, 0, restarted.stderr);
    const p = await one(job);
    assert.equal(p.state, 'running');
    assert.equal(p.last_exit?.seen_by, 'start');
    assert.equal(p.last_exit?.code, null);
    assert.equal(
      p.last_exit?.oom_killed,
      true,
      'counted before the old container and its cgroup were deleted',
    );
    assert.equal(p.last_exit?.description, 'exited (status unknown) (OOM)');
    assert.equal(p.oom_kills, 0, 'the new container has its own cgroup');
  });

  test('an unknown job or process fails like start would, creating nothing', async () => {
    const res = await r.bpm('status', 'no-such-job');
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      `Error: failed to parse job configuration: open ${r.root}/jobs/no-such-job/config/bpm.yml: no such file or directory\n`,
    );
    assert.equal(existsSync(r.paths.job('no-such-job').logDir), false);
    assert.equal(existsSync(r.paths.job('no-such-job').pidDir), false);
    const proc = await r.bpm('status', web, '-p', 'nope');
    assert.equal(proc.code, 1);
    assert.match(proc.stderr, /^Error: process "nope" not present in job configuration/);
  });
});
