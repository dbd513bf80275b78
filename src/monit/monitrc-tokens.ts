// The words of a monit control file, each with its line: bare words, quoted strings ("…" or '…',
// no escapes, as monit reads them) and `{…}` blocks (set mail-format) as one token. `#` starts a
// comment outside a string; `=` and `,` are noise monit allows between words and are dropped.

export interface Token {
  text: string;
  /** A quoted string (its quotes removed) or a `{…}` block: never a keyword. */
  quoted: boolean;
  line: number;
}

export class MonitrcSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const SPACE = /\s/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (SPACE.test(c) || c === '=' || c === ',') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new MonitrcSyntaxError(`unterminated string starting with ${c}`, line);
      const body = text.slice(i + 1, end);
      tokens.push({ text: body, quoted: true, line });
      line += body.split('\n').length - 1;
      i = end + 1;
    } else if (c === '{') {
      const end = text.indexOf('}', i + 1);
      if (end < 0) throw new MonitrcSyntaxError('unterminated { block', line);
      const body = text.slice(i + 1, end);
      tokens.push({ text: body, quoted: true, line });
      line += body.split('\n').length - 1;
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !SPACE.test(text[j]!) && !'=,#"\'{'.includes(text[j]!)) j++;
      tokens.push({ text: text.slice(i, j), quoted: false, line });
      i = j;
    }
  }
  return tokens;
}

/**
 * A program line split into argv the way monit does: on blanks, with '…' or "…" inside grouping
 * words (`/bin/sh -c 'a b'` → ['/bin/sh', '-c', 'a b']). No shell: no variables, no globbing.
 */
export function splitProgram(command: string): string[] {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === '"' || c === "'") {
      const end = command.indexOf(c, i + 1);
      const stop = end < 0 ? command.length : end;
      word += command.slice(i + 1, stop);
      inWord = true;
      i = stop;
    } else if (SPACE.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(word);
  return argv;
}
