// The HTTP API's users: R/monit/monit.user, one `user:password` a line, as the agent writes it (and
// reads its own `vcap:` line back). Compared in constant time.
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BpmError, messageOf } from '../errors.ts';

export type Users = ReadonlyMap<string, string>;

export function parseUsers(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (line === '' || line.startsWith('#') || colon <= 0) continue;
    users.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return users;
}

export function readUsers(file: string): Map<string, string> {
  let users: Map<string, string>;
  try {
    users = parseUsers(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BpmError(`cannot read the monit credentials ${file}: ${messageOf(err)}`, { cause: err });
  }
  if (users.size === 0) throw new BpmError(`no user:password line in the monit credentials ${file}`);
  return users;
}

/** Whether an `Authorization` header names one of `users` with its password. */
export function authorized(users: Users, header: string | undefined): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/.exec(header ?? '');
  if (m === null) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const want = users.get(decoded.slice(0, colon));
  if (want === undefined) return false;
  const a = Buffer.from(decoded.slice(colon + 1));
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}
