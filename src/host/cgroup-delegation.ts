// cgroup v2 without systemd (a bare v2 host, or bpm nested in a container or a delegated subtree):
// the container's cgroup is made under bpm's own cgroup S, and its limits only work when S passes
// the memory and pids controllers down (S/cgroup.subtree_control). runc tries to enable them and
// ignores a refusal, then fails writing memory.max with a message naming neither S nor the cause.
// Here the controllers the spec needs are enabled before runc runs, and a refusal is one line
// naming what is missing (docs/operator-guide.md, "Running on Noble").
//
// With systemd, runc asks systemd for a scope in a slice and systemd delegates; nothing to do.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmError } from '../errors.ts';
import type { HostFeatures } from '../host-facts.ts';
import { containerParentCgroup } from '../oci/cgroups-path.ts';
import type { OciResources } from '../oci/types.ts';
import { goPathError, hasCode } from '../sys/errno.ts';
import { HOST_FILES, isUnifiedCgroupHost } from './features.ts';

/** The cgroup v2 controllers a container's resources need, in the order they are enabled. */
export function neededControllers(resources: OciResources | undefined): string[] {
  const out: string[] = [];
  if (resources?.memory !== undefined) out.push('memory');
  if (resources?.pids !== undefined) out.push('pids');
  return out;
}

function words(group: string, file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch (err) {
    throw new BpmError(
      `cgroup ${group} cannot hold bpm's containers: ${goPathError('open', file, err).message}`,
    );
  }
}

function refusal(group: string, controller: string, why: string): BpmError {
  return new BpmError(`cgroup ${group} cannot pass the ${controller} controller to bpm's containers: ${why}`);
}

/**
 * Make `group` (a cgroup v2 path relative to `cgroupRoot`) pass `controllers` to its children.
 * Throws a one-line BpmError when a controller is not delegated to `group` or the kernel refuses.
 */
export function delegateControllers(group: string, controllers: string[], cgroupRoot: string): void {
  const dir = join(cgroupRoot, group);
  const available = words(group, join(dir, 'cgroup.controllers'));
  const controlFile = join(dir, 'cgroup.subtree_control');
  const enabled = words(group, controlFile);
  for (const c of controllers) {
    if (enabled.includes(c)) continue;
    if (!available.includes(c))
      throw refusal(group, c, `it is not delegated there (${join(dir, 'cgroup.controllers')} lacks it)`);
    try {
      writeFileSync(controlFile, `+${c}`);
    } catch (err) {
      const text = goPathError('write', controlFile, err).message;
      // EBUSY: the cgroup holds processes. EOPNOTSUPP: it holds processes and already passes a
      // threaded controller (cpu, pids, …) down, which runc enables even then (Node calls it ENOTSUP).
      if (hasCode(err, 'EBUSY') || hasCode(err, 'EOPNOTSUPP') || hasCode(err, 'ENOTSUP'))
        throw refusal(
          group,
          c,
          `${text} (it holds processes, bpm's own among them; cgroup v2 passes ${c} down only from the root cgroup or an empty one)`,
        );
      throw refusal(group, c, text);
    }
  }
}

/**
 * Before runc makes a container with these resources: on a cgroup v2 host without systemd, the
 * controllers they need are enabled in the cgroup the container's cgroup goes into.
 */
export function prepareContainerCgroup(
  features: HostFeatures,
  resources: OciResources | undefined,
  cgroupRoot: string = HOST_FILES.cgroupRoot,
): void {
  if (features.systemd) return;
  const controllers = neededControllers(resources);
  if (controllers.length === 0 || !isUnifiedCgroupHost(cgroupRoot)) return;
  delegateControllers(containerParentCgroup(features.ownCgroup, false), controllers, cgroupRoot);
}
