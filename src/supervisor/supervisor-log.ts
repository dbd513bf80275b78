// The supervisor's own log, R/sys/log/bpm/supervisor.log, in bpm.log's lager format: root-owned
// (0600 in a 0750 directory), opened once, one write(2) per line on the O_APPEND descriptor.
import { closeSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { mkdirAll } from '../go/os.ts';
import { openLogFile, writeLogLine } from '../host/log-file.ts';
import { Logger } from '../log/logger.ts';

export interface SupervisorLog {
  log: Logger;
  path: string;
  close(): void;
}

export function supervisorLogDir(root: RootPaths): string {
  return root.external('sys', 'log', 'bpm');
}

export function openSupervisorLog(root: RootPaths): SupervisorLog {
  const dir = supervisorLogDir(root);
  mkdirAll(dir, 0o750);
  const path = `${dir}/supervisor.log`;
  const fd = openLogFile(path, { uid: 0, gid: 0 }, true);
  const sink = { write: (line: string) => writeLogLine(fd, path, line) };
  return { log: new Logger(sink, 'bpm.supervise', '1', {}), path, close: () => closeSync(fd) };
}
