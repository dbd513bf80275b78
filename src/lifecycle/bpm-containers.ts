// The containers in bpm's runc root, each traced back to the job and process it was made for
// (the supervisor's start-up sweep, docs/supervisor.md). No runc spawn: the root's directory names
// are the container ids, and runc's state file records the bundle each was created from. An id
// alone cannot always say which job and process it is (`bpm-X.2ep` is job X, process p, and job
// X.p, process X.p alike), so the bundle R/data/bpm/bundles/JOB/PROC decides, and it must encode
// back to the very id. A container that fails any of this is reported with the reason, never acted on.
import { readdirSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { messageOf } from '../errors.ts';
import { decode } from '../ids/container-id.ts';
import { readBundle } from '../runc/state-file.ts';
import { bundleOwner } from './ownership.ts';
import { type ProcessRef, processRef } from './process-ref.ts';

/** A container of the runc root: bpm's, made for `ref`, or not bpm's to act on (`problem` says why). */
export type FoundContainer = { cid: string; ref: ProcessRef } | { cid: string; problem: string };

/** Every container of R's runc root, in id order (none when the root does not exist). */
export function bpmContainers(root: RootPaths): FoundContainer[] {
  let ids: string[];
  try {
    ids = readdirSync(root.runcRoot).sort();
  } catch {
    return [];
  }
  return ids.map((cid) => identify(root, cid));
}

function identify(root: RootPaths, cid: string): FoundContainer {
  try {
    decode(cid); // not bpm's encoding (another tool's container, a planted name): left alone
  } catch (err) {
    return { cid, problem: messageOf(err) };
  }
  const bundle = readBundle(root.runcStateFile(cid));
  if (bundle === undefined) return { cid, problem: "runc's state file records no bundle" };
  const owner = bundleOwner(root, bundle);
  if (owner === undefined) return { cid, problem: `created from ${bundle}, not from a bpm bundle` };
  const ref = processRef(root, owner.job, owner.proc);
  if (ref.cid !== cid) {
    return {
      cid,
      problem: `created from the bundle of job ${owner.job}, process ${owner.proc}, whose id is ${ref.cid}`,
    };
  }
  return { cid, ref };
}
