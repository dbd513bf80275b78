// The subset of the OCI runtime spec (opencontainers/runtime-spec specs-go, v1.3.0) that bpm writes.
// Fields are declared in upstream struct order; optional fields are the ones Go omits (`omitempty`
// on a nil pointer, empty string/slice, false or zero). Integers that are 64-bit upstream are bigint.

export interface OciSpec {
  ociVersion: string;
  process?: OciProcess;
  root?: OciRoot;
  mounts?: OciMount[];
  linux?: OciLinux;
}

export interface OciProcess {
  user: OciUser;
  args?: string[];
  env?: string[];
  cwd: string;
  /** A pointer upstream: `{}` is written when present but empty. */
  capabilities?: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
}

export interface OciUser {
  uid: number;
  gid: number;
  username?: string;
}

export interface OciCapabilities {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}

export interface OciRlimit {
  type: string;
  hard: bigint;
  soft: bigint;
}

export interface OciRoot {
  path: string;
  readonly?: boolean;
}

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciLinux {
  /** A pointer upstream: `{}` is written when present but empty. */
  resources?: OciResources;
  cgroupsPath?: string;
  namespaces?: OciNamespace[];
  seccomp?: OciSeccomp;
  rootfsPropagation?: string;
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

export interface OciResources {
  memory?: OciMemory;
  pids?: OciPids;
}

export interface OciMemory {
  limit?: bigint;
  swap?: bigint;
}

export interface OciPids {
  limit: bigint;
}

export interface OciNamespace {
  type: string;
  path?: string;
}

export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls?: OciSyscall[];
}

export interface OciSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[];
}

export interface OciSeccompArg {
  index: number;
  value: bigint;
  valueTwo?: bigint;
  op: string;
}
