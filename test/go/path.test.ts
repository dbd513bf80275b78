import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanPath, joinPath } from '../../src/go/path.ts';

test('cleanPath follows Go path.Clean', () => {
  const cases: Array<[string, string]> = [
    ['', '.'],
    ['/', '/'],
    ['/var/vcap/data/x/', '/var/vcap/data/x'],
    ['//var/vcap/data/x', '/var/vcap/data/x'],
    ['/var/vcap/data/./x', '/var/vcap/data/x'],
    ['/var/vcap/../../..', '/'],
    ['a/../..', '..'],
    ['../a/b/..', '../a'],
    ['./', '.'],
  ];
  for (const [input, want] of cases) assert.equal(cleanPath(input), want, input);
});

test('joinPath joins and cleans, skipping empty elements', () => {
  assert.equal(joinPath('/tmp/r1/', 'jobs', 'web'), '/tmp/r1/jobs/web');
  assert.equal(joinPath('', 'a'), 'a');
  assert.equal(joinPath('', ''), '');
});
