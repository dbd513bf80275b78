// Decoders for the leaf types of bpm.yml (string, bool, 64-bit integers, string lists and maps),
// with yaml.v3's acceptance rules (docs/behaviour/config.md §2) and our error wording.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { MAX_INT64, MAX_UINT64, MIN_INT64, yaml11Bool } from './scalar-resolve.ts';
import { scalarText, type YamlDecoder } from './yaml-decoder.ts';

/** A string field: any scalar's literal text; undefined for null (keeps the default). */
export function decodeString(d: YamlDecoder, node: Node | null, field: string): string | undefined {
  const v = d.deref(node, field);
  if (v === null) return undefined;
  if (isScalar(v)) return d.resolve(v).kind === 'null' ? undefined : scalarText(v);
  d.problem(node, field, `must be a string, got ${d.describe(v)}`);
  return undefined;
}

/** A bool field: true/false words, plus the YAML 1.1 words because the target is a bool. */
export function decodeBool(d: YamlDecoder, node: Node | null, field: string): boolean | undefined {
  const v = d.deref(node, field);
  if (v === null) return undefined;
  if (isScalar(v)) {
    const r = d.resolve(v);
    if (r.kind === 'null') return undefined;
    if (r.kind === 'bool') return r.value;
    if (r.kind === 'string') {
      const word = yaml11Bool(r.value);
      if (word !== undefined) return word;
    }
  }
  d.problem(node, field, `must be a boolean, got ${d.describe(v)}`);
  return undefined;
}

function quotedNumberHint(v: Node): string {
  if (isScalar(v) && v.type !== 'PLAIN' && /^[-+]?[0-9]/.test(scalarText(v))) {
    return ' (quoted, so it is a string: remove the quotes)';
  }
  return '';
}

function integerOf(d: YamlDecoder, v: Node): bigint | 'nan' | undefined {
  if (!isScalar(v)) return undefined;
  const r = d.resolve(v);
  if (r.kind === 'int') return r.value;
  if (r.kind === 'float') return Number.isFinite(r.value) ? BigInt(Math.trunc(r.value)) : 'nan';
  return undefined;
}

/** An integer field of 64 bits; floats are truncated toward zero. */
export function decodeInteger(
  d: YamlDecoder,
  node: Node | null,
  field: string,
  signed: boolean,
): bigint | undefined {
  const v = d.deref(node, field);
  if (v === null || d.isNull(v)) return undefined;
  const n = integerOf(d, v);
  const [min, max] = signed ? [MIN_INT64, MAX_INT64] : [0n, MAX_UINT64];
  if (typeof n === 'bigint' && n >= min && n <= max) return n;
  const what = signed ? 'an integer' : 'a non-negative integer';
  const range = typeof n === 'bigint' && (n > max || signed) ? ` between ${min} and ${max}` : '';
  d.problem(node, field, `must be ${what}${range}, got ${d.describe(v)}${quotedNumberHint(v)}`);
  return undefined;
}

/** A list; null is an empty list. Calls `item` with each element and its field path. */
export function decodeList<T>(
  d: YamlDecoder,
  node: Node | null,
  field: string,
  item: (node: Node | null, field: string) => T | undefined,
): T[] {
  return d.expand(node, field, (v) => {
    if (v === null || d.isNull(v)) return [];
    if (!isSeq(v)) {
      d.problem(node, field, `must be a list, got ${d.describe(v)}`);
      return [];
    }
    const out: T[] = [];
    (v.items as Array<Node | null>).forEach((child, i) => {
      const x = item(child, `${field}[${i}]`);
      if (x !== undefined) out.push(x);
    });
    return out;
  });
}

/** A list of strings; null items are dropped (yaml.v3). */
export function decodeStringList(d: YamlDecoder, node: Node | null, field: string): string[] {
  return decodeList(d, node, field, (child, f) => {
    d.record(f, child, d.locations.get(field));
    return decodeString(d, child, f);
  });
}

/** A string→string map; a null value is '', a null key is skipped (yaml.v3). */
export function decodeStringMap(
  d: YamlDecoder,
  node: Node | null,
  field: string,
  /** A problem with a key (its text), or undefined when the key is fine. */
  checkKey?: (key: string) => string | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  d.expand(node, field, (v) => {
    if (v === null || d.isNull(v)) return;
    if (!isMap(v)) {
      d.problem(node, field, `must be a mapping, got ${d.describe(v)}`);
      return;
    }
    for (const e of d.entries(v, field) ?? []) {
      d.record(e.field, e.value ?? e.keyNode);
      const bad = checkKey?.(e.key);
      if (bad !== undefined) d.problem(e.keyNode, e.field, bad);
      out.set(e.key, decodeString(d, e.value, e.field) ?? '');
    }
  });
  return out;
}

/** A mapping whose entries are handled by `entry`; undefined for null. Unknown keys recorded. */
export function decodeObject(
  d: YamlDecoder,
  node: Node | null,
  field: string,
  fields: Record<string, (value: Node | null, field: string) => void>,
): boolean {
  return d.expand(node, field, (v) => {
    if (v === null || d.isNull(v)) return false;
    if (!isMap(v)) {
      d.problem(node, field, `must be a mapping, got ${d.describe(v)}`);
      return false;
    }
    const entries = d.entries(v, field);
    if (entries === undefined) return false;
    for (const e of entries) {
      const handler = Object.hasOwn(fields, e.key) ? fields[e.key] : undefined;
      if (handler === undefined) {
        d.unknownKeys.push({ field: e.field, location: d.at(e.keyNode, e.field) });
        continue;
      }
      d.record(e.field, e.value ?? e.keyNode);
      handler(e.value, e.field);
    }
    return true;
  });
}
