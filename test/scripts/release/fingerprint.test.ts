// The bosh CLI's fingerprint rule, on fixed digests: "v2", then path + sha1 + mode per file in
// byte order of path (no mode where it does not count), then the sorted dependencies joined by ",".
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { fingerprint } from '../../../scripts/release/fingerprint.ts';

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

test('files in byte order of their path, modes where they count, dependencies sorted last', () => {
  const fp = fingerprint(
    [
      { path: 'rel/file4', sha1: 'd4', mode: '100644' },
      { path: 'file2', sha1: 'd2', mode: '100644' },
      { path: 'packaging', sha1: 'd5', mode: undefined },
      { path: 'file3', sha1: 'd3', mode: '100755' },
      { path: 'Zeta', sha1: 'dz', mode: '100644' },
    ],
    ['chunk2', 'chunk1'],
  );
  assert.equal(fp, sha1('v2Zetadz100644file2d2100644file3d3100755packagingd5rel/file4d4100644chunk1,chunk2'));
});

test('no dependencies: nothing after the files', () => {
  assert.equal(fingerprint([{ path: 'job.MF', sha1: 'a', mode: '100644' }], []), sha1('v2job.MFa100644'));
  assert.equal(fingerprint([], []), sha1('v2'));
});
