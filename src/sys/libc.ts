// The FFI seam: the only module that loads koffi, lazily and once, so commands that need no
// syscall beyond Node's never pay for it. Everything is typed here; callers see plain functions.
import { createRequire } from 'node:module';

/** Result of a call that ran on a worker thread: return value plus the errno it left. */
export interface AsyncResult {
  result: number;
  errno: number;
}

export interface Libc {
  /** errno left by the last synchronous call on this thread. */
  errno(): number;
  flock(fd: number, operation: number): number;
  /** flock(2) on a libuv worker thread: may block without blocking the event loop. */
  flockAsync(fd: number, operation: number): Promise<AsyncResult>;
  /** poll(2) on a single descriptor, on a worker thread. */
  pollOneAsync(fd: number, events: number, timeoutMs: number): Promise<AsyncResult>;
  /** poll(2) on the `struct pollfd` array in `fds` (8 bytes each; revents written back in place), on a worker thread. */
  pollManyAsync(fds: Buffer, nfds: number, timeoutMs: number): Promise<AsyncResult>;
  /** eventfd(2). */
  eventfd(initval: number, flags: number): number;
  /** memfd_create(2) (glibc >= 2.27; Node 24 needs 2.28). */
  memfdCreate(name: string, flags: number): number;
  pidfdOpen(pid: number, flags: number): number;
  /** pidfd_send_signal(fd, sig, NULL, 0). */
  pidfdSendSignal(fd: number, sig: number): number;
  mount(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number,
    data: string | null,
  ): number;
  umount2(target: string, flags: number): number;
  /** mount(2) on a libuv worker thread (which shares the process's mount namespace unless the main thread unshared its own). */
  mountAsync(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number,
    data: string | null,
  ): Promise<AsyncResult>;
  /** umount2(2) on a libuv worker thread (same caveat as mountAsync). */
  umount2Async(target: string, flags: number): Promise<AsyncResult>;
  unshare(flags: number): number;
  openat(dirfd: number, path: string, flags: number, mode: number): number;
  mkdirat(dirfd: number, path: string, mode: number): number;
  /** readlinkat(2) into `buf`; returns the byte count or -1. */
  readlinkat(dirfd: number, path: string, buf: Buffer): number;
  fchownat(dirfd: number, path: string, uid: number, gid: number, flags: number): number;
  renameat(olddirfd: number, oldpath: string, newdirfd: number, newpath: string): number;
  /** open_tree(2) (kernel 5.2), through syscall(2). */
  openTree(dirfd: number, path: string, flags: number): number;
  /** move_mount(2) (kernel 5.2), through syscall(2). */
  moveMount(fromDirfd: number, fromPath: string, toDirfd: number, toPath: string, flags: number): number;
  /** prctl(2) with one argument (the others 0). */
  prctl(option: number, arg: number): number;
  /** glibc's mallopt(3): 1 on success, 0 on failure. */
  mallopt(param: number, value: number): number;
  socket(domain: number, type: number, protocol: number): number;
  /** bind(2) to the `struct sockaddr` in `addr`. */
  bind(fd: number, addr: Buffer): number;
  /** sendto(2) of `data` to the `struct sockaddr` in `addr`; returns the byte count or -1. */
  sendto(fd: number, data: Buffer, flags: number, addr: Buffer): number;
  /** recv(2) into `buf`; returns the byte count or -1. */
  recv(fd: number, buf: Buffer, flags: number): number;
  /**
   * waitid(2) into the 128-byte siginfo_t `info` (zero it first: with WNOHANG and nothing to
   * report, the kernel leaves si_pid 0). Returns 0 or -1 (errno).
   */
  waitid(idtype: number, id: number, info: Buffer, options: number): number;
  /** waitid(2) on a worker thread: may block until the child exits without blocking the event loop. */
  waitidAsync(idtype: number, id: number, info: Buffer, options: number): Promise<AsyncResult>;
  /**
   * posix_spawn(3) on a worker thread (glibc: clone(CLONE_VM|CLONE_VFORK), so no copy of bpm's
   * address space; only that worker waits for the exec). `pid` (4 bytes) receives the child's pid;
   * `fileActions` and `attr` were set up with the functions below. Resolves with posix_spawn's own
   * return value in `result`: 0, or the errno number (it does not set errno).
   */
  posixSpawnAsync(
    pid: Buffer,
    path: string,
    fileActions: Buffer,
    attr: Buffer,
    argv: readonly string[],
    envp: readonly string[],
  ): Promise<AsyncResult>;
  /** posix_spawn_file_actions_init / adddup2 / addopen / destroy: 0 or an errno number. */
  spawnFileActionsInit(fa: Buffer): number;
  spawnFileActionsAddDup2(fa: Buffer, fd: number, newfd: number): number;
  spawnFileActionsAddOpen(fa: Buffer, fd: number, path: string, flags: number, mode: number): number;
  spawnFileActionsDestroy(fa: Buffer): number;
  /** posix_spawnattr_init / setflags / setsigdefault / setsigmask / destroy: 0 or an errno number. */
  spawnAttrInit(attr: Buffer): number;
  spawnAttrSetFlags(attr: Buffer, flags: number): number;
  spawnAttrSetSigDefault(attr: Buffer, sigset: Buffer): number;
  spawnAttrSetSigMask(attr: Buffer, sigset: Buffer): number;
  spawnAttrDestroy(attr: Buffer): number;
  /** sigemptyset(3) on a sigset_t buffer. */
  sigEmptySet(set: Buffer): number;
}

type Callback = (err: unknown, result: number) => void;
interface NativeFn {
  (...args: unknown[]): unknown;
  async: (...args: unknown[]) => void;
}
interface KoffiModule {
  load(path: string | null): { func(definition: string): NativeFn };
  struct(name: string, def: Record<string, string>): unknown;
  errno(): number;
}

// pidfd_open(2) is 434 and pidfd_send_signal(2) 424 on every architecture (they postdate the
// syscall table unification).
const SYS_pidfd_open = 434;
const SYS_pidfd_send_signal = 424;
// Likewise open_tree(2) and move_mount(2).
const SYS_open_tree = 428;
const SYS_move_mount = 429;

let instance: Libc | undefined;

/** The libc bindings, loading koffi on first use. */
export function libc(): Libc {
  instance ??= bind();
  return instance;
}

/**
 * koffi's native addon. koffi's JS entry costs ~7 ms per run (it copies node:util's exports, whose
 * lazy getters load util's diff and colour modules and create process.stderr); bpm uses only the
 * addon's own functions (load, func, struct, errno), so it loads the prebuilt glibc binary from
 * koffi's platform package directly (~2 ms) and falls back to koffi's entry for anything else
 * (musl, another layout).
 */
function loadKoffi(): KoffiModule {
  const require = createRequire(import.meta.url);
  const { platform, arch } = process;
  try {
    // The same binary koffi's entry loads first; koffi pins this package to its own version.
    const native = require(
      `@koromix/koffi-${platform}-${arch}/${platform}_${arch}/koffi.node`,
    ) as Partial<KoffiModule>;
    if (typeof native.load === 'function') return native as KoffiModule;
  } catch {
    // fall through to koffi's own loader
  }
  return require('koffi') as KoffiModule;
}

function bind(): Libc {
  const koffi = loadKoffi();
  let lib: { func(definition: string): NativeFn };
  try {
    lib = koffi.load('libc.so.6');
  } catch {
    lib = koffi.load(null);
  }
  // Each binding is made on first use: parsing prototypes is not free, and one run of bpm needs
  // two or three of them.
  const lazy = <F>(make: () => F): (() => F) => {
    let fn: F | undefined;
    return () => {
      fn ??= make();
      return fn;
    };
  };
  const flock = lazy(() => lib.func('int flock(int fd, int operation)'));
  const poll = lazy(() => {
    koffi.struct('bpm_pollfd', { fd: 'int', events: 'short', revents: 'short' });
    return lib.func('int poll(_Inout_ bpm_pollfd *fds, unsigned long nfds, int timeout)');
  });
  const pollMany = lazy(() => lib.func('int poll(_Inout_ uint8_t *fds, unsigned long nfds, int timeout)'));
  const eventfd = lazy(() => lib.func('int eventfd(unsigned int initval, int flags)'));
  const memfdCreate = lazy(() => lib.func('int memfd_create(const char *name, unsigned int flags)'));
  const mount = lazy(() =>
    lib.func(
      'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
    ),
  );
  const umount2 = lazy(() => lib.func('int umount2(const char *target, int flags)'));
  const unshare = lazy(() => lib.func('int unshare(int flags)'));
  const mallopt = lazy(() => lib.func('int mallopt(int param, int value)'));
  const prctl = lazy(() =>
    lib.func('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)'),
  );
  const waitid = lazy(() =>
    lib.func('int waitid(int idtype, unsigned int id, _Inout_ uint8_t *infop, int options)'),
  );
  const syscall = lazy(() => lib.func('long syscall(long number, ...)'));
  const posixSpawn = lazy(() =>
    lib.func(
      'int posix_spawn(_Out_ uint8_t *pid, const char *path, const uint8_t *fa, const uint8_t *attr, const char **argv, const char **envp)',
    ),
  );
  const spawnFn = lazy(() => ({
    faInit: lib.func('int posix_spawn_file_actions_init(uint8_t *fa)'),
    faDup2: lib.func('int posix_spawn_file_actions_adddup2(uint8_t *fa, int fd, int newfd)'),
    faOpen: lib.func(
      'int posix_spawn_file_actions_addopen(uint8_t *fa, int fd, const char *path, int flags, unsigned int mode)',
    ),
    faDestroy: lib.func('int posix_spawn_file_actions_destroy(uint8_t *fa)'),
    attrInit: lib.func('int posix_spawnattr_init(uint8_t *attr)'),
    attrFlags: lib.func('int posix_spawnattr_setflags(uint8_t *attr, short flags)'),
    attrSigDefault: lib.func('int posix_spawnattr_setsigdefault(uint8_t *attr, const uint8_t *set)'),
    attrSigMask: lib.func('int posix_spawnattr_setsigmask(uint8_t *attr, const uint8_t *set)'),
    attrDestroy: lib.func('int posix_spawnattr_destroy(uint8_t *attr)'),
    empty: lib.func('int sigemptyset(uint8_t *set)'),
  }));
  const socket = lazy(() => lib.func('int socket(int domain, int type, int protocol)'));
  const bind = lazy(() => lib.func('int bind(int fd, const uint8_t *addr, unsigned int addrlen)'));
  const sendto = lazy(() =>
    lib.func(
      'long sendto(int fd, const uint8_t *buf, unsigned long len, int flags, const uint8_t *addr, unsigned int addrlen)',
    ),
  );
  const recv = lazy(() => lib.func('long recv(int fd, _Out_ uint8_t *buf, unsigned long len, int flags)'));
  const openat = lazy(() =>
    lib.func('int openat(int dirfd, const char *path, int flags, unsigned int mode)'),
  );
  const mkdirat = lazy(() => lib.func('int mkdirat(int dirfd, const char *path, unsigned int mode)'));
  const readlinkat = lazy(() =>
    lib.func('long readlinkat(int dirfd, const char *path, _Out_ uint8_t *buf, unsigned long size)'),
  );
  const fchownat = lazy(() =>
    lib.func('int fchownat(int dirfd, const char *path, unsigned int uid, unsigned int gid, int flags)'),
  );
  const renameat = lazy(() =>
    lib.func('int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)'),
  );
  /** The glibc wrapper when there is one (glibc >= 2.36), else syscall(2). */
  const wrapperOr = <F>(definition: string, wrap: (fn: NativeFn) => F, viaSyscall: F) =>
    lazy((): F => {
      try {
        return wrap(lib.func(definition));
      } catch {
        return viaSyscall;
      }
    });
  const pidfdOpen = wrapperOr(
    'int pidfd_open(int pid, unsigned int flags)',
    (fn) => (pid: number, flags: number) => fn(pid, flags) as number,
    (pid: number, flags: number) => Number(syscall()(SYS_pidfd_open, 'int', pid, 'unsigned int', flags)),
  );
  const pidfdSendSignal = wrapperOr(
    'int pidfd_send_signal(int pidfd, int sig, void *info, unsigned int flags)',
    (fn) => (fd: number, sig: number) => fn(fd, sig, null, 0) as number,
    (fd: number, sig: number) =>
      Number(syscall()(SYS_pidfd_send_signal, 'int', fd, 'int', sig, 'void *', null, 'unsigned int', 0)),
  );

  const runAsync = (fn: NativeFn, args: unknown[]): Promise<AsyncResult> =>
    new Promise((resolve, reject) => {
      const done: Callback = (err, result) => {
        // koffi restores the worker's errno on this thread for the duration of the callback.
        if (err) reject(err);
        else resolve({ result, errno: result < 0 ? koffi.errno() : 0 });
      };
      fn.async(...args, done);
    });

  return {
    errno: () => koffi.errno(),
    flock: (fd, operation) => flock()(fd, operation) as number,
    flockAsync: (fd, operation) => runAsync(flock(), [fd, operation]),
    pollOneAsync: (fd, events, timeoutMs) => runAsync(poll(), [{ fd, events, revents: 0 }, 1, timeoutMs]),
    pollManyAsync: (fds, nfds, timeoutMs) => runAsync(pollMany(), [fds, nfds, timeoutMs]),
    eventfd: (initval, flags) => eventfd()(initval, flags) as number,
    memfdCreate: (name, flags) => memfdCreate()(name, flags) as number,
    pidfdOpen: (pid, flags) => pidfdOpen()(pid, flags),
    pidfdSendSignal: (fd, sig) => pidfdSendSignal()(fd, sig),
    mount: (source, target, fstype, flags, data) => mount()(source, target, fstype, flags, data) as number,
    umount2: (target, flags) => umount2()(target, flags) as number,
    mountAsync: (source, target, fstype, flags, data) =>
      runAsync(mount(), [source, target, fstype, flags, data]),
    umount2Async: (target, flags) => runAsync(umount2(), [target, flags]),
    unshare: (flags) => unshare()(flags) as number,
    openat: (dirfd, path, flags, mode) => openat()(dirfd, path, flags, mode) as number,
    mkdirat: (dirfd, path, mode) => mkdirat()(dirfd, path, mode) as number,
    readlinkat: (dirfd, path, buf) => Number(readlinkat()(dirfd, path, buf, buf.length)),
    fchownat: (dirfd, path, uid, gid, flags) => fchownat()(dirfd, path, uid, gid, flags) as number,
    renameat: (olddirfd, oldpath, newdirfd, newpath) =>
      renameat()(olddirfd, oldpath, newdirfd, newpath) as number,
    openTree: (dirfd, path, flags) =>
      Number(syscall()(SYS_open_tree, 'int', dirfd, 'const char *', path, 'unsigned int', flags)),
    moveMount: (fromDirfd, fromPath, toDirfd, toPath, flags) =>
      Number(
        syscall()(
          SYS_move_mount,
          'int',
          fromDirfd,
          'const char *',
          fromPath,
          'int',
          toDirfd,
          'const char *',
          toPath,
          'unsigned int',
          flags,
        ),
      ),
    prctl: (option, arg) => prctl()(option, arg, 0, 0, 0) as number,
    mallopt: (param, value) => mallopt()(param, value) as number,
    socket: (domain, type, protocol) => socket()(domain, type, protocol) as number,
    bind: (fd, addr) => bind()(fd, addr, addr.length) as number,
    sendto: (fd, data, flags, addr) => Number(sendto()(fd, data, data.length, flags, addr, addr.length)),
    recv: (fd, buf, flags) => Number(recv()(fd, buf, buf.length, flags)),
    waitid: (idtype, id, info, options) => waitid()(idtype, id, info, options) as number,
    waitidAsync: (idtype, id, info, options) => runAsync(waitid(), [idtype, id, info, options]),
    posixSpawnAsync: (pid, path, fileActions, attr, argv, envp) =>
      runAsync(posixSpawn(), [pid, path, fileActions, attr, [...argv, null], [...envp, null]]),
    spawnFileActionsInit: (fa) => spawnFn().faInit(fa) as number,
    spawnFileActionsAddDup2: (fa, fd, newfd) => spawnFn().faDup2(fa, fd, newfd) as number,
    spawnFileActionsAddOpen: (fa, fd, path, flags, mode) =>
      spawnFn().faOpen(fa, fd, path, flags, mode) as number,
    spawnFileActionsDestroy: (fa) => spawnFn().faDestroy(fa) as number,
    spawnAttrInit: (attr) => spawnFn().attrInit(attr) as number,
    spawnAttrSetFlags: (attr, flags) => spawnFn().attrFlags(attr, flags) as number,
    spawnAttrSetSigDefault: (attr, set) => spawnFn().attrSigDefault(attr, set) as number,
    spawnAttrSetSigMask: (attr, set) => spawnFn().attrSigMask(attr, set) as number,
    spawnAttrDestroy: (attr) => spawnFn().attrDestroy(attr) as number,
    sigEmptySet: (set) => spawnFn().empty(set) as number,
  };
}
