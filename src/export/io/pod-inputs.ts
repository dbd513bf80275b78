// The host facts an export needs besides vcap's uid/gid (src/host/user.ts): unrestricted volume
// globs expanded now, minus the matches bpm would drop because the job could redirect them.
import type { JobConfig, Volume } from '../../config/types.ts';
import { ConfigError, messageOf } from '../../errors.ts';
import { jobWriter } from '../../host/job-writable.ts';
import { expandVolumes } from '../../host/unrestricted-volumes.ts';
import type { User } from '../../host-facts.ts';

/** Each process's unrestricted volumes, expanded; a malformed pattern is a ConfigError at its path. */
export function expandUnrestrictedVolumes(config: JobConfig, user: User): Volume[][] {
  const writer = jobWriter(user);
  return config.processes.map((p, i) =>
    (p.unsafe?.unrestrictedVolumes ?? []).flatMap((v, j) => {
      try {
        return expandVolumes([v], writer).volumes;
      } catch (err) {
        const field = `processes[${i}].unsafe.unrestricted_volumes[${j}].path`;
        const at = config.locate(field);
        throw new ConfigError(messageOf(err), at === undefined ? undefined : { ...at, field });
      }
    }),
  );
}
