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
];
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
    case 'processes[].additional_volumes[]':
    case 'processes[].unsafe.unrestricted_volumes[]':
      return VOLUME;
    default:
      return undefined;
  }
}
