// The bpm job's bin/supervisor-switch (release/jobs/bpm/templates/supervisor-switch) on this host,
// in a temporary root, with systemctl replaced by a recorder at the script's BPM_SYSTEMCTL seam:
// which files it writes, keeps aside and restores, which systemctl calls it makes and in what order,
// that a second run changes nothing, and that a refusal leaves nothing half-done. The real thing
// (systemd, monit, the agent's calls) is test/release/agent-install.test.ts on the Noble VM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

const TEMPLATES = new URL('../../release/jobs/bpm/templates/', import.meta.url).pathname;
const SWITCH = join(TEMPLATES, 'supervisor-switch');
const STEMCELL_MONIT = '#!/bin/bash\n# the stemcell wrapper\nexec monit-actual "$@"\n';

describe('bin/supervisor-switch (bpm.supervisor)', () => {
  let dir: string;
  let R: string;
  let units: string;
  let calls: string;
  let mainPid: string;
  let fakeSupervisor: ChildProcess | undefined;

  const command = (): string => join(R, 'bosh', 'bin', 'monit');
  const aside = (): string => join(R, 'bosh', 'bin', 'monit.stemcell');
  const dropin = (): string => join(units, 'monit.service.d', '50-bpm-supervisor.conf');
  const state = (): string => join(R, 'data', 'bpm', 'monit-compat.state');

  function run(
    value: string,
    hasUnit = true,
  ): { code: number | null; stdout: string; stderr: string; calls: string[] } {
    writeFileSync(calls, '');
    const r = spawnSync('bash', [SWITCH, value], {
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'],
        BPM_BOSH_ROOT: R,
        BPM_SYSTEMD_UNIT_DIR: units,
        BPM_SYSTEMCTL: join(dir, 'systemctl'),
        FAKE_CALLS: calls,
        FAKE_MAINPID: mainPid,
        FAKE_HAS_UNIT: hasUnit ? '1' : '',
        FAKE_COMMAND: command(),
      },
    });
    const made = readFileSync(calls, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls: made };
  }

  before(() => {
    dir = mkdtempSync('/tmp/bpm-supervisor-switch-');
    R = join(dir, 'vcap');
    units = join(dir, 'systemd');
    calls = join(dir, 'calls');
    mainPid = join(dir, 'mainpid');
    writeFileSync(mainPid, '0\n');
    mkdirSync(units);
    // The recorder: logs every call; `cat` succeeds only when the unit exists; `show` prints the pid
    // the test put in FAKE_MAINPID; `restart` also logs which monit command is installed at that
    // moment (the stemcell's unit starts monit through it).
    writeFileSync(
      join(dir, 'systemctl'),
      '#!/bin/bash\necho "$*" >>"$FAKE_CALLS"\ncase $1 in\n' +
        '  cat) [ -n "$FAKE_HAS_UNIT" ] ;;\n  show) cat "$FAKE_MAINPID" ;;\n' +
        '  restart) echo "  command: $(sed -n 2p "$FAKE_COMMAND")" >>"$FAKE_CALLS" ;;\nesac\n',
      { mode: 0o755 },
    );
    mkdirSync(join(R, 'bosh', 'bin'), { recursive: true });
    writeFileSync(command(), STEMCELL_MONIT, { mode: 0o755 });
    mkdirSync(join(R, 'monit', 'job'), { recursive: true });
    writeFileSync(
      join(R, 'monit', 'job', '0001_web.monitrc'),
      'check process web\n  with pidfile /var/vcap/sys/run/bpm/web/web.pid\n  group vcap\n' +
        'check process "web-worker"\n  with pidfile /x.pid\n',
    );
    writeFileSync(join(R, 'monit', 'job', '0002_db.monitrc'), 'check process db with pidfile /y.pid\n');
    // The job as the agent lays it out: config/ holds the two files the switch installs.
    const config = join(R, 'jobs', 'bpm', 'config');
    mkdirSync(config, { recursive: true });
    for (const f of ['monit-service-bpm.conf', 'monit-command'])
      writeFileSync(join(config, f), readFileSync(join(TEMPLATES, f)));
    // The installed bpm executable, which the running supervisor's /proc/PID/exe is compared with.
    mkdirSync(join(R, 'packages', 'bpm', 'bin'), { recursive: true });
    symlinkSync('/bin/bash', join(R, 'packages', 'bpm', 'bin', 'bpm'));
  });

  after(() => {
    fakeSupervisor?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('bpm without the stemcell monit.service: refused with one line, nothing changed', () => {
    const r = run('bpm', false);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      "bpm supervisor-switch: bpm.supervisor: bpm needs the stemcell's systemd unit monit.service, which this VM does not have (nothing was changed)\n",
    );
    assert.deepEqual(r.calls, ['cat monit.service']);
    assert.equal(readFileSync(command(), 'utf8'), STEMCELL_MONIT);
    for (const f of [aside(), dropin(), state()]) assert.equal(existsSync(f), false, f);
  });

  test('monit on a VM never switched: no systemctl call, nothing changed (safe on any stemcell)', () => {
    const r = run('monit');
    assert.deepEqual([r.code, r.calls, r.stdout, r.stderr], [0, [], '', '']);
    assert.equal(readFileSync(command(), 'utf8'), STEMCELL_MONIT);
  });

  test('bpm from monit: drop-in, daemon-reload, services recorded unmonitored, restart, only then the command', () => {
    const r = run('bpm');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [
      'cat monit.service',
      'daemon-reload',
      'show -p MainPID --value monit.service',
      'restart monit.service',
      '  command: # the stemcell wrapper',
    ]);
    assert.deepEqual(
      readFileSync(dropin(), 'utf8'),
      readFileSync(join(TEMPLATES, 'monit-service-bpm.conf'), 'utf8'),
    );
    assert.deepEqual(JSON.parse(readFileSync(state(), 'utf8')), { unmonitored: ['db', 'web', 'web-worker'] });
    assert.equal(statSync(state()).mode & 0o777, 0o600);
    assert.equal(readFileSync(command(), 'utf8'), readFileSync(join(TEMPLATES, 'monit-command'), 'utf8'));
    assert.equal(statSync(command()).mode & 0o777, 0o755);
    assert.equal(readFileSync(aside(), 'utf8'), STEMCELL_MONIT);
  });

  test('bpm again with the current supervisor running: no systemctl change, no file touched', async () => {
    // A process that looks like the installed build's `bpm supervise --monit-compat`.
    const child = spawn('/bin/bash', ['-c', 'read -r _', 'supervise', '--monit-compat'], { stdio: 'pipe' });
    fakeSupervisor = child;
    await new Promise((resolve) => child.once('spawn', resolve));
    writeFileSync(mainPid, `${child.pid}\n`);
    writeFileSync(state(), '{"unmonitored":["db"]}\n');
    const before = [dropin(), command(), aside(), state()].map((f) => statSync(f).mtimeMs);
    const r = run('bpm');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, ['cat monit.service', 'show -p MainPID --value monit.service']);
    assert.deepEqual(
      [dropin(), command(), aside(), state()].map((f) => statSync(f).mtimeMs),
      before,
    );
  });

  test('bpm after the bpm package changed: restarted, the supervisor keeps its unmonitored set', () => {
    rmSync(join(R, 'packages', 'bpm', 'bin', 'bpm'));
    symlinkSync('/bin/sleep', join(R, 'packages', 'bpm', 'bin', 'bpm'));
    const r = run('bpm');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [
      'cat monit.service',
      'show -p MainPID --value monit.service',
      'show -p MainPID --value monit.service',
      'restart monit.service',
      '  command: # bpm monit command (bin/supervisor-switch knows its own by this line)',
    ]);
    assert.equal(readFileSync(state(), 'utf8'), '{"unmonitored":["db"]}\n');
    assert.equal(readFileSync(aside(), 'utf8'), STEMCELL_MONIT, 'the original is not overwritten by ours');
  });

  test('monit: the stemcell command back (byte for byte) before the drop-in goes and monit.service restarts', () => {
    const r = run('monit');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [
      'daemon-reload',
      'restart monit.service',
      '  command: # the stemcell wrapper',
    ]);
    assert.equal(existsSync(join(units, 'monit.service.d')), false);
    assert.equal(readFileSync(command(), 'utf8'), STEMCELL_MONIT);
    assert.equal(existsSync(aside()), false);
    assert.deepEqual(run('monit').calls, [], 'a second run has nothing to undo');
  });

  test('a value other than bpm or monit: usage error', () => {
    const r = run('runit');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^bpm supervisor-switch: usage: supervisor-switch bpm\|monit .*'runit'\n$/);
    assert.deepEqual(r.calls, []);
  });
});
