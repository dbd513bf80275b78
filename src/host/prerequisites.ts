// Job prerequisites for start and run (docs/behaviour/paths.md §3): pid dir, shared
// volumes, volume dirs, log/run/tmp/data/store dirs owned by vcap, then the two process log files.
//
// Errors: a BpmError `failed to create system files: <cause>` (the final text of this step; the
// lifecycle adds `failed to start job-process: ` around it as usual). `cause` holds the inner error.
import { chmodSync, chownSync, closeSync, statSync } from 'node:fs';
import type { JobPaths } from '../bosh/paths.ts';
import type { Volume } from '../config/types.ts';
import { BpmError, messageOf } from '../errors.ts';
import type { User } from '../host-facts.ts';
import { goPathError, hasCode } from '../sys/errno.ts';
import { assertInsideRoot } from './inside-root.ts';
import { openLogFile } from './log-file.ts';
import { mkdirAll } from './mkdir-all.ts';
import { makeVolumeShared } from './shared-volume.ts';

export interface PrerequisitesInput {
  paths: JobPaths;
  proc: string;
  /** The process's additional_volumes in file order, then `bpm run -v` volumes. */
  volumes: Volume[];
  ephemeralDisk: boolean;
  persistentDisk: boolean;
  /** The vcap user: owner of everything created on the job's behalf. */
  user: User;
}

/** Descriptors of the opened process logs; the caller closes them. */
export interface ProcessLogs {
  stdout: number;
  stderr: number;
}

function chown(path: string, user: User): void {
  try {
    chownSync(path, user.uid, user.gid);
  } catch (err) {
    throw goPathError('chown', path, err);
  }
}

/** stat(2) following symlinks; only ENOENT counts as missing. */
function statKind(path: string): 'missing' | 'directory' | 'other' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return 'missing';
    throw goPathError('stat', path, err);
  }
}

/** Existing volume directories are always re-chmodded (upstream's mode comparison never matches). */
function chmod0700(path: string): void {
  try {
    chmodSync(path, 0o700);
  } catch (err) {
    throw goPathError('chmod', path, err);
  }
}

async function create(input: PrerequisitesInput): Promise<ProcessLogs> {
  const { paths, user } = input;
  const locksDir = paths.rootPaths.locksDir;
  const root = paths.rootPaths.root;

  assertInsideRoot(root, paths.pidDir);
  mkdirAll(paths.pidDir, 0o700);

  const toCreate: string[] = [];
  const toChown: string[] = [];
  for (const volume of input.volumes) {
    assertInsideRoot(root, volume.path);
    if (volume.shared) await makeVolumeShared(volume.path, locksDir);
    if (volume.mountOnly) continue;
    const kind = statKind(volume.path);
    if (kind === 'missing') toCreate.push(volume.path);
    else if (kind === 'directory') chmod0700(volume.path);
    toChown.push(volume.path);
  }

  toCreate.push(paths.logDir, paths.runDir, paths.tmpDir);
  if (input.ephemeralDisk) toCreate.push(paths.dataDir);
  if (input.persistentDisk) {
    const store = paths.rootPaths.storeRoot;
    if (statKind(store) === 'missing') throw new BpmError('requested persistent disk does not exist');
    toCreate.push(paths.storeDir);
  }

  for (const dir of toCreate) assertInsideRoot(root, dir);
  for (const dir of toCreate) {
    mkdirAll(dir, 0o700);
    chown(dir, user);
  }
  for (const path of toChown) chown(path, user);

  const stdout = openLogFile(paths.stdoutLog(input.proc), user);
  try {
    return { stdout, stderr: openLogFile(paths.stderrLog(input.proc), user) };
  } catch (err) {
    closeSync(stdout);
    throw err;
  }
}

/** Create everything the process needs on the host and open its stdout/stderr logs. */
export async function createPrerequisites(input: PrerequisitesInput): Promise<ProcessLogs> {
  try {
    return await create(input);
  } catch (err) {
    throw new BpmError(`failed to create system files: ${messageOf(err)}`, { cause: err });
  }
}
