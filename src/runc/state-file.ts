// runc's own record of a container (R/sys/run/bpm-runc/CID/state.json, runc 1.1 libcontainer
// format), read directly where a `runc state` spawn would only tell us the init's pid and whether
// it still runs. runc decides the latter exactly so: the init pid exists, has the recorded start
// time (/proc/PID/stat field 22) and is not a zombie. Anything unexpected → undefined, and the
// caller asks runc itself. The same file says which bundle runc created the container from
// (`config.labels`: `bundle=<dir>`), which is how bpm tells whose a container is, and where its
// cgroups are (`bpm status`), which no runc command prints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** runc's state file of container `cid` in its state root (`--root`). */
export function stateFilePath(runcRoot: string, cid: string): string {
  return join(runcRoot, cid, 'state.json');
}

export interface InitProcess {
  pid: number;
  /** Start time in clock ticks since boot, as /proc/PID/stat reports it. */
  startTime: number;
}

function parseState(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
}

/** The state file's text; undefined when it cannot be read. */
function readText(stateFile: string): string | undefined {
  try {
    return readFileSync(stateFile, 'utf8');
  } catch {
    return undefined;
  }
}

function readState(stateFile: string): Record<string, unknown> | undefined {
  const text = readText(stateFile);
  return text === undefined ? undefined : parseState(text);
}

/** The bundle directory runc recorded for the container; undefined when there is no readable record. */
export function readBundle(stateFile: string): string | undefined {
  const config = readState(stateFile)?.['config'];
  if (typeof config !== 'object' || config === null) return undefined;
  const labels = (config as Record<string, unknown>)['labels'];
  if (!Array.isArray(labels)) return undefined;
  for (const label of labels) {
    if (typeof label === 'string' && label.startsWith('bundle=')) return label.slice('bundle='.length);
  }
  return undefined;
}

/**
 * runc writes its state struct's fields in order: the container id (a bpm container id: no quote,
 * no backslash), then the init's pid and start time, before anything a job's config put in the
 * file. A file that begins exactly so is read from that head without parsing the whole record
 * (~27 KiB, a third of a millisecond of the event loop per parse, several times per start and stop);
 * anything else, or a file that does not end as a JSON object does, goes through the full parse.
 */
const INIT_HEAD =
  /^\{"id":"[^"\\]*","init_process_pid":([1-9][0-9]{0,15}),"init_process_start":([0-9]{1,16}),/;

function readInitHead(text: string): InitProcess | undefined {
  const m = INIT_HEAD.exec(text);
  if (m === null || !text.trimEnd().endsWith('}')) return undefined;
  const pid = Number(m[1]);
  const startTime = Number(m[2]);
  return Number.isSafeInteger(pid) && Number.isSafeInteger(startTime) ? { pid, startTime } : undefined;
}

export function readInitProcess(stateFile: string): InitProcess | undefined {
  const text = readText(stateFile);
  if (text === undefined) return undefined;
  const head = readInitHead(text);
  if (head !== undefined) return head;
  const parsed = parseState(text);
  if (parsed === undefined) return undefined;
  const { init_process_pid: pid, init_process_start: startTime } = parsed;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof startTime !== 'number' || !Number.isSafeInteger(startTime)) return undefined;
  return { pid, startTime };
}

/**
 * The container's cgroup directories by controller (`memory`, `pids`, …; `""` is the cgroup v2
 * directory, the only one on a unified host), as runc recorded them when it created the container.
 * Only absolute paths under /sys/fs/cgroup/ are returned; undefined when the file has none.
 */
export function readCgroupPaths(stateFile: string): Record<string, string> | undefined {
  const paths = readState(stateFile)?.['cgroup_paths'];
  if (typeof paths !== 'object' || paths === null) return undefined;
  const out: Record<string, string> = {};
  for (const [controller, dir] of Object.entries(paths)) {
    if (typeof dir === 'string' && dir.startsWith('/sys/fs/cgroup/') && !dir.includes('/../'))
      out[controller] = dir;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** When runc created the container (`created`, RFC 3339), in ms since the epoch; undefined if unknown. */
export function readCreated(stateFile: string): number | undefined {
  const created = readState(stateFile)?.['created'];
  const ms = typeof created === 'string' ? Date.parse(created) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
