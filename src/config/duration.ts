// Durations in bpm.yml: a non-negative integer of seconds (`30`) or a number with a unit (`500ms`,
// `10s`, `5m`, `1h`, and sums such as `1m30s`). The result is whole milliseconds.
import { isScalar, type Node } from 'yaml';
import { scalarText, type YamlDecoder } from './yaml-decoder.ts';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/y;
/** Longer than any timer Node can arm (2^31-1 ms is about 24.8 days). */
const MAX_MS = 2_147_483_647;

/** The milliseconds of a duration text, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) return checked(Number(text) * 1_000);
  if (text === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (m === null || m.index !== at) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return checked(Math.round(total));
}

function checked(ms: number): number | undefined {
  return Number.isFinite(ms) && ms <= MAX_MS ? ms : undefined;
}

/** A duration field; undefined for null (keeps the default). */
export function decodeDuration(d: YamlDecoder, node: Node | null, field: string): number | undefined {
  const v = d.deref(node, field);
  if (v === null || d.isNull(v)) return undefined;
  const ms = isScalar(v) ? parseDuration(scalarText(v)) : undefined;
  if (ms === undefined) {
    d.problem(
      node,
      field,
      `must be a duration such as 30, 500ms, 10s, 5m or 1h (at most 24 days), got ${d.describe(v)}`,
    );
  }
  return ms;
}
