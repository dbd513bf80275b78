// Each command's module, loaded only when it runs (esbuild makes each its own chunk, so
// `bpm version` never loads yaml, koffi or runc code). `help` and `completion` are the command
// line's own (cobra provides them upstream) and live in src/cli/; the others in src/commands/.
import type { Command } from '../commands/types.ts';
import type { CommandName } from './command-table.ts';

export const COMMAND_LOADERS: Readonly<Record<CommandName, () => Promise<{ default: Command }>>> = {
  completion: () => import('./completion-command.ts'),
  exec: () => import('../commands/exec.ts'),
  export: () => import('../commands/export.ts'),
  help: () => import('./help-command.ts'),
  list: () => import('../commands/list.ts'),
  logs: () => import('../commands/logs.ts'),
  monit: () => import('../commands/monit.ts'),
  pid: () => import('../commands/pid.ts'),
  reload: () => import('../commands/reload.ts'),
  restart: () => import('../commands/restart.ts'),
  run: () => import('../commands/run.ts'),
  shell: () => import('../commands/shell.ts'),
  start: () => import('../commands/start.ts'),
  status: () => import('../commands/status.ts'),
  stop: () => import('../commands/stop.ts'),
  supervise: () => import('../commands/supervise.ts'),
  trace: () => import('../commands/trace.ts'),
  validate: () => import('../commands/validate.ts'),
  version: () => import('../commands/version.ts'),
};
