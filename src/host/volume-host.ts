// The host as reserved-volume validation sees it (config/reserved-volumes.ts): which jobs R/jobs
// holds and where symlinks lead. Given to the config loader by the commands that load a bpm.yml from
// disk (start, run, list, export; stop skips the rule); only read, never written.
import { statSync } from 'node:fs';
import type { VolumeHost } from '../config/reserved-volumes.ts';
import { joinPath } from '../go/path.ts';
import { resolveExisting } from './inside-root.ts';

/**
 * `links: 'follow'` also judges where a volume's symlinks lead (start, run: what gets mounted);
 * `'ignore'` judges the path as written (list), so a link the job plants cannot change the answer.
 */
export function fsVolumeHost(root: string, links: 'follow' | 'ignore' = 'follow'): VolumeHost {
  return {
    isJob(name) {
      try {
        return statSync(joinPath(root, 'jobs', name)).isDirectory();
      } catch {
        return false;
      }
    },
    resolve: links === 'follow' ? resolveExisting : (path) => path,
  };
}
