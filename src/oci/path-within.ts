// Component-wise "is this path the same as or below that one" (lexical; no symlinks).
import { cleanPath } from '../go/path.ts';

function components(p: string): string[] {
  return cleanPath(p)
    .split('/')
    .filter((c) => c !== '');
}

/** `/a/b/c` is below `/a/b`; `/a/bc` is not. Both paths are cleaned first. */
export function isAtOrBelow(path: string, parent: string): boolean {
  if (path.startsWith('/') !== parent.startsWith('/')) return false;
  const p = components(path);
  const base = components(parent);
  return base.length <= p.length && base.every((c, i) => p[i] === c);
}
