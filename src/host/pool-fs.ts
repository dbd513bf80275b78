// The few file-system calls bpm makes as requests on libuv's worker pool (src/host/remove-tree.ts,
// src/host/staging.ts), as promises over node:fs's callback functions: node:fs/promises costs ~1 ms
// to load (it is not in Node's start-up snapshot), and bpm's bundle loads every static import
// at start, for every command. Errors are Node's, with `code` set.
import { close, type Dirent, fstat, open, readdir, readFile, rmdir, type Stats, unlink } from 'node:fs';
import { promisify } from 'node:util';

export const rmdirOnPool: (path: string) => Promise<void> = promisify(rmdir);
export const unlinkOnPool: (path: string) => Promise<void> = promisify(unlink);
export const closeOnPool: (fd: number) => Promise<void> = promisify(close);
export const fstatOnPool: (fd: number) => Promise<Stats> = promisify(fstat);
const openPromise = promisify(open);
const readdirPromise = promisify(readdir);
const readFilePromise = promisify(readFile);

/** open(2) with `flags` (no mode: nothing is created); the descriptor. */
export function openOnPool(path: string, flags: number): Promise<number> {
  return openPromise(path, flags);
}

/** The names in the directory `path`. */
export function namesOnPool(path: string): Promise<string[]> {
  return readdirPromise(path);
}

/** The entries of the directory `path`, each with the type getdents(2) gave. */
export function entriesOnPool(path: string): Promise<Dirent[]> {
  return readdirPromise(path, { withFileTypes: true });
}

/** The whole file `path` as UTF-8 text (following links: only for root-only trees). */
export function readTextOnPool(path: string): Promise<string> {
  return readFilePromise(path, 'utf8');
}
