// Interpreting runc's answers: `state` (docs/behaviour/commands.md §10.2) and `list`
// (docs/behaviour/container.md §6). Pure.

import { type ExitResult, succeeded } from '../text/exit-status.ts';
import { RuncError } from './errors.ts';

/** What runc reports about one container. `status` is runc's raw word (`running`, `stopped`, …). */
export interface ContainerState {
  id: string;
  pid: number;
  status: string;
  /** When runc created the container (RFC 3339 with nanoseconds), when runc says. */
  created?: string;
}

/** `runc state`: either the container does not exist, or its state. */
export type StateResult = { exists: false } | { exists: true; state: ContainerState };

const NOT_EXIST = 'container does not exist';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RuncError(err instanceof Error ? err.message : String(err));
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `msg` field (key matched case-insensitively, like Go's decoder) of one JSON log object. */
function logMessage(output: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return undefined; // several log lines, or text: not one JSON object
  }
  if (!isObject(parsed)) return undefined;
  let msg: string | undefined;
  for (const [k, v] of Object.entries(parsed)) {
    if (k.toLowerCase() !== 'msg') continue;
    if (typeof v !== 'string') return undefined;
    msg = v;
  }
  return msg;
}

function toState(v: unknown, what: string): ContainerState {
  if (!isObject(v)) throw new RuncError(`invalid ${what}: not a JSON object`);
  const { id, pid, status } = v;
  if (typeof id !== 'string' || typeof status !== 'string') {
    throw new RuncError(`invalid ${what}: id and status must be strings`);
  }
  if (pid !== undefined && (typeof pid !== 'number' || !Number.isInteger(pid))) {
    throw new RuncError(`invalid ${what}: pid must be an integer`);
  }
  const state: ContainerState = { id, pid: pid ?? 0, status };
  if (typeof v['created'] === 'string') state.created = v['created'];
  return state;
}

/** Interpret `runc --log-format json state CID` from its exit and combined output. */
export function interpretState(exit: ExitResult, output: Buffer): StateResult {
  const text = output.toString('utf8');
  if (!succeeded(exit)) {
    const msg = logMessage(text);
    if (msg?.includes(NOT_EXIST)) return { exists: false };
    throw RuncError.fromExit(exit);
  }
  return { exists: true, state: toState(parseJson(text), 'runc state output') };
}

/** Interpret `runc list --format json` stdout: a JSON array, or `null` for none. */
export function interpretList(exit: ExitResult, stdout: Buffer): ContainerState[] {
  if (!succeeded(exit)) throw RuncError.fromExit(exit);
  const parsed = parseJson(stdout.toString('utf8'));
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) throw new RuncError('invalid runc list output: not a JSON array');
  return parsed.map((v) => toState(v, 'runc list entry'));
}
