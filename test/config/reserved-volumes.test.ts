// Volumes may not cover bpm's own state or another job's directories (issue #10 item 2): refused at
// load time with one located line, by name and through symlinks, except read-only mount_only views
// of packages and job templates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJobConfig } from '../../src/config/parse.ts';
import { reservedVolumeProblem, type VolumeHost } from '../../src/config/reserved-volumes.ts';
import { applyRunVolumes } from '../../src/config/run-flags.ts';
import type { Volume } from '../../src/config/types.ts';
import { ConfigError } from '../../src/errors.ts';
import { FILE, proc } from './helpers.ts';

const R = '/var/vcap';
const jobs = (...names: string[]): VolumeHost => ({ isJob: (n) => names.includes(n), resolve: (p) => p });

function vol(path: string, over: Partial<Volume> = {}): Volume {
  return { path, writable: false, allowExecutions: false, mountOnly: false, shared: false, ...over };
}

function problem(v: Volume, host: VolumeHost = jobs('web', 'other')): string | undefined {
  return reservedVolumeProblem(v, R, 'web', host);
}

test("bpm's own state, and anything covering it, is refused whatever the options", () => {
  const cases: Array<[string, string]> = [
    ['/var/vcap/data/bpm', "lies in /var/vcap/data/bpm (bpm's own state)"],
    ['/var/vcap/data/bpm/bundles/web', "lies in /var/vcap/data/bpm (bpm's own state)"],
    ['/var/vcap/sys/run/bpm/web', "lies in /var/vcap/sys/run/bpm (bpm's pid files)"],
    ['/var/vcap/sys/run/bpm-runc', "lies in /var/vcap/sys/run/bpm-runc (runc's container state)"],
    ['/var/vcap/data', "covers /var/vcap/data/bpm (bpm's own state)"],
    ['/var/vcap/sys', "covers /var/vcap/sys/run/bpm (bpm's pid files)"],
    ['/var/vcap/sys/run', "covers /var/vcap/sys/run/bpm (bpm's pid files)"],
  ];
  for (const [path, why] of cases) {
    for (const v of [vol(path), vol(path, { writable: true }), vol(path, { mountOnly: true })]) {
      assert.equal(problem(v), `invalid volume path: ${path} ${why}`, JSON.stringify(v));
    }
  }
});

test('packages and job templates: only a read-only, mount_only, unshared volume below them', () => {
  const only = 'only a read-only mount_only volume may mount it';
  const views: Array<[string, string, string]> = [
    ['/var/vcap/packages/bpm/bin', '/var/vcap/packages', 'the installed packages'],
    ['/var/vcap/data/packages/bpm/abc123/bin', '/var/vcap/data/packages', 'the installed packages'],
    ['/var/vcap/jobs/other', '/var/vcap/jobs', 'the job templates'],
    ['/var/vcap/jobs/web/config', '/var/vcap/jobs', 'the job templates'],
    ['/var/vcap/data/jobs/other/abc123', '/var/vcap/data/jobs', 'the job templates'],
  ];
  for (const [path, area, what] of views) {
    const refused = `invalid volume path: ${path} lies in ${area} (${what}); ${only}`;
    assert.equal(problem(vol(path)), refused, 'chowned to vcap');
    assert.equal(problem(vol(path, { mountOnly: true, writable: true })), refused, 'writable');
    assert.equal(problem(vol(path, { mountOnly: true, shared: true })), refused, 'remounted shared');
    assert.equal(problem(vol(path, { mountOnly: true })), undefined, 'a read-only view');
    assert.equal(problem(vol(path, { mountOnly: true, allowExecutions: true })), undefined, 'exec is fine');
  }
  // The directories themselves are never a view: /var/vcap/jobs would show every job's secrets.
  assert.match(problem(vol('/var/vcap/jobs', { mountOnly: true })) ?? '', /lies in \/var\/vcap\/jobs /);
  assert.match(
    problem(vol('/var/vcap/packages', { mountOnly: true })) ?? '',
    /lies in \/var\/vcap\/packages /,
  );
});

test("another job's data, store and log directories are refused; the job's own and non-jobs are not", () => {
  for (const base of ['data', 'store', 'sys/log']) {
    assert.equal(
      problem(vol(`${R}/${base}/other/x`, { mountOnly: true })),
      `invalid volume path: ${R}/${base}/other/x lies in ${R}/${base}/other, a directory of job other`,
    );
    assert.equal(
      problem(vol(`${R}/${base}/other`, { writable: true })),
      `invalid volume path: ${R}/${base}/other lies in ${R}/${base}/other, a directory of job other`,
    );
    assert.equal(problem(vol(`${R}/${base}/web/x`, { writable: true })), undefined, 'own');
    assert.equal(problem(vol(`${R}/${base}/shared/x`, { writable: true })), undefined, 'not a job');
  }
  for (const base of ['store', 'sys/log']) {
    assert.equal(
      problem(vol(`${R}/${base}`)),
      `invalid volume path: ${R}/${base} covers ${R}/${base}, which holds every job's directories`,
    );
  }
  // Other places under R stay allowed (cross-job sockets in R/sys/run/OTHER, for one).
  for (const path of ['/var/vcap/sys/run/other', '/var/vcap/sys/run/web/sock', '/var/vcap/x/y']) {
    assert.equal(problem(vol(path, { writable: true })), undefined, path);
  }
});

test('a path that reaches a reserved place through a symlink is refused, naming both', () => {
  const host: VolumeHost = {
    isJob: (n) => n === 'other',
    resolve: (p) =>
      p
        .replace(/^\/var\/vcap\/data\/web\/link/, '/var/vcap/packages/bpm')
        .replace(/^\/var\/vcap\/sys\//, '/var/vcap/data/sys/'),
  };
  assert.equal(
    problem(vol('/var/vcap/data/web/link/bin', { writable: true }), host),
    'invalid volume path: /var/vcap/data/web/link/bin (resolves to /var/vcap/packages/bpm/bin) lies in /var/vcap/packages (the installed packages); only a read-only mount_only volume may mount it',
  );
  // On a BOSH VM R/sys links to R/data/sys: the link's target is as reserved as R/sys itself.
  assert.equal(
    problem(vol('/var/vcap/data/sys/run/bpm-runc/x'), host),
    "invalid volume path: /var/vcap/data/sys/run/bpm-runc/x lies in /var/vcap/sys/run/bpm-runc (runc's container state)",
  );
  assert.equal(
    problem(vol('/var/vcap/data/sys/log/other'), host),
    'invalid volume path: /var/vcap/data/sys/log/other lies in /var/vcap/sys/log/other, a directory of job other',
  );
});

test('at load time: one located line naming the field; bpm run -v volumes too', () => {
  const text =
    'processes:\n- name: p\n  executable: /bin/e\n  additional_volumes:\n  - path: /var/vcap/packages/bpm/bin\n    writable: true\n';
  assert.throws(
    () => parseJobConfig(text, FILE, { root: R, job: 'web' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message ===
        `${FILE}:5:11: processes[0].additional_volumes[0].path: invalid volume path: /var/vcap/packages/bpm/bin lies in /var/vcap/packages (the installed packages); only a read-only mount_only volume may mount it`,
  );
  assert.throws(
    () => applyRunVolumes(proc(''), ['/var/vcap/sys/run/bpm-runc:writable'], { root: R, job: 'web' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message ===
        "invalid volume path: /var/vcap/sys/run/bpm-runc lies in /var/vcap/sys/run/bpm-runc (runc's container state)",
  );
});
