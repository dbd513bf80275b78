// Runs a snippet of ES module code in a child Node that, when the tests run as root, first drops
// to nobody (root may read and write anything, so permission errors need another user).
import { spawnSync } from 'node:child_process';

/** Run `script` (ES module source) unprivileged; resolves to what it printed on stdout. */
export function runUnprivileged(script: string): { stdout: string; stderr: string } {
  const node = [process.execPath, '--input-type=module', '-e', script];
  const [cmd, ...args] =
    process.getuid?.() === 0
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node]
      : node;
  const r = spawnSync(cmd!, args, { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr };
}
