// The service manager's readiness protocol (systemd `Type=notify`) for the long-running commands,
// `bpm run` and `bpm supervise`: READY=1 (with MAINPID, the pid that stays bpm's) once the work is
// up, STOPPING=1 when the stop begins, STATUS= lines (what `systemctl status` shows) on the way. Without `NOTIFY_SOCKET` there is nothing to tell. A failed
// send is reported once to `warn` and the command goes on (the manager then times the start out).
import { messageOf } from '../errors.ts';
import { hasCode } from '../sys/errno.ts';
import { sendNotify } from '../sys/notify.ts';

export interface ServiceNotifier {
  /** False without `NOTIFY_SOCKET`: nobody listens, so a caller need not find out when it is up. */
  readonly listening: boolean;
  /** READY=1 and MAINPID, with a STATUS= line when `status` is given. */
  ready(status?: string): void;
  stopping(): void;
  /**
   * A STATUS= line alone (one line: newlines become spaces). Best effort: dropped, without a
   * warning, when the manager's queue is full, so a manager that does not read never blocks bpm.
   */
  status(text: string): void;
}

const SILENT: ServiceNotifier = { listening: false, ready: () => {}, stopping: () => {}, status: () => {} };

const statusLine = (text: string): string => `STATUS=${text.replace(/\n/g, ' ')}`;

export function serviceNotifier(
  env: NodeJS.ProcessEnv,
  pid: number,
  warn: (reason: string) => void,
): ServiceNotifier {
  const socket = env['NOTIFY_SOCKET'];
  if (socket === undefined || socket === '') return SILENT;
  let warned = false;
  const send = (message: string, wait = true): void => {
    try {
      sendNotify(socket, message, wait);
    } catch (err) {
      if (!wait && hasCode(err, 'EAGAIN')) return;
      if (!warned) warn(`NOTIFY_SOCKET=${socket}: ${messageOf(err)}`);
      warned = true;
    }
  };
  return {
    listening: true,
    ready: (status) =>
      send(`READY=1\nMAINPID=${pid}${status === undefined ? '' : `\n${statusLine(status)}`}`),
    stopping: () => send('STOPPING=1'),
    status: (text) => send(statusLine(text), false),
  };
}
