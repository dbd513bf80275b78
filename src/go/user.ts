// Go's os/user.Lookup without cgo: a user's uid and primary gid from /etc/passwd, whose lines are
// `name:pw:uid:gid:gecos:home:shell`; unknown → `user: unknown user <name>`.
import { readFileSync } from 'node:fs';
import { BpmError } from '../errors.ts';
import { goPathError } from '../sys/errno.ts';

const PASSWD_FILE = '/etc/passwd';

/** The ids of a user (structurally the vcap `User` of src/host-facts.ts). */
export interface UserIds {
  uid: number;
  gid: number;
}

/**
 * Users already found by this process: start/run look vcap up twice (docs/behaviour/commands.md §1.4
 * and §10.1).
 */
const found = new Map<string, UserIds>();

/** Look up `name`; unknown → `user: unknown user <name>`. A user once found is not read again. */
export function lookupUser(name: string, passwdFile: string = PASSWD_FILE): UserIds {
  const key = `${passwdFile}\0${name}`;
  const known = found.get(key);
  if (known !== undefined) return { ...known };
  const user = readUser(name, passwdFile);
  found.set(key, user);
  return { ...user };
}

function readUser(name: string, passwdFile: string): UserIds {
  let text: string;
  try {
    text = readFileSync(passwdFile, 'utf8');
  } catch (err) {
    throw goPathError('open', passwdFile, err);
  }
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const fields = line.split(':');
    if (fields.length < 7 || fields[0] !== name) continue;
    const uid = Number.parseInt(fields[2] ?? '', 10);
    const gid = Number.parseInt(fields[3] ?? '', 10);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    return { uid, gid };
  }
  throw new BpmError(`user: unknown user ${name}`);
}
