// The real HostView: stat/lstat on the host and Go-style glob expansion.
import { readFileSync, statSync } from 'node:fs';
import { expandGlob } from '../../go/filepath.ts';
import { lexists } from '../../go/os.ts';
import { resolveExisting } from '../../host/inside-root.ts';
import { type JobWriter, jobWriter } from '../../host/job-writable.ts';
import { matchRedirect } from '../../host/unrestricted-volumes.ts';
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

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const CAP_SYS_RESOURCE = 24n;

/** This process's hard RLIMIT_NOFILE (`Max open files` in /proc/self/limits). */
export function hardOpenFiles(limitsText: string): number | undefined {
  const m = /^Max open files\s+\S+\s+(\d+)/m.exec(limitsText);
  return m ? Number(m[1]) : undefined;
}

/** Whether CapEff in /proc/self/status holds CAP_SYS_RESOURCE. */
export function hasSysResource(statusText: string): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)/m.exec(statusText);
  return m !== null && ((BigInt(`0x${m[1]}`) >> CAP_SYS_RESOURCE) & 1n) === 1n;
}

/**
 * The open-files ceiling a start will meet. bpm runs as root: with CAP_SYS_RESOURCE (a normal
 * BOSH VM) only fs.nr_open bounds it; root without it keeps this process's hard limit. A
 * validate run by another user cannot see root's hard limit, so only fs.nr_open is certain.
 */
export function openFilesCeilingFrom(
  nrOpen: string | undefined,
  limits: string | undefined,
  status: string | undefined,
  isRoot: boolean,
): number | undefined {
  const kernel = nrOpen === undefined || !/^\d+\s*$/.test(nrOpen) ? undefined : Number(nrOpen);
  if (!isRoot || (status !== undefined && hasSysResource(status))) return kernel;
  const hard = limits === undefined ? undefined : hardOpenFiles(limits);
  if (hard === undefined) return kernel;
  return kernel === undefined ? hard : Math.min(hard, kernel);
}

function openFilesCeiling(): number | undefined {
  return openFilesCeilingFrom(
    readOrUndefined('/proc/sys/fs/nr_open'),
    readOrUndefined('/proc/self/limits'),
    readOrUndefined('/proc/self/status'),
    process.getuid?.() === 0,
  );
}

export const fsHost: HostView = {
  fileStatus,
  exists: lexists,
  glob: expandGlob,
  realPath: resolveExisting,
  jobRedirect,
  openFilesCeiling,
};
