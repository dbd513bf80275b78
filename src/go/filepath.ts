// Go's path/filepath.Glob (used for unrestricted volumes, docs/behaviour/container.md §3.5): names in each
// directory are read and sorted byte-wise, I/O errors are ignored, a pattern without
// metacharacters yields itself only when lstat succeeds, and a malformed pattern is an error.
import { readdirSync, statSync } from 'node:fs';
import { BadPatternError, hasMeta, matchBytes } from './filepath-match.ts';
import { lexists } from './os.ts';
import { joinPath } from './path.ts';

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
