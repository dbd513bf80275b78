// How `bpm monit` finds the running `bpm supervise --monit-compat`: its pid and API port in
// R/data/bpm/supervisor/monit-compat.json (root's, 0600, in the root-only control directory),
// written when it listens and removed when it exits.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { mkdirAll } from '../go/os.ts';
import { controlDir } from '../supervisor/control-protocol.ts';

export interface MonitRunInfo {
  pid: number;
  port: number;
}

export function monitRunFile(root: RootPaths): string {
  return `${controlDir(root)}/monit-compat.json`;
}

export function writeRunInfo(root: RootPaths, info: MonitRunInfo): void {
  mkdirAll(controlDir(root), 0o700);
  const file = monitRunFile(root);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function removeRunInfo(root: RootPaths): void {
  rmSync(monitRunFile(root), { force: true });
}

export function readRunInfo(root: RootPaths): MonitRunInfo | undefined {
  try {
    const data = JSON.parse(readFileSync(monitRunFile(root), 'utf8')) as Partial<MonitRunInfo>;
    if (Number.isSafeInteger(data.pid) && Number.isSafeInteger(data.port)) return data as MonitRunInfo;
  } catch {
    return undefined;
  }
  return undefined;
}
