import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { JobWriter } from '../../src/host/job-writable.ts';
import { expandVolumes } from '../../src/host/unrestricted-volumes.ts';

let dir = '';
/** A job user that can write nothing here (no directory is owned by or writable for it). */
const NOBODY_WRITES: JobWriter = { uid: 4242424, gids: [4242424] };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bpm-unrestricted-'));
  mkdirSync(join(dir, 'c'));
  for (const f of ['q1', 'q2']) writeFileSync(join(dir, f), '');
});

after(() => rmSync(dir, { recursive: true, force: true }));

test("expandVolumes: matches in pattern order, each with its volume's options; misses vanish", () => {
  const opts = { writable: true, allowExecutions: false, mountOnly: false, shared: true };
  assert.deepEqual(
    expandVolumes(
      [
        { path: `${dir}/q?`, ...opts },
        { path: `${dir}/nope`, ...opts },
        { path: `${dir}/c`, ...opts, writable: false },
      ],
      NOBODY_WRITES,
    ).volumes,
    [
      { path: `${dir}/q1`, ...opts },
      { path: `${dir}/q2`, ...opts },
      { path: `${dir}/c`, ...opts, writable: false },
    ],
  );
});
