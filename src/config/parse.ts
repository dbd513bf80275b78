// bpm.yml text → validated JobConfig, or a one-line ConfigError `<file>:<line>:<column>: <field>:
// <detail>` for the first problem upstream would report: the first YAML syntax error; else the
// first type error with `(and N more)`; else the first null entry or rule violation.
import { BpmError, ConfigError } from '../errors.ts';
import { type ConfigProblem, inspectJobConfig, type ParseOptions } from './inspect.ts';
import type { JobConfig } from './types.ts';

export type { ParseOptions } from './inspect.ts';

function firstProblem(problems: readonly ConfigProblem[]): ConfigError | BpmError | undefined {
  const first = problems[0];
  if (first === undefined) return undefined;
  if (first.kind === 'unreadable') return new BpmError(`${first.location.file}: ${first.detail}`);
  if (first.kind === 'type') {
    const more = problems.filter((p) => p.kind === 'type').length - 1;
    return new ConfigError(more > 0 ? `${first.detail} (and ${more} more)` : first.detail, first.location);
  }
  return new ConfigError(first.detail, first.location);
}

/** Parse and validate a bpm.yml; throws ConfigError (one line) for the first problem. */
export function parseJobConfig(text: string, file: string, opts: ParseOptions): JobConfig {
  const { config, problems } = inspectJobConfig(text, file, opts);
  const err = firstProblem(problems);
  if (err !== undefined) throw err;
  if (config === undefined) throw new BpmError(`${file}: cannot read the configuration`);
  return config;
}
