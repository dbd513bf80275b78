// Per-process validation (docs/behaviour/config.md §4), in upstream's order and with its texts.
// `ruleViolations` lists every independent violation (for `bpm validate`); `validateProcess`
// throws the first one, as upstream reports it.

import { ConfigError, type SourceLocation } from '../errors.ts';
import { cleanPath, joinPath } from '../go/path.ts';
import { LEXICAL_HOST, reservedVolumeProblem, type VolumeHost } from './reserved-volumes.ts';
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
  /**
   * Which jobs exist and where symlinks lead, for the reserved-volume rule; LEXICAL_HOST when
   * absent; false skips the rule (stop, which mounts nothing).
   */
  host?: VolumeHost | false;
}

/** Which validation rule a process breaks. */
export type RuleName =
  | 'name-empty'
  | 'executable-empty'
  | 'volume-not-canonical'
  | 'volume-default-directory'
  | 'volume-outside-root'
  | 'volume-reserved'
  | 'shutdown-signal';

export interface RuleViolation {
  rule: RuleName;
  detail: string;
  /** Field path relative to the process, e.g. `additional_volumes[0].path`. */
  field: string;
  /** Relative field whose location stands in when `field` is absent from the file. */
  fallbackField?: string;
}

/** `path` has strictly more `/`-separated components than `root` and starts with all of them. */
function isWithin(root: string, path: string): boolean {
  const rootParts = root.split('/');
  const pathParts = path.split('/');
  if (pathParts.length <= rootParts.length) return false;
  return rootParts.every((part, i) => pathParts[i] === part);
}

/**
 * Every violation, in upstream's order. Rules that do not depend on each other are all reported
 * (name, executable, each volume, shutdown signal); per volume only the first failing rule.
 */
export function ruleViolations(
  proc: ProcessConfig,
  opts: { root: string; job: string; host?: VolumeHost | false },
): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (proc.name === '') out.push({ rule: 'name-empty', field: 'name', detail: 'invalid config: name' });
  if (proc.executable === '')
    out.push({ rule: 'executable-empty', field: 'executable', detail: 'invalid config: executable' });

  const root = cleanPath(opts.root);
  const defaults = [joinPath(root, 'data', opts.job), joinPath(root, 'store', opts.job)];
  proc.additionalVolumes.forEach((vol, i) => {
    const at = { field: `additional_volumes[${i}].path`, fallbackField: `additional_volumes[${i}]` };
    const clean = cleanPath(vol.path);
    if (clean !== vol.path) {
      out.push({
        rule: 'volume-not-canonical',
        detail: `volume path must be canonical, expected ${shown(clean)} but got ${shown(vol.path)}`,
        ...at,
      });
    } else if (defaults.includes(vol.path)) {
      out.push({
        rule: 'volume-default-directory',
        detail: `invalid volume path: ${shown(vol.path)} cannot conflict with default job data or store directories`,
        ...at,
      });
    } else if (!isWithin(root, vol.path)) {
      out.push({
        rule: 'volume-outside-root',
        detail: `invalid volume path: ${shown(vol.path)} must be within ${shown(root)}`,
        ...at,
      });
    } else if (opts.host !== false) {
      const reserved = reservedVolumeProblem(vol, root, opts.job, opts.host ?? LEXICAL_HOST);
      if (reserved !== undefined) out.push({ rule: 'volume-reserved', detail: reserved, ...at });
    }
  });

  const sig = proc.shutdownSignal;
  if (sig !== '' && sig !== 'TERM' && sig !== 'INT') {
    out.push({
      rule: 'shutdown-signal',
      field: 'shutdown_signal',
      detail: `shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got '${shown(sig)}'`,
    });
  }
  return out;
}

/**
 * Where a violation is: its field, else its fallback field, else the process entry, labelled with
 * the full field path; undefined without a locator (flag-only values).
 */
export function violationLocation(v: RuleViolation, opts: ValidateOptions): SourceLocation | undefined {
  if (opts.locate === undefined || opts.index === undefined) return undefined;
  const process = `processes[${opts.index}]`;
  const full = `${process}.${v.field}`;
  const exact = opts.locate(full);
  if (exact) return { ...exact, field: full };
  const parent = opts.locate(v.fallbackField === undefined ? process : `${process}.${v.fallbackField}`);
  return parent ? { ...parent, field: full } : undefined;
}

/** Throws ConfigError for the first rule the process breaks. */
export function validateProcess(proc: ProcessConfig, opts: ValidateOptions): void {
  const first = ruleViolations(proc, opts)[0];
  if (first !== undefined) throw new ConfigError(first.detail, violationLocation(first, opts));
}
