// mount(2)/umount2(2) for shared volumes and cgroup setup, and the cgroup2 statfs check. Failures
// are SysErrors whose message is the bare Go errno text ("device or resource busy"). The *Async
// variants run the call on a libuv worker thread (the staging points' removal, src/host/staging.ts):
// the workers share the process's mount namespace, so they must not be used after
// privateMountNamespace(), which moves only the calling thread.
import { statfsSync } from 'node:fs';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';

export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_PRIVATE = 1 << 18;
export const MS_SHARED = 1 << 20;
const CLONE_NEWNS = 0x20000;
/** umount2 flag: detach now, clean up when no longer busy. */
export const MNT_DETACH = 2;

const CGROUP2_SUPER_MAGIC = 0x63677270;

/** mount(2). `null` source/fstype/data pass NULL. */
export function mount(
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data: string | null,
): void {
  if (libc().mount(source, target, fstype, flags, data) !== 0) throw new SysError('mount', libc().errno());
}

/** umount2(2) with the given flags (0 = plain umount). */
export function unmount(target: string, flags = 0): void {
  if (libc().umount2(target, flags) !== 0) throw new SysError('umount', libc().errno());
}

/** umount2(2) on a libuv worker thread. */
export async function unmountAsync(target: string, flags = 0): Promise<void> {
  const { result, errno } = await libc().umount2Async(target, flags);
  if (result !== 0) throw new SysError('umount', errno);
}

/**
 * Give the calling thread (Node's main thread, from which child processes are forked) a mount
 * namespace of its own in which nothing propagates back to the host (`unshare -m
 * --propagation private`). What bpm mounts afterwards is seen only by it and its children.
 */
export function privateMountNamespace(): void {
  if (libc().unshare(CLONE_NEWNS) !== 0) throw new SysError('unshare', libc().errno());
  makePrivate('/', true);
}

/**
 * `mount --make-private path` (`--make-rprivate` with `recursive`): the mount leaves its peer group,
 * so nothing mounted or unmounted at it or at its former peers propagates any more.
 */
export function makePrivate(path: string, recursive: boolean): void {
  mount('none', path, null, MS_PRIVATE | (recursive ? MS_REC : 0), null);
}

/** makePrivate on a libuv worker thread. */
export async function makePrivateAsync(path: string, recursive: boolean): Promise<void> {
  const flags = MS_PRIVATE | (recursive ? MS_REC : 0);
  const { result, errno } = await libc().mountAsync('none', path, null, flags, null);
  if (result !== 0) throw new SysError('mount', errno);
}

/** `mount --make-shared path`. */
export function makeShared(path: string): void {
  mount('none', path, null, MS_SHARED, null);
}

/** Whether `path` is on a cgroup2 file system (statfs f_type == CGROUP2_SUPER_MAGIC). */
export function isCgroup2(path: string): boolean {
  return statfsSync(path).type === CGROUP2_SUPER_MAGIC;
}
