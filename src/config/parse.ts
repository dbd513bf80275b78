// bpm.yml text → validated JobConfig. Decoding follows Go's yaml.v3 (config.md); every problem is
// a one-line ConfigError `<file>:<line>:<column>: <field>: <detail>`.
import { LineCounter, parseAllDocuments } from 'yaml';
import { BpmError, ConfigError, messageOf, type SourceLocation } from '../errors.ts';
import { decodeJob } from './decode-job.ts';
import type { JobConfig, ProcessConfig } from './types.ts';
import { validateProcess } from './validate.ts';
import { YamlDecoder } from './yaml-decoder.ts';

export interface ParseOptions {
  /** The BOSH root R. */
  root: string;
  job: string;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function firstDocument(text: string, file: string, lines: LineCounter) {
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
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (doc === undefined) return undefined;
  const err = doc.errors[0];
  if (err !== undefined) {
    const { line, col } = lines.linePos(err.pos[0]);
    throw new ConfigError(oneLine(err.message), { file, line, column: col, field: 'yaml' });
  }
  return doc;
}

/** Parse and validate a bpm.yml; throws ConfigError (one line) for the first problem. */
export function parseJobConfig(text: string, file: string, opts: ParseOptions): JobConfig {
  try {
    return parseUnguarded(text, file, opts);
  } catch (err) {
    if (err instanceof BpmError) throw err;
    // Only BpmErrors leave this module, whatever the input (e.g. a stack overflow on absurd nesting).
    throw new BpmError(`${file}: cannot read the configuration: ${oneLine(messageOf(err))}`, { cause: err });
  }
}

function parseUnguarded(text: string, file: string, opts: ParseOptions): JobConfig {
  const lines = new LineCounter();
  const doc = firstDocument(text, file, lines);
  const decoder = doc === undefined ? undefined : new YamlDecoder(file, doc, lines);
  const decoded = decoder === undefined || doc === undefined ? [] : decodeJob(decoder, doc.contents);

  const first = decoder?.problems[0];
  if (first !== undefined) {
    const more = decoder!.problems.length - 1;
    throw new ConfigError(more > 0 ? `${first.detail} (and ${more} more)` : first.detail, first.location);
  }

  const locations = decoder?.locations ?? new Map<string, SourceLocation>();
  const locate = (field: string): SourceLocation | undefined => locations.get(field);
  const processes: ProcessConfig[] = [];
  decoded.forEach((proc, index) => {
    if (proc === null) {
      const at = locate(`processes[${index}]`);
      throw new ConfigError('process entry is null; expected a mapping with name and executable', at);
    }
    validateProcess(proc, { ...opts, locate, index });
    processes.push(proc);
  });

  return { file, processes, unknownKeys: decoder?.unknownKeys ?? [], locate };
}
