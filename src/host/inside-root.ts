// bpm runs as root and chowns, chmods and writes the directories it derives from the BOSH root.
// A symlink on the way (say `R/data/JOB/tmp` → `/etc`, planted by the job's own vcap user) would
// redirect that outside R. Before touching such a path, bpm checks where it really leads.
import { realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { BpmError } from '../errors.ts';

/** realpath of `path`, or of its deepest existing ancestor with the rest appended. */
function resolveExisting(path: string): string {
  const rest: string[] = [];
  let p = path;
  for (;;) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      const parent = dirname(p);
      if (parent === p) return path;
      rest.push(p.slice(parent === '/' ? 1 : parent.length + 1));
      p = parent;
    }
  }
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '..' && !rel.startsWith('../') && !rel.startsWith('/');
}

/**
 * Throw unless `path`, with every symlink resolved, stays inside the BOSH root `root` (itself
 * resolved). Error: `refusing to use <path>: it resolves to <target>, outside the BOSH root <root>`.
 */
export function assertInsideRoot(root: string, path: string): void {
  const realRoot = resolveExisting(root);
  const target = resolveExisting(path);
  if (!inside(realRoot, target)) {
    throw new BpmError(
      `refusing to use ${path}: it resolves to ${target}, outside the BOSH root ${realRoot}`,
    );
  }
}
