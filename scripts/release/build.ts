// Builds a dev release tarball in BOSH's format from release/ (see docs/release.md):
//   NAME-VERSION.tgz: release.MF, jobs/JOB.tgz, packages/PKG.tgz
// Jobs and packages are listed in name order; a package's dependencies must be packages of the
// release, and a cycle among them is an error.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarGz, writeArchive } from './archive.ts';
import { fileDigest } from './digest.ts';
import { type ArchiveFile, entriesOf, fingerprint } from './fingerprint.ts';
import { type JobRef, type PackageRef, type ReleaseManifest, serializeManifest } from './manifest.ts';
import { jobFiles, packageFiles } from './resources.ts';
import { type PackageSpec, ReleaseError, readJobSpec, readPackageSpec } from './specs.ts';

export interface BuildOptions {
  releaseDir: string;
  name: string;
  version: string;
  commitHash: string;
  uncommittedChanges: boolean;
  outDir: string;
}

const names = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

/** Package names in an order where every package comes after its dependencies. */
export function compileOrder(specs: ReadonlyMap<string, { dependencies: readonly string[] }>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, from: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new ReleaseError(`package dependency cycle: ${[...from, name].join(' -> ')}`);
    }
    const spec = specs.get(name);
    if (spec === undefined)
      throw new ReleaseError(`package '${from.at(-1)}' depends on unknown package '${name}'`);
    state.set(name, 'visiting');
    for (const dep of [...spec.dependencies].sort()) visit(dep, [...from, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...specs.keys()].sort()) visit(name, []);
  return order;
}

/** Writes STAGE/KIND/NAME.tgz; returns its manifest entry (the version is the fingerprint). */
function archive(
  stage: string,
  kind: 'jobs' | 'packages',
  name: string,
  files: readonly ArchiveFile[],
  dependencies: readonly string[],
): { name: string; version: string; fingerprint: string; sha1: string } {
  const fp = fingerprint(entriesOf(files), dependencies);
  const tgz = join(stage, kind, `${name}.tgz`);
  writeArchive(files, tgz);
  return { name, version: fp, fingerprint: fp, sha1: fileDigest(tgz, 'sha1') };
}

/** Builds the tarball and returns its path: OUT/NAME-VERSION.tgz. */
export function buildRelease(o: BuildOptions): string {
  const stage = mkdtempSync(join(tmpdir(), 'bpm-release-'));
  try {
    chmodSync(stage, 0o755);
    mkdirSync(join(stage, 'jobs'));
    mkdirSync(join(stage, 'packages'));
    const pkgSpecs = new Map<string, PackageSpec>();
    for (const dir of names(join(o.releaseDir, 'packages'))) {
      pkgSpecs.set(dir, readPackageSpec(join(o.releaseDir, 'packages', dir, 'spec'), dir));
    }
    compileOrder(pkgSpecs);
    const packages: PackageRef[] = [...pkgSpecs.values()].map((spec) => {
      const files = packageFiles(
        join(o.releaseDir, 'packages', spec.name),
        spec,
        join(o.releaseDir, 'src'),
        join(o.releaseDir, 'blobs'),
      );
      return {
        ...archive(stage, 'packages', spec.name, files, spec.dependencies),
        dependencies: spec.dependencies,
      };
    });
    const jobs: JobRef[] = names(join(o.releaseDir, 'jobs')).map((dir) => {
      const jobDir = join(o.releaseDir, 'jobs', dir);
      const spec = readJobSpec(join(jobDir, 'spec'), dir);
      for (const p of spec.packages) {
        if (!pkgSpecs.has(p)) throw new ReleaseError(`${join(jobDir, 'spec')}: unknown package '${p}'`);
      }
      return { ...archive(stage, 'jobs', spec.name, jobFiles(jobDir, spec), []), packages: spec.packages };
    });
    const manifest: ReleaseManifest = {
      name: o.name,
      version: o.version,
      commit_hash: o.commitHash,
      uncommitted_changes: o.uncommittedChanges,
      jobs,
      packages,
    };
    writeFileSync(join(stage, 'release.MF'), serializeManifest(manifest));
    mkdirSync(o.outDir, { recursive: true });
    const out = join(o.outDir, `${o.name}-${o.version}.tgz`);
    tarGz(stage, `${out}.partial`, ['./release.MF', './jobs', './packages']);
    renameSync(`${out}.partial`, out);
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
