// cobra's "Did you mean this?" for an unknown command: edit distance ≤ 2 (case-insensitive) or prefix.
import { goQuote } from '../go/strconv.ts';

/** Levenshtein distance, case-insensitive like cobra's ld(…, true). */
export function editDistance(a: string, b: string): number {
  const s = [...a.toLowerCase()];
  const t = [...b.toLowerCase()];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

export function suggestionsFor(typed: string, names: readonly string[]): string[] {
  return names.filter((n) => editDistance(typed, n) <= 2 || n.toLowerCase().startsWith(typed.toLowerCase()));
}

/** The error text for an unknown command word, suggestions included. */
export function unknownCommandMessage(word: string, names: readonly string[]): string {
  const found = suggestionsFor(word, names);
  const hint = found.length === 0 ? '' : `\n\nDid you mean this?\n${found.map((n) => `\t${n}\n`).join('')}`;
  return `unknown command ${goQuote(word)} for "bpm"${hint}`;
}
