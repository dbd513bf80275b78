// The host as reserved-volume validation sees it (config/reserved-volumes.ts): which jobs R/jobs
// holds and where symlinks lead. Given to the config loader by every command that loads a bpm.yml
// from disk (start, stop, run, list, export); only read, never written.
import { statSync } from 'node:fs';
import { joinPath } from '../bosh/clean.ts';
import type { VolumeHost } from '../config/reserved-volumes.ts';
import { resolveExisting } from './inside-root.ts';

export function fsVolumeHost(root: string): VolumeHost {
  return {
    isJob(name) {
      try {
        return statSync(joinPath(root, 'jobs', name)).isDirectory();
      } catch {
        return false;
      }
    },
    resolve: resolveExisting,
  };
}
