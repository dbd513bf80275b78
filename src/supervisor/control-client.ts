// The CLI's side of the control socket: ask the running supervisor, or learn that none runs
// (no socket, or a dead supervisor's socket nobody listens on) so the command acts itself.
import { lstatSync } from 'node:fs';
import { connect } from 'node:net';
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError } from '../errors.ts';
import { traceTiming } from '../log/trace-timing.ts';
import { hasCode } from '../sys/errno.ts';
import {
  type ControlReply,
  type ControlRequest,
  controlSocketPath,
  MAX_MESSAGE_BYTES,
} from './control-protocol.ts';

/**
 * The supervisor's reply; undefined when no supervisor is running. Without a socket file there is
 * none: one lstat(2) says so at once, where a connect(2) would fail only a loop turn later (the
 * common case under monit; docs/performance.md, "The supervisor"). Any other answer, a socket left
 * by a killed supervisor included, goes to connect(2), which tells them apart.
 */
export function askSupervisor(root: RootPaths, request: ControlRequest): Promise<ControlReply | undefined> {
  const path = controlSocketPath(root);
  try {
    if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return Promise.resolve(undefined);
  } catch {
    // ENOTDIR, EACCES, …: let connect(2) report it as before
  }
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let answer = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.length > MAX_MESSAGE_BYTES) socket.destroy(new Error('reply too long'));
    });
    socket.on('error', (err) => {
      if (!connected && (hasCode(err, 'ENOENT') || hasCode(err, 'ECONNREFUSED'))) resolve(undefined);
      else reject(new BpmError(`failed to talk to bpm supervise: ${err.message}`, { cause: err }));
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(answer) as ControlReply);
      } catch {
        reject(new BpmError('failed to talk to bpm supervise: malformed reply'));
      }
    });
  });
}

/**
 * Hand `bpm start|stop|restart` to the running supervisor: true when it did the work, false when
 * no supervisor runs or it does not look after that process (the command then acts itself).
 */
export async function forwardToSupervisor(
  root: RootPaths,
  op: 'start' | 'stop' | 'restart',
  job: string,
  process: string,
): Promise<boolean> {
  const reply = await askSupervisor(root, { op, job, process });
  traceTiming('supervisor-asked');
  if (reply === undefined) return false;
  if (reply.ok) return true;
  if (reply.unsupervised === true) return false;
  throw new BpmError(reply.error);
}
