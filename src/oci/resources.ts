// linux.resources and process.rlimits from `limits` (docs/behaviour/container.md §2.3, §2.4).

import { parseMemoryLimit } from '../config/memory.ts';
import type { Limits } from '../config/types.ts';
import type { OciResources, OciRlimit } from './types.ts';

/**
 * memory {limit, swap} when limits.memory is set (swap = limit, only on hosts that can limit swap),
 * pids {limit} when limits.processes is set. Always an object, possibly `{}`. A bad memory text
 * throws parseMemoryLimit's error unchanged.
 */
export function buildResources(limits: Limits | undefined, swapLimit: boolean): OciResources {
  const resources: OciResources = {};
  if (limits?.memory !== undefined) {
    // Upstream converts to uint64 by truncation, then stores it as an int64.
    const bytes = BigInt.asIntN(64, parseMemoryLimit(limits.memory));
    resources.memory = swapLimit ? { limit: bytes, swap: bytes } : { limit: bytes };
  }
  if (limits?.processes !== undefined) resources.pids = { limit: limits.processes };
  return resources;
}

/** RLIMIT_NOFILE then RLIMIT_CORE, soft = hard, each only when configured. */
export function buildRlimits(limits: Limits | undefined): OciRlimit[] {
  const out: OciRlimit[] = [];
  if (limits?.openFiles !== undefined) {
    out.push({ type: 'RLIMIT_NOFILE', hard: limits.openFiles, soft: limits.openFiles });
  }
  if (limits?.coreFileSize !== undefined) {
    out.push({ type: 'RLIMIT_CORE', hard: limits.coreFileSize, soft: limits.coreFileSize });
  }
  return out;
}
