// `bpm logs JOB [-p PROC] [-a|-e] [-f] [-q] [-n N]` (docs/behaviour/commands.md §7): GNU tail from
// PATH on the process's log files. `-f` follows the open file (truncation by copytruncate is
// reported by tail and reading restarts); see docs/operator-logs.md for why it is not `-F`. The
// files are opened without following links and pinned for tail first (host/log-view.ts): the job
// owns them.
import { existsSync } from 'node:fs';
import { BpmError } from '../errors.ts';
import { runForeground } from '../host/foreground-child.ts';
import { pinLogFiles } from '../host/log-view.ts';
import { printLogsEnd } from '../presenters/cli-text.ts';
import { exitText } from '../text/exit-status.ts';
import type { Command, Invocation } from './types.ts';

/** The files to show, stdout first. */
export function logFiles(inv: Invocation): string[] {
  const paths = inv.root.job(inv.job);
  const { all, err } = inv.flags;
  const files: string[] = [];
  if (err !== true || all === true) files.push(paths.stdoutLog(inv.process));
  if (err === true || all === true) files.push(paths.stderrLog(inv.process));
  return files;
}

/** tail's argv, in upstream's order: `-f`, `-q`, the single element `-n N`, the files. */
export function tailArgs(inv: Invocation, files: readonly string[]): string[] {
  const args: string[] = [];
  if (inv.flags['follow'] === true) args.push('-f');
  if (inv.flags['quiet'] === true) args.push('-q');
  args.push(`-n ${String(inv.flags['lines'] ?? 25)}`);
  return [...args, ...files];
}

/** Why `--timestamps` is refused (docs/operator-logs.md "Timestamps and one merged stream"). */
export const NO_TIMESTAMPS =
  'bpm logs --timestamps is not available: nothing records when a line was written (the process ' +
  "writes its log files itself); per-line times need the supervisor's log relay";

const logs: Command = async (inv) => {
  if (inv.flags['timestamps'] === true) throw new BpmError(NO_TIMESTAMPS);
  const files = logFiles(inv);
  const missing = files.filter((f) => !existsSync(f));
  // Upstream says only `logs not found`; the prefix stays, the missing files follow.
  if (missing.length > 0) throw new BpmError(`logs not found: no ${missing.join(', no ')}`);
  pinLogFiles(files);
  const end = await runForeground('tail', tailArgs(inv, files));
  if ((end.signal === null && end.code === 0) || end.signal === 'SIGINT') {
    printLogsEnd();
    return 0;
  }
  throw new BpmError(exitText(end));
};

export default logs;
