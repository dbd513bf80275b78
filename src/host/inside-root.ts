// bpm runs as root and chowns, chmods and writes the directories it derives from the BOSH root.
// A symlink on the way (say `R/data/JOB/tmp` → `/etc`, planted by the job's own vcap user) would
// redirect that outside R. Before touching such a path, bpm checks where it really leads. A link
// inside R is no better when vcap planted it (→ R/data/bpm, R/jobs/OTHER, R/packages: root would
// chown them to vcap or mount them rw), so below R every symlink on the way must be root's.
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { BpmError } from '../errors.ts';

/** realpath of `path`, or of its deepest existing ancestor with the rest appended. */
export function resolveExisting(path: string): string {
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

/** The first component of `path` below `root` (lexically) that is a symlink not owned by root. */
function foreignSymlink(root: string, path: string): { link: string; uid: number } | undefined {
  if (!inside(root, path)) return undefined;
  let p = root;
  for (const part of relative(root, path).split('/')) {
    if (part === '') continue;
    p = join(p, part);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(p);
    } catch {
      return undefined; // the rest does not exist yet: bpm creates it
    }
    if (st.isSymbolicLink() && st.uid !== 0) return { link: p, uid: st.uid };
  }
  return undefined;
}

/**
 * Throw unless `path`, with every symlink resolved, stays inside the BOSH root `root` (itself
 * resolved), and no symlink below `root` on the way belongs to anyone but root.
 * Errors: `refusing to use <path>: it resolves to <target>, outside the BOSH root <root>`,
 * `refusing to use <path>: <link> is a symlink owned by uid <uid>, not root`.
 */
export function assertInsideRoot(root: string, path: string): void {
  const realRoot = resolveExisting(root);
  const target = resolveExisting(path);
  if (!inside(realRoot, target)) {
    throw new BpmError(
      `refusing to use ${path}: it resolves to ${target}, outside the BOSH root ${realRoot}`,
    );
  }
  const foreign = foreignSymlink(root, path);
  if (foreign !== undefined) {
    throw new BpmError(
      `refusing to use ${path}: ${foreign.link} is a symlink owned by uid ${foreign.uid}, not root`,
    );
  }
}
