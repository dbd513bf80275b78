// `bpm run -v PATH[:OPTIONS]` and `-e KEY=VALUE` (docs/behaviour/config.md §8). Errors
// are bare messages (ConfigError without location): upstream prints them without a prefix.
import { ConfigError } from '../errors.ts';
import { goQuote } from '../go/strconv.ts';
import { envNameProblem } from './decode-job.ts';
import { shown } from './shown.ts';
import type { ProcessConfig, Volume } from './types.ts';
import { type ValidateOptions, validateProcess } from './validate.ts';

/** Parse one `-v` value. */
export function parseRunVolume(value: string): Volume {
  const parts = value.split(':');
  if (parts.length > 2)
    throw new ConfigError(`invalid volume definition (format: <path>[:<options>]): ${shown(value)}`);
  const vol: Volume = {
    path: parts[0]!,
    writable: false,
    allowExecutions: false,
    mountOnly: false,
    shared: false,
  };
  if (parts.length === 2) {
    for (const option of parts[1]!.split(',')) {
      if (option === 'writable') vol.writable = true;
      else if (option === 'mount_only') vol.mountOnly = true;
      else if (option === 'allow_executions') vol.allowExecutions = true;
      else if (option === 'shared') vol.shared = true;
      else throw new ConfigError(`invalid volume option: ${shown(option)}`);
    }
  }
  return vol;
}

/** Append the `-v` volumes (after the file's) to `proc`, then re-validate it. Mutates `proc`. */
export function applyRunVolumes(
  proc: ProcessConfig,
  values: readonly string[],
  opts: ValidateOptions,
): ProcessConfig {
  const volumes = values.map(parseRunVolume);
  proc.additionalVolumes.push(...volumes);
  validateProcess(proc, opts);
  return proc;
}

/** Set the `-e` variables on `proc` (a later one wins; a key keeps its first position). */
export function applyRunEnv(
  proc: ProcessConfig,
  values: readonly string[],
  opts?: ValidateOptions,
): ProcessConfig {
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq === -1) {
      throw new ConfigError(
        `invalid envionment variable definition (format should be KEY=value): ${goQuote(value)}`,
      );
    }
    const name = value.slice(0, eq);
    const problem = envNameProblem(name); // `-e =x`: runc would fail with a bare exit status
    if (problem !== undefined) throw new ConfigError(problem);
    proc.env.set(name, value.slice(eq + 1));
  }
  if (opts !== undefined) validateProcess(proc, opts);
  return proc;
}
