// unsafe.unrestricted_volumes (docs/behaviour/container.md §3.5): each volume's path is a glob,
// expanded with Go's filepath.Glob rules (src/go/filepath.ts); every match the job could redirect
// (src/host/job-writable.ts) is dropped before it becomes a mount.
import { resolve } from 'node:path';
import type { Volume } from '../config/types.ts';
import { expandGlob } from '../go/filepath.ts';
import { type JobWriter, jobRedirect } from './job-writable.ts';

/** A glob match left out because the job could redirect a mount of it, and why. */
export interface DroppedMatch {
  path: string;
  reason: string;
}

/** Why the job could redirect a mount of the match `path`, or undefined when it cannot. */
export function matchRedirect(path: string, writer: JobWriter): string | undefined {
  return jobRedirect(resolve(path), writer);
}

/**
 * unsafe.unrestricted_volumes → SpecInput.unrestrictedVolumes: each match inherits its volume's
 * options; a match that is a symlink or is reached through something vcap can change is dropped.
 */
export function expandVolumes(
  volumes: readonly Volume[],
  writer: JobWriter,
): { volumes: Volume[]; dropped: DroppedMatch[] } {
  const kept: Volume[] = [];
  const dropped: DroppedMatch[] = [];
  for (const v of volumes) {
    for (const path of expandGlob(v.path)) {
      const reason = matchRedirect(path, writer);
      if (reason === undefined) kept.push({ ...v, path });
      else dropped.push({ path, reason });
    }
  }
  return { volumes: kept, dropped };
}
