// bpm.yml text → every problem at once plus a best-effort config (for `bpm validate`), never
// throwing. parseJobConfig (parse.ts) reports the first problem of the same list, as upstream does.
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { messageOf, type SourceLocation } from '../errors.ts';
import { ExcessiveAliasing } from './alias-budget.ts';
import { decodeJob } from './decode-job.ts';
import type { VolumeHost } from './reserved-volumes.ts';
import { locateSyntaxErrors } from './syntax-location.ts';
import type { JobConfig, ProcessConfig } from './types.ts';
import { type RuleName, ruleViolations, violationLocation } from './validate.ts';
import { YamlDecoder } from './yaml-decoder.ts';

export interface ParseOptions {
  /** The BOSH root R. */
  root: string;
  job: string;
  /** Which jobs exist and where symlinks lead, for reserved volumes (ValidateOptions.host). */
  host?: VolumeHost | false;
}

/**
 * - `syntax`: the YAML parser's complaint, a control character or an alias bomb (field `yaml`);
 *   nothing is decoded then.
 * - `type`: a value of the wrong type, a duplicate key, a bad alias or merge (upstream's
 *   `yaml: unmarshal errors`).
 * - `rule`: a validation rule (docs/behaviour/config.md §4) or a null process entry.
 * - `unreadable`: the text could not be processed at all (e.g. absurd nesting); location 0:0.
 */
export type ConfigProblemKind = 'syntax' | 'type' | 'rule' | 'unreadable';

export interface ConfigProblem {
  kind: ConfigProblemKind;
  /** For `rule` problems: which rule. */
  rule?: RuleName | 'process-null';
  /** The bare text, as upstream words it. */
  detail: string;
  location: SourceLocation;
}

export interface ConfigInspection {
  /**
   * The processes that decoded without type errors (rule violations do not remove a process);
   * absent when the file has YAML syntax errors or is not a mapping.
   */
  config?: JobConfig;
  /** For each process of `config`, its position in `processes:` (for field paths). */
  indices: number[];
  /** Syntax, then type problems in file order, then null entries and rule violations by process. */
  problems: ConfigProblem[];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function firstDocument(text: string, lines: LineCounter): Document.Parsed | undefined {
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false,
    schema: 'core',
    merge: false,
    // Keep !!omap/!!set/!!binary/!!timestamp nodes as plain collections and scalars (yaml.v3 ignores them).
    resolveKnownTags: false,
  });
  // yaml.v3 decodes only the first document of the stream.
  return Array.isArray(docs) ? docs[0] : undefined;
}

/** Every problem of a bpm.yml and the processes that can still be analysed. Never throws. */
export function inspectJobConfig(text: string, file: string, opts: ParseOptions): ConfigInspection {
  try {
    return inspectUnguarded(text, file, opts);
  } catch (err) {
    // Whatever the input (e.g. a stack overflow on absurd nesting), no exception escapes.
    const detail = `cannot read the configuration: ${oneLine(messageOf(err))}`;
    const location = { file, line: 0, column: 0, field: '' };
    return { indices: [], problems: [{ kind: 'unreadable', detail, location }] };
  }
}

/**
 * The characters yaml.v3's reader accepts (tab, line breaks, printable ASCII, NEL and the printable
 * rest of Unicode); anything else, anywhere in the file (comments too), ends reading.
 */
const CONTROL_CHARACTER = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** `yaml: control characters are not allowed` at the first one, or undefined. */
function controlCharacter(text: string, file: string): ConfigProblem | undefined {
  const m = CONTROL_CHARACTER.exec(text);
  if (m === null) return undefined;
  const before = text.slice(0, m.index);
  const line = before.split('\n').length;
  const column = m.index - before.lastIndexOf('\n');
  const location = { file, line, column, field: 'yaml' };
  return { kind: 'syntax', detail: 'control characters are not allowed', location };
}

function syntaxProblem(detail: string, location: SourceLocation): ConfigInspection {
  return { indices: [], problems: [{ kind: 'syntax', detail, location }] };
}

function inspectUnguarded(text: string, file: string, opts: ParseOptions): ConfigInspection {
  const control = controlCharacter(text, file);
  if (control !== undefined) return { indices: [], problems: [control] };
  const lines = new LineCounter();
  const doc = firstDocument(text, lines);
  if (doc !== undefined && doc.errors.length > 0) {
    const problems = locateSyntaxErrors(text, doc.errors, lines).map(
      (p): ConfigProblem => ({
        kind: 'syntax',
        detail: p.detail,
        location: { file, line: p.line, column: p.column, field: 'yaml' },
      }),
    );
    return { indices: [], problems };
  }

  const decoder = doc === undefined ? undefined : new YamlDecoder(file, doc, lines);
  let entries: ReturnType<typeof decodeJob> = [];
  try {
    if (decoder !== undefined && doc !== undefined) entries = decodeJob(decoder, doc.contents);
  } catch (err) {
    if (!(err instanceof ExcessiveAliasing)) throw err;
    // A bomb: nothing of it is decoded, and the one problem says where expansion was stopped.
    const { line, col } = err.offset === undefined ? { line: 1, col: 1 } : lines.linePos(err.offset);
    return syntaxProblem(err.message, { file, line, column: col, field: 'yaml' });
  }
  const problems: ConfigProblem[] = (decoder?.problems ?? []).map((p) => ({ kind: 'type', ...p }));
  const typeFields = problems.map((p) => p.location.field);

  const locations = decoder?.locations ?? new Map<string, SourceLocation>();
  const locate = (field: string): SourceLocation | undefined => locations.get(field);
  const fallback = (field: string): SourceLocation => ({ file, line: 1, column: 1, field });
  const processes: ProcessConfig[] = [];
  const indices: number[] = [];
  for (const { index, process, typeErrors } of entries) {
    const field = `processes[${index}]`;
    if (process === null) {
      problems.push({
        kind: 'rule',
        rule: 'process-null',
        detail: 'process entry is null; expected a mapping with name and executable',
        location: locate(field) ?? fallback(field),
      });
      continue;
    }
    const at = { ...opts, locate, index };
    for (const v of ruleViolations(process, opts)) {
      const full = `${field}.${v.field}`;
      // A field whose value had a type error kept its default: the type error says it all.
      if (typeFields.includes(full)) continue;
      const location = violationLocation(v, at) ?? fallback(full);
      problems.push({ kind: 'rule', rule: v.rule, detail: v.detail, location });
    }
    if (typeErrors) continue;
    processes.push(process);
    indices.push(index);
  }

  const notAMapping = typeFields.includes('(document)');
  if (notAMapping) return { indices: [], problems };
  const config: JobConfig = { file, processes, unknownKeys: decoder?.unknownKeys ?? [], locate };
  return { config, indices, problems };
}
