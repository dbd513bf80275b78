// Volumes may not cover bpm's own state or another job's directories (docs/job-author-guide.md,
// `additional_volumes`; docs/behaviour/policy.md fix #10). bpm runs as root and, for every
// additional volume that is not mount_only, creates it, chmods it 0700 and chowns it to vcap, then
// mounts it into the container: a volume on R/packages/bpm/bin handed the job runc, one on
// R/jobs/JOB its own bpm.yml. Refused,
// whether the path names such a place or reaches it through a symlink:
//   - bpm's state: R/data/bpm, R/sys/run/bpm, R/sys/run/bpm-runc;
//   - the packages and job templates: R/packages, R/jobs (and R/data/packages, R/data/jobs, where
//     BOSH keeps what those link to), except a read-only, mount_only, unshared volume strictly
//     below them: bpm neither creates, chmods, chowns nor remounts that, it only shows it;
//   - another job's R/data/OTHER, R/store/OTHER, R/sys/log/OTHER (OTHER is a job when R/jobs/OTHER
//     exists), and R/store and R/sys/log themselves, which hold every job's;
//   - any ancestor of the above (R/data, R/sys, …), which would cover them.
import { joinPath } from '../go/path.ts';
import { shown } from './shown.ts';
import type { Volume } from './types.ts';

/** What validation may ask the host; LEXICAL_HOST answers without looking. */
export interface VolumeHost {
  /** R/jobs/NAME exists: NAME is a job on this VM. */
  isJob(name: string): boolean;
  /** `path` with every symlink on the way resolved (a missing rest appended as written). */
  resolve(path: string): string;
}

export const LEXICAL_HOST: VolumeHost = { isJob: () => false, resolve: (path) => path };

interface Area {
  rel: string;
  what: string;
  /** A read-only mount_only volume strictly below it is allowed. */
  viewable: boolean;
}

const AREAS: readonly Area[] = [
  { rel: 'data/bpm', what: "bpm's own state", viewable: false },
  { rel: 'sys/run/bpm', what: "bpm's pid files", viewable: false },
  { rel: 'sys/run/bpm-runc', what: "runc's container state", viewable: false },
  { rel: 'packages', what: 'the installed packages', viewable: true },
  { rel: 'data/packages', what: 'the installed packages', viewable: true },
  { rel: 'jobs', what: 'the job templates', viewable: true },
  { rel: 'data/jobs', what: 'the job templates', viewable: true },
];

/** Where each job has a directory of its own. */
const PER_JOB = ['data', 'store', 'sys/log'];

/** Component-wise, for clean absolute paths: `/a/b/c` is below `/a/b`, `/a/bc` is not. */
function isAtOrBelow(path: string, parent: string): boolean {
  return path === parent || path.startsWith(parent === '/' ? '/' : `${parent}/`);
}

function strictlyBelow(path: string, parent: string): boolean {
  return path !== parent && isAtOrBelow(path, parent);
}

/** A volume that may only show what lies there: read-only, never created, chowned or remounted. */
function isView(vol: Volume): boolean {
  return !vol.writable && vol.mountOnly && !vol.shared;
}

/** The path and the place it resolves to (one entry when they are the same). */
function bothForms(path: string, host: VolumeHost): string[] {
  const resolved = host.resolve(path);
  return resolved === path ? [path] : [path, resolved];
}

function areaProblem(paths: string[], area: Area, at: string[], vol: Volume): string | undefined {
  for (const p of paths) {
    for (const a of at) {
      if (strictlyBelow(a, p)) return `covers ${at[0]} (${area.what})`;
      if (!isAtOrBelow(p, a)) continue;
      if (area.viewable && p !== a && isView(vol)) return undefined;
      return area.viewable
        ? `lies in ${at[0]} (${area.what}); only a read-only mount_only volume may mount it`
        : `lies in ${at[0]} (${area.what})`;
    }
  }
  return undefined;
}

function perJobProblem(paths: string[], base: string[], job: string, host: VolumeHost): string | undefined {
  for (const p of paths) {
    for (const b of base) {
      if (isAtOrBelow(b, p)) return `covers ${base[0]}, which holds every job's directories`;
      if (!strictlyBelow(p, b)) continue;
      const other = p.slice(b.length + 1).split('/')[0] ?? '';
      if (other !== job && host.isJob(other)) {
        return `lies in ${joinPath(base[0] ?? b, other)}, a directory of job ${shown(other)}`;
      }
    }
  }
  return undefined;
}

/**
 * Why `vol` (canonical, strictly inside the cleaned root `root`) may not be a volume of `job`, or
 * undefined when it may. The text follows `invalid volume path: `.
 */
export function reservedVolumeProblem(
  vol: Volume,
  root: string,
  job: string,
  host: VolumeHost,
): string | undefined {
  const paths = bothForms(vol.path, host);
  const named =
    paths.length > 1 ? `${shown(vol.path)} (resolves to ${shown(paths[1] ?? '')})` : shown(vol.path);
  for (const area of AREAS) {
    const why = areaProblem(paths, area, bothForms(joinPath(root, area.rel), host), vol);
    if (why !== undefined) return `invalid volume path: ${named} ${why}`;
  }
  for (const rel of PER_JOB) {
    const why = perJobProblem(paths, bothForms(joinPath(root, rel), host), job, host);
    if (why !== undefined) return `invalid volume path: ${named} ${why}`;
  }
  return undefined;
}
