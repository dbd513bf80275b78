// Decoders for the supervisor's keys of a process (src/config/supervision.ts, docs/supervisor.md).
import type { Node } from 'yaml';
import { decodeInteger, decodeObject, decodeString, decodeStringList } from './decode-fields.ts';
import { decodeDuration } from './duration.ts';
import {
  DEFAULT_PROBE_TIMING,
  DEFAULT_RESTART,
  type ProbeCheck,
  type ProbeConfig,
  type RestartConfig,
  type RestartPolicy,
} from './supervision.ts';
import type { YamlDecoder } from './yaml-decoder.ts';

const POLICIES: readonly RestartPolicy[] = ['always', 'on-failure', 'never'];

function setDuration(d: YamlDecoder, v: Node | null, f: string, set: (ms: number) => void): void {
  const ms = decodeDuration(d, v, f);
  if (ms !== undefined) set(ms);
}

export function decodeRestart(d: YamlDecoder, node: Node | null, field: string): RestartConfig | undefined {
  const r: RestartConfig = { ...DEFAULT_RESTART };
  const present = decodeObject(d, node, field, {
    policy: (v, f) => {
      const s = decodeString(d, v, f);
      if (s === undefined) return;
      if ((POLICIES as readonly string[]).includes(s)) r.policy = s as RestartPolicy;
      else d.problem(v, f, `must be one of always, on-failure or never, got ${d.describe(v)}`);
    },
    initial_delay: (v, f) => setDuration(d, v, f, (ms) => (r.initialDelayMs = ms)),
    max_delay: (v, f) => setDuration(d, v, f, (ms) => (r.maxDelayMs = ms)),
    reset_after: (v, f) => setDuration(d, v, f, (ms) => (r.resetAfterMs = ms)),
  });
  if (present && r.maxDelayMs < r.initialDelayMs) {
    d.problem(node, `${field}.max_delay`, 'must not be shorter than initial_delay');
  }
  return present ? r : undefined;
}

function decodePort(d: YamlDecoder, node: Node | null, field: string): number | undefined {
  const n = decodeInteger(d, node, field, true);
  if (n === undefined) return undefined;
  if (n >= 1n && n <= 65_535n) return Number(n);
  d.problem(node, field, `must be a port between 1 and 65535, got ${n}`);
  return undefined;
}

function decodeHttp(d: YamlDecoder, node: Node | null, field: string): ProbeCheck | undefined {
  let port: number | undefined;
  let path = '/';
  decodeObject(d, node, field, {
    port: (v, f) => {
      port = decodePort(d, v, f);
    },
    path: (v, f) => {
      const s = decodeString(d, v, f);
      if (s === undefined) return;
      if (s.startsWith('/') && !/[\s\0]/.test(s)) path = s;
      else d.problem(v, f, `must be an absolute URL path without spaces, got ${d.describe(v)}`);
    },
  });
  if (port === undefined) d.problem(node, `${field}.port`, 'is required');
  return port === undefined ? undefined : { kind: 'http', port, path };
}

function decodeTcp(d: YamlDecoder, node: Node | null, field: string): ProbeCheck | undefined {
  let port: number | undefined;
  decodeObject(d, node, field, {
    port: (v, f) => {
      port = decodePort(d, v, f);
    },
  });
  if (port === undefined) d.problem(node, `${field}.port`, 'is required');
  return port === undefined ? undefined : { kind: 'tcp', port };
}

function decodeCount(d: YamlDecoder, node: Node | null, field: string): number | undefined {
  const n = decodeInteger(d, node, field, true);
  if (n === undefined) return undefined;
  if (n >= 1n && n <= 1_000n) return Number(n);
  d.problem(node, field, `must be an integer between 1 and 1000, got ${n}`);
  return undefined;
}

/** A readiness or liveness probe: exactly one of exec, http, tcp, and its timing. */
export function decodeProbe(d: YamlDecoder, node: Node | null, field: string): ProbeConfig | undefined {
  const checks: ProbeCheck[] = [];
  const t: Omit<ProbeConfig, 'check'> = { ...DEFAULT_PROBE_TIMING };
  const present = decodeObject(d, node, field, {
    exec: (v, f) => {
      const argv = decodeStringList(d, v, f);
      if (argv.length > 0) checks.push({ kind: 'exec', argv });
      else d.problem(v, f, 'must be a non-empty list: the command and its arguments');
    },
    http: (v, f) => {
      const c = decodeHttp(d, v, f);
      if (c !== undefined) checks.push(c);
    },
    tcp: (v, f) => {
      const c = decodeTcp(d, v, f);
      if (c !== undefined) checks.push(c);
    },
    period: (v, f) => setDuration(d, v, f, (ms) => (t.periodMs = ms)),
    timeout: (v, f) => setDuration(d, v, f, (ms) => (t.timeoutMs = ms)),
    initial_delay: (v, f) => setDuration(d, v, f, (ms) => (t.initialDelayMs = ms)),
    failure_threshold: (v, f) => {
      const n = decodeCount(d, v, f);
      if (n !== undefined) t.failureThreshold = n;
    },
  });
  if (!present) return undefined;
  if (checks.length !== 1) {
    d.problem(node, field, `must have exactly one of exec, http or tcp, got ${checks.length}`);
    return undefined;
  }
  return { check: checks[0]!, ...t };
}

/** `depends_on: [PROC, JOB/PROC]`; the names are checked against the jobs by the supervisor. */
export function decodeDependsOn(d: YamlDecoder, node: Node | null, field: string): string[] {
  const out = decodeStringList(d, node, field);
  for (const [i, dep] of out.entries()) {
    if (!/^[^/\s]+(\/[^/\s]+)?$/.test(dep)) {
      d.problem(node, `${field}[${i}]`, `must be PROC or JOB/PROC, got ${JSON.stringify(dep)}`);
    }
  }
  return out;
}
