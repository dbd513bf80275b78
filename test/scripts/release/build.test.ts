// Release assembly rules that need no tarball: compile order, and one clear line for a broken
// release directory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildRelease, compileOrder } from '../../../scripts/release/build.ts';
import { parseManifest } from '../../../scripts/release/manifest.ts';

const tmp = mkdtempSync(join(tmpdir(), 'bpm-release-build-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const deps = (o: Record<string, string[]>) =>
  new Map(Object.entries(o).map(([k, v]) => [k, { dependencies: v }]));

test('compile order: dependencies first, otherwise by name', () => {
  assert.deepEqual(compileOrder(deps({ bpm: ['tini', 'bpm-runc'], 'bpm-runc': [], tini: [] })), [
    'bpm-runc',
    'tini',
    'bpm',
  ]);
});

test('a dependency cycle or an unknown dependency is an error naming the packages', () => {
  assert.throws(
    () => compileOrder(deps({ a: ['b'], b: ['a'] })),
    /^ReleaseError: package dependency cycle: a -> b -> a$/,
  );
  assert.throws(() => compileOrder(deps({ a: ['nope'] })), /package 'a' depends on unknown package 'nope'/);
});

function releaseDir(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(join(dir, 'jobs'), { recursive: true });
  mkdirSync(join(dir, 'packages'), { recursive: true });
  return dir;
}

const build = (dir: string) =>
  buildRelease({
    releaseDir: dir,
    name: 'r',
    version: '1',
    commitHash: 'c',
    uncommittedChanges: false,
    outDir: join(dir, 'out'),
  });

test('broken specs: one line naming the file and the field', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'jobs/j/spec': 'name: other\n' }, /jobs\/j\/spec: name 'other' does not match its directory 'j'$/],
    [
      { 'jobs/j/spec': 'name: j\ntemplates: [a]\n' },
      /jobs\/j\/spec: 'templates' must map template files to rendered paths$/,
    ],
    [{ 'jobs/j/spec': 'name: j\ntemplates: {a: bin/a}\n' }, /jobs\/j\/spec: template 'a' is missing$/],
    [{ 'jobs/j/spec': 'name: j\npackages: [p]\n' }, /jobs\/j\/spec: unknown package 'p'$/],
    [{ 'packages/p/spec': 'name: p\n' }, /packages\/p: no 'packaging' script$/],
    [
      { 'packages/p/spec': 'name: p\nfiles: [x/*]\n', 'packages/p/packaging': '' },
      /packages\/p\/spec: no file in src\/ or blobs\/ matches 'x\/\*'$/,
    ],
    [
      { 'packages/p/spec': 'name: p\ndependencies: p\n' },
      /packages\/p\/spec: 'dependencies' must be a list of strings$/,
    ],
    [{ 'packages/p/spec': 'name: [\n' }, /packages\/p\/spec: /],
  ];
  cases.forEach(([files, message], i) => {
    assert.throws(
      () => build(releaseDir(`bad${i}`, files)),
      (err: Error) => {
        assert.equal(err.name, 'ReleaseError');
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
  });
});

test('a package takes src/ before blobs/, less excluded_files; the manifest reads back', () => {
  const dir = releaseDir('ok', {
    'packages/p/spec': 'name: p\nfiles: [p/**/*]\nexcluded_files: [p/skip]\n',
    'packages/p/packaging': 'cp -R p "$BOSH_INSTALL_TARGET"\n',
    'src/p/a': 'from src',
    'blobs/p/a': 'from blobs',
    'blobs/p/b': 'blob',
    'src/p/skip': 'no',
  });
  const m = parseManifest(execFileSync('tar', ['-xzOf', build(dir), './release.MF'], { encoding: 'utf8' }));
  assert.deepEqual(
    m.packages.map((p) => [p.name, p.dependencies]),
    [['p', []]],
  );
  const list = (process.getBuiltinModule('node:child_process') as typeof import('node:child_process'))
    .execFileSync('sh', [
      '-c',
      `tar -xzOf '${join(dir, 'out', 'r-1.tgz')}' ./packages/p.tgz | tar -tzf - | sort`,
    ])
    .toString();
  assert.equal(list, './\n./p/\n./p/a\n./p/b\n./packaging\n');
});
