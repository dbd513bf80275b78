// bpm.yml texts a hostile or careless author could write: alias and merge bombs (issue #10 item 5).

/** 1.2 KB: 40 levels, each merging the level below twice (2^40 merges if expanded). */
export function nestedMergeBomb(): string {
  let text = 'm0: &m0 {name: p}\n';
  for (let i = 1; i <= 40; i++) text += `m${i}: &m${i} {<<: [*m${i - 1}, *m${i - 1}]}\n`;
  return `${text}processes:\n- <<: *m40\n  executable: /bin/e\n`;
}

/** 6 levels of tenfold merges: 10^6 mappings if expanded. */
export function fanOutBomb(): string {
  let text = 'm0: &m0 {name: p, a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}\n';
  for (let i = 1; i <= 6; i++)
    text += `m${i}: &m${i} {<<: [${Array(10)
      .fill(`*m${i - 1}`)
      .join(', ')}]}\n`;
  return `${text}processes:\n- <<: *m6\n  executable: /bin/e\n`;
}
