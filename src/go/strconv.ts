// Go's strconv: Quote (%q), which upstream uses in several messages that scripts may match on, and
// ParseInt/ParseBool with their error texts, as pflag reports a bad flag value
// (docs/behaviour/commands.md §1.1).

const namedEscapes: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

function isPrintable(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp === 0xad) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  if (cp === 0xfeff || cp === 0xfffe || cp === 0xffff) return false;
  if (cp >= 0x2028 && cp <= 0x202e) return false;
  if (cp >= 0x2066 && cp <= 0x206f) return false;
  return true;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Quote a string like Go's %q: double quotes, Go escapes, non-printables as \x/\u/\U. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = namedEscapes[ch];
    if (named !== undefined) {
      out += named;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (isPrintable(cp)) out += ch;
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

export type StrconvFunction = 'ParseInt' | 'ParseBool';
export type StrconvReason = 'invalid syntax' | 'value out of range';

/** A strconv failure: `strconv.ParseInt: parsing "abc": invalid syntax` (Go's text as message). */
export class StrconvError extends Error {
  readonly fn: StrconvFunction;
  readonly reason: StrconvReason;
  constructor(fn: StrconvFunction, input: string, reason: StrconvReason) {
    super(`strconv.${fn}: parsing ${goQuote(input)}: ${reason}`);
    this.fn = fn;
    this.reason = reason;
  }
}

function numError(fn: StrconvFunction, input: string, reason: StrconvReason): StrconvError {
  return new StrconvError(fn, input, reason);
}

function lower(c: string): string {
  return c.toLowerCase();
}

/** Go's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(input: string): boolean {
  let s = input;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]!))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const INT64_MAX = (1n << 63n) - 1n;

/** strconv.ParseInt(s, 0, 64): sign, 0x/0o/0b/0 prefixes, underscores; int64 range. */
export function parseGoInt(input: string): number {
  const syntax = (): StrconvError => numError('ParseInt', input, 'invalid syntax');
  if (input === '') throw syntax();
  let s = input;
  let negative = false;
  if (s[0] === '+' || s[0] === '-') {
    negative = s[0] === '-';
    s = s.slice(1);
    if (s === '') throw syntax();
  }
  let base = 10n;
  if (s[0] === '0') {
    const p = s.length >= 3 ? lower(s[1]!) : '';
    if (p === 'b' || p === 'o' || p === 'x') {
      base = p === 'b' ? 2n : p === 'o' ? 8n : 16n;
      s = s.slice(2);
    } else {
      base = 8n;
      s = s.slice(1);
    }
  }
  let n = 0n;
  let underscores = false;
  let overflow = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || BigInt(d) >= base) throw syntax();
    n = n * base + BigInt(d);
    if (n > INT64_MAX + 1n) overflow = true;
  }
  if (underscores && !underscoreOK(input)) throw syntax();
  if (overflow || n > (negative ? INT64_MAX + 1n : INT64_MAX)) {
    throw numError('ParseInt', input, 'value out of range');
  }
  return Number(negative ? -n : n);
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool. */
export function parseGoBool(input: string): boolean {
  if (TRUE.has(input)) return true;
  if (FALSE.has(input)) return false;
  throw numError('ParseBool', input, 'invalid syntax');
}
