// How Go's os/exec finds the program to run, against bpm's own PATH (never a job's):
//   - lookPath is exec.LookPath: a name with a slash must itself be an executable file; a bare
//     name is searched in each PATH element in order ('' meaning the working directory);
//   - commandPath is what exec.Command does before starting: only a bare name goes through
//     LookPath, a name with a slash is used verbatim and any problem with it surfaces when it is
//     executed (`fork/exec <name>: <errno text>`). The pre-start hook resolves its command so.
// "Executable" is Go's rule: not a directory, and access(2) grants X_OK.
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { BpmError } from '../errors.ts';
import { goQuote } from './strconv.ts';

function isExecutable(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Go's exec.LookPath; fails with `exec: "<name>": executable file not found in $PATH`. */
export function lookPath(name: string, pathEnv: string = process.env['PATH'] ?? ''): string {
  if (name.includes('/')) {
    if (isExecutable(name)) return name;
    throw new BpmError(`exec: ${goQuote(name)}: permission denied`);
  }
  for (const dir of pathEnv.split(':')) {
    const candidate = join(dir === '' ? '.' : dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  throw new BpmError(`exec: ${goQuote(name)}: executable file not found in $PATH`);
}

/** The file exec.Command(name) would run: a bare name looked up in PATH, any other verbatim. */
export function commandPath(name: string, pathEnv: string = process.env['PATH'] ?? ''): string {
  return name.includes('/') ? name : lookPath(name, pathEnv);
}
