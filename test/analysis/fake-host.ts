// A HostView over an in-memory set of paths, for the pure analysis tests.
import type { FileStatus, HostView } from '../../src/analysis/host-view.ts';

export function fakeHost(
  files: Record<string, FileStatus> = {},
  globs: Record<string, string[] | 'bad'> = {},
  /** Matches the job could redirect, with the reason. */
  redirects: Record<string, string> = {},
  openFilesCeiling: number | undefined = 1_048_576,
): HostView {
  return {
    fileStatus: (p) => files[p] ?? 'missing',
    exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(`${p}/`)),
    glob: (pattern) => {
      const g = globs[pattern];
      if (g === 'bad') throw new Error('syntax error in pattern');
      if (g !== undefined) return g;
      return pattern in files ? [pattern] : [];
    },
    realPath: (p) => p,
    jobRedirect: (p) => redirects[p],
    openFilesCeiling: () => openFilesCeiling,
  };
}
