// The global pre-run (docs/behaviour/commands.md §1.2 steps 2–5), run before every command once flags are
// parsed. Step 1 (`--version`) is handled by the caller before this module is even loaded, so that `bpm
// --version` stays as cheap as possible. cgroup code is loaded only when it is needed.
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError } from '../errors.ts';
import { mkdirAll } from '../go/os.ts';
import { currentIds, isRootish, type ProcessIds } from '../sys/identity.ts';

export const ROOT_REQUIRED = "bpm must be run as root. Please run 'sudo -i' to become the root user.";

export interface PreRunHooks {
  ids?: () => ProcessIds;
  /** Skip cgroup setup entirely (unit tests). */
  skipCgroups?: boolean;
}

export async function globalPreRun(root: RootPaths, hooks: PreRunHooks = {}): Promise<void> {
  let ids: ProcessIds;
  try {
    ids = (hooks.ids ?? currentIds)();
  } catch (err) {
    throw new BpmError(`unable to get current user: ${err instanceof Error ? err.message : String(err)}`, {
      showUsage: true,
    });
  }
  if (!isRootish(ids)) throw new BpmError(ROOT_REQUIRED);

  try {
    mkdirAll(root.locksDir, 0o700);
  } catch (err) {
    throw new BpmError(err instanceof Error ? err.message : String(err), { showUsage: true, cause: err });
  }

  if (hooks.skipCgroups === true) return;
  const { hostRunsSystemd } = await import('../host/features.ts');
  if (hostRunsSystemd()) return;
  const { setupCgroups } = await import('../host/cgroups.ts');
  setupCgroups(); // throws `unable to setup cgroups: …` with usage
}
