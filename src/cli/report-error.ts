// The one top-level error handler (docs/behaviour/commands.md §1.5): usage block and blank line when the
// error asks for it, then `Error: <message>`, and the exit status. Never a stack trace unless BPM_DEBUG=1.
import { BpmError, BrokenPipeError, SilentUsageError } from '../errors.ts';

export interface ErrorSink {
  write(text: string): void;
}

const stderr: ErrorSink = { write: (text) => void process.stderr.write(text) };

/**
 * Print `err` and return the exit status. `usage` is the usage block of the command that was
 * running (undefined before a command was selected).
 */
export function reportError(err: unknown, usage: string | undefined, sink: ErrorSink = stderr): number {
  // Nobody reads any more: nothing to print (Go would have died of SIGPIPE).
  if (err instanceof BrokenPipeError) return err.exitCode;
  if (err instanceof BpmError) {
    // A usage block on its own (`bpm version extra`) gets no blank line: nothing follows it.
    if (err instanceof SilentUsageError) {
      if (usage !== undefined) sink.write(usage);
      return err.exitCode;
    }
    if (err.showUsage && usage !== undefined) sink.write(`${usage}\n`);
    sink.write(`Error: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  sink.write(`Error: ${message.split('\n')[0] || 'unexpected failure'}\n`);
  if (process.env['BPM_DEBUG'] === '1' && err instanceof Error && err.stack !== undefined) {
    sink.write(`${err.stack}\n`);
  }
  return 1;
}
