// Which files go into a job or package archive, and under which paths (as the bosh CLI picks
// them): a job is its spec (as job.MF), its monit file and its templates; a package is its
// packaging script plus every file its `files` globs match in src/, then in blobs/ (src/ wins),
// less `excluded_files`.
import { existsSync, globSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveFile } from './fingerprint.ts';
import { type JobSpec, type PackageSpec, ReleaseError } from './specs.ts';

export function jobFiles(jobDir: string, spec: JobSpec): ArchiveFile[] {
  const files: ArchiveFile[] = [{ source: join(jobDir, 'spec'), path: 'job.MF', withMode: true }];
  const monit = join(jobDir, 'monit');
  if (existsSync(monit)) files.push({ source: monit, path: 'monit', withMode: true });
  for (const template of Object.keys(spec.templates)) {
    const source = join(jobDir, 'templates', template);
    if (!existsSync(source))
      throw new ReleaseError(`${join(jobDir, 'spec')}: template '${template}' is missing`);
    files.push({ source, path: `templates/${template}`, withMode: true });
  }
  return files;
}

const isFile = (p: string): boolean => lstatSync(p).isFile();

function matches(dir: string, pattern: string): string[] {
  if (!existsSync(dir)) return [];
  return globSync(pattern, { cwd: dir }).filter((rel) => isFile(join(dir, rel)));
}

export function packageFiles(
  pkgDir: string,
  spec: PackageSpec,
  srcDir: string,
  blobsDir: string,
): ArchiveFile[] {
  const specFile = join(pkgDir, 'spec');
  const packaging = join(pkgDir, 'packaging');
  if (!existsSync(packaging)) throw new ReleaseError(`${pkgDir}: no 'packaging' script`);
  if (existsSync(join(pkgDir, 'pre_packaging'))) {
    throw new ReleaseError(`${pkgDir}: 'pre_packaging' is not supported (build in scripts/release/)`);
  }
  const byPath = new Map<string, string>();
  for (const pattern of spec.files) {
    let found = false;
    for (const dir of [srcDir, blobsDir]) {
      for (const rel of matches(dir, pattern)) {
        found = true;
        if (!byPath.has(rel)) byPath.set(rel, join(dir, rel));
      }
    }
    if (!found) throw new ReleaseError(`${specFile}: no file in src/ or blobs/ matches '${pattern}'`);
  }
  for (const pattern of spec.excludedFiles) {
    for (const dir of [srcDir, blobsDir]) for (const rel of matches(dir, pattern)) byPath.delete(rel);
  }
  for (const special of ['packaging', 'pre_packaging']) {
    if (byPath.has(special)) throw new ReleaseError(`${specFile}: 'files' must not include '${special}'`);
  }
  return [
    { source: packaging, path: 'packaging', withMode: false },
    ...[...byPath].map(([path, source]) => ({ source, path, withMode: true })),
  ];
}
