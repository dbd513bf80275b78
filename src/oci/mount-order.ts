// De-duplication and ordering of the bind mounts (docs/behaviour/container.md §3.6).
import type { OciMount } from './types.ts';

export interface OrderedMounts {
  mounts: OciMount[];
  /** Destinations of dropped mounts, in collection order (logged as `duplicate-mount`). */
  duplicates: string[];
}

/**
 * First mount per identical destination string wins; survivors are stably sorted by the number of
 * elements of `destination.split('/')` so parents precede children (ties keep collection order).
 */
export function dedupAndSort(collected: readonly OciMount[]): OrderedMounts {
  const seen = new Set<string>();
  const kept: OciMount[] = [];
  const duplicates: string[] = [];
  for (const m of collected) {
    if (seen.has(m.destination)) {
      duplicates.push(m.destination);
      continue;
    }
    seen.add(m.destination);
    kept.push(m);
  }
  const depth = (m: OciMount) => m.destination.split('/').length;
  return { mounts: kept.toSorted((a, b) => depth(a) - depth(b)), duplicates };
}
