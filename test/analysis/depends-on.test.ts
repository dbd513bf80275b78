// bpm validate's depends_on rules (src/analysis/depends-on.ts, docs/validate.md): unknown PROC or
// JOB/PROC, a job not deployed here, self-dependency and cycles (within the job and across jobs),
// each one finding with file, line and field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseText, type JobReport } from '../../src/analysis/analyse-job.ts';
import type { DeployedJob } from '../../src/analysis/depends-on.ts';
import type { Finding } from '../../src/analysis/finding.ts';
import { RootPaths } from '../../src/bosh/paths.ts';
import { fakeHost } from './fake-host.ts';

const FILE = '/var/vcap/jobs/web/config/bpm.yml';

/** web's bpm.yml with processes `name: [depends_on...]`; other jobs as given. */
function analyse(processes: Record<string, string[]>, jobs: Record<string, DeployedJob> = {}): JobReport {
  let yaml = 'processes:\n';
  for (const [name, deps] of Object.entries(processes)) {
    yaml += `- name: ${name}\n  executable: /var/vcap/jobs/web/bin/web\n`;
    if (deps.length > 0) yaml += `  depends_on: [${deps.join(', ')}]\n`;
  }
  return analyseText('web', FILE, yaml, {
    root: new RootPaths('/var/vcap'),
    host: fakeHost({ '/var/vcap/jobs/web/bin/web': 'ok' }),
    hostPathEnv: '',
    jobs: (job) => jobs[job] ?? { kind: 'not-deployed' },
  });
}

const loaded = (processes: Record<string, string[]>): DeployedJob => ({
  kind: 'loaded',
  processes: new Map(Object.entries(processes)),
});

function dependsOn(
  r: JobReport,
): Pick<Finding, 'line' | 'column' | 'field' | 'severity' | 'code' | 'message'>[] {
  return r.findings
    .filter((f) => f.code.startsWith('depends-on'))
    .map(({ line, column, field, severity, code, message }) => ({
      line,
      column,
      field,
      severity,
      code,
      message,
    }));
}

describe('bpm validate: depends_on', () => {
  it('entries that name existing processes, here and in other jobs, are fine', () => {
    const r = analyse({ web: ['db', 'cache/cache'], db: [] }, { cache: loaded({ cache: [] }) });
    assert.deepEqual(dependsOn(r), []);
  });

  it('an unknown PROC of the same job is an error at its entry', () => {
    const r = analyse({ web: ['db', 'dbb'], db: [] });
    assert.deepEqual(dependsOn(r), [
      {
        line: 4,
        column: 20,
        field: 'processes[0].depends_on[1]',
        severity: 'error',
        code: 'depends-on-unknown',
        message: 'depends_on "dbb": job "web" has no process "dbb"',
      },
    ]);
    assert.equal(r.findings.find((f) => f.code === 'depends-on-unknown')?.hint, 'its processes: web, db');
  });

  it('web/PROC naming the job itself is checked against its own processes', () => {
    assert.equal(dependsOn(analyse({ web: ['web/db'], db: [] })).length, 0);
    assert.equal(dependsOn(analyse({ web: ['web/nope'] }))[0]?.code, 'depends-on-unknown');
  });

  it('JOB/PROC: a job under R without that process is an error, one not deployed here a warning', () => {
    const r = analyse(
      { web: ['db/db', 'gone/x', 'plain/x', 'broken/x'] },
      { db: loaded({ primary: [] }), plain: { kind: 'no-bpm-yml' }, broken: { kind: 'broken' } },
    );
    assert.deepEqual(
      dependsOn(r).map((f) => [f.field, f.severity, f.code, f.message]),
      [
        [
          'processes[0].depends_on[0]',
          'error',
          'depends-on-unknown',
          'depends_on "db/db": job "db" has no process "db"',
        ],
        [
          'processes[0].depends_on[1]',
          'warning',
          'depends-on-not-deployed',
          'depends_on "gone/x": job "gone" is not deployed on this VM',
        ],
        [
          'processes[0].depends_on[2]',
          'error',
          'depends-on-unknown',
          'depends_on "plain/x": job "plain" has no bpm.yml',
        ],
        [
          'processes[0].depends_on[3]',
          'warning',
          'depends-on-unloadable',
          'depends_on "broken/x": the bpm.yml of job "broken" does not load',
        ],
      ],
    );
  });

  it('a job name that cannot be one is an error, and no path is built from it', () => {
    let asked = false;
    const r = analyseText(
      'web',
      FILE,
      'processes:\n- name: web\n  executable: /var/vcap/jobs/web/bin/web\n  depends_on: [../x]\n',
      {
        root: new RootPaths('/var/vcap'),
        host: fakeHost({ '/var/vcap/jobs/web/bin/web': 'ok' }),
        hostPathEnv: '',
        jobs: () => {
          asked = true;
          return { kind: 'not-deployed' };
        },
      },
    );
    assert.deepEqual(
      dependsOn(r).map((f) => [f.code, f.message]),
      [['depends-on-unknown', 'depends_on "../x": invalid job name "..": must not be ".."']],
    );
    assert.equal(asked, false);
  });

  it('a self-dependency, as PROC or as JOB/PROC, is an error (not also a cycle)', () => {
    const r = analyse({ web: ['web'], db: ['web/db'] });
    assert.deepEqual(
      dependsOn(r).map((f) => [f.field, f.code, f.message]),
      [
        [
          'processes[0].depends_on[0]',
          'depends-on-self',
          'depends_on "web": process "web" depends on itself',
        ],
        [
          'processes[1].depends_on[0]',
          'depends-on-self',
          'depends_on "web/db": process "db" depends on itself',
        ],
      ],
    );
  });

  it('a cycle within the job is one error naming the cycle, at the entry that closes it', () => {
    const r = analyse({ a: ['b'], b: ['c'], c: ['a'] });
    assert.deepEqual(dependsOn(r), [
      {
        line: 4,
        column: 16,
        field: 'processes[0].depends_on[0]',
        severity: 'error',
        code: 'depends-on-cycle',
        message: 'depends_on cycle: web/a -> web/b -> web/c -> web/a',
      },
    ]);
  });

  it('a cycle through another job is found from its bpm.yml, and named', () => {
    const r = analyse(
      { web: ['db/db'] },
      { db: loaded({ db: ['cache/cache'] }), cache: loaded({ cache: ['web/web'] }) },
    );
    assert.deepEqual(
      dependsOn(r).map((f) => [f.field, f.message]),
      [['processes[0].depends_on[0]', 'depends_on cycle: cache/cache -> web/web -> db/db -> cache/cache']],
    );
  });

  it("another job's own cycle is that job's finding, not this one's", () => {
    const r = analyse({ web: ['db/a'] }, { db: loaded({ a: ['b'], b: ['a'] }) });
    assert.deepEqual(dependsOn(r), []);
  });
});
