// Bind mount option encoding (docs/behaviour/container.md §3.2).
import type { OciMount } from './types.ts';

export interface BindOptions {
  recursive: boolean;
  exec: boolean;
  writable: boolean;
}

/** `type: bind` with exactly five options: (r)bind, (no)exec, nosuid, nodev, rw|ro. */
export function bindMount(source: string, destination: string, o: BindOptions): OciMount {
  return {
    destination,
    type: 'bind',
    source,
    options: [
      o.recursive ? 'rbind' : 'bind',
      o.exec ? 'exec' : 'noexec',
      'nosuid',
      'nodev',
      o.writable ? 'rw' : 'ro',
    ],
  };
}
