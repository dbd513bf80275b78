// Runs `npm run release` (scripts/release/main.ts) into a directory and returns the tarball's
// path. It fetches the blobs it lacks, so a test that imports this is not a unit test
// (scripts/test-unit.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const REPO = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');

export function buildTarball(version: string, outDir: string): string {
  const r = spawnSync(process.execPath, ['scripts/release/main.ts', '--version', version, '--out', outDir], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 600_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
