// The supervisor's control socket (docs/supervisor.md): R/data/bpm/supervisor/control.sock,
// root-only (the socket 0600 in a 0700 root directory). R/data/bpm holds only bpm's own fixed
// names (locks, bundles, mounts, cache), so no job name can name the same directory, as one could
// anywhere under R/sys/run (R/sys/run/JOB, R/sys/run/bpm/JOB). One request per connection: the client
// writes one JSON line, the supervisor answers one JSON line when the request is done.
import type { RootPaths } from '../bosh/paths.ts';
import type { ProcessSnapshot } from './supervised-process.ts';

export type ControlRequest =
  | { op: 'start' | 'stop' | 'restart'; job: string; process: string }
  | { op: 'status' }
  | { op: 'reload' };

export type ControlReply =
  | { ok: true; processes: ProcessSnapshot[] }
  /** `unsupervised`: the supervisor does not look after that process; the CLI acts itself. */
  | { ok: false; error: string; unsupervised?: boolean };

/** Requests and replies are small; anything longer is not one. */
export const MAX_MESSAGE_BYTES = 1 << 20;

export function controlDir(root: RootPaths): string {
  return root.external('data', 'bpm', 'supervisor');
}

export function controlSocketPath(root: RootPaths): string {
  return `${controlDir(root)}/control.sock`;
}

/** The supervisor's exclusivity lock (one `bpm supervise` per root). */
export function supervisorLockFile(root: RootPaths): string {
  return root.lockFile('bpm-supervise.lock');
}

export function parseRequest(line: string): ControlRequest | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (r['op'] === 'status' || r['op'] === 'reload') return { op: r['op'] };
  if (r['op'] !== 'start' && r['op'] !== 'stop' && r['op'] !== 'restart') return undefined;
  if (typeof r['job'] !== 'string' || typeof r['process'] !== 'string') return undefined;
  return { op: r['op'], job: r['job'], process: r['process'] };
}
