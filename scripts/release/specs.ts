// The release directory's `spec` files, parsed and checked: one clear line per mistake.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export class ReleaseError extends Error {
  override name = 'ReleaseError';
}

export interface JobSpec {
  name: string;
  /** template file under templates/ → path it is rendered to under /var/vcap/jobs/NAME/ */
  templates: Record<string, string>;
  packages: string[];
}

export interface PackageSpec {
  name: string;
  dependencies: string[];
  /** globs, matched in src/ and blobs/ */
  files: string[];
  excludedFiles: string[];
}

type Doc = Record<string, unknown>;

function readDoc(file: string): Doc {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ReleaseError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ReleaseError(`${file}: expected a YAML map`);
  }
  return doc as Doc;
}

function name(file: string, doc: Doc, dirName: string): string {
  const n = doc['name'];
  if (typeof n !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(n)) {
    throw new ReleaseError(`${file}: 'name' must be a name of letters, digits, '_', '.' or '-'`);
  }
  if (n !== dirName) throw new ReleaseError(`${file}: name '${n}' does not match its directory '${dirName}'`);
  return n;
}

function strings(file: string, doc: Doc, key: string): string[] {
  const v = doc[key] ?? [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw new ReleaseError(`${file}: '${key}' must be a list of strings`);
  }
  return v as string[];
}

export function readJobSpec(file: string, dirName: string): JobSpec {
  const doc = readDoc(file);
  const templates = doc['templates'] ?? {};
  if (
    typeof templates !== 'object' ||
    templates === null ||
    Array.isArray(templates) ||
    !Object.values(templates).every((v) => typeof v === 'string')
  ) {
    throw new ReleaseError(`${file}: 'templates' must map template files to rendered paths`);
  }
  return {
    name: name(file, doc, dirName),
    templates: templates as Record<string, string>,
    packages: strings(file, doc, 'packages'),
  };
}

export function readPackageSpec(file: string, dirName: string): PackageSpec {
  const doc = readDoc(file);
  return {
    name: name(file, doc, dirName),
    dependencies: strings(file, doc, 'dependencies'),
    files: strings(file, doc, 'files'),
    excludedFiles: strings(file, doc, 'excluded_files'),
  };
}
