// `bpm list` (docs/behaviour/commands.md §5): configured processes joined with runc's containers. No lock, no
// bpm.log. Foreign or odd container ids are reported, never fatal (docs/behaviour/policy.md fix #7).
import { readdirSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { loadJobConfig } from '../config/load.ts';
import { BpmError, messageOf } from '../errors.ts';
import { fsVolumeHost } from '../host/volume-host.ts';
import { containerId, decode } from '../ids/container-id.ts';
import type { ContainerState } from '../runc/state.ts';
import { hasCode } from '../sys/errno.ts';
import { checkpoint, type Operation, probeHost } from './context.ts';
import { mapStatus, type ProcessStatus } from './state.ts';

function jobNames(jobsDir: string): string[] {
  try {
    return readdirSync(jobsDir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  } catch {
    return [];
  }
}

function isNotExist(err: unknown): boolean {
  for (let e: unknown = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    if (hasCode(e, 'ENOENT')) return true;
    if (!(e instanceof Error)) break;
  }
  return false;
}

/** One configured process and what runc says about its container. */
export interface ListedProcess {
  job: string;
  process: string;
  /** The runc container id. */
  cid: string;
  /** Decoded container id: `JOB` or `JOB.PROC`. */
  name: string;
  /** The container init's pid; 0 when there is none. */
  pid: number;
  /** bpm's state; `stopped` when there is no container. */
  status: ProcessStatus | 'stopped';
  /** When runc created the container (RFC 3339), when there is one and runc says. */
  created?: string;
}

export interface ListHooks {
  /** Called for each job whose bpm.yml exists but is invalid, as soon as it is found. */
  onInvalidConfig(job: string, error: string): void;
  /** Called for each container no configured process accounts for, in runc's order. */
  onExtra(decoded: { name: string } | { error: string }): void;
}

export interface ListScope {
  /**
   * Only this job: its containers only (others are not reported as extra), and a bpm.yml that is
   * missing or invalid fails with `failed to parse job configuration: …`, as start would.
   */
  job?: string;
  /** With `job`: only this process; a name the bpm.yml does not define fails as start would. */
  process?: string;
}

/**
 * The configured processes with their runc state, from one `runc list`. `failed to list jobs`
 * errors carry the runc error.
 */
export async function listProcesses(
  root: RootPaths,
  hooks: ListHooks,
  op: Pick<Operation, 'host' | 'signal'>,
  scope: ListScope = {},
): Promise<ListedProcess[]> {
  checkpoint(op.signal);
  // runc runs while the bpm.yml files are parsed (docs/performance.md, Round 2); the outcome and
  // its order are as if it ran afterwards: notices for invalid configs first, then a probe or runc
  // failure. (Its rejection cannot arrive before the await: the parsing below is synchronous.)
  let probeError: unknown;
  let listing: Promise<ContainerState[]> | undefined;
  try {
    listing = probeHost(op.host).runc.list();
    listing.catch(() => {}); // awaited below; never an unhandled rejection should a hook throw
  } catch (err) {
    probeError = err;
  }
  const rows: ListedProcess[] = [];
  const byCid = new Map<string, ListedProcess>();
  // As written: a symlink a job plants under its volume path must not hide it from the list.
  const host = fsVolumeHost(root.root, 'ignore');
  for (const job of scope.job === undefined ? jobNames(root.jobsDir) : [scope.job]) {
    const paths = root.job(job);
    let processes: string[];
    try {
      processes = loadJobConfig(paths.configFile, { root: root.root, job, host }).processes.map(
        (p) => p.name,
      );
    } catch (err) {
      if (scope.job !== undefined) {
        throw new BpmError(`failed to parse job configuration: ${messageOf(err)}`, { cause: err });
      }
      if (isNotExist(err)) continue;
      hooks.onInvalidConfig(job, messageOf(err));
      continue;
    }
    if (scope.process !== undefined) {
      if (!processes.includes(scope.process)) {
        throw new BpmError(
          `process "${scope.process}" not present in job configuration (${paths.configFile})`,
        );
      }
      processes = [scope.process];
    }
    for (const proc of processes) {
      const cid = containerId(job, proc);
      const row: ListedProcess = { job, process: proc, cid, name: decode(cid), pid: 0, status: 'stopped' };
      rows.push(row);
      byCid.set(cid, row);
    }
  }
  if (listing === undefined) throw probeError;
  const containers = await listing;
  checkpoint(op.signal);
  for (const c of containers) {
    const row = byCid.get(c.id);
    if (row !== undefined) {
      row.status = mapStatus(c.status);
      row.pid = c.pid;
      if (c.created !== undefined) row.created = c.created;
      continue;
    }
    if (scope.job !== undefined) continue;
    try {
      hooks.onExtra({ name: decode(c.id) });
    } catch (err) {
      hooks.onExtra({ error: messageOf(err) });
    }
  }
  return rows;
}
