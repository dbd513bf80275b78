// The keys bpm.yml knows at each level (docs/behaviour/config.md §3), for "did you mean" on unknown keys.

const TOP = ['processes'];
const PROCESS = [
  'name',
  'executable',
  'args',
  'env',
  'workdir',
  'hooks',
  'capabilities',
  'limits',
  'ephemeral_disk',
  'persistent_disk',
  'additional_volumes',
  'unsafe',
  'shutdown_signal',
  'restart',
  'shutdown_timeout',
  'depends_on',
  'readiness',
  'liveness',
];
const RESTART = ['policy', 'initial_delay', 'max_delay', 'reset_after'];
const PROBE = ['exec', 'http', 'tcp', 'period', 'timeout', 'failure_threshold', 'initial_delay'];
const HTTP_PROBE = ['port', 'path'];
const TCP_PROBE = ['port'];
const HOOKS = ['pre_start'];
const LIMITS = ['memory', 'open_files', 'processes', 'core_file_size'];
const UNSAFE = ['privileged', 'unrestricted_volumes', 'host_pid_namespace'];
const VOLUME = ['path', 'writable', 'allow_executions', 'mount_only', 'shared'];

/**
 * The keys valid in the mapping at `parent` (a field path such as `processes[0].limits`, '' for
 * the document), or undefined when that mapping takes arbitrary keys (env) or is not known.
 */
export function knownKeysAt(parent: string): readonly string[] | undefined {
  const shape = parent.replace(/\[\d+\]/g, '[]');
  switch (shape) {
    case '':
      return TOP;
    case 'processes[]':
      return PROCESS;
    case 'processes[].hooks':
      return HOOKS;
    case 'processes[].limits':
      return LIMITS;
    case 'processes[].unsafe':
      return UNSAFE;
    case 'processes[].restart':
      return RESTART;
    case 'processes[].readiness':
    case 'processes[].liveness':
      return PROBE;
    case 'processes[].readiness.http':
    case 'processes[].liveness.http':
      return HTTP_PROBE;
    case 'processes[].readiness.tcp':
    case 'processes[].liveness.tcp':
      return TCP_PROBE;
    case 'processes[].additional_volumes[]':
    case 'processes[].unsafe.unrestricted_volumes[]':
      return VOLUME;
    default:
      return undefined;
  }
}

/** The mappings of one process, by their path relative to the process ('' = the process itself). */
const PROCESS_LEVELS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['', PROCESS],
  ['hooks', HOOKS],
  ['limits', LIMITS],
  ['unsafe', UNSAFE],
];

/**
 * A key written at the wrong level of a process (`memory:` beside `limits:`, `ephemeral_disk:`
 * inside `limits:`): where it belongs, relative to the process (`limits.memory`), or undefined when
 * `parent` is not one of a process's mappings or the key belongs to none of the others.
 */
export function misplacedKeyTarget(parent: string, key: string): string | undefined {
  const m = /^processes\[\d+\](?:\.(hooks|limits|unsafe))?$/.exec(parent);
  if (m === null) return undefined;
  const here = m[1] ?? '';
  for (const [level, keys] of PROCESS_LEVELS) {
    if (level !== here && keys.includes(key)) return level === '' ? key : `${level}.${key}`;
  }
  return undefined;
}
