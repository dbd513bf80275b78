import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  extraProcessNotice,
  invalidConfigNotice,
  listFailedNotice,
} from '../../src/presenters/list-notices.ts';

test('notices read like upstream', () => {
  assert.equal(invalidConfigNotice('j', 'boom'), 'invalid config for j: boom');
  assert.equal(extraProcessNotice({ name: 'x.y' }), 'extra process running: process (x.y) not defined');
  assert.equal(
    extraProcessNotice({ error: 'invalid job ID (missing prefix): "foo"' }),
    'extra process running: invalid job ID (missing prefix): "foo"',
  );
  assert.equal(listFailedNotice('exit status 1'), 'failed to list jobs: exit status 1\n');
});
