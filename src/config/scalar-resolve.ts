// What a YAML scalar means, the way Go's yaml.v3 resolves it (resolve.go): the tag of a plain
// scalar decides whether a bool/int field accepts it; string fields always take the literal text.

export type Resolved =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string };

const special: Record<string, Resolved> = {
  '': { kind: 'null' },
  '~': { kind: 'null' },
  null: { kind: 'null' },
  Null: { kind: 'null' },
  NULL: { kind: 'null' },
  true: { kind: 'bool', value: true },
  True: { kind: 'bool', value: true },
  TRUE: { kind: 'bool', value: true },
  false: { kind: 'bool', value: false },
  False: { kind: 'bool', value: false },
  FALSE: { kind: 'bool', value: false },
  '.nan': { kind: 'float', value: Number.NaN },
  '.NaN': { kind: 'float', value: Number.NaN },
  '.NAN': { kind: 'float', value: Number.NaN },
  '.inf': { kind: 'float', value: Number.POSITIVE_INFINITY },
  '.Inf': { kind: 'float', value: Number.POSITIVE_INFINITY },
  '.INF': { kind: 'float', value: Number.POSITIVE_INFINITY },
  '+.inf': { kind: 'float', value: Number.POSITIVE_INFINITY },
  '+.Inf': { kind: 'float', value: Number.POSITIVE_INFINITY },
  '+.INF': { kind: 'float', value: Number.POSITIVE_INFINITY },
  '-.inf': { kind: 'float', value: Number.NEGATIVE_INFINITY },
  '-.Inf': { kind: 'float', value: Number.NEGATIVE_INFINITY },
  '-.INF': { kind: 'float', value: Number.NEGATIVE_INFINITY },
};

export const MAX_INT64 = (1n << 63n) - 1n;
export const MIN_INT64 = -(1n << 63n);
export const MAX_UINT64 = (1n << 64n) - 1n;

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const dotFloat = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const digitsByBase: Record<number, RegExp> = {
  2: /^[01]*$/,
  8: /^[0-7]*$/,
  10: /^[0-9]+$/,
  16: /^[0-9a-fA-F]+$/,
};

/** Go's strconv.ParseUint(s, 0, 64) without the range check (underscores already removed). */
function parseUintBase0(s: string): bigint | undefined {
  if (s === '') return undefined;
  let base = 10;
  let body = s;
  if (s[0] === '0') {
    const p = s.length >= 3 ? s[1]!.toLowerCase() : '';
    base = p === 'b' ? 2 : p === 'x' ? 16 : 8;
    body = p === 'b' || p === 'o' || p === 'x' ? s.slice(2) : s.slice(1);
  }
  if (!digitsByBase[base]!.test(body)) return undefined;
  if (body === '') return 0n;
  const prefix = base === 2 ? '0b' : base === 8 ? '0o' : base === 16 ? '0x' : '';
  return BigInt(prefix + body);
}

/** yaml.v3's integer resolution: ParseInt(s, 0, 64), then ParseUint(s, 0, 64). */
function resolveInt(plain: string): bigint | undefined {
  const sign = plain[0] === '-' || plain[0] === '+' ? plain[0] : '';
  const magnitude = parseUintBase0(plain.slice(sign.length));
  if (magnitude === undefined) return undefined;
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= MIN_INT64 && value <= MAX_INT64) return value;
  if (sign === '' && value <= MAX_UINT64) return value;
  return undefined;
}

/** Resolve an untagged plain scalar's text like yaml.v3. */
export function resolvePlain(text: string): Resolved {
  const known = special[text];
  if (known !== undefined) return known;
  const first = text[0] ?? '';
  if (first === '.') {
    if (dotFloat.test(text)) return { kind: 'float', value: Number(text) };
    return { kind: 'string', value: text };
  }
  if (/^[-+0-9]$/.test(first)) {
    const plain = text.replaceAll('_', '');
    const int = resolveInt(plain);
    if (int !== undefined) return { kind: 'int', value: int };
    if (yamlStyleFloat.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return { kind: 'float', value: f };
    }
  }
  return { kind: 'string', value: text };
}

/** True for the YAML 1.1 words yaml.v3 accepts for a bool target when the scalar is a string. */
export function yaml11Bool(text: string): boolean | undefined {
  if (['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].includes(text)) return true;
  if (['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].includes(text)) return false;
  return undefined;
}
