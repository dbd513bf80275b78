// Where a YAML syntax error really is (issue #13). The parser reports some mistakes where it
// noticed them, not where they were made:
// - an unclosed `[` or `{` is reported at the next line that is indented too little, or at the end
//   of the file: reported here at the bracket that was never closed;
// - an over-indented key (`args:` two spaces deeper than `executable:` above it) makes the line a
//   continuation of the value above, and the parser complains about that value: reported here at
//   the over-indented key, naming it.
// Every other error keeps the parser's own position and text.
import type { LineCounter } from 'yaml';
import { goQuote } from '../go/strconv.ts';

export interface RawSyntaxError {
  code: string;
  message: string;
  /** Offsets [start, end) in the text. */
  pos: [number, number];
}

export interface SyntaxProblem {
  detail: string;
  line: number;
  column: number;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The offset of the flow `[`/`{` still open at `end`, skipping quoted text and comments. */
export function unclosedFlowOpener(text: string, end: number): number | undefined {
  const open: number[] = [];
  let lastSignificant = '\n';
  for (let i = 0; i < end && i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      // A quote starts a quoted scalar only where a value can start.
      if (':-,[{\n'.includes(lastSignificant)) {
        const close = c === '"' ? /(?<!\\)"/g : /'/g;
        close.lastIndex = i + 1;
        const m = close.exec(text);
        i = m === null ? text.length : m.index;
        lastSignificant = c;
        continue;
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    } else if ((c === '[' || c === '{') && (open.length > 0 || ':-,[{\n'.includes(lastSignificant))) {
      open.push(i);
    } else if ((c === ']' || c === '}') && open.length > 0) {
      open.pop();
    }
    if (c === '\n' || !/\s/.test(c)) lastSignificant = c;
  }
  return open.at(-1);
}

const UNCLOSED =
  /^Flow (sequence|map) in block collection must be sufficiently indented and end with a ([\]}])/;

function explainUnclosed(text: string, err: RawSyntaxError, lines: LineCounter): SyntaxProblem | undefined {
  const m = UNCLOSED.exec(err.message);
  if (m === null) return undefined;
  const at = unclosedFlowOpener(text, err.pos[0]);
  if (at === undefined) return undefined;
  const { line, col } = lines.linePos(at);
  const bracket = text[at]!;
  const closer = bracket === '[' ? ']' : '}';
  return {
    detail: `this "${bracket}" is never closed: the flow ${bracket === '[' ? 'sequence' : 'mapping'} must end with "${closer}" on this line or on lines indented more than its key`,
    line,
    column: col,
  };
}

/** For a multi-line implicit key: the key on its last line, which is indented too deep. */
function explainOverIndented(
  text: string,
  err: RawSyntaxError,
  lines: LineCounter,
): SyntaxProblem | undefined {
  if (err.code !== 'MULTILINE_IMPLICIT_KEY') return undefined;
  const start = lines.linePos(err.pos[0]);
  const end = lines.linePos(Math.max(err.pos[0], err.pos[1] - 1));
  if (end.line <= start.line) return undefined;
  const lineStart = lines.lineStarts[end.line - 1] ?? 0;
  const nl = text.indexOf('\n', lineStart);
  const content = text.slice(lineStart, nl < 0 ? text.length : nl);
  const m = /^(\s*)([^\s:#][^:#]*?):(\s|$)/.exec(content);
  if (m === null) return undefined;
  const key = m[2]!;
  return {
    detail: `${goQuote(`${key}:`)} is indented more than the keys above it, so it is read as part of the value on line ${start.line}; align it with them`,
    line: end.line,
    column: (m[1]?.length ?? 0) + 1,
  };
}

/** A position in a line's leading blanks (where BAD_INDENT points) moves to the line's first character. */
function indentEnd(text: string, lines: LineCounter, line: number, col: number): number {
  const start = lines.lineStarts[line - 1] ?? 0;
  const indent = /^ */.exec(text.slice(start, start + 4096))?.[0].length ?? 0;
  return col <= indent ? indent + 1 : col;
}

/** Each parser error with its real position; the parser's companion errors of one mistake merge. */
export function locateSyntaxErrors(
  text: string,
  errors: readonly RawSyntaxError[],
  lines: LineCounter,
): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const explainedAt = new Set<number>();
  for (const err of errors) {
    const better = explainOverIndented(text, err, lines) ?? explainUnclosed(text, err, lines);
    if (better !== undefined) {
      explainedAt.add(err.pos[0]);
      out.push(better);
    }
  }
  for (const err of errors) {
    if (explainedAt.has(err.pos[0])) continue;
    const { line, col } = lines.linePos(err.pos[0]);
    const column = err.code === 'BAD_INDENT' ? indentEnd(text, lines, line, col) : col;
    out.push({ detail: oneLine(err.message), line, column });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
