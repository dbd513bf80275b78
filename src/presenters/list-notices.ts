// `bpm list` stderr notices (docs/behaviour/commands.md §5). Upstream writes the first two without a trailing
// newline.

export function invalidConfigNotice(job: string, err: string): string {
  return `invalid config for ${job}: ${err}`;
}

/** A container in bpm's runc root that no configured process accounts for. */
export function extraProcessNotice(decoded: { name: string } | { error: string }): string {
  return 'name' in decoded
    ? `extra process running: process (${decoded.name}) not defined`
    : `extra process running: ${decoded.error}`;
}

export function listFailedNotice(err: string): string {
  return `failed to list jobs: ${err}\n`;
}
