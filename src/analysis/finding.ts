// One result of `bpm validate`: where in which bpm.yml, how bad, a stable code, and what to do.
import type { SourceLocation } from '../errors.ts';

export type Severity = 'error' | 'warning';

export interface Finding {
  file: string;
  line: number;
  column: number;
  /** Field path such as `processes[0].limits.memory` ('' for the whole file). */
  field: string;
  severity: Severity;
  /** Stable, kebab-case identifier (docs/validate.md lists them all). */
  code: string;
  message: string;
  hint?: string;
}

/** Looks up where a field path appears; `undefined` when it does not appear in the file. */
export type Locator = (field: string) => SourceLocation | undefined;

/** The field itself, else its nearest parent that appears in the file, else line 1 column 1. */
export function locateField(file: string, locate: Locator, field: string): SourceLocation {
  let f = field;
  for (;;) {
    const loc = locate(f);
    if (loc !== undefined) return { file: loc.file, line: loc.line, column: loc.column, field };
    const parent = parentField(f);
    if (parent === undefined) return { file, line: 1, column: 1, field };
    f = parent;
  }
}

/** `a.b[2]` → `a.b`; `a.b` → `a`; `a` → '' (the document); '' → undefined. */
export function parentField(field: string): string | undefined {
  if (field === '') return undefined;
  const m = /^(.*?)(?:\.[^.[\]]+|\[\d+\])$/.exec(field);
  return m ? (m[1] ?? '') : '';
}

export interface FindingSink {
  error(field: string, code: string, message: string, hint?: string): void;
  warning(field: string, code: string, message: string, hint?: string): void;
  /** A warning at a location already known (e.g. an unknown key's own position). */
  warningAt(loc: SourceLocation, code: string, message: string, hint?: string): void;
  readonly findings: Finding[];
}

/** Collects findings for one file, attaching locations through the locator. */
export function findingSink(file: string, locate: Locator): FindingSink {
  const findings: Finding[] = [];
  const push = (
    severity: Severity,
    loc: SourceLocation,
    code: string,
    message: string,
    hint?: string,
  ): void => {
    const f: Finding = {
      file: loc.file,
      line: loc.line,
      column: loc.column,
      field: loc.field,
      severity,
      code,
      message,
    };
    if (hint !== undefined) f.hint = hint;
    findings.push(f);
  };
  const add = (severity: Severity, field: string, code: string, message: string, hint?: string): void =>
    push(severity, locateField(file, locate, field), code, message, hint);
  return {
    error: (field, code, message, hint) => add('error', field, code, message, hint),
    warning: (field, code, message, hint) => add('warning', field, code, message, hint),
    warningAt: (loc, code, message, hint) => push('warning', loc, code, message, hint),
    findings,
  };
}

/** By file, then line, then column; errors before warnings on the same spot. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}
