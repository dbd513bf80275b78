// The containers of R's runc root traced back to their job and process (the supervisor's start-up
// sweep): by the bundle runc recorded, which must encode back to the container's id; anything else
// is reported with its reason and never acted on.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { bpmContainers } from '../../src/lifecycle/bpm-containers.ts';

const root = mkdtempSync(join(tmpdir(), 'bpm-containers-'));
after(() => rmSync(root, { recursive: true, force: true }));
const paths = new RootPaths(root);

function container(cid: string, bundle: string | undefined): void {
  mkdirSync(join(paths.runcRoot, cid), { recursive: true });
  const labels = bundle === undefined ? [] : [`bundle=${bundle}`];
  writeFileSync(paths.runcStateFile(cid), JSON.stringify({ id: cid, config: { labels } }));
}

test('no runc root: no containers', () => {
  assert.deepEqual(bpmContainers(new RootPaths(join(root, 'none'))), []);
});

test('each container by its bundle; foreign, unrecorded and mismatched ones with their reason', () => {
  container('bpm-web', paths.job('web').bundle('web'));
  // Job X, process p and job X.p share the id bpm-X.2ep: the bundle says which one it is.
  container('bpm-X.2ep', paths.job('X').bundle('p'));
  container('other-tool', '/srv/bundle');
  container('bpm-bad.2', paths.job('bad').bundle('bad'));
  container('bpm-nolabel', undefined);
  container('bpm-elsewhere', '/srv/bundle');
  container('bpm-moved', paths.job('web').bundle('web'));
  const found = bpmContainers(paths).map((c) =>
    'ref' in c ? [c.cid, c.ref.job, c.ref.proc] : [c.cid, c.problem],
  );
  assert.deepEqual(found, [
    ['bpm-X.2ep', 'X', 'p'],
    ['bpm-bad.2', 'invalid job ID (incomplete escape sequence): "bad.2"'],
    ['bpm-elsewhere', 'created from /srv/bundle, not from a bpm bundle'],
    ['bpm-moved', 'created from the bundle of job web, process web, whose id is bpm-web'],
    ['bpm-nolabel', "runc's state file records no bundle"],
    ['bpm-web', 'web', 'web'],
    ['other-tool', 'invalid job ID (missing prefix): "other-tool"'],
  ]);
});
