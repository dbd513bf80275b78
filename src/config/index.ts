// The config module's public surface.
export {
  type ConfigInspection,
  type ConfigProblem,
  type ConfigProblemKind,
  inspectJobConfig,
} from './inspect.ts';
export { loadJobConfig, readJobConfigText } from './load.ts';
export { INVALID_BYTE_QUANTITY, parseMemoryLimit } from './memory.ts';
export { type ParseOptions, parseJobConfig } from './parse.ts';
export { applyRunEnv, applyRunVolumes, parseRunVolume } from './run-flags.ts';
export type { Hooks, JobConfig, Limits, ProcessConfig, UnknownKey, Unsafe, Volume } from './types.ts';
export { type RuleName, type ValidateOptions, validateProcess } from './validate.ts';
