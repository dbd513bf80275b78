// Job, package and release archives: files staged with the modes the bosh CLI gives them (0755
// when the source is executable, else 0644), then a gzipped tar of the staging directory ("./"
// entries, owned by root, in name order). The one module that runs tar.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ArchiveFile } from './fingerprint.ts';
import { ReleaseError } from './specs.ts';

export function tarGz(dir: string, out: string, members: readonly string[] = ['.']): void {
  const r = spawnSync(
    'tar',
    ['-czf', out, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-C', dir, ...members],
    { encoding: 'utf8' },
  );
  if (r.status !== 0)
    throw new ReleaseError(`tar -czf ${out}: ${r.stderr.trim() || `exit status ${r.status}`}`);
}

export function untarGz(archive: string, dir: string): void {
  const r = spawnSync('tar', ['-xzf', archive, '-C', dir], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new ReleaseError(`tar -xzf ${archive}: ${r.stderr.trim() || `exit status ${r.status}`}`);
}

/** Writes `files` into a gzipped tar at `out`. */
export function writeArchive(files: readonly ArchiveFile[], out: string): void {
  const staging = mkdtempSync(join(tmpdir(), 'bpm-release-stage-'));
  try {
    chmodSync(staging, 0o755);
    for (const f of files) {
      const dest = join(staging, f.path);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(f.source, dest);
      chmodSync(dest, (statSync(f.source).mode & 0o111) !== 0 ? 0o755 : 0o644);
    }
    tarGz(staging, out);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
