// Read a bpm.yml from disk and parse it. Read errors use Go's os.PathError text; the caller adds
// `failed to parse job configuration: `.
import { readFileSync } from 'node:fs';
import { BpmError, ConfigError } from '../errors.ts';
import { goPathErrorText } from '../text/os-error.ts';
import { type ParseOptions, parseJobConfig } from './parse.ts';
import type { JobConfig } from './types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a bpm.yml: BpmError (Go's os.PathError text) when unreadable, ConfigError when not UTF-8. */
export function readJobConfigText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new BpmError(goPathErrorText(file, err), { cause: err });
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ConfigError(`${file}: yaml: invalid UTF-8 in the file`);
  }
}

/** Read and parse. Commands pass `opts.host` (host/volume-host.ts) so volumes are checked on disk. */
export function loadJobConfig(file: string, opts: ParseOptions): JobConfig {
  return parseJobConfig(readJobConfigText(file), file, opts);
}
