// Process capabilities (docs/behaviour/container.md §2.3, §5; docs/behaviour/config.md §6).
import type { OciCapabilities } from './types.ts';

/** Appended after the configured capabilities in privileged mode (Docker's privileged list). */
export const PRIVILEGED_CAPABILITIES: readonly string[] = [
  'CAP_AUDIT_CONTROL',
  'CAP_AUDIT_READ',
  'CAP_AUDIT_WRITE',
  'CAP_BLOCK_SUSPEND',
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_KILL',
  'CAP_LEASE',
  'CAP_LINUX_IMMUTABLE',
  'CAP_MAC_ADMIN',
  'CAP_MAC_OVERRIDE',
  'CAP_MKNOD',
  'CAP_NET_ADMIN',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_RAW',
  'CAP_SETFCAP',
  'CAP_SETGID',
  'CAP_SETPCAP',
  'CAP_SETUID',
  'CAP_SYSLOG',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_CHROOT',
  'CAP_SYS_MODULE',
  'CAP_SYS_NICE',
  'CAP_SYS_PACCT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_WAKE_ALARM',
];

/**
 * `CAP_<name>` for each configured name, in order, not upper-cased, de-duplicated or validated;
 * privileged mode appends the 38 privileged ones. The same list goes into bounding, inheritable,
 * permitted and ambient; effective is never set. No capabilities → `{}`.
 */
export function buildCapabilities(configured: readonly string[], privileged: boolean): OciCapabilities {
  const caps = configured.map((c) => `CAP_${c}`);
  if (privileged) caps.push(...PRIVILEGED_CAPABILITIES);
  if (caps.length === 0) return {};
  return { bounding: [...caps], inheritable: [...caps], permitted: [...caps], ambient: [...caps] };
}
