// The release's blobs (config/blobs.yml: path → size and sha256), gathered into blobs/ from the
// registry each came from. Every blob is a Debian package named NAME_VERSION_ARCH.deb; it is
// downloaded with apt-get from the machine's own Debian mirror (read from its apt sources), using
// a private apt state for the suites that carry the pinned versions, and kept only if its size and
// sha256 match. A blob already in blobs/ with the right digest is not fetched again.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { fileDigest } from './digest.ts';
import { ReleaseError } from './specs.ts';

/** Suites searched for the pinned .debs: runc >= 1.2 is only in sid so far; tini-static in trixie. */
export const DEBIAN_SUITES = ['trixie', 'sid'];

export interface Blob {
  path: string;
  size: number;
  sha256: string;
}

export function readBlobs(file: string): Blob[] {
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, { size?: unknown; sha?: unknown }>;
  return Object.entries(doc).map(([path, v]) => {
    const sha = typeof v?.sha === 'string' ? /^sha256:([0-9a-f]{64})$/.exec(v.sha) : null;
    if (typeof v?.size !== 'number' || sha === null) {
      throw new ReleaseError(`${file}: ${path}: needs 'size' (bytes) and 'sha' (sha256:HEX)`);
    }
    return { path, size: v.size, sha256: sha[1]! };
  });
}

function matches(file: string, blob: Blob): boolean {
  return existsSync(file) && statSync(file).size === blob.size && fileDigest(file, 'sha256') === blob.sha256;
}

/** The Debian mirror this machine's apt uses (the first non-security URI of its sources). */
function debianMirror(): string {
  const dir = '/etc/apt/sources.list.d';
  const files = existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
  for (const file of [...files, '/etc/apt/sources.list'].filter((f) => existsSync(f))) {
    // deb822 `URIs: …/debian` or one-line `deb [opts] …/debian suite …`
    const m = /^(?:URIs:|deb(?:\s+\[[^\]]*\])?)\s+(\S+\/debian)\/?(?:\s|$)/m.exec(readFileSync(file, 'utf8'));
    if (m !== null) return m[1]!;
  }
  throw new ReleaseError('no Debian mirror in /etc/apt/sources.list{,.d}: cannot fetch the release blobs');
}

function apt(stateDir: string, args: string[], cwd?: string): void {
  const opts = [
    `Dir::Etc::SourceList=${join(stateDir, 'sources.list')}`,
    'Dir::Etc::SourceParts=/dev/null',
    `Dir::State::Lists=${join(stateDir, 'lists')}`,
    `Dir::Cache=${join(stateDir, 'cache')}`,
    'APT::Sandbox::User=root',
  ].flatMap((o) => ['-o', o]);
  const r = spawnSync('apt-get', ['-q', ...opts, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new ReleaseError(`apt-get ${args.join(' ')}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  }
}

/** Makes sure every blob is in `blobsDir`, fetching what is missing. Returns the fetched paths. */
export function gatherBlobs(blobsFile: string, blobsDir: string): string[] {
  const fetched: string[] = [];
  const missing = readBlobs(blobsFile).filter((b) => !matches(join(blobsDir, b.path), b));
  if (missing.length === 0) return fetched;
  const state = join(blobsDir, '.apt');
  for (const d of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(state, d), { recursive: true });
  const mirror = debianMirror();
  writeFileSync(join(state, 'sources.list'), DEBIAN_SUITES.map((s) => `deb ${mirror} ${s} main\n`).join(''));
  apt(state, ['update']);
  for (const blob of missing) {
    const m = /^([a-z0-9][a-z0-9+.-]*)_([^_]+)_([a-z0-9]+)\.deb$/.exec(basename(blob.path));
    if (m === null) throw new ReleaseError(`${blobsFile}: ${blob.path}: not a NAME_VERSION_ARCH.deb`);
    const tmp = mkdtempSync(join(state, 'dl-'));
    try {
      apt(state, ['download', `${m[1]}:${m[3]}=${m[2]!.replace(/%3a/gi, ':')}`], tmp);
      const got = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.deb')) ?? 'none');
      if (!matches(got, blob))
        throw new ReleaseError(`${blob.path}: downloaded file does not match blobs.yml`);
      mkdirSync(dirname(join(blobsDir, blob.path)), { recursive: true });
      renameSync(got, join(blobsDir, blob.path));
      fetched.push(blob.path);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return fetched;
}
