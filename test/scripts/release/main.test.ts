// `npm run release` end to end on this machine: the dev release tarball is read back the way the
// director reads one (release.MF, then every job and package archive against its sha1 and
// fingerprint), and the packaged bpm executable prints the release's version.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { untarGz } from '../../../scripts/release/archive.ts';
import { readBlobs } from '../../../scripts/release/blobs.ts';
import { fileDigest } from '../../../scripts/release/digest.ts';
import { type FingerprintEntry, fingerprint, gitMode } from '../../../scripts/release/fingerprint.ts';
import { parseManifest, type ReleaseManifest } from '../../../scripts/release/manifest.ts';
import { buildTarball } from './build-tarball.ts';

const REPO = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
const VERSION = '1.5.0+dev.999';
const tmp = mkdtempSync(join(tmpdir(), 'bpm-release-test-'));
let tarball = '';
let manifest: ReleaseManifest;
const extracted = join(tmp, 'x');

/** Files under `dir`, relative, in any order. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return lstatSync(p).isDirectory() ? walk(p, base) : [relative(base, p)];
  });
}

/** The fingerprint of an unpacked archive, recomputed from its own files. */
function fingerprintOf(dir: string, dependencies: string[] | undefined): string {
  const entries: FingerprintEntry[] = walk(dir).map((path) => ({
    path,
    sha1: fileDigest(join(dir, path), 'sha1'),
    // a package's packaging script is fingerprinted without its mode
    mode: dependencies !== undefined && path === 'packaging' ? undefined : gitMode(join(dir, path)),
  }));
  return fingerprint(entries, dependencies ?? []);
}

function unpack(kind: 'jobs' | 'packages', name: string): string {
  const dir = join(tmp, kind, name);
  mkdirSync(dir, { recursive: true });
  untarGz(join(extracted, kind, `${name}.tgz`), dir);
  return dir;
}

before(() => {
  tarball = buildTarball(VERSION, tmp);
  mkdirSync(extracted);
  untarGz(tarball, extracted);
  manifest = parseManifest(readFileSync(join(extracted, 'release.MF'), 'utf8'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('the tarball is NAME-VERSION.tgz holding release.MF, jobs/*.tgz and packages/*.tgz only', () => {
  assert.equal(tarball, join(tmp, `bpm-${VERSION}.tgz`));
  assert.deepEqual(walk(extracted).sort(), [
    'jobs/bpm.tgz',
    'packages/bpm-runc.tgz',
    'packages/bpm.tgz',
    'packages/tini.tgz',
    'release.MF',
  ]);
});

test('release.MF: name, version, commit and the job and packages with their dependencies', () => {
  const head = spawnSync('git', ['rev-parse', '--short=8', 'HEAD'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(manifest.name, 'bpm');
  assert.equal(manifest.version, VERSION);
  assert.equal(manifest.commit_hash, head.stdout.trim());
  assert.deepEqual(
    manifest.jobs.map((j) => [j.name, j.packages]),
    [['bpm', ['bpm']]],
  );
  assert.deepEqual(
    manifest.packages.map((p) => [p.name, p.dependencies]),
    [
      ['bpm', ['bpm-runc', 'tini']],
      ['bpm-runc', []],
      ['tini', []],
    ],
  );
});

test('every archive matches its sha1, and its fingerprint (= version) recomputed from its files', () => {
  for (const ref of manifest.jobs) {
    assert.equal(fileDigest(join(extracted, 'jobs', `${ref.name}.tgz`), 'sha1'), ref.sha1, ref.name);
    assert.equal(ref.version, ref.fingerprint);
    assert.equal(fingerprintOf(unpack('jobs', ref.name), undefined), ref.fingerprint, `job ${ref.name}`);
  }
  for (const ref of manifest.packages) {
    assert.equal(fileDigest(join(extracted, 'packages', `${ref.name}.tgz`), 'sha1'), ref.sha1, ref.name);
    assert.equal(ref.version, ref.fingerprint);
    assert.equal(fingerprintOf(unpack('packages', ref.name), ref.dependencies), ref.fingerprint, ref.name);
  }
});

test("job bpm: job.MF is the spec; templates render to upstream's paths, plus the supervisor's files", () => {
  const dir = join(tmp, 'jobs', 'bpm');
  const spec = parse(readFileSync(join(dir, 'job.MF'), 'utf8')) as {
    name: string;
    templates: Record<string, string>;
    properties: Record<string, { default?: unknown }>;
  };
  assert.equal(spec.name, 'bpm');
  assert.deepEqual(Object.values(spec.templates).sort(), [
    'bin/bpm',
    'bin/pre-start',
    'bin/setup',
    'bin/supervisor-switch',
    'config/bpm-supervisor.service',
    'config/monit-command',
    'config/monit-service-bpm.conf',
  ]);
  assert.deepEqual(Object.keys(spec.properties), ['bpm.supervisor']);
  assert.equal(spec.properties['bpm.supervisor']?.default, 'monit');
  for (const src of Object.keys(spec.templates))
    assert.ok(lstatSync(join(dir, 'templates', src)).isFile(), src);
  assert.equal(readFileSync(join(dir, 'monit'), 'utf8'), '');
});

test('package bpm: the single executable prints the release version; runc and tini are the pinned .debs', () => {
  const bpm = join(tmp, 'packages', 'bpm', 'bpm', 'bin', 'bpm');
  assert.equal(lstatSync(bpm).mode & 0o777, 0o755);
  const r = spawnSync(bpm, ['--version'], { encoding: 'utf8', env: {} });
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, `${VERSION}\n`, '']);
  // The V8 flags the wrapper gives `bpm supervise` reach Node, not bpm's own argument parser.
  const flagged = spawnSync(
    bpm,
    ['--node-options=--max-semi-space-size=2 --single-threaded-gc', '--version'],
    {
      encoding: 'utf8',
      env: {},
    },
  );
  assert.deepEqual([flagged.status, flagged.stdout, flagged.stderr], [0, `${VERSION}\n`, '']);
  assert.ok(
    lstatSync(
      join(
        tmp,
        'packages',
        'bpm',
        'bpm',
        'node_modules',
        '@koromix',
        'koffi-linux-x64',
        'linux_x64',
        'koffi.node',
      ),
    ).isFile(),
  );
  for (const blob of readBlobs(join(REPO, 'release', 'config', 'blobs.yml'))) {
    const pkg = blob.path.startsWith('runc/') ? 'bpm-runc' : 'tini';
    assert.equal(fileDigest(join(tmp, 'packages', pkg, blob.path), 'sha256'), blob.sha256, blob.path);
  }
});
