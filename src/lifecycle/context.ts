// The job/process a lifecycle operation works on, and the collaborators it uses.
import type { JobPaths, RootPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import { probeFeatures } from '../host/features.ts';
import type { HostFeatures } from '../host-facts.ts';
import { containerId } from '../ids/container-id.ts';
import { RuncClient } from '../runc/client.ts';

export interface ProcessRef {
  root: RootPaths;
  job: string;
  proc: string;
  /** The runc container id. */
  cid: string;
  paths: JobPaths;
}

export function processRef(root: RootPaths, job: string, proc: string): ProcessRef {
  return { root, job, proc, cid: containerId(job, proc), paths: root.job(job) };
}

export interface Host {
  features: HostFeatures;
  runc: RuncClient;
}

/**
 * Probe host features (docs/behaviour/locking-and-recovery.md §6.3) and make the runc client that
 * follows from them.
 */
export function probeHost(root: RootPaths): Host {
  let features: HostFeatures;
  try {
    features = probeFeatures();
  } catch (err) {
    throw new BpmError(`failed to fetch system features: ${messageOf(err)}`, { cause: err });
  }
  return { features, runc: RuncClient.forRoot(root, features.systemd) };
}
