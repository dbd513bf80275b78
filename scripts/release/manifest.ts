// release.MF, the manifest at the top of a release tarball, with the fields the bosh CLI writes
// for a dev release. A job's and a package's `version` is its fingerprint; `sha1` is the sha1 of
// its archive (jobs/NAME.tgz, packages/NAME.tgz).
import { parse, stringify } from 'yaml';
import { ReleaseError } from './specs.ts';

export interface JobRef {
  name: string;
  version: string;
  fingerprint: string;
  sha1: string;
  packages: string[];
}

export interface PackageRef {
  name: string;
  version: string;
  fingerprint: string;
  sha1: string;
  dependencies: string[];
}

export interface ReleaseManifest {
  name: string;
  version: string;
  commit_hash: string;
  uncommitted_changes: boolean;
  jobs: JobRef[];
  packages: PackageRef[];
}

export function serializeManifest(m: ReleaseManifest): string {
  return stringify(m, { indentSeq: false });
}

const HEX40 = /^[0-9a-f]{40}$/;

function checkRef(where: string, ref: unknown, list: 'packages' | 'dependencies'): void {
  const r = ref as Record<string, unknown>;
  for (const key of ['name', 'version', 'fingerprint', 'sha1']) {
    if (typeof r?.[key] !== 'string') throw new ReleaseError(`${where}: '${key}' must be a string`);
  }
  if (!HEX40.test(r['fingerprint'] as string) || !HEX40.test(r['sha1'] as string)) {
    throw new ReleaseError(`${where}: 'fingerprint' and 'sha1' must be 40 hex digits`);
  }
  const names = r[list];
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new ReleaseError(`${where}: '${list}' must be a list of names`);
  }
}

/** Parses release.MF, checking the shape of every field the agent and director rely on. */
export function parseManifest(text: string, file = 'release.MF'): ReleaseManifest {
  const m = parse(text) as Record<string, unknown> | null;
  if (m === null || typeof m !== 'object') throw new ReleaseError(`${file}: expected a YAML map`);
  for (const key of ['name', 'version', 'commit_hash']) {
    if (typeof m[key] !== 'string') throw new ReleaseError(`${file}: '${key}' must be a string`);
  }
  if (typeof m['uncommitted_changes'] !== 'boolean') {
    throw new ReleaseError(`${file}: 'uncommitted_changes' must be true or false`);
  }
  for (const [key, list] of [
    ['jobs', 'packages'],
    ['packages', 'dependencies'],
  ] as const) {
    const refs = m[key];
    if (!Array.isArray(refs)) throw new ReleaseError(`${file}: '${key}' must be a list`);
    refs.forEach((ref, i) => {
      checkRef(`${file}: ${key}[${i}]`, ref, list);
    });
  }
  return m as unknown as ReleaseManifest;
}
