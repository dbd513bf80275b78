// The seccomp allow-list of upstream bpm HEAD (docs/behaviour/container.md §4), as data. Rule order is part
// of the byte-identical config.json; `personality` appears three times, once per allowed argument.
import type { OciSeccomp, OciSyscall } from './types.ts';

/** Namespace-creating clone flags: NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET = 0x7C020000. */
const CLONE_NAMESPACE_FLAGS = 2080505856n;
/** personality(2) arguments allowed, in rule order: PER_LINUX, query (0xffffffff), PER_LINUX32. */
const PERSONALITY_ARGS: readonly bigint[] = [0n, 4294967295n, 8n];
export const ENOSYS = 38;

// biome-ignore format: 8 names per line, exactly as listed in docs/behaviour/container.md §4.
export const SECCOMP_RULE_NAMES: readonly string[] = [
  '_llseek', '_newselect', 'accept', 'accept4', 'access', 'alarm', 'arch_prctl', 'bind',
  'brk', 'capget', 'capset', 'chdir', 'chmod', 'chown', 'chown32', 'chroot',
  'clock_getres', 'clock_gettime', 'clock_nanosleep', 'clone', 'clone3', 'close', 'connect', 'copy_file_range',
  'creat', 'dup', 'dup2', 'dup3', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old',
  'epoll_pwait', 'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'execve', 'execveat', 'exit',
  'exit_group', 'faccessat', 'fadvise64', 'fadvise64_64', 'fallocate', 'fanotify_mark', 'fchdir', 'fchmod',
  'fchmodat', 'fchown', 'fchown32', 'fchownat', 'fcntl', 'fcntl64', 'fdatasync', 'fgetxattr',
  'flistxattr', 'flock', 'fork', 'fremovexattr', 'fsetxattr', 'fstat', 'fstat64', 'fstatat64',
  'fstatfs', 'fstatfs64', 'fsync', 'ftruncate', 'ftruncate64', 'futex', 'futimesat', 'get_robust_list',
  'get_thread_area', 'getcpu', 'getcwd', 'getdents', 'getdents64', 'getegid', 'getegid32', 'geteuid',
  'geteuid32', 'getgid', 'getgid32', 'getgroups', 'getgroups32', 'getitimer', 'getpeername', 'getpgid',
  'getpgrp', 'getpid', 'getppid', 'getpriority', 'getrandom', 'getresgid', 'getresgid32', 'getresuid',
  'getresuid32', 'getrlimit', 'getrusage', 'getsid', 'getsockname', 'getsockopt', 'gettid', 'gettimeofday',
  'getuid', 'getuid32', 'getxattr', 'inotify_add_watch', 'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'io_cancel',
  'io_destroy', 'io_getevents', 'io_setup', 'io_submit', 'ioctl', 'ioprio_get', 'ioprio_set', 'ipc',
  'kill', 'lchown', 'lchown32', 'lgetxattr', 'link', 'linkat', 'listen', 'listxattr',
  'llistxattr', 'lremovexattr', 'lseek', 'lsetxattr', 'lstat', 'lstat64', 'madvise', 'memfd_create',
  'mincore', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'mlock', 'mlock2', 'mlockall',
  'mmap', 'mmap2', 'modify_ldt', 'mprotect', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive',
  'mq_timedsend', 'mq_unlink', 'mremap', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'msync',
  'munlock', 'munlockall', 'munmap', 'nanosleep', 'newfstatat', 'open', 'openat', 'openat2',
  'pause', 'personality', 'personality', 'personality', 'pipe', 'pipe2', 'poll', 'ppoll',
  'prctl', 'pread64', 'preadv', 'preadv2', 'prlimit64', 'pselect6', 'pwrite64', 'pwritev',
  'pwritev2', 'read', 'readahead', 'readlink', 'readlinkat', 'readv', 'recv', 'recvfrom',
  'recvmmsg', 'recvmsg', 'remap_file_pages', 'removexattr', 'rename', 'renameat', 'renameat2', 'restart_syscall',
  'rmdir', 'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait',
  'rt_tgsigqueueinfo', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_getscheduler', 'sched_rr_get_interval',
  'sched_setaffinity', 'sched_setattr', 'sched_setparam', 'sched_setscheduler', 'sched_yield', 'seccomp', 'select', 'semctl',
  'semget', 'semop', 'semtimedop', 'send', 'sendfile', 'sendfile64', 'sendmmsg', 'sendmsg',
  'sendto', 'set_robust_list', 'set_thread_area', 'set_tid_address', 'setfsgid', 'setfsgid32', 'setfsuid', 'setfsuid32',
  'setgid', 'setgid32', 'setgroups', 'setgroups32', 'setitimer', 'setpgid', 'setpriority', 'setregid',
  'setregid32', 'setresgid', 'setresgid32', 'setresuid', 'setresuid32', 'setreuid', 'setreuid32', 'setrlimit',
  'setsid', 'setsockopt', 'setuid', 'setuid32', 'setxattr', 'shmat', 'shmctl', 'shmdt',
  'shmget', 'shutdown', 'sigaltstack', 'signalfd', 'signalfd4', 'sigreturn', 'socket', 'socketcall',
  'socketpair', 'splice', 'stat', 'statx', 'stat64', 'statfs', 'statfs64', 'symlink',
  'symlinkat', 'sync', 'sync_file_range', 'syncfs', 'sysinfo', 'syslog', 'tee', 'tgkill',
  'time', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_settime', 'timerfd_create', 'timerfd_gettime',
  'timerfd_settime', 'times', 'tkill', 'truncate', 'truncate64', 'ugetrlimit', 'umask', 'uname',
  'unlink', 'unlinkat', 'utime', 'utimensat', 'utimes', 'vfork', 'vmsplice', 'wait4',
  'waitid', 'waitpid', 'write', 'writev',
];

function rule(name: string, occurrence: number): OciSyscall {
  switch (name) {
    case 'clone':
      return {
        names: [name],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }],
      };
    case 'clone3':
      return { names: [name], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS };
    case 'personality':
      return {
        names: [name],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: PERSONALITY_ARGS[occurrence]!, op: 'SCMP_CMP_EQ' }],
      };
    default:
      return { names: [name], action: 'SCMP_ACT_ALLOW' };
  }
}

/** A fresh copy of the profile (callers may mutate what they get). */
export function seccompProfile(): OciSeccomp {
  const seen = new Map<string, number>();
  const syscalls = SECCOMP_RULE_NAMES.map((name) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return rule(name, n);
  });
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls,
  };
}
