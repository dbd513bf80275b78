// OciSpec → config.json bytes, mirroring the runtime-spec Go struct tags: key order is the struct's
// field order; `omitempty` drops nil pointers, and for plain fields also '', 0, false and empty lists.
import { encodeGoJsonIndented, type GoJsonObject, type GoJsonValue } from '../go/json.ts';
import type {
  OciCapabilities,
  OciLinux,
  OciMount,
  OciProcess,
  OciResources,
  OciSeccomp,
  OciSeccompArg,
  OciSpec,
  OciSyscall,
} from './types.ts';

type Field = readonly [key: string, value: GoJsonValue | undefined, rule: 'always' | 'pointer' | 'omitempty'];

function isEmpty(v: GoJsonValue): boolean {
  if (v === null || v === '' || v === false || v === 0 || v === 0n) return true;
  if (Array.isArray(v)) return v.length === 0;
  return false;
}

function struct(...fields: Field[]): GoJsonObject {
  const out: GoJsonObject = new Map();
  for (const [key, value, rule] of fields) {
    if (value === undefined) {
      if (rule === 'always') throw new TypeError(`serializeSpec: required field ${key} is missing`);
      continue;
    }
    if (rule === 'omitempty' && isEmpty(value)) continue;
    out.set(key, value);
  }
  return out;
}

function capabilities(c: OciCapabilities): GoJsonObject {
  return struct(
    ['bounding', c.bounding, 'omitempty'],
    ['effective', c.effective, 'omitempty'],
    ['inheritable', c.inheritable, 'omitempty'],
    ['permitted', c.permitted, 'omitempty'],
    ['ambient', c.ambient, 'omitempty'],
  );
}

function processObject(p: OciProcess): GoJsonObject {
  return struct(
    [
      'user',
      struct(
        ['uid', p.user.uid, 'always'],
        ['gid', p.user.gid, 'always'],
        ['username', p.user.username, 'omitempty'],
      ),
      'always',
    ],
    ['args', p.args, 'omitempty'],
    ['env', p.env, 'omitempty'],
    ['cwd', p.cwd, 'always'],
    ['capabilities', p.capabilities && capabilities(p.capabilities), 'pointer'],
    [
      'rlimits',
      p.rlimits?.map((r) =>
        struct(['type', r.type, 'always'], ['hard', r.hard, 'always'], ['soft', r.soft, 'always']),
      ),
      'omitempty',
    ],
    ['noNewPrivileges', p.noNewPrivileges, 'omitempty'],
  );
}

function mount(m: OciMount): GoJsonObject {
  return struct(
    ['destination', m.destination, 'always'],
    ['type', m.type, 'omitempty'],
    ['source', m.source, 'omitempty'],
    ['options', m.options, 'omitempty'],
  );
}

function resources(r: OciResources): GoJsonObject {
  return struct(
    [
      'memory',
      r.memory && struct(['limit', r.memory.limit, 'pointer'], ['swap', r.memory.swap, 'pointer']),
      'pointer',
    ],
    ['pids', r.pids && struct(['limit', r.pids.limit, 'always']), 'pointer'],
  );
}

function seccompArg(a: OciSeccompArg): GoJsonObject {
  return struct(
    ['index', a.index, 'always'],
    ['value', a.value, 'always'],
    ['valueTwo', a.valueTwo, 'omitempty'],
    ['op', a.op, 'always'],
  );
}

function syscall(s: OciSyscall): GoJsonObject {
  return struct(
    ['names', s.names, 'always'],
    ['action', s.action, 'always'],
    ['errnoRet', s.errnoRet, 'pointer'],
    ['args', s.args?.map(seccompArg), 'omitempty'],
  );
}

function seccomp(s: OciSeccomp): GoJsonObject {
  return struct(
    ['defaultAction', s.defaultAction, 'always'],
    ['defaultErrnoRet', s.defaultErrnoRet, 'pointer'],
    ['architectures', s.architectures, 'omitempty'],
    ['syscalls', s.syscalls?.map(syscall), 'omitempty'],
  );
}

function linux(l: OciLinux): GoJsonObject {
  return struct(
    ['resources', l.resources && resources(l.resources), 'pointer'],
    ['cgroupsPath', l.cgroupsPath, 'omitempty'],
    [
      'namespaces',
      l.namespaces?.map((n) => struct(['type', n.type, 'always'], ['path', n.path, 'omitempty'])),
      'omitempty',
    ],
    ['seccomp', l.seccomp && seccomp(l.seccomp), 'pointer'],
    ['rootfsPropagation', l.rootfsPropagation, 'omitempty'],
    ['maskedPaths', l.maskedPaths, 'omitempty'],
    ['readonlyPaths', l.readonlyPaths, 'omitempty'],
  );
}

/** The Go-ordered JSON tree of a spec (exposed for tests and tooling). */
function specToGoJson(spec: OciSpec): GoJsonObject {
  return struct(
    ['ociVersion', spec.ociVersion, 'always'],
    ['process', spec.process && processObject(spec.process), 'pointer'],
    [
      'root',
      spec.root && struct(['path', spec.root.path, 'always'], ['readonly', spec.root.readonly, 'omitempty']),
      'pointer',
    ],
    ['mounts', spec.mounts?.map(mount), 'omitempty'],
    ['linux', spec.linux && linux(spec.linux), 'pointer'],
  );
}

/** config.json exactly as upstream bpm writes it (docs/behaviour/container.md §2.1), ending in `}\n`. */
export function serializeSpec(spec: OciSpec): string {
  return encodeGoJsonIndented(specToGoJson(spec));
}
