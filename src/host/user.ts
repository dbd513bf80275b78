// The `vcap` user the job runs as: the host's (Go's os/user lookup, src/go/user.ts), or BOSH's
// default ids when the host has none.
import { lookupUser } from '../go/user.ts';
import type { User } from '../host-facts.ts';

/** Used when the host has no vcap user: the uid/gid BOSH stemcells give vcap. */
const DEFAULT_VCAP: User = { uid: 1000, gid: 1000 };

export function vcapUser(): { user: User; fromHost: boolean } {
  try {
    return { user: lookupUser('vcap'), fromHost: true };
  } catch {
    return { user: DEFAULT_VCAP, fromHost: false };
  }
}
