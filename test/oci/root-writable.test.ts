// src/oci/root-writable.ts: which containers could have written into their root.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayWriteItsRoot } from '../../src/oci/root-writable.ts';
import type { OciSpec } from '../../src/oci/types.ts';

const spec = (process: OciSpec['process']): OciSpec =>
  ({ ociVersion: '1.0.2', process, root: { path: '/r' } }) as OciSpec;

test('vcap without capabilities cannot; root, or any capability in any set, could', () => {
  const vcap = { uid: 1000, gid: 1000, username: 'vcap' };
  assert.equal(mayWriteItsRoot(spec({ user: vcap, cwd: '/', capabilities: {} })), false);
  assert.equal(mayWriteItsRoot(spec({ user: vcap, cwd: '/' })), false);
  assert.equal(
    mayWriteItsRoot(spec({ user: vcap, cwd: '/', capabilities: { bounding: [], effective: [] } })),
    false,
  );
  assert.equal(mayWriteItsRoot(spec({ user: { uid: 0, gid: 0 }, cwd: '/' })), true);
  assert.equal(
    mayWriteItsRoot(spec({ user: vcap, cwd: '/', capabilities: { ambient: ['CAP_NET_BIND_SERVICE'] } })),
    true,
  );
  assert.equal(mayWriteItsRoot(spec(undefined)), true);
});
