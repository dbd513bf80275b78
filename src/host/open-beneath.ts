// Reaching a path below the BOSH root without following a link a job could have planted, at the
// moment bpm uses it (issue #10): the path is walked one component at a time from a descriptor of
// R, each step an O_PATH|O_NOFOLLOW openat relative to the descriptor of the step before, so no
// name is ever resolved twice. A symlink on the way is followed only when root owns it (BOSH's own
// links, e.g. /var/vcap/sys → /var/vcap/data/sys): it is read through its own descriptor, so what
// is followed is what root wrote, whoever renames things meanwhile. Any other symlink is refused.
// With `create`, missing directories are made on the way with mkdirat (root-owned, that mode, like
// `mkdir -p`). The result is an O_PATH descriptor: chown it, clone its mount tree, open below it.
import { closeSync, constants, fstatSync } from 'node:fs';
import { relative } from 'node:path';
import { BpmError } from '../errors.ts';
import { AT_FDCWD, closeQuietly, mkdirAt, O_PATH, openAt, openPathAt, readlinkFd } from '../sys/at.ts';
import { hasCode, SysError } from '../sys/errno.ts';

/** Symlinks followed in one walk before giving up with ELOOP (the kernel's limit). */
const MAX_LINKS = 40;

export interface BeneathOptions {
  /** Create missing directories with this mode (before umask), as `mkdir -p` would. */
  create?: number;
}

/** The refusal worded as the static check words it (src/host/inside-root.ts). */
function foreignLink(path: string, link: string, uid: number): BpmError {
  return new BpmError(`refusing to use ${path}: ${link} is a symlink owned by uid ${uid}, not root`);
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * An O_PATH descriptor of `path` (absolute, at or below `root`), reached as described above. The
 * caller closes it. Errors: `refusing to use <path>: <link> is a symlink owned by uid N, not root`,
 * `stat <path>: <errno text>` (ENOENT, ENOTDIR, ELOOP), `mkdir <dir>: <errno text>`.
 */
export function openBeneath(root: string, path: string, options: BeneathOptions = {}): number {
  const rel = relative(root, path);
  if (rel === '..' || rel.startsWith('../') || rel.startsWith('/')) {
    throw new BpmError(`refusing to use ${path}: not inside the BOSH root ${root}`);
  }
  let cur = { fd: openAt(AT_FDCWD, root, O_PATH | constants.O_DIRECTORY, 0, root), shown: root };
  // The directories walked through, for `..` in a root-owned link's target.
  const parents: (typeof cur)[] = [];
  const pending = components(rel);
  let links = 0;
  try {
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '..') {
        const up = parents.pop() ?? {
          fd: openAt(cur.fd, '..', O_PATH | constants.O_DIRECTORY, 0, cur.shown),
          shown: `${cur.shown}/..`,
        };
        closeSync(cur.fd);
        cur = up;
        continue;
      }
      const shown = cur.shown === '/' ? `/${part}` : `${cur.shown}/${part}`;
      const next = openComponent(cur.fd, part, shown, options.create, path);
      const st = fstatSync(next);
      if (st.isSymbolicLink()) {
        const target = st.uid === 0 && links < MAX_LINKS ? readlinkFd(next, shown) : undefined;
        closeSync(next);
        if (st.uid !== 0) throw foreignLink(path, shown, st.uid);
        if (target === undefined) throw new SysError('stat', 'ELOOP', path);
        links += 1;
        pending.unshift(...components(target));
        if (target.startsWith('/')) {
          for (const p of parents.splice(0)) closeSync(p.fd);
          closeSync(cur.fd);
          cur = { fd: openAt(AT_FDCWD, '/', O_PATH | constants.O_DIRECTORY, 0, '/'), shown: '/' };
        }
        continue;
      }
      if (pending.length > 0 && !st.isDirectory()) {
        closeSync(next);
        throw new SysError(options.create === undefined ? 'stat' : 'mkdir', 'ENOTDIR', shown);
      }
      parents.push(cur);
      cur = { fd: next, shown };
    }
    const result = cur.fd;
    cur.fd = -1;
    return result;
  } finally {
    if (cur.fd >= 0) closeQuietly(cur.fd);
    for (const p of parents) closeQuietly(p.fd);
  }
}

/** One step: open `name` in `dirfd`, creating it as a directory first when asked and missing. */
function openComponent(
  dirfd: number,
  name: string,
  shown: string,
  create: number | undefined,
  path: string,
): number {
  try {
    return openPathAt(dirfd, name, shown);
  } catch (err) {
    if (!hasCode(err, 'ENOENT')) throw err;
    if (create === undefined) throw new SysError('stat', 'ENOENT', path);
  }
  try {
    mkdirAt(dirfd, name, create, shown);
  } catch (err) {
    // Lost a race with another creator: use what is there now (checked like anything else).
    if (!hasCode(err, 'EEXIST')) throw err;
  }
  return openPathAt(dirfd, name, shown);
}
