// The job/process a lifecycle operation works on.
import type { JobPaths, RootPaths } from '../bosh/paths.ts';
import { containerId } from '../ids/container-id.ts';

export interface ProcessRef {
  root: RootPaths;
  job: string;
  proc: string;
  /** The runc container id. */
  cid: string;
  paths: JobPaths;
  /**
   * The lifecycle lock's descriptor, in the ref withLifecycleLock hands its operation (lock.ts):
   * the runc calls made under the lock inherit it (docs/behaviour/locking-and-recovery.md §1.2).
   */
  lockFd?: number;
}

export function processRef(root: RootPaths, job: string, proc: string): ProcessRef {
  return { root, job, proc, cid: containerId(job, proc), paths: root.job(job) };
}
