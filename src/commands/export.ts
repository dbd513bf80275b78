// `bpm export k8s JOB [-o FILE] [--image IMAGE]` (docs/export-k8s.md): the job as a Kubernetes Pod.
import { writeFileSync } from 'node:fs';
import { loadJobConfig } from '../config/load.ts';
import { BpmError, ConfigError, UsageError } from '../errors.ts';
import { expandUnrestrictedVolumes } from '../export/io/pod-inputs.ts';
import { buildPod } from '../export/k8s-pod.ts';
import { podYaml } from '../export/k8s-yaml.ts';
import { vcapUser } from '../host/user.ts';
import { fsVolumeHost } from '../host/volume-host.ts';
import { validateJobName } from '../ids/names.ts';
import { notExpressibleWarning, noVcapUserWarning } from '../presenters/export-warnings.ts';
import { writeStdout } from '../presenters/stdout.ts';
import type { Command } from './types.ts';

const FORMATS = ['k8s'];

/** The placeholder image; replace it with an image holding the job's packages and templates. */
function defaultImage(job: string): string {
  return `bosh-job.invalid/${job}:latest`;
}

const exportCommand: Command = async (inv) => {
  const [format, job, ...extra] = inv.args;
  if (format === undefined) throw new UsageError('must specify a format (k8s)');
  if (!FORMATS.includes(format)) throw new UsageError(`unknown export format "${format}" (supported: k8s)`);
  if (job === undefined) throw new UsageError('must specify a job');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  validateJobName(job);

  const paths = inv.root.job(job);
  let config: ReturnType<typeof loadJobConfig>;
  try {
    config = loadJobConfig(paths.configFile, { root: inv.root.root, job, host: fsVolumeHost(inv.root.root) });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new BpmError(`failed to parse job configuration: ${detail}`, { cause: err });
  }
  if (config.processes.length === 0)
    throw new BpmError(`job ${job} defines no processes (${paths.configFile})`);

  const image =
    typeof inv.flags['image'] === 'string' && inv.flags['image'] !== ''
      ? inv.flags['image']
      : defaultImage(job);
  const { user, fromHost } = vcapUser();
  let unrestricted: ReturnType<typeof expandUnrestrictedVolumes>;
  try {
    unrestricted = expandUnrestrictedVolumes(config, user);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new BpmError(`failed to export job: ${err.message}`, { cause: err });
    throw err;
  }
  const { pod, notExpressible } = buildPod({ job, config, paths, image, user, unrestricted });
  if (!fromHost) process.stderr.write(noVcapUserWarning(user));
  for (const n of notExpressible) process.stderr.write(notExpressibleWarning(n));

  const text = podYaml(pod);
  const out = inv.flags['output'];
  if (typeof out === 'string' && out !== '' && out !== '-') writeFileSync(out, text);
  else writeStdout(text);
  return 0;
};

export default exportCommand;
