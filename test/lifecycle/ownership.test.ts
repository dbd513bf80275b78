// Whose container is it (issue #10 item 9): job X process p and job X.p share a container id; the
// bundle runc recorded in state.json tells them apart.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { BpmError } from '../../src/errors.ts';
import { assertOwnContainer } from '../../src/lifecycle/ownership.ts';
import { processRef } from '../../src/lifecycle/process-ref.ts';

const root = mkdtempSync(join(tmpdir(), 'bpm-owner-'));
after(() => rmSync(root, { recursive: true, force: true }));
const paths = new RootPaths(root);

function stateFile(labels: unknown): string {
  const dir = mkdtempSync(join(root, 'state-'));
  const file = join(dir, 'state.json');
  writeFileSync(file, JSON.stringify({ id: 'bpm-web.2ep', init_process_pid: 1, config: { labels } }));
  return file;
}

test("a container made from this process's bundle is its own; no record says nothing", () => {
  const ref = processRef(paths, 'web', 'p');
  mkdirSync(paths.job('web').bundle('p'), { recursive: true });
  assertOwnContainer(ref, stateFile([`bundle=${paths.job('web').bundle('p')}`]));
  assertOwnContainer(ref, join(root, 'missing', 'state.json'));
  assertOwnContainer(ref, stateFile(undefined));
  assertOwnContainer(ref, stateFile(['a=b']));
});

test("job web.p may not act on job web's process p, nor on a foreign container", () => {
  const ref = processRef(paths, 'web.p', 'web.p');
  assert.equal(ref.cid, processRef(paths, 'web', 'p').cid);
  const theirs = paths.job('web').bundle('p');
  assert.throws(() => assertOwnContainer(ref, stateFile([`bundle=${theirs}`])), {
    name: BpmError.name,
    message: `container bpm-web.2ep belongs to job web, process p (bundle ${theirs}), not to job web.p, process web.p: refusing to act on it`,
  });
  assert.throws(() => assertOwnContainer(ref, stateFile(['bundle=/srv/other'])), {
    message:
      'container bpm-web.2ep belongs to bundle /srv/other, not to job web.p, process web.p: refusing to act on it',
  });
});
