// The end of a container nobody saw die: the record that describes it, else one new sighting.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { type FoundStopped, lastExitOfStopped } from '../../src/lifecycle/found-stopped.ts';
import { readLastExit, recordLastExit } from '../../src/lifecycle/last-exit.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-found-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const root = new RootPaths(dir);
let n = 0;

function found(over: Partial<FoundStopped> = {}): FoundStopped {
  n += 1;
  return {
    paths: root.job(`j${n}`),
    proc: 'p',
    createdMs: Date.parse('2026-12-01T20:00:00Z'),
    oomKills: 0,
    witness: 'status',
    now: Date.parse('2026-12-01T20:05:00Z'),
    ...over,
  };
}
const run = (write: () => void) => write();
/** The real records: files under the temporary root. */
const RECORDS = { readLastExit, recordLastExit };

test('no record: a sighting with unknown status is recorded and returned', () => {
  const f = found({ oomKills: 2 });
  const seen = lastExitOfStopped(f, RECORDS, run);
  assert.deepEqual(seen, {
    at: '2026-12-01T20:05:00.000Z',
    code: null,
    signal: null,
    seenBy: 'status',
    oomKilled: true,
  });
  assert.deepEqual(readLastExit(f.paths, f.proc), seen);
  // A later look keeps the first sighting.
  assert.deepEqual(lastExitOfStopped({ ...f, now: f.now + 60_000, witness: 'start' }, RECORDS, run), seen);
});

test('a record made after the container was created describes it and is kept', () => {
  const f = found();
  const exact = { at: '2026-12-01T20:01:00.000Z', code: 3, signal: null, seenBy: 'start' as const };
  recordLastExit(f.paths, f.proc, exact);
  assert.deepEqual(lastExitOfStopped(f, RECORDS, run), exact);
});

test('a record older than the container is a previous end: a new sighting replaces it', () => {
  const f = found({ oomKills: undefined, witness: 'start' });
  recordLastExit(f.paths, f.proc, { at: '2026-12-01T19:00:00.000Z', code: 1, signal: null, seenBy: 'run' });
  const seen = lastExitOfStopped(f, RECORDS, run);
  assert.deepEqual(seen, { at: '2026-12-01T20:05:00.000Z', code: null, signal: null, seenBy: 'start' });
  assert.deepEqual(readLastExit(f.paths, f.proc), seen);
});

test('a caller that may not write (lock busy) gets the sighting, nothing is recorded', () => {
  const f = found();
  const seen = lastExitOfStopped(f, RECORDS, () => {});
  assert.equal(seen.seenBy, 'status');
  assert.equal(readLastExit(f.paths, f.proc), undefined);
});
