// Job prerequisites for start and run (docs/behaviour/paths.md §3): pid dir, shared
// volumes, volume dirs, log/run/tmp/data/store dirs owned by vcap, the two process log files, then
// the staging points of the mount sources.
// Every directory is reached with openBeneath (no link the job planted is followed, issue #10) and
// chmodded/chowned through that descriptor; the descriptors of the mount sources are returned so
// that the mounts are made from exactly what was checked (src/host/staging.ts).
//
// Errors: a BpmError `failed to create system files: <cause>` (the final text of this step; the
// lifecycle adds `failed to start job-process: ` around it as usual). `cause` holds the inner error.
import { chmodSync, closeSync, fstatSync, statSync } from 'node:fs';
import type { JobPaths } from '../bosh/paths.ts';
import type { Volume } from '../config/types.ts';
import { BpmError, messageOf } from '../errors.ts';
import type { User } from '../host-facts.ts';
import { closeQuietly, fchownFd, fdPath } from '../sys/at.ts';
import { goPathError, hasCode } from '../sys/errno.ts';
import { assertInsideRoot } from './inside-root.ts';
import { openLogFile } from './log-file.ts';
import { openBeneath } from './open-beneath.ts';
import { makeVolumeShared } from './shared-volume.ts';
import { type SourceFds, stageSources } from './staging.ts';

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

export interface Prerequisites extends ProcessLogs {
  /**
   * Host path → staging path (src/host/staging.ts) of every job-writable bind-mount source: the
   * tmp, log, data and store dirs and the additional volumes. The caller gives these to runc and
   * removes them with clearStaging once runc is done.
   */
  mountSources: Map<string, string>;
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
function chmod0700(fd: number, path: string): void {
  try {
    // The descriptor's own inode (/proc/self/fd/N), not whatever the name leads to by now.
    chmodSync(fdPath(fd), 0o700);
  } catch (err) {
    throw goPathError('chmod', path, err);
  }
}

/** The descriptor of an existing `path` below `root`, or null when it (or a parent) is missing. */
function openExisting(root: string, path: string): number | null {
  try {
    return openBeneath(root, path);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return null;
    throw err;
  }
}

/** Record a mount source; a path listed twice keeps its latest descriptor. */
function keep(sources: SourceFds, path: string, fd: number | null): void {
  closeQuietly(sources.get(path) ?? undefined);
  sources.set(path, fd);
}

function closeSources(sources: SourceFds): void {
  for (const fd of sources.values()) closeQuietly(fd ?? undefined);
  sources.clear();
}

async function prepareDirectories(input: PrerequisitesInput, sources: SourceFds): Promise<void> {
  const { paths, user } = input;
  const locksDir = paths.rootPaths.locksDir;
  const root = paths.rootPaths.root;

  assertInsideRoot(root, paths.pidDir);
  closeSync(openBeneath(root, paths.pidDir, { create: 0o700 }));

  const toCreate: string[] = [];
  const toChown: string[] = [];
  for (const volume of input.volumes) {
    assertInsideRoot(root, volume.path);
    if (volume.shared) await makeVolumeShared(volume.path, locksDir, root);
    const fd = openExisting(root, volume.path);
    if (volume.mountOnly || fd !== null) keep(sources, volume.path, fd);
    if (volume.mountOnly) continue;
    if (fd === null) toCreate.push(volume.path);
    else {
      if (fstatSync(fd).isDirectory()) chmod0700(fd, volume.path);
      toChown.push(volume.path);
    }
  }

  const mounted = [paths.logDir, paths.tmpDir];
  toCreate.push(paths.logDir, paths.runDir, paths.tmpDir);
  if (input.ephemeralDisk) {
    toCreate.push(paths.dataDir);
    mounted.push(paths.dataDir);
  }
  if (input.persistentDisk) {
    const store = paths.rootPaths.storeRoot;
    if (statKind(store) === 'missing') throw new BpmError('requested persistent disk does not exist');
    toCreate.push(paths.storeDir);
    mounted.push(paths.storeDir);
  }

  for (const dir of toCreate) assertInsideRoot(root, dir);
  for (const dir of toCreate) {
    const fd = openBeneath(root, dir, { create: 0o700 });
    try {
      fchownFd(fd, user.uid, user.gid, dir);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    if (mounted.includes(dir) || input.volumes.some((v) => v.path === dir)) keep(sources, dir, fd);
    else closeSync(fd);
  }
  for (const path of toChown) fchownFd(sources.get(path) as number, user.uid, user.gid, path);
}

async function create(input: PrerequisitesInput): Promise<Prerequisites> {
  const sources: SourceFds = new Map();
  let stdout: number | undefined;
  let stderr: number | undefined;
  try {
    await prepareDirectories(input, sources);
    stdout = openLogFile(input.paths.stdoutLog(input.proc), input.user);
    stderr = openLogFile(input.paths.stderrLog(input.proc), input.user);
    const shared = new Set(input.volumes.filter((v) => v.shared).map((v) => v.path));
    const mountSources = await stageSources(input.paths, input.proc, sources, shared);
    return { stdout, stderr, mountSources };
  } catch (err) {
    closeQuietly(stdout);
    closeQuietly(stderr);
    throw err;
  } finally {
    closeSources(sources);
  }
}

/**
 * Create everything the process needs on the host, open its stdout/stderr logs and stage its
 * mount sources. The caller closes the logs and removes the staging points with clearStaging.
 */
export async function createPrerequisites(input: PrerequisitesInput): Promise<Prerequisites> {
  try {
    return await create(input);
  } catch (err) {
    throw new BpmError(`failed to create system files: ${messageOf(err)}`, { cause: err });
  }
}
