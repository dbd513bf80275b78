// Go's path.Clean and path.Join: the lexical path rules upstream applies to every derived path
// and to volume-path validation. Unlike Node's path.join, a trailing slash is dropped.

/** Shortest equivalent path: collapse `//`, resolve `.` and `..` lexically; '' becomes '.'. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const body = out.join('/');
  if (rooted) return `/${body}`;
  return body === '' ? '.' : body;
}

/** Join non-empty elements with '/' and clean the result ('' when all are empty). */
export function joinPath(...parts: string[]): string {
  const nonEmpty = parts.filter((p) => p !== '');
  return nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'));
}
