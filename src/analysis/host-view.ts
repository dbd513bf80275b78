// What the analysis may ask about the host. The real implementation (src/analysis/io/) reads the
// file system; tests pass a fake, so every rule stays pure and unit-testable.

/** `ok`: a regular file with an execute bit; `directory` counts as not executable. */
export type FileStatus = 'ok' | 'missing' | 'not-executable' | 'directory';

export interface HostView {
  /** Status of a host path for `execve` purposes (symlinks followed). */
  fileStatus(path: string): FileStatus;
  /** lstat succeeds. */
  exists(path: string): boolean;
  /** Go filepath.Glob semantics (src/go/filepath.ts); throws on a malformed pattern. */
  glob(pattern: string): string[];
  /** The path with every existing symlink on the way resolved, the missing rest appended. */
  realPath(path: string): string;
  /**
   * Why the job's user could redirect a bind mount of `path` (a symlink, or reached through
   * something vcap can change: bpm drops such unrestricted matches), or undefined.
   */
  jobRedirect(path: string): string | undefined;
  /**
   * The highest `limits.open_files` a start on this host can set, when known: runc cannot raise
   * RLIMIT_NOFILE above the hard limit bpm runs with, or, with CAP_SYS_RESOURCE, above fs.nr_open.
   */
  openFilesCeiling(): number | undefined;
}
