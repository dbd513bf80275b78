// Go's path/filepath.Glob (used for unrestricted volumes, docs/behaviour/container.md §3.5): names in each
// directory are read and sorted byte-wise, I/O errors are ignored, a pattern without
// metacharacters yields itself only when lstat succeeds, and a malformed pattern is an error.
// For mounts, expandVolumes then drops every match the job could redirect (src/host/job-writable.ts).
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { joinPath } from '../bosh/clean.ts';
import type { Volume } from '../config/types.ts';
import { BadPatternError, hasMeta, matchBytes } from './glob-match.ts';
import { type JobWriter, jobRedirect } from './job-writable.ts';

/** lstat succeeds: the path exists, a dangling symlink included. */
export function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Matches of the single-element pattern `file` among the entries of `dir`, appended to `out`. */
function globDir(dir: string, file: Uint8Array, out: string[]): void {
  let names: Buffer[];
  try {
    if (!statSync(dir).isDirectory()) return;
    names = readdirSync(dir, { encoding: 'buffer' });
  } catch {
    return; // Go ignores I/O errors here
  }
  names.sort(Buffer.compare);
  for (const n of names) if (matchBytes(file, n)) out.push(joinPath(dir, n.toString('utf8')));
}

/** filepath.Split + cleanGlobPath: the directory part without its trailing slash ('' → '.'). */
function splitPattern(pattern: string): [dir: string, file: string] {
  const i = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, i + 1);
  const file = pattern.slice(i + 1);
  if (dir === '') return ['.', file];
  if (dir === '/') return ['/', file];
  return [dir.slice(0, -1), file];
}

/**
 * All paths matching `pattern`, in Go's order. A malformed pattern throws BadPatternError, a
 * BpmError: `syntax error in pattern`.
 */
export function expandGlob(pattern: string): string[] {
  matchBytes(Buffer.from(pattern, 'utf8'), new Uint8Array(0)); // well-formedness check
  if (!hasMeta(pattern)) return lexists(pattern) ? [pattern] : [];
  const [dir, file] = splitPattern(pattern);
  const fileBytes = Buffer.from(file, 'utf8');
  const out: string[] = [];
  if (!hasMeta(dir)) {
    globDir(dir, fileBytes, out);
    return out;
  }
  if (dir === pattern) throw new BadPatternError(); // prevents infinite recursion
  for (const d of expandGlob(dir)) globDir(d, fileBytes, out);
  return out;
}

/** A glob match left out because the job could redirect a mount of it, and why. */
export interface DroppedMatch {
  path: string;
  reason: string;
}

/** Why the job could redirect a mount of the match `path`, or undefined when it cannot. */
export function matchRedirect(path: string, writer: JobWriter): string | undefined {
  return jobRedirect(resolve(path), writer);
}

/**
 * unsafe.unrestricted_volumes → SpecInput.unrestrictedVolumes: each match inherits its volume's
 * options; a match that is a symlink or is reached through something vcap can change is dropped.
 */
export function expandVolumes(
  volumes: readonly Volume[],
  writer: JobWriter,
): { volumes: Volume[]; dropped: DroppedMatch[] } {
  const kept: Volume[] = [];
  const dropped: DroppedMatch[] = [];
  for (const v of volumes) {
    for (const path of expandGlob(v.path)) {
      const reason = matchRedirect(path, writer);
      if (reason === undefined) kept.push({ ...v, path });
      else dropped.push({ path, reason });
    }
  }
  return { volumes: kept, dropped };
}
