// Typed errors. Each carries its exit code; the top-level handler (src/cli/main.ts) is the only
// place that prints them and the only caller of process.exit.

/** An error shown to the user as `Error: <message>` with exit status 1 (unless overridden). */
export class BpmError extends Error {
  readonly exitCode: number;
  /** Print the command's usage block before the error line (cobra's behaviour for some errors). */
  readonly showUsage: boolean;

  constructor(message: string, options: { exitCode?: number; showUsage?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
    this.showUsage = options.showUsage ?? false;
  }
}

/**
 * bpm's stdout was closed by its reader (`bpm list | true`). Go dies of SIGPIPE there, silently
 * (status 141 in a shell); Node ignores SIGPIPE, so the top-level handler prints nothing and
 * exits 141.
 */
export class BrokenPipeError extends BpmError {
  constructor(cause?: unknown) {
    super('write /dev/stdout: broken pipe', { exitCode: 141, cause });
  }
}

/** Bad command line: printed after the usage block. */
export class UsageError extends BpmError {
  constructor(message: string) {
    super(message, { showUsage: true });
  }
}

/** Usage block only, no `Error:` line (e.g. `bpm version extra`). */
export class SilentUsageError extends BpmError {
  constructor() {
    super('', { showUsage: true });
  }
}

/** Where in a bpm.yml a finding points. `field` is a path such as `processes[0].limits.memory`. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  field: string;
}

/** A bpm.yml problem. `detail` is the bare text; the message adds file:line:column and field. */
export class ConfigError extends BpmError {
  readonly location: SourceLocation | undefined;
  readonly detail: string;

  constructor(detail: string, location?: SourceLocation) {
    super(
      location
        ? `${location.file}:${location.line}:${location.column}: ${location.field}: ${detail}`
        : detail,
    );
    this.detail = detail;
    this.location = location;
  }
}

/** `bpm run`: the errand's exit status becomes bpm's. */
export class ExitStatusError extends BpmError {
  constructor(message: string, exitCode: number) {
    super(message, { exitCode });
  }
}

/** Text of an unknown thrown value, for wrapping causes into messages. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
