// Which services an operator or the agent left unmonitored: kept across supervisor restarts (the
// agent's "reload" restarts monit, and monit keeps that state in its state file), in
// R/data/bpm/monit-compat.state, root's, written whole and renamed into place.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { mkdirAll } from '../go/os.ts';

export function monitStateFile(root: RootPaths): string {
  return root.external('data', 'bpm', 'monit-compat.state');
}

export function readUnmonitored(root: RootPaths): Set<string> {
  try {
    const data: unknown = JSON.parse(readFileSync(monitStateFile(root), 'utf8'));
    const list = (data as { unmonitored?: unknown }).unmonitored;
    return new Set(Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : []);
  } catch {
    return new Set();
  }
}

export function writeUnmonitored(root: RootPaths, names: ReadonlySet<string>): void {
  const file = monitStateFile(root);
  mkdirAll(root.external('data', 'bpm'), 0o700);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ unmonitored: [...names].sort() })}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
