// The real HostView: stat/lstat on the host and Go-style glob expansion.
import { statSync } from 'node:fs';
import { expandGlob, lexists, matchRedirect } from '../../host/glob.ts';
import { resolveExisting } from '../../host/inside-root.ts';
import { type JobWriter, jobWriter } from '../../host/job-writable.ts';
import { vcapUser } from '../../host/user.ts';
import type { FileStatus, HostView } from '../host-view.ts';

function fileStatus(path: string): FileStatus {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'directory';
    if (!st.isFile()) return 'not-executable';
    // Root (bpm's user) may execute a file when any execute bit is set.
    return (st.mode & 0o111) !== 0 ? 'ok' : 'not-executable';
  } catch {
    return 'missing';
  }
}

let writer: JobWriter | undefined;

/** vcap's uid and groups, read on first use (a host without vcap: the stemcell's uid/gid). */
function jobRedirect(path: string): string | undefined {
  writer ??= jobWriter(vcapUser().user);
  return matchRedirect(path, writer);
}

export const fsHost: HostView = {
  fileStatus,
  exists: lexists,
  glob: expandGlob,
  realPath: resolveExisting,
  jobRedirect,
};
