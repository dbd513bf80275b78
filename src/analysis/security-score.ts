// A per-process security score in the spirit of `systemd-analyze security`: 100 is bpm's default
// confinement, each setting that weakens it subtracts points (docs/validate.md has the table).
import type { ProcessConfig } from '../config/types.ts';

export interface Deduction {
  /** The bpm.yml setting, e.g. `unsafe.privileged` or `capabilities: SYS_ADMIN`. */
  setting: string;
  points: number;
  reason: string;
}

export interface SecurityScore {
  process: string;
  /** 0–100, higher is safer. */
  score: number;
  rating: 'hardened' | 'good' | 'exposed' | 'unsafe';
  deductions: Deduction[];
}

/** Capabilities that are (near) root by themselves. */
const CRITICAL_CAPABILITIES = new Set([
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'SETUID',
  'SETGID',
  'SETFCAP',
  'SETPCAP',
  'CHOWN',
  'FOWNER',
  'NET_ADMIN',
  'BPF',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'LINUX_IMMUTABLE',
  'MKNOD',
]);

const POINTS = {
  privileged: 50,
  hostPid: 15,
  criticalCapability: 10,
  capability: 3,
  /** Sum of all capability deductions is capped here. */
  capabilitiesMax: 30,
  writableVolume: 2,
  executableVolume: 3,
  writableExecutableVolume: 5,
  unrestrictedVolume: 10,
  unrestrictedWritable: 5,
  noMemoryLimit: 5,
  noProcessesLimit: 5,
} as const;

function rating(score: number): SecurityScore['rating'] {
  if (score >= 90) return 'hardened';
  if (score >= 70) return 'good';
  if (score >= 40) return 'exposed';
  return 'unsafe';
}

function capabilityDeductions(caps: readonly string[]): Deduction[] {
  const out: Deduction[] = [];
  let total = 0;
  for (const raw of new Set(caps)) {
    const name = raw.startsWith('CAP_') ? raw.slice(4) : raw;
    const critical = CRITICAL_CAPABILITIES.has(name);
    const want = critical ? POINTS.criticalCapability : POINTS.capability;
    const points = Math.min(want, POINTS.capabilitiesMax - total);
    total += points;
    out.push({
      setting: `capabilities: ${raw}`,
      points,
      reason: critical
        ? 'capability that can lead to full root'
        : 'extra capability beyond the empty default',
    });
  }
  return out;
}

export function securityScore(p: ProcessConfig): SecurityScore {
  const d: Deduction[] = [];
  const u = p.unsafe;
  if (u?.privileged) {
    d.push({
      setting: 'unsafe.privileged',
      points: POINTS.privileged,
      reason: 'root, 38 capabilities, no seccomp, no masked paths',
    });
  } else {
    d.push(...capabilityDeductions(p.capabilities));
  }
  if (u?.hostPidNamespace) {
    d.push({
      setting: 'unsafe.host_pid_namespace',
      points: POINTS.hostPid,
      reason: 'sees and can signal host processes',
    });
  }
  for (const v of p.additionalVolumes) {
    if (v.writable && v.allowExecutions) {
      d.push({
        setting: `additional_volumes: ${v.path}`,
        points: POINTS.writableExecutableVolume,
        reason: 'writable and executable: can drop and run programs',
      });
    } else if (v.allowExecutions) {
      d.push({
        setting: `additional_volumes: ${v.path}`,
        points: POINTS.executableVolume,
        reason: 'executable volume',
      });
    } else if (v.writable) {
      d.push({
        setting: `additional_volumes: ${v.path}`,
        points: POINTS.writableVolume,
        reason: 'writable volume',
      });
    }
  }
  for (const v of u?.unrestrictedVolumes ?? []) {
    const points = POINTS.unrestrictedVolume + (v.writable ? POINTS.unrestrictedWritable : 0);
    d.push({
      setting: `unsafe.unrestricted_volumes: ${v.path}`,
      points,
      reason: v.writable ? 'writable mount of an arbitrary host path' : 'mount of an arbitrary host path',
    });
  }
  if (p.limits?.memory === undefined) {
    d.push({ setting: 'limits.memory', points: POINTS.noMemoryLimit, reason: 'no memory limit' });
  }
  if (p.limits?.processes === undefined) {
    d.push({
      setting: 'limits.processes',
      points: POINTS.noProcessesLimit,
      reason: 'no process limit (fork bombs)',
    });
  }
  const deductions = d.filter((x) => x.points > 0);
  const score = Math.max(0, 100 - deductions.reduce((s, x) => s + x.points, 0));
  return { process: p.name, score, rating: rating(score), deductions };
}
