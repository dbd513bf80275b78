// The host facts an export needs: vcap's uid/gid, unrestricted volume globs expanded now.
import type { JobConfig, Volume } from '../../config/types.ts';
import { ConfigError, messageOf } from '../../errors.ts';
import { expandGlob } from '../../host/glob.ts';
import { lookupUser } from '../../host/user.ts';
import type { User } from '../../host-facts.ts';

/** Used when the host has no vcap user: the uid/gid BOSH stemcells give vcap. */
const DEFAULT_VCAP: User = { uid: 1000, gid: 1000 };

export function vcapUser(): { user: User; fromHost: boolean } {
  try {
    return { user: lookupUser('vcap'), fromHost: true };
  } catch {
    return { user: DEFAULT_VCAP, fromHost: false };
  }
}

/** Each process's unrestricted volumes, expanded; a malformed pattern is a ConfigError at its path. */
export function expandUnrestrictedVolumes(config: JobConfig): Volume[][] {
  return config.processes.map((p, i) =>
    (p.unsafe?.unrestrictedVolumes ?? []).flatMap((v, j) => {
      try {
        return expandGlob(v.path).map((path) => ({ ...v, path }));
      } catch (err) {
        const field = `processes[${i}].unsafe.unrestricted_volumes[${j}].path`;
        const at = config.locate(field);
        throw new ConfigError(messageOf(err), at === undefined ? undefined : { ...at, field });
      }
    }),
  );
}
