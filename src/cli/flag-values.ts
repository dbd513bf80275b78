// Flag value parsing worded like Go's strconv, as pflag reports it (docs/behaviour/commands.md §1.1).
import { goQuote } from '../text/go-quote.ts';

/** A strconv failure: `strconv.ParseInt: parsing "abc": invalid syntax`. */
export class StrconvError extends Error {}

function numError(fn: string, input: string, reason: string): StrconvError {
  return new StrconvError(`strconv.${fn}: parsing ${goQuote(input)}: ${reason}`);
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
