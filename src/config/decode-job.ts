// The bpm.yml schema (docs/behaviour/config.md §3): walks the document and builds ProcessConfig values.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { goQuote } from '../go/strconv.ts';
import {
  decodeBool,
  decodeInteger,
  decodeList,
  decodeObject,
  decodeString,
  decodeStringList,
  decodeStringMap,
} from './decode-fields.ts';
import { decodeDependsOn, decodeProbe, decodeRestart } from './decode-supervision.ts';
import { decodeDuration } from './duration.ts';
import type { Hooks, Limits, ProcessConfig, Unsafe, Volume } from './types.ts';
import type { YamlDecoder } from './yaml-decoder.ts';

/** A process slot: null for a `- ~` entry (docs/behaviour/policy.md fix #2 reports it during validation). */
export type DecodedProcess = ProcessConfig | null;

/** One entry of `processes:` that decoded to a mapping (or null). */
export interface DecodedEntry {
  /** Position in `processes:`, as in the field paths (`processes[2]`). */
  index: number;
  process: DecodedProcess;
  /** Decoding this entry found type errors: fields that had them kept their defaults. */
  typeErrors: boolean;
}

export function emptyProcess(): ProcessConfig {
  return {
    name: '',
    executable: '',
    args: [],
    env: new Map(),
    workdir: '',
    capabilities: [],
    ephemeralDisk: false,
    persistentDisk: false,
    additionalVolumes: [],
    shutdownSignal: '',
  };
}

function decodeVolumes(d: YamlDecoder, node: Node | null, field: string): Volume[] {
  const out: Volume[] = [];
  decodeList(d, node, field, (item, _sourceField) => {
    // Null items are dropped (yaml.v3 cannot set a struct from null); index by position in the result.
    const itemField = `${field}[${out.length}]`;
    const vol: Volume = {
      path: '',
      writable: false,
      allowExecutions: false,
      mountOnly: false,
      shared: false,
    };
    if (d.isNull(d.deref(item, itemField))) return undefined;
    const ok = decodeObject(d, item, itemField, {
      path: (v, f) => {
        vol.path = decodeString(d, v, f) ?? vol.path;
      },
      writable: (v, f) => {
        vol.writable = decodeBool(d, v, f) ?? vol.writable;
      },
      allow_executions: (v, f) => {
        vol.allowExecutions = decodeBool(d, v, f) ?? vol.allowExecutions;
      },
      mount_only: (v, f) => {
        vol.mountOnly = decodeBool(d, v, f) ?? vol.mountOnly;
      },
      shared: (v, f) => {
        vol.shared = decodeBool(d, v, f) ?? vol.shared;
      },
    });
    if (ok) {
      // Recorded only for a volume that is kept, so the index stays that of the kept volume.
      d.record(itemField, item);
      out.push(vol);
    }
    return undefined;
  });
  return out;
}

function decodeLimits(d: YamlDecoder, node: Node | null, field: string): Limits | undefined {
  const limits: Limits = {};
  const present = decodeObject(d, node, field, {
    memory: (v, f) => {
      const s = decodeString(d, v, f);
      if (s !== undefined) limits.memory = s;
    },
    open_files: (v, f) => {
      const n = decodeInteger(d, v, f, false);
      if (n !== undefined) limits.openFiles = n;
    },
    processes: (v, f) => {
      const n = decodeInteger(d, v, f, true);
      if (n !== undefined) limits.processes = n;
    },
    core_file_size: (v, f) => {
      const n = decodeInteger(d, v, f, false);
      if (n !== undefined) limits.coreFileSize = n;
    },
  });
  return present ? limits : undefined;
}

function decodeHooks(d: YamlDecoder, node: Node | null, field: string): Hooks | undefined {
  const hooks: Hooks = { preStart: '' };
  decodeObject(d, node, field, {
    pre_start: (v, f) => {
      hooks.preStart = decodeString(d, v, f) ?? hooks.preStart;
    },
  });
  // docs/behaviour/policy.md fix #4: `hooks: {}` or an empty pre_start means "no hook".
  return hooks.preStart === '' ? undefined : hooks;
}

function decodeUnsafe(d: YamlDecoder, node: Node | null, field: string): Unsafe | undefined {
  const unsafe: Unsafe = { privileged: false, unrestrictedVolumes: [], hostPidNamespace: false };
  const present = decodeObject(d, node, field, {
    privileged: (v, f) => {
      unsafe.privileged = decodeBool(d, v, f) ?? unsafe.privileged;
    },
    unrestricted_volumes: (v, f) => {
      unsafe.unrestrictedVolumes = decodeVolumes(d, v, f);
    },
    host_pid_namespace: (v, f) => {
      unsafe.hostPidNamespace = decodeBool(d, v, f) ?? unsafe.hostPidNamespace;
    },
  });
  return present ? unsafe : undefined;
}

function decodeProcess(d: YamlDecoder, node: Node | null, field: string): DecodedProcess | undefined {
  const v = d.deref(node, field);
  if (d.isNull(v)) return null;
  const p = emptyProcess();
  const str = (v: Node | null, f: string, set: (s: string) => void) => {
    const s = decodeString(d, v, f);
    if (s !== undefined) set(s);
  };
  const ok = decodeObject(d, node, field, {
    name: (v, f) => str(v, f, (s) => (p.name = s)),
    executable: (v, f) => str(v, f, (s) => (p.executable = s)),
    args: (v, f) => {
      p.args = decodeStringList(d, v, f);
    },
    env: (v, f) => {
      p.env = decodeStringMap(d, v, f, envNameProblem);
    },
    workdir: (v, f) => str(v, f, (s) => (p.workdir = s)),
    hooks: (v, f) => {
      const h = decodeHooks(d, v, f);
      if (h === undefined) delete p.hooks;
      else p.hooks = h;
    },
    capabilities: (v, f) => {
      p.capabilities = decodeStringList(d, v, f);
    },
    limits: (v, f) => {
      const l = decodeLimits(d, v, f);
      if (l === undefined) delete p.limits;
      else p.limits = l;
    },
    ephemeral_disk: (v, f) => {
      p.ephemeralDisk = decodeBool(d, v, f) ?? p.ephemeralDisk;
    },
    persistent_disk: (v, f) => {
      p.persistentDisk = decodeBool(d, v, f) ?? p.persistentDisk;
    },
    additional_volumes: (v, f) => {
      p.additionalVolumes = decodeVolumes(d, v, f);
    },
    unsafe: (v, f) => {
      const u = decodeUnsafe(d, v, f);
      if (u === undefined) delete p.unsafe;
      else p.unsafe = u;
    },
    shutdown_signal: (v, f) => str(v, f, (s) => (p.shutdownSignal = s)),
    restart: (v, f) => setOptional(p, 'restart', decodeRestart(d, v, f)),
    shutdown_timeout: (v, f) => setOptional(p, 'shutdownTimeoutMs', decodeDuration(d, v, f)),
    depends_on: (v, f) => {
      const deps = decodeDependsOn(d, v, f);
      setOptional(p, 'dependsOn', deps.length > 0 ? deps : undefined);
    },
    readiness: (v, f) => setOptional(p, 'readiness', decodeProbe(d, v, f)),
    liveness: (v, f) => setOptional(p, 'liveness', decodeProbe(d, v, f)),
  });
  return ok ? p : undefined;
}

/** Set an optional field, or remove it for undefined (a later `key: ~` resets it). */
function setOptional<K extends keyof ProcessConfig>(p: ProcessConfig, key: K, value: ProcessConfig[K]): void {
  if (value === undefined) delete p[key];
  else p[key] = value;
}

/**
 * The whole document. A null or empty document and (HEAD quirk) a top-level sequence give zero
 * processes; a top-level scalar is a problem. Entries that are not mappings (or have duplicate
 * keys) are left out, with their problems recorded.
 */
export function decodeJob(d: YamlDecoder, root: Node | null): DecodedEntry[] {
  const v = d.deref(root, '(document)');
  if (v === null || d.isNull(v) || isSeq(v)) return [];
  if (!isMap(v) && !isScalar(v)) return [];
  if (isScalar(v)) {
    d.problem(root, '(document)', `must be a mapping with a processes: list, got ${d.describe(v)}`);
    return [];
  }
  const out: DecodedEntry[] = [];
  decodeObject(d, root, '', {
    processes: (value, field) => {
      let index = 0;
      decodeList(d, value, field, (item, f) => {
        d.record(f, item, d.locations.get(field));
        const before = d.problems.length;
        const p = decodeProcess(d, item, f);
        if (p !== undefined) out.push({ index, process: p, typeErrors: d.problems.length > before });
        index++;
        return undefined;
      });
    },
  });
  return out;
}

/**
 * An environment variable name the kernel's `NAME=value` strings cannot carry (runc would fail the
 * start with a bare `exit status 1`): empty, or containing `=` or NUL.
 */
export function envNameProblem(name: string): string | undefined {
  if (name === '' || name.includes('=') || name.includes('\0')) {
    return `invalid environment variable name ${goQuote(name)}: must be non-empty and must not contain "=" or a NUL byte`;
  }
  return undefined;
}
