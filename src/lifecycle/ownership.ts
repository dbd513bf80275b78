// Job X process p and job X.p share one container id (`bpm-X.2ep`); the encoding stays for interop
// with upstream (ids/container-id.ts). So before stop, start, run, pid, shell or trace act on a
// container — signal it, delete it, recover it, adopt it as "already running" — bpm checks that it
// is this job's and process's: runc's state.json records the bundle directory the container was
// created from, and bpm's bundle for JOB/PROC is R/data/bpm/bundles/JOB/PROC. One file read, no
// runc spawn. No state file, or none readable: nothing to tell, and recovery deals with it.
import { relative } from 'node:path';
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError } from '../errors.ts';
import { resolveExisting } from '../host/inside-root.ts';
import { readBundle } from '../runc/state-file.ts';
import type { ProcessRef } from './process-ref.ts';

/** The job and process of a bpm bundle R/data/bpm/bundles/JOB/PROC, else undefined. */
export function bundleOwner(root: RootPaths, bundle: string): { job: string; proc: string } | undefined {
  for (const bundles of [root.bundlesRoot, resolveExisting(root.bundlesRoot)]) {
    const [job, proc, ...more] = relative(bundles, bundle).split('/');
    if (
      more.length === 0 &&
      job !== undefined &&
      proc !== undefined &&
      job !== '..' &&
      job !== '' &&
      proc !== ''
    ) {
      return { job, proc };
    }
  }
  return undefined;
}

/** Throws unless the container at `stateFile` (if any) was created from this process's bundle. */
export function assertOwnContainer(ref: ProcessRef, stateFile: string): void {
  const bundle = readBundle(stateFile);
  if (bundle === undefined) return;
  const mine = ref.paths.bundle(ref.proc);
  if (bundle === mine || bundle === resolveExisting(mine)) return;
  const owner = bundleOwner(ref.root, bundle);
  const whose =
    owner === undefined ? `bundle ${bundle}` : `job ${owner.job}, process ${owner.proc} (bundle ${bundle})`;
  throw new BpmError(
    `container ${ref.cid} belongs to ${whose}, not to job ${ref.job}, process ${ref.proc}: refusing to act on it`,
  );
}
