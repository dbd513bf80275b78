import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hardOpenFiles, hasSysResource, openFilesCeilingFrom } from '../../../src/analysis/io/fs-host.ts';

const LIMITS =
  'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\n';
const WITH_CAP = 'Name:\tnode\nCapEff:\t000001ffffffffff\n';
const WITHOUT_CAP = 'Name:\tnode\nCapEff:\t000001fffeffffff\n'; // CAP_SYS_RESOURCE (24) cleared

test('the hard open-files limit and CAP_SYS_RESOURCE are read from /proc/self', () => {
  assert.equal(hardOpenFiles(LIMITS), 20000);
  assert.equal(hardOpenFiles('nothing'), undefined);
  assert.equal(hasSysResource(WITH_CAP), true);
  assert.equal(hasSysResource(WITHOUT_CAP), false);
});

test('the ceiling a start meets: fs.nr_open with CAP_SYS_RESOURCE, else root keeps its hard limit', () => {
  assert.equal(openFilesCeilingFrom('1048576\n', LIMITS, WITH_CAP, true), 1048576);
  assert.equal(openFilesCeilingFrom('1048576\n', LIMITS, WITHOUT_CAP, true), 20000);
  // another user cannot see root's limit: only the kernel's bound is certain
  assert.equal(openFilesCeilingFrom('1048576\n', LIMITS, WITHOUT_CAP, false), 1048576);
  assert.equal(openFilesCeilingFrom(undefined, undefined, undefined, false), undefined);
  assert.equal(openFilesCeilingFrom('garbage', LIMITS, WITHOUT_CAP, true), 20000);
});
