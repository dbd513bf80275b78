// Go's path/filepath.Match on Unix, ported byte for byte (UTF-8): `*` any run of non-`/` bytes
// (a leading `.` included), `?` one non-`/` character, `[...]`/`[^...]` classes with ranges, `\`
// escapes. Malformed patterns throw BadPatternError.
import { BpmError } from '../errors.ts';

export class BadPatternError extends BpmError {
  constructor() {
    super('syntax error in pattern');
  }
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const RUNE_ERROR = 0xfffd;

/** utf8.DecodeRune: [rune, width]; invalid or empty input → [RuneError, 1] / [RuneError, 0]. */
function decodeRune(b: Uint8Array, at: number): [number, number] {
  const n = b.length - at;
  if (n <= 0) return [RUNE_ERROR, 0];
  const c0 = b[at]!;
  if (c0 < 0x80) return [c0, 1];
  const cont = (i: number) => at + i < b.length && (b[at + i]! & 0xc0) === 0x80;
  if (c0 >= 0xc2 && c0 <= 0xdf && cont(1)) return [((c0 & 0x1f) << 6) | (b[at + 1]! & 0x3f), 2];
  if (c0 >= 0xe0 && c0 <= 0xef && cont(1) && cont(2)) {
    const r = ((c0 & 0x0f) << 12) | ((b[at + 1]! & 0x3f) << 6) | (b[at + 2]! & 0x3f);
    if (r >= 0x800 && (r < 0xd800 || r > 0xdfff)) return [r, 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    const r =
      ((c0 & 0x07) << 18) | ((b[at + 1]! & 0x3f) << 12) | ((b[at + 2]! & 0x3f) << 6) | (b[at + 3]! & 0x3f);
    if (r >= 0x10000 && r <= 0x10ffff) return [r, 4];
  }
  return [RUNE_ERROR, 1];
}

/** scanChunk: leading stars, then everything up to the next `*` outside a class. */
function scanChunk(p: Uint8Array): { star: boolean; chunk: Uint8Array; rest: Uint8Array } {
  let star = false;
  while (p.length > 0 && p[0] === 0x2a) {
    p = p.subarray(1);
    star = true;
  }
  let inrange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case BACKSLASH:
        if (i + 1 < p.length) i++;
        break;
      case 0x5b:
        inrange = true;
        break;
      case 0x5d:
        inrange = false;
        break;
      case 0x2a:
        if (!inrange) break scan;
        break;
    }
  }
  return { star, chunk: p.subarray(0, i), rest: p.subarray(i) };
}

/** getEsc: one possibly escaped character of a class; [rune, remaining chunk]. */
function getEsc(chunk: Uint8Array): [number, Uint8Array] {
  if (chunk.length === 0 || chunk[0] === 0x2d || chunk[0] === 0x5d) throw new BadPatternError();
  if (chunk[0] === BACKSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) throw new BadPatternError();
  }
  const [r, n] = decodeRune(chunk, 0);
  if (r === RUNE_ERROR && n === 1) throw new BadPatternError();
  const rest = chunk.subarray(n);
  if (rest.length === 0) throw new BadPatternError();
  return [r, rest];
}

/** matchChunk: the rest of s after matching chunk at its start, or undefined on mismatch. */
function matchChunk(chunk: Uint8Array, s: Uint8Array): Uint8Array | undefined {
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === 0x5b) {
      let r = 0;
      if (!failed) {
        const [rr, n] = decodeRune(s, 0);
        r = rr;
        s = s.subarray(n);
      }
      chunk = chunk.subarray(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === 0x5e) {
        negated = true;
        chunk = chunk.subarray(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === 0x5d && nrange > 0) {
          chunk = chunk.subarray(1);
          break;
        }
        let lo: number;
        let hi: number;
        [lo, chunk] = getEsc(chunk);
        hi = lo;
        if (chunk[0] === 0x2d) [hi, chunk] = getEsc(chunk.subarray(1));
        if (lo <= r && r <= hi) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === 0x3f) {
      if (!failed) {
        if (s[0] === SLASH) failed = true;
        const [, n] = decodeRune(s, 0);
        s = s.subarray(n);
      }
      chunk = chunk.subarray(1);
    } else {
      if (c === BACKSLASH) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) throw new BadPatternError();
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.subarray(1);
      }
      chunk = chunk.subarray(1);
    }
  }
  return failed ? undefined : s;
}

/** filepath.Match(pattern, name) on UTF-8 bytes. */
export function matchBytes(pattern: Uint8Array, name: Uint8Array): boolean {
  chunks: while (pattern.length > 0) {
    const { star, chunk, rest } = scanChunk(pattern);
    pattern = rest;
    if (star && chunk.length === 0) return !name.includes(SLASH);
    const t = matchChunk(chunk, name);
    if (t !== undefined && (t.length === 0 || pattern.length > 0)) {
      name = t;
      continue;
    }
    if (star) {
      for (let i = 0; i < name.length && name[i] !== SLASH; i++) {
        const t2 = matchChunk(chunk, name.subarray(i + 1));
        if (t2 !== undefined) {
          if (pattern.length === 0 && t2.length > 0) continue;
          name = t2;
          continue chunks;
        }
      }
    }
    // Before reporting a mismatch, check that the rest of the pattern is well-formed.
    while (pattern.length > 0) {
      const next = scanChunk(pattern);
      pattern = next.rest;
      matchChunk(next.chunk, new Uint8Array(0));
    }
    return false;
  }
  return name.length === 0;
}

/** filepath.Match on strings (UTF-8 encoded). */
export function match(pattern: string, name: string): boolean {
  return matchBytes(Buffer.from(pattern, 'utf8'), Buffer.from(name, 'utf8'));
}

/** Go's hasMeta on Unix: any of `*?[\`. */
export function hasMeta(path: string): boolean {
  return /[*?[\\]/.test(path);
}
