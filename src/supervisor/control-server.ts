// The supervisor's side of the control socket: listen in a fresh root-only directory, answer each
// request when it is done (a stop answers once the process is down, like `systemctl stop`).
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import { mkdirAll } from '../go/os.ts';
import { hasCode } from '../sys/errno.ts';
import {
  type ControlReply,
  type ControlRequest,
  controlDir,
  controlSocketPath,
  MAX_MESSAGE_BYTES,
  parseRequest,
} from './control-protocol.ts';
import type { ProcessSnapshot } from './supervised-process.ts';

export interface ControlHandler {
  handle(request: ControlRequest): Promise<ControlReply>;
}

/** The socket's directory: a real directory, root's, 0700 (made so when bpm creates it). */
function prepareDir(root: RootPaths): void {
  const dir = controlDir(root);
  mkdirAll(root.bpmDataDir, 0o700);
  try {
    mkdirSync(dir, 0o700);
  } catch (err) {
    if (!hasCode(err, 'EEXIST')) throw err;
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0)
    throw new BpmError(`refusing control directory ${dir}: not root's directory`);
  chmodSync(dir, 0o700);
}

export async function listenControl(root: RootPaths, handler: ControlHandler): Promise<Server> {
  prepareDir(root);
  const path = controlSocketPath(root);
  // The caller holds the supervisor lock, so a socket left here is a dead supervisor's.
  try {
    unlinkSync(path);
  } catch (err) {
    if (!hasCode(err, 'ENOENT')) throw err;
  }
  const server = createServer((socket) => serve(socket, handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return server;
}

function serve(socket: Socket, handler: ControlHandler): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_MESSAGE_BYTES) {
      socket.destroy();
      return;
    }
    const nl = buffered.indexOf('\n');
    if (nl < 0) return;
    socket.pause();
    const request = parseRequest(buffered.slice(0, nl));
    const answer: Promise<ControlReply> =
      request === undefined
        ? Promise.resolve({ ok: false, error: 'malformed request' })
        : handler.handle(request).catch((err: unknown) => ({ ok: false, error: messageOf(err) }));
    void answer.then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
  });
}

export function closeControl(root: RootPaths, server: Server): void {
  server.close();
  try {
    unlinkSync(controlSocketPath(root));
  } catch {
    // already gone
  }
}

export type { ProcessSnapshot };
