// Reading bpm.yml and selecting the process, with the log events and error texts of
// docs/behaviour/commands.md §2.

import { loadJobConfig } from '../config/load.ts';
import type { JobConfig, ProcessConfig } from '../config/types.ts';
import { BpmError, type SourceLocation } from '../errors.ts';
import { fsVolumeHost } from '../host/volume-host.ts';
import type { Logger } from '../log/logger.ts';
import { stepFailed } from './context.ts';
import type { ProcessRef } from './process-ref.ts';

/**
 * Read and validate the job's bpm.yml; failure → `failed to parse job configuration: <err>`.
 * `purpose: 'stop'` skips the reserved-volume rule: stop mounts nothing, and neither a rule upstream
 * lacks nor a symlink the job planted under a volume path may keep a job from being stopped.
 */
export function loadConfig(ref: ProcessRef, log: Logger, purpose: 'mount' | 'stop' = 'mount'): JobConfig {
  try {
    const host = purpose === 'stop' ? false : fsVolumeHost(ref.root.root);
    return loadJobConfig(ref.paths.configFile, { root: ref.root.root, job: ref.job, host });
  } catch (err) {
    throw stepFailed(log, 'failed-to-parse-config', 'failed to parse job configuration', err);
  }
}

/** The configured process named PROC, or `process "<PROC>" not present in job configuration (…)`. */
export function selectProcess(ref: ProcessRef, config: JobConfig, log: Logger): ProcessConfig {
  const proc = config.processes.find((p) => p.name === ref.proc);
  if (proc !== undefined) return proc;
  log.error('process-not-defined', new Error(`invalid process: ${ref.proc}`));
  throw new BpmError(`process "${ref.proc}" not present in job configuration (${ref.paths.configFile})`);
}

/** Where a field of the selected process (`limits.memory`) is in its bpm.yml, when known. */
export type FieldLocator = (field: string) => SourceLocation | undefined;

export function processLocator(config: JobConfig, proc: ProcessConfig): FieldLocator {
  // A config that loaded has no left-out entries: processes[i] is the i-th process of the file.
  const i = config.processes.indexOf(proc);
  return (field) => (i < 0 ? undefined : config.locate(`processes[${i}].${field}`));
}
