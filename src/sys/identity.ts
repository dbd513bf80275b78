// Who bpm runs as (docs/behaviour/commands.md §1.2 root check).

export interface ProcessIds {
  uid: number;
  gid: number;
}

/** Real uid and gid of this process. */
export function currentIds(): ProcessIds {
  return { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
}

/** The root check: uid 0 **or** gid 0 passes (a non-root user whose primary gid is 0 is let in). */
export function isRootish(ids: ProcessIds = currentIds()): boolean {
  return ids.uid === 0 || ids.gid === 0;
}
