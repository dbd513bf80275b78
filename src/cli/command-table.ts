// The commands bpm knows, as data: name, help texts, flags, whether it takes a JOB. Adding a
// command is one entry here, its name in CommandName, its module (src/commands/NAME.ts) and its
// loader in command-loaders.ts. This table imports no command, so the help texts built from it
// (help-text.ts) never form a loop with the commands that print them.
import type { FlagSpec } from './flag-spec.ts';

export type CommandName =
  | 'completion'
  | 'exec'
  | 'export'
  | 'help'
  | 'list'
  | 'logs'
  | 'monit'
  | 'pid'
  | 'reload'
  | 'restart'
  | 'run'
  | 'shell'
  | 'start'
  | 'status'
  | 'stop'
  | 'supervise'
  | 'trace'
  | 'validate'
  | 'version';

export interface CommandSpec {
  name: CommandName;
  /** One line, shown in the root's command list and as the help's first line. */
  short: string;
  /** Longer help text replacing `short` at the top of the command's own help. */
  long?: string;
  /** Usage after `bpm ` (`start <job-name>`); ` [flags]` is appended. */
  use: string;
  /** The command's own flags (`-h` and `--version` are added for every command). */
  flags: readonly FlagSpec[];
  /** Takes JOB as its first argument and `-p` (docs/behaviour/commands.md §1.3). */
  needsJob: boolean;
  /** Left out of the root's command list and of suggestions (shell completion still offers it). */
  hidden?: boolean;
  /**
   * Only reads files: no root needed, and the global pre-run's side effects (locks directory,
   * cgroup setup) are skipped. Never set on an upstream command, whose pre-run is contract.
   */
  readOnly?: boolean;
}

const processFlag: FlagSpec = { name: 'process', short: 'p', kind: 'string', usage: 'optional process name' };

const TRACE_LONG = `
traces a BOSH Process

  Executes strace with the following options:
    strace -s 100 -f -y -yy -p <process-pid>

  <process-pid> is determined using the 'bpm pid' command

  Note: This command may impact performance.
`;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'completion',
    short: 'Generate the autocompletion script for the specified shell',
    long:
      'Generate the autocompletion script for bpm for the specified shell.\n' +
      "See each sub-command's help for details on how to use the generated script.\n",
    use: 'completion',
    flags: [],
    needsJob: false,
  },
  {
    name: 'help',
    short: 'Help about any command',
    long:
      'Help provides help for any command in the application.\n' +
      'Simply type bpm help [path to command] for full details.',
    use: 'help [command]',
    flags: [],
    needsJob: false,
  },
  {
    name: 'list',
    short: 'list the state of bpm containers',
    use: 'list',
    // Beyond upstream, hidden so that `bpm list --help` stays byte-identical (docs/status.md).
    flags: [{ name: 'json', kind: 'bool', usage: 'print bpm status --json for every job', hidden: true }],
    needsJob: false,
  },
  {
    name: 'logs',
    short: 'streams the logs for a given job',
    use: 'logs <job-name>',
    flags: [
      { name: 'all', short: 'a', kind: 'bool', usage: 'show both stdout and stderr' },
      { name: 'err', short: 'e', kind: 'bool', usage: 'show stderr' },
      { name: 'follow', short: 'f', kind: 'bool', usage: 'show and follow specified logs' },
      { name: 'lines', short: 'n', kind: 'int', usage: 'number of lines to show', defaultValue: 25 },
      processFlag,
      { name: 'quiet', short: 'q', kind: 'bool', usage: 'suppress filename headers' },
      // Refused with the reason (docs/operator-logs.md): bpm does not know when a line was written.
      { name: 'timestamps', kind: 'bool', usage: 'not available', hidden: true },
    ],
    needsJob: true,
  },
  {
    name: 'pid',
    short: 'displays the pid for a given job',
    use: 'pid <job-name>',
    flags: [processFlag],
    needsJob: true,
  },
  {
    name: 'run',
    short: 'runs a bosh process synchronously',
    use: 'run <job-name>',
    flags: [
      // The missing `)` is upstream's text.
      {
        name: 'env',
        short: 'e',
        kind: 'stringArray',
        usage: 'Additional environment variables (format: KEY=VALUE',
      },
      { name: 'process', short: 'p', kind: 'string', usage: 'the optional process name' },
      {
        name: 'volume',
        short: 'v',
        kind: 'stringArray',
        usage: 'Optional list of volumes (format: <path>[:<options>])',
      },
    ],
    needsJob: true,
  },
  {
    name: 'shell',
    short: 'start a shell inside the process container',
    use: 'shell <job-name>',
    flags: [processFlag],
    needsJob: true,
  },
  {
    name: 'start',
    short: 'starts a BOSH Process',
    use: 'start <job-name>',
    flags: [processFlag],
    needsJob: true,
  },
  // Beyond upstream: hidden like validate (docs/status.md).
  {
    name: 'status',
    short: 'shows the state, resources and last exit of bpm processes',
    long:
      'shows the state, resources and last exit of bpm processes\n\n' +
      '  For every process of every job (or of <job-name>): state, pid, uptime, memory and\n' +
      '  pids in use against their limits, OOM kills, and how it last ended.\n',
    use: 'status [<job-name>]',
    flags: [{ name: 'json', kind: 'bool', usage: 'print as JSON (schema: docs/status.md)' }, processFlag],
    needsJob: false,
    hidden: true,
  },
  {
    name: 'stop',
    short: 'stops a BOSH Process',
    use: 'stop <job-name>',
    flags: [processFlag],
    needsJob: true,
  },
  // Beyond upstream: hidden like validate (docs/supervisor.md).
  {
    name: 'reload',
    short: 'makes the running bpm supervise re-read every bpm.yml',
    long:
      'makes the running bpm supervise re-read every bpm.yml\n\n' +
      '  Like SIGHUP to it: new processes are started, removed ones stopped, changed ones\n' +
      '  restarted, the others left alone. Answers once that is done. See docs/supervisor.md.\n',
    use: 'reload',
    flags: [],
    needsJob: false,
    hidden: true,
  },
  // Beyond upstream: hidden like validate (docs/supervisor.md).
  {
    name: 'restart',
    short: 'restarts a BOSH Process',
    long:
      'restarts a BOSH Process\n\n' +
      '  Through the running bpm supervise when there is one; otherwise a stop and a start.\n',
    use: 'restart <job-name>',
    flags: [processFlag],
    needsJob: true,
    hidden: true,
  },
  // Beyond upstream: hidden (docs/supervisor.md#replacing-monit).
  {
    name: 'monit',
    short: 'the monit command line, against bpm supervise --monit-compat',
    long:
      'the monit command line, against bpm supervise --monit-compat\n\n' +
      '  summary | status [NAME] | start|stop|restart|unmonitor NAME|all | -g GROUP ACTION |\n' +
      '  reload | quit | validate. See docs/supervisor.md#replacing-monit.\n',
    use: 'monit <action> [<service> | all]',
    flags: [
      { name: 'group', short: 'g', kind: 'string', usage: 'act on the services of this group' },
      { name: 'control', short: 'c', kind: 'string', usage: "monit's control file (ignored)", hidden: true },
      { name: 'batch', short: 'B', kind: 'bool', usage: 'batch mode (the only mode)', hidden: true },
    ],
    needsJob: false,
    hidden: true,
  },
  // Beyond upstream: hidden like validate (docs/supervisor.md).
  {
    name: 'supervise',
    short: 'supervises the processes of every job in the foreground',
    long:
      'supervises the processes of every job in the foreground\n\n' +
      '  Starts (or adopts, when already running) every process of every job with a bpm.yml, or\n' +
      '  of the jobs named with --job, in depends_on order; restarts them by their restart\n' +
      '  policy; re-reads every bpm.yml on SIGHUP (or bpm reload); and stops them all,\n' +
      '  dependents first, on SIGTERM. See docs/supervisor.md.\n',
    use: 'supervise',
    flags: [
      { name: 'job', kind: 'stringArray', usage: 'supervise only this job (repeatable)' },
      {
        name: 'monit-compat',
        kind: 'bool',
        usage: "take monit's place: run R/monit/job/*.monitrc and serve the BOSH agent's monit API",
      },
      { name: 'monit-port', kind: 'int', usage: 'the monit API port on 127.0.0.1 (default 2822)' },
    ],
    needsJob: false,
    hidden: true,
  },
  {
    name: 'trace',
    short: 'traces a BOSH Process',
    long: TRACE_LONG,
    use: 'trace <job-name>',
    flags: [processFlag],
    needsJob: true,
  },
  // Beyond upstream: hidden so that the root help stays byte-identical (docs/validate.md).
  {
    name: 'validate',
    short: 'checks bpm.yml files without starting anything',
    use: 'validate [<job-name> | <path/to/bpm.yml>]...',
    flags: [
      { name: 'json', kind: 'bool', usage: 'print findings as JSON' },
      { name: 'strict', kind: 'bool', usage: 'fail on warnings too' },
    ],
    needsJob: false,
    hidden: true,
    readOnly: true,
  },
  // Beyond upstream: hidden like validate (docs/export-k8s.md).
  {
    name: 'export',
    short: 'exports a job as a Kubernetes Pod manifest',
    use: 'export k8s <job-name>',
    flags: [
      {
        name: 'image',
        kind: 'string',
        usage: 'container image (default bosh-job.invalid/<job-name>:latest)',
      },
      {
        name: 'output',
        short: 'o',
        kind: 'string',
        usage: 'write the manifest to this file instead of stdout',
      },
    ],
    needsJob: false,
    hidden: true,
  },
  // Beyond upstream: hidden like validate (docs/operator-guide.md).
  {
    name: 'exec',
    short: 'runs a command inside the process container without a terminal',
    long:
      'runs a command inside the process container without a terminal\n\n' +
      "  Like 'docker exec': the command runs as the process's user with its environment,\n" +
      "  working directory and restrictions; stdin, stdout and stderr are bpm's, and bpm\n" +
      "  exits with the command's status. 'bpm shell' is the interactive one.\n",
    use: 'exec <job-name> [flags] -- <command> [<arg>...]',
    flags: [processFlag],
    needsJob: true,
    hidden: true,
  },
  {
    name: 'version',
    short: 'prints the BPM version',
    use: 'version',
    flags: [],
    needsJob: false,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Commands shell completion offers: every command, hidden ones too, sorted by name (cobra's order). */
export function completableCommands(): CommandSpec[] {
  return [...COMMANDS].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Commands listed in help and offered as suggestions, sorted by name. */
export function visibleCommands(): CommandSpec[] {
  return completableCommands().filter((c) => c.hidden !== true);
}

/** The shells `bpm completion` knows, with cobra's descriptions. */
export const COMPLETION_SHELLS: readonly string[] = ['bash', 'fish', 'powershell', 'zsh'];
