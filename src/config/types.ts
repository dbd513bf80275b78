// The typed form of bpm.yml (docs/behaviour/config.md §3). Defaults are already applied: absent strings are
// '', absent booleans false, absent lists empty. Integer limits are bigint because upstream's are
// 64-bit (uint64 open_files/core_file_size, int64 processes).
import type { SourceLocation } from '../errors.ts';
import type { ProbeConfig, RestartConfig } from './supervision.ts';

export interface Volume {
  path: string;
  writable: boolean;
  allowExecutions: boolean;
  mountOnly: boolean;
  shared: boolean;
}

export interface Limits {
  /** Raw text, parsed only when the spec is built (upstream quirk #8). */
  memory?: string;
  openFiles?: bigint;
  processes?: bigint;
  coreFileSize?: bigint;
}

export interface Hooks {
  /** '' means no hook (docs/behaviour/policy.md fix #4). */
  preStart: string;
}

export interface Unsafe {
  privileged: boolean;
  unrestrictedVolumes: Volume[];
  hostPidNamespace: boolean;
}

export interface ProcessConfig {
  name: string;
  executable: string;
  args: string[];
  /** In file order; `bpm run -e` overrides keep a key's first position. */
  env: Map<string, string>;
  workdir: string;
  hooks?: Hooks;
  capabilities: string[];
  limits?: Limits;
  ephemeralDisk: boolean;
  persistentDisk: boolean;
  additionalVolumes: Volume[];
  unsafe?: Unsafe;
  /** '', 'TERM' or 'INT'. */
  shutdownSignal: string;
  /** The supervisor's keys (src/config/supervision.ts); absent when the file does not set them. */
  restart?: RestartConfig;
  shutdownTimeoutMs?: number;
  dependsOn?: string[];
  readiness?: ProbeConfig;
  liveness?: ProbeConfig;
}

export interface JobConfig {
  /** External path of the bpm.yml it came from. */
  file: string;
  processes: ProcessConfig[];
  /** Where a field path (e.g. `processes[0].limits.memory`) appears in the file, when it does. */
  locate(field: string): SourceLocation | undefined;
  /** Keys the schema does not know, in file order (ignored at run time; for `bpm validate`). */
  unknownKeys: readonly UnknownKey[];
}

/** A key bpm ignores, e.g. `processes[0].limits.cpu`, and where it is. */
export interface UnknownKey {
  field: string;
  location: SourceLocation;
}
