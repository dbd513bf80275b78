// The fingerprint the bosh CLI gives a job or a package (its "v2" scheme): the sha1 of "v2", then
// for each file in byte order of its path in the archive: that path, the sha1 of its content and,
// unless the file is a package's `packaging` script, its git-style mode (100755 when any execute
// bit is set, else 100644); then a package's dependency names, sorted and joined by commas.
import { statSync } from 'node:fs';
import { fileDigest, stringSha1 } from './digest.ts';

export interface ArchiveFile {
  /** Where the file is read from. */
  source: string;
  /** Its path inside the job or package archive. */
  path: string;
  /** The `packaging` script's mode is left out of the fingerprint. */
  withMode: boolean;
}

export interface FingerprintEntry {
  path: string;
  sha1: string;
  /** '100755' | '100644', or undefined when the mode does not count. */
  mode: string | undefined;
}

export function gitMode(source: string): string {
  return (statSync(source).mode & 0o111) !== 0 ? '100755' : '100644';
}

export function entriesOf(files: readonly ArchiveFile[]): FingerprintEntry[] {
  return files.map((f) => ({
    path: f.path,
    sha1: fileDigest(f.source, 'sha1'),
    mode: f.withMode ? gitMode(f.source) : undefined,
  }));
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function fingerprint(entries: readonly FingerprintEntry[], dependencies: readonly string[]): string {
  const chunks = ['v2'];
  for (const e of [...entries].sort((a, b) => byteOrder(a.path, b.path))) {
    chunks.push(e.path + e.sha1 + (e.mode ?? ''));
  }
  if (dependencies.length > 0) chunks.push([...dependencies].sort(byteOrder).join(','));
  return stringSha1(chunks.join(''));
}
