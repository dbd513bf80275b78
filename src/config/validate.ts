// Per-process validation (config.md "Validation rules"), in upstream's order and with its texts.
import { cleanPath, joinPath } from '../bosh/clean.ts';
import { ConfigError, type SourceLocation } from '../errors.ts';
import { shown } from './shown.ts';
import type { ProcessConfig } from './types.ts';

export interface ValidateOptions {
  /** The BOSH root R (cleaned here). */
  root: string;
  job: string;
  /** Where fields of the file are (JobConfig.locate); absent for flag-only values. */
  locate?: (field: string) => SourceLocation | undefined;
  /** Index of the process in `processes:`, for field paths. */
  index?: number;
}

function fail(opts: ValidateOptions, field: string, detail: string, fallbackField?: string): never {
  if (opts.locate === undefined || opts.index === undefined) throw new ConfigError(detail);
  const full = `processes[${opts.index}]${field === '' ? '' : `.${field}`}`;
  const exact = opts.locate(full);
  if (exact) throw new ConfigError(detail, { ...exact, field: full });
  const parent = opts.locate(fallbackField ?? `processes[${opts.index}]`);
  throw new ConfigError(detail, parent ? { ...parent, field: full } : undefined);
}

/** `path` has strictly more `/`-separated components than `root` and starts with all of them. */
function isWithin(root: string, path: string): boolean {
  const rootParts = root.split('/');
  const pathParts = path.split('/');
  if (pathParts.length <= rootParts.length) return false;
  return rootParts.every((part, i) => pathParts[i] === part);
}

/** Throws ConfigError for the first rule the process breaks. */
export function validateProcess(proc: ProcessConfig, opts: ValidateOptions): void {
  if (proc.name === '') fail(opts, 'name', 'invalid config: name');
  if (proc.executable === '') fail(opts, 'executable', 'invalid config: executable');

  const root = cleanPath(opts.root);
  const defaults = [joinPath(root, 'data', opts.job), joinPath(root, 'store', opts.job)];
  proc.additionalVolumes.forEach((vol, i) => {
    const field = `additional_volumes[${i}].path`;
    const parent = opts.index === undefined ? undefined : `processes[${opts.index}].additional_volumes[${i}]`;
    const clean = cleanPath(vol.path);
    if (clean !== vol.path) {
      fail(
        opts,
        field,
        `volume path must be canonical, expected ${shown(clean)} but got ${shown(vol.path)}`,
        parent,
      );
    }
    if (defaults.includes(vol.path)) {
      fail(
        opts,
        field,
        `invalid volume path: ${shown(vol.path)} cannot conflict with default job data or store directories`,
        parent,
      );
    }
    if (!isWithin(root, vol.path))
      fail(opts, field, `invalid volume path: ${shown(vol.path)} must be within ${shown(root)}`, parent);
  });

  const sig = proc.shutdownSignal;
  if (sig !== '' && sig !== 'TERM' && sig !== 'INT') {
    fail(
      opts,
      'shutdown_signal',
      `shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got '${shown(sig)}'`,
    );
  }
}
