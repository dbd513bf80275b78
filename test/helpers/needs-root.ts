// For tests that need root but not runc (chown, mount, bpm's own root check): they run in
// `npm run test:unit` and skip themselves, saying why, when the unit tests run unprivileged.

/** `false` as root; otherwise the reason to pass as `{ skip }`. */
export function needsRoot(why: string): string | false {
  return process.getuid?.() === 0 ? false : `needs root: ${why}`;
}
