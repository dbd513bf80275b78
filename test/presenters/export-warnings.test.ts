import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notExpressibleWarning, noVcapUserWarning } from '../../src/presenters/export-warnings.ts';

test('export warnings are one line each', () => {
  assert.equal(
    noVcapUserWarning({ uid: 1000, gid: 1000 }),
    'warning: no vcap user on this host; runAsUser/runAsGroup use 1000:1000\n',
  );
  assert.equal(
    notExpressibleWarning('api_server: shutdown_signal INT'),
    'warning: not expressible in Kubernetes: api_server: shutdown_signal INT\n',
  );
});
