// Go's os.RemoveAll with its error texts. Node's rmSync({ recursive: true }) loses the errno of a
// failure (code '', message `, Unknown error: Device or resource busy '<path>'`), so the paths
// whose removal failures upstream reports (`unlinkat <path>: <errno text>`) use this instead.
import { readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { goPathError, hasCode } from '../sys/errno.ts';

/**
 * Remove `path` and everything below it; a missing path is fine. Errors read like Go's:
 * `unlinkat <path>: <errno text>` (or `openfdat …` when a directory cannot be listed).
 */
export function removeAll(path: string): void {
  let unlinkError: unknown;
  try {
    unlinkSync(path);
    return;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    // A directory (or no write permission on the parent): its entries come first.
    if (!hasCode(err, 'EISDIR') && !hasCode(err, 'EPERM') && !hasCode(err, 'EACCES')) {
      throw goPathError('unlinkat', path, err);
    }
    unlinkError = err;
  }
  let recurseError: Error | undefined;
  let names: string[] = [];
  try {
    names = readdirSync(path);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    if (hasCode(err, 'ENOTDIR')) throw goPathError('unlinkat', path, unlinkError);
    recurseError = goPathError('openfdat', path, err);
  }
  for (const name of names) {
    try {
      removeAll(join(path, name));
    } catch (err) {
      recurseError ??= err instanceof Error ? err : new Error(String(err));
    }
  }
  try {
    rmdirSync(path);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    throw recurseError ?? goPathError('unlinkat', path, err);
  }
}
