// Unrestricted volumes are "anywhere on the host" by design and bpm never creates, chmods or chowns
// them, so start accepts them wherever they lead. `bpm validate` still warns when a match inside
// the BOSH root is a place additional volumes may not cover (config/reserved-volumes.ts): bpm's
// state, another job's directories, or packages and job templates mounted writable.

import { reservedVolumeProblem, type VolumeHost } from '../config/reserved-volumes.ts';
import { joinPath } from '../go/path.ts';
import type { FindingSink } from './finding.ts';
import type { ExpandedVolume } from './mounts.ts';

const PREFIX = 'invalid volume path: ';

export function checkReservedUnrestricted(
  unrestricted: readonly ExpandedVolume[],
  root: string,
  job: string,
  host: VolumeHost,
  out: FindingSink,
): void {
  for (const u of unrestricted) {
    for (const match of u.matches) {
      const clean = joinPath(match);
      if (!clean.startsWith(`${root}/`)) continue;
      // Never chowned, never remounted shared: judged as the mount_only volume it is.
      const problem = reservedVolumeProblem(
        { ...u.volume, path: clean, mountOnly: true, shared: false },
        root,
        job,
        host,
      );
      if (problem === undefined) continue;
      out.warning(
        u.field,
        'unrestricted-volume-reserved',
        `unrestricted volume ${JSON.stringify(u.volume.path)}: ${problem.slice(PREFIX.length)}`,
        'an unrestricted volume is not checked at start: make sure the job may see (or write) this',
      );
    }
  }
}
