// The container environment (docs/behaviour/container.md §2.5); also the pre-start hook's environment.
import type { JobPaths } from '../bosh/paths.ts';

/** The job's env in Map order, then TMPDIR, LANG, PATH, HOME defaults for keys the job did not set. */
export function buildEnv(env: ReadonlyMap<string, string>, paths: JobPaths): string[] {
  const out: string[] = [];
  for (const [k, v] of env) out.push(`${k}=${v}`);
  const defaults: [string, string][] = [
    ['TMPDIR', paths.internalTmpDir],
    ['LANG', 'en_US.UTF-8'],
    ['PATH', `${paths.internalBinDir}:/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.`],
    ['HOME', paths.internalDataDir],
  ];
  for (const [k, v] of defaults) if (!env.has(k)) out.push(`${k}=${v}`);
  return out;
}
