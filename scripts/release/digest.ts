// Digests of files (streamed: the single executable is ~130 MB) and strings, as hex.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

export function fileDigest(path: string, algorithm: 'sha1' | 'sha256'): string {
  const hash = createHash(algorithm);
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function stringSha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
