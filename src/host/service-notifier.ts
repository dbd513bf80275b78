// The service manager's readiness protocol (systemd `Type=notify`) for the long-running commands,
// `bpm run` and `bpm supervise`: READY=1 (with MAINPID, the pid that stays bpm's) once the work is
// up, STOPPING=1 when the stop begins. Without `NOTIFY_SOCKET` there is nothing to tell. A failed
// send is reported once to `warn` and the command goes on (the manager then times the start out).
import { messageOf } from '../errors.ts';
import { sendNotify } from '../sys/notify.ts';

export interface ServiceNotifier {
  /** False without `NOTIFY_SOCKET`: nobody listens, so a caller need not find out when it is up. */
  readonly listening: boolean;
  ready(): void;
  stopping(): void;
}

const SILENT: ServiceNotifier = { listening: false, ready: () => {}, stopping: () => {} };

export function serviceNotifier(
  env: NodeJS.ProcessEnv,
  pid: number,
  warn: (reason: string) => void,
): ServiceNotifier {
  const socket = env['NOTIFY_SOCKET'];
  if (socket === undefined || socket === '') return SILENT;
  let warned = false;
  const send = (message: string): void => {
    try {
      sendNotify(socket, message);
    } catch (err) {
      if (!warned) warn(`NOTIFY_SOCKET=${socket}: ${messageOf(err)}`);
      warned = true;
    }
  };
  return {
    listening: true,
    ready: () => send(`READY=1\nMAINPID=${pid}`),
    stopping: () => send('STOPPING=1'),
  };
}
