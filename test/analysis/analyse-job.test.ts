import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnalysisContext, analyseText, type JobReport } from '../../src/analysis/analyse-job.ts';
import type { Finding } from '../../src/analysis/finding.ts';
import type { FileStatus } from '../../src/analysis/host-view.ts';
import { RootPaths } from '../../src/bosh/paths.ts';
import { fakeHost } from './fake-host.ts';

const FILE = '/var/vcap/jobs/web/config/bpm.yml';
const EXE: Record<string, FileStatus> = {
  '/var/vcap/jobs/web/bin/web': 'ok',
  '/var/vcap/store': 'directory',
};

function analyse(
  yaml: string,
  files: Record<string, FileStatus> = EXE,
  globs: Record<string, string[] | 'bad'> = {},
  redirects: Record<string, string> = {},
): JobReport {
  const ctx: AnalysisContext = {
    root: new RootPaths('/var/vcap'),
    host: fakeHost(files, globs, redirects),
    hostPathEnv: '/usr/bin:/bin',
    jobs: () => ({ kind: 'not-deployed' }),
  };
  return analyseText('web', FILE, yaml, ctx);
}

function only(report: JobReport, code: string): Finding {
  const found = report.findings.filter((f) => f.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(report.findings, null, 2)}`);
  return found[0]!;
}

function at(f: Finding, line: number, column: number, field: string, severity: 'error' | 'warning'): void {
  assert.deepEqual(
    { line: f.line, column: f.column, field: f.field, severity: f.severity, file: f.file },
    { line, column, field, severity, file: FILE },
  );
}

const BASE = 'processes:\n- name: web\n  executable: /var/vcap/jobs/web/bin/web\n';

describe('bpm validate rules', () => {
  it('a clean job has no findings', () => {
    const r = analyse(`${BASE}  limits: {memory: 256M, processes: 100}\n`);
    assert.deepEqual(r.findings, []);
  });

  describe('errors', () => {
    it('reports upstream validation errors with their location (config-invalid)', () => {
      const f = only(analyse(`${BASE}  shutdown_signal: KILL\n`), 'config-invalid');
      at(f, 4, 20, 'processes[0].shutdown_signal', 'error');
      assert.match(f.message, /shutdown signal should either be 'TERM' or 'INT'/);
    });

    it("reports a volume on bpm's state or another job's directory (config-invalid, issue #10)", () => {
      const vols =
        '  additional_volumes:\n  - path: /var/vcap/packages/bpm/bin\n  - path: /var/vcap/store/other/db\n';
      const files = { ...EXE, '/var/vcap/jobs/other/config/bpm.yml': 'ok' as const };
      const found = analyse(`${BASE}${vols}`, files).findings.filter((f) => f.code === 'config-invalid');
      assert.deepEqual(
        found.map((f) => [f.line, f.column, f.field, f.severity]),
        [
          [5, 11, 'processes[0].additional_volumes[0].path', 'error'],
          [6, 11, 'processes[0].additional_volumes[1].path', 'error'],
        ],
      );
      assert.match(found[0]!.message, /lies in \/var\/vcap\/packages \(the installed packages\)/);
      assert.match(found[0]!.hint ?? '', /mount_only: true/);
      assert.match(found[1]!.message, /lies in \/var\/vcap\/store\/other, a directory of job other$/);
    });

    it('reports YAML type errors (config-type)', () => {
      const f = only(analyse(`${BASE}  ephemeral_disk: maybe\n`), 'config-type');
      at(f, 4, 19, 'processes[0].ephemeral_disk', 'error');
      assert.match(f.message, /maybe/);
    });

    it('reports every YAML syntax error (config-syntax) and no security score', () => {
      const r = analyse('processes:\n\t- name: a\n- name: {\n');
      const s = r.findings.filter((f) => f.code === 'config-syntax');
      assert.deepEqual(
        s.map((f) => [f.line, f.column, f.field, f.severity]),
        [
          [2, 1, 'yaml', 'error'],
          [3, 9, 'yaml', 'error'], // the unclosed `{`, where it opened
        ],
      );
      assert.equal(r.findings.length, 2);
      assert.deepEqual(r.security, []);
    });

    it('reports every upstream error of a file at once, with the other rules for what decoded', () => {
      const yaml = [
        'processes:',
        '- name: web',
        '  executable: /var/vcap/jobs/web/bin/web',
        '  additional_volumes:',
        '  - path: /srv/data',
        '  shutdown_signal: KILL',
        '  capabilities: [CAP_CHOWN]',
        '  limits: {memory: 1 G}',
        '- name: worker',
        '  executable: /var/vcap/jobs/web/bin/web',
        '  persistent_disk: maybe',
        '  capabilities: [SYS_ADMIN]',
        '- ~',
        '- executable: /var/vcap/jobs/web/bin/web',
        '  colour: red',
        '',
      ].join('\n');
      const r = analyse(yaml);
      assert.deepEqual(
        r.findings.map((f) => [f.line, f.column, f.field, f.severity, f.code]),
        [
          [5, 11, 'processes[0].additional_volumes[0].path', 'error', 'config-invalid'],
          [6, 20, 'processes[0].shutdown_signal', 'error', 'config-invalid'],
          [7, 18, 'processes[0].capabilities[0]', 'warning', 'capability-cap-prefix'],
          [8, 20, 'processes[0].limits.memory', 'error', 'memory-limit-invalid'],
          [11, 20, 'processes[1].persistent_disk', 'error', 'config-type'],
          [13, 3, 'processes[2]', 'error', 'config-invalid'],
          [14, 3, 'processes[3].name', 'error', 'config-invalid'],
          [15, 3, 'processes[3].colour', 'warning', 'unknown-key'],
        ],
      );
      for (const f of r.findings) assert.ok(f.hint !== undefined && f.hint !== '', `hint for ${f.code}`);
      assert.match(r.findings[0]!.message, /must be within \/var\/vcap/);
      assert.match(r.findings[0]!.hint ?? '', /unrestricted_volumes/);
      // The process with a type error (worker) is left out of the other checks and the score.
      assert.deepEqual(
        r.security.map((s) => s.process),
        ['web', ''],
      );
    });

    it('points the other rules at the right entry when an earlier one did not decode', () => {
      const r = analyse(
        `processes:\n- [not, a, process]\n- name: b\n  executable: /var/vcap/jobs/web/bin/web\n  capabilities: [CAP_KILL]\n- name: b\n  executable: /var/vcap/jobs/web/bin/web\n`,
      );
      at(only(r, 'config-type'), 2, 3, 'processes[0]', 'error');
      at(only(r, 'capability-cap-prefix'), 5, 18, 'processes[1].capabilities[0]', 'warning');
      const d = only(r, 'duplicate-process-name');
      at(d, 6, 9, 'processes[2].name', 'warning');
      assert.match(d.message, /processes\[1\]/);
    });

    it('does not report a job without processes when its entries have errors', () => {
      const r = analyse('processes:\n- ~\n');
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['config-invalid'],
      );
    });

    it('reports a bad memory limit, which upstream only notices at start', () => {
      const f = only(analyse(`${BASE}  limits:\n    memory: 1 G\n`), 'memory-limit-invalid');
      at(f, 5, 13, 'processes[0].limits.memory', 'error');
      assert.match(f.message, /byte quantity must be a positive integer/);
    });

    it('reports a malformed unrestricted-volume glob', () => {
      const yaml = `${BASE}  unsafe:\n    unrestricted_volumes:\n    - path: /srv/[abc\n`;
      const f = only(analyse(yaml, EXE, { '/srv/[abc': 'bad' }), 'glob-pattern-invalid');
      at(f, 6, 13, 'processes[0].unsafe.unrestricted_volumes[0].path', 'error');
    });

    it('reports a process name that cannot be a file name', () => {
      const f = only(analyse('processes:\n- name: a/b\n  executable: /bin/true\n'), 'process-name-invalid');
      at(f, 2, 9, 'processes[0].name', 'error');
      assert.match(f.message, /invalid process name "a\/b": must not contain "\/"/);
    });

    it('reports a relative workdir', () => {
      const f = only(analyse(`${BASE}  workdir: data\n`), 'workdir-relative');
      at(f, 4, 12, 'processes[0].workdir', 'error');
    });

    it('reports a job without processes', () => {
      const f = only(analyse('processes: []\n'), 'no-processes');
      at(f, 1, 12, 'processes', 'error');
    });

    it('reports a persistent disk when R/store is missing', () => {
      const f = only(
        analyse(`${BASE}  persistent_disk: true\n`, { '/var/vcap/jobs/web/bin/web': 'ok' }),
        'persistent-disk-unavailable',
      );
      at(f, 4, 20, 'processes[0].persistent_disk', 'error');
    });

    it('reports a mount_only volume that does not exist', () => {
      const yaml = `${BASE}  additional_volumes:\n  - path: /var/vcap/data/shared/sock\n    mount_only: true\n`;
      const f = only(analyse(yaml), 'mount-only-missing');
      at(f, 5, 11, 'processes[0].additional_volumes[0].path', 'error');
    });

    it('reports a shared volume that does not exist (start fails on it), once', () => {
      const yaml = `${BASE}  additional_volumes:\n  - path: /var/vcap/data/shared/dir\n    shared: true\n    mount_only: true\n`;
      const r = analyse(yaml);
      at(only(r, 'shared-volume-missing'), 5, 11, 'processes[0].additional_volumes[0].path', 'error');
      assert.equal(r.findings.filter((f) => f.code === 'mount-only-missing').length, 0);
      const present = analyse(yaml, { ...EXE, '/var/vcap/data/shared/dir': 'directory' });
      assert.equal(present.findings.filter((f) => f.code === 'shared-volume-missing').length, 0);
    });

    it('reports open_files above what the host lets a start set', () => {
      const yaml = `${BASE}  limits:\n    open_files: 2000000\n`;
      const f = only(analyse(yaml), 'open-files-above-host-limit');
      at(f, 5, 17, 'processes[0].limits.open_files', 'error');
      assert.match(
        f.message,
        /above this host's limit of 1048576; start fails with "error setting rlimit type 7/,
      );
      const ok = analyse(`${BASE}  limits:\n    open_files: 1048576\n`);
      assert.equal(ok.findings.filter((x) => x.code === 'open-files-above-host-limit').length, 0);
    });
  });

  describe('warnings', () => {
    it('keys at the wrong level say where they belong', () => {
      const r = analyse(
        `${BASE}  memory: 1G\n  pre_start: /bin/true\n  limits:\n    ephemeral_disk: true\n    privileged: true\n`,
      );
      const found = r.findings.filter((f) => f.code === 'misplaced-key');
      assert.deepEqual(
        found.map((f) => [f.line, f.field, f.hint]),
        [
          [4, 'processes[0].memory', 'did you mean limits.memory?'],
          [5, 'processes[0].pre_start', 'did you mean hooks.pre_start?'],
          [
            7,
            'processes[0].limits.ephemeral_disk',
            'did you mean ephemeral_disk (a key of the process itself)?',
          ],
          [8, 'processes[0].limits.privileged', 'did you mean unsafe.privileged?'],
        ],
      );
      assert.ok(
        found.every(
          (f) => f.severity === 'warning' && /is not valid here and is ignored by bpm/.test(f.message),
        ),
      );
      assert.equal(r.findings.filter((f) => f.code === 'unknown-key').length, 0);
    });

    it('flags unknown keys with a did-you-mean', () => {
      const r = analyse(`${BASE}  limits:\n    memroy: 1G\n  ephemeral_disc: true\n  colour: red\n`);
      const keys = r.findings.filter((f) => f.code === 'unknown-key');
      assert.equal(keys.length, 3);
      at(keys[0]!, 5, 5, 'processes[0].limits.memroy', 'warning');
      assert.equal(keys[0]!.hint, 'did you mean "memory"?');
      at(keys[1]!, 6, 3, 'processes[0].ephemeral_disc', 'warning');
      assert.equal(keys[1]!.hint, 'did you mean "ephemeral_disk"?');
      assert.doesNotMatch(keys[2]!.hint ?? '', /did you mean/);
    });

    it('flags unrestricted volumes bpm drops because they lie under a BOSH mount', () => {
      const yaml = `${BASE}  unsafe:\n    unrestricted_volumes:\n    - path: /var/vcap/packages/*\n`;
      const r = analyse(yaml, EXE, {
        '/var/vcap/packages/*': ['/var/vcap/packages/a', '/var/vcap/packages/b'],
      });
      const f = only(r, 'volume-dropped-bosh-mount');
      at(f, 6, 13, 'processes[0].unsafe.unrestricted_volumes[0].path', 'warning');
      assert.match(f.message, /drops 2 of 2 match/);
    });

    it('flags unrestricted matches bpm drops because the job could redirect them (symlinks, vcap-writable dirs)', () => {
      const yaml = `${BASE}  unsafe:\n    unrestricted_volumes:\n    - path: /srv/*\n`;
      const r = analyse(
        yaml,
        EXE,
        { '/srv/*': ['/srv/a', '/srv/link'] },
        { '/srv/link': '/srv/link is a symlink' },
      );
      const f = only(r, 'unrestricted-volume-job-redirectable');
      at(f, 6, 13, 'processes[0].unsafe.unrestricted_volumes[0].path', 'warning');
      assert.equal(
        f.message,
        'unrestricted volume "/srv/*": bpm drops 1 of 2 match(es) because the job could redirect the mount: /srv/link (/srv/link is a symlink)',
      );
      assert.equal(
        r.findings.some((x) => x.code === 'unrestricted-volume-no-match'),
        false,
      );
    });

    it('flags volumes with duplicate destinations', () => {
      const yaml = `${BASE}  additional_volumes:\n  - path: /var/vcap/jobs/web\n  - path: /var/vcap/data/x\n  - path: /var/vcap/data/x\n    writable: true\n`;
      const r = analyse(yaml);
      const d = r.findings.filter((f) => f.code === 'volume-duplicate-destination');
      assert.equal(d.length, 2);
      at(d[0]!, 5, 11, 'processes[0].additional_volumes[0].path', 'warning');
      assert.match(d[0]!.message, /bpm's own bosh mount/);
      at(d[1]!, 7, 11, 'processes[0].additional_volumes[2].path', 'warning');
      assert.match(d[1]!.message, /an earlier volume/);
    });

    it('flags unrestricted volumes that match nothing or many paths, saying how many', () => {
      const many = Array.from({ length: 12 }, (_, i) => `/srv/d${i}`);
      const yaml = `${BASE}  unsafe:\n    unrestricted_volumes:\n    - path: /srv/*\n    - path: /nowhere\n`;
      const r = analyse(yaml, EXE, { '/srv/*': many });
      const m = only(r, 'glob-many-matches');
      at(m, 6, 13, 'processes[0].unsafe.unrestricted_volumes[0].path', 'warning');
      assert.match(m.message, /matches 12 paths/);
      at(
        only(r, 'unrestricted-volume-no-match'),
        7,
        13,
        'processes[0].unsafe.unrestricted_volumes[1].path',
        'warning',
      );
    });

    it('flags unrestricted volumes that reach reserved places in the root (issue #10)', () => {
      const yaml = `${BASE}  unsafe:\n    unrestricted_volumes:\n    - path: /var/vcap/data/*\n      writable: true\n`;
      const matches = ['/var/vcap/data/bpm', '/var/vcap/data/shared', '/var/vcap/data/web'];
      const r = analyse(yaml, EXE, { '/var/vcap/data/*': matches });
      const w = only(r, 'unrestricted-volume-reserved');
      at(w, 6, 13, 'processes[0].unsafe.unrestricted_volumes[0].path', 'warning');
      assert.equal(
        w.message,
        `unrestricted volume "/var/vcap/data/*": /var/vcap/data/bpm lies in /var/vcap/data/bpm (bpm's own state)`,
      );
    });

    it('flags every unsafe option in use', () => {
      const yaml = `${BASE}  unsafe:\n    privileged: true\n    host_pid_namespace: true\n    unrestricted_volumes: [{path: /srv}]\n`;
      const r = analyse(yaml, { ...EXE, '/srv': 'directory' });
      at(only(r, 'unsafe-privileged'), 5, 17, 'processes[0].unsafe.privileged', 'warning');
      at(only(r, 'unsafe-host-pid-namespace'), 6, 25, 'processes[0].unsafe.host_pid_namespace', 'warning');
      at(
        only(r, 'unsafe-unrestricted-volumes'),
        7,
        27,
        'processes[0].unsafe.unrestricted_volumes',
        'warning',
      );
    });

    it('flags unknown capabilities and the CAP_ prefix', () => {
      const r = analyse(`${BASE}  capabilities: [NET_BIND_SERVICE, NET_ADMN, CAP_CHOWN]\n`);
      const u = only(r, 'capability-unknown');
      at(u, 4, 36, 'processes[0].capabilities[1]', 'warning');
      assert.equal(u.hint, 'did you mean NET_ADMIN?');
      const p = only(r, 'capability-cap-prefix');
      at(p, 4, 46, 'processes[0].capabilities[2]', 'warning');
      assert.equal(p.hint, 'write CHOWN');
    });

    it("warns when shutdown_timeout does not fit in monit's 30 s stop timeout", () => {
      at(
        only(analyse(`${BASE}  shutdown_timeout: 45s\n`), 'shutdown-timeout-over-monit'),
        4,
        21,
        'processes[0].shutdown_timeout',
        'warning',
      );
      assert.equal(
        analyse(`${BASE}  shutdown_timeout: 27s\n`).findings.filter(
          (f) => f.code === 'shutdown-timeout-over-monit',
        ).length,
        0,
      );
    });

    it('flags a missing executable, mapped from /var/vcap to R', () => {
      const r = analyse('processes:\n- name: web\n  executable: /var/vcap/packages/web/bin/web\n', {});
      const f = only(r, 'executable-missing');
      at(f, 3, 15, 'processes[0].executable', 'warning');
      assert.match(f.message, /host path \/var\/vcap\/packages\/web\/bin\/web/);
    });

    it('maps container paths into another BOSH root', () => {
      const ctx: AnalysisContext = {
        root: new RootPaths('/tmp/r'),
        host: fakeHost({ '/tmp/r/packages/web/bin/web': 'not-executable' }),
        hostPathEnv: '',
        jobs: () => ({ kind: 'not-deployed' }),
      };
      const r = analyseText(
        'web',
        FILE,
        'processes:\n- name: web\n  executable: /var/vcap/packages/web/bin/web\n',
        ctx,
      );
      assert.match(
        only(r, 'executable-not-executable').message,
        /host path \/tmp\/r\/packages\/web\/bin\/web/,
      );
    });

    it('flags an executable no mount makes visible, and finds bare names on the container PATH', () => {
      const r = analyse(
        'processes:\n- name: a\n  executable: /opt/app/run\n- name: b\n  executable: sleep\n',
        { '/usr/bin/sleep': 'ok' },
      );
      at(only(r, 'executable-not-mounted'), 3, 15, 'processes[0].executable', 'warning');
      assert.equal(r.findings.filter((f) => f.field === 'processes[1].executable').length, 0);
    });

    it('flags a pre_start hook that is missing or not executable', () => {
      const yaml = `${BASE}  hooks:\n    pre_start: /var/vcap/jobs/web/bin/pre\n- name: w2\n  executable: /var/vcap/jobs/web/bin/web\n  hooks: {pre_start: /var/vcap/jobs/web/bin/pre2}\n`;
      const r = analyse(yaml, { ...EXE, '/var/vcap/jobs/web/bin/pre2': 'not-executable' });
      at(only(r, 'pre-start-missing'), 5, 16, 'processes[0].hooks.pre_start', 'warning');
      at(only(r, 'pre-start-not-executable'), 8, 22, 'processes[1].hooks.pre_start', 'warning');
    });

    it('flags a workdir outside every mount', () => {
      const f = only(analyse(`${BASE}  workdir: /opt/web\n`), 'workdir-outside-mounts');
      at(f, 4, 12, 'processes[0].workdir', 'warning');
      assert.equal(analyse(`${BASE}  workdir: /var/vcap/data/web/tmp\n`).findings.length, 0);
    });

    it('flags a memory limit below the 8 MiB floor, and a zero limit', () => {
      at(
        only(analyse(`${BASE}  limits: {memory: 4M}\n`), 'memory-limit-too-low'),
        4,
        20,
        'processes[0].limits.memory',
        'warning',
      );
      at(
        only(analyse(`${BASE}  limits: {memory: 0M}\n`), 'memory-limit-zero'),
        4,
        20,
        'processes[0].limits.memory',
        'warning',
      );
      assert.equal(
        analyse(`${BASE}  limits: {memory: 8M}\n`).findings.filter((f) => f.code.startsWith('memory')).length,
        0,
      );
    });

    it('flags duplicate process names', () => {
      const r = analyse(`${BASE}- name: web\n  executable: /var/vcap/jobs/web/bin/web\n`);
      const f = only(r, 'duplicate-process-name');
      at(f, 4, 9, 'processes[1].name', 'warning');
      assert.match(f.message, /processes\[0\]/);
    });
  });
});
