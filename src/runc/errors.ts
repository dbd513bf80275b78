// Errors of runc invocations. Their messages are the texts upstream shows (`exit status 1`,
// `fork/exec <path>: no such file or directory`, JSON errors).

import { BpmError } from '../errors.ts';
import { type ExitResult, exitText } from '../text/exit-status.ts';
import { goErrnoText } from '../text/os-error.ts';

/** A runc call that failed; exit status 1 like every BpmError, and shown as its message. */
export class RuncError extends BpmError {
  /** How runc ended when it ran; undefined when it could not be started or its output was bad. */
  readonly exit: ExitResult | undefined;
  constructor(message: string, exit?: ExitResult) {
    super(message);
    this.exit = exit;
  }
  static fromExit(exit: ExitResult): RuncError {
    return new RuncError(exitText(exit), exit);
  }
}

/** Go's text for a failed exec of `path`: `fork/exec <path>: <strerror>`. */
export function execFailureText(path: string, err: unknown): string {
  return `fork/exec ${path}: ${goErrnoText(err)}`;
}
