// The jobs under R as `bpm validate`'s depends_on rules see them (analysis/depends-on.ts): read
// once each, best effort (the processes that decode, as `bpm validate` of that job would see them).
import { existsSync } from 'node:fs';
import { inspectJobConfig } from '../../config/inspect.ts';
import { readJobConfigText } from '../../config/load.ts';
import { type AnalysisContext, volumeHost } from '../analyse-job.ts';
import type { DeployedJob, DeployedJobs } from '../depends-on.ts';

export function deployedJobs(ctx: Pick<AnalysisContext, 'root' | 'host'>): DeployedJobs {
  const cache = new Map<string, DeployedJob>();
  const read = (job: string): DeployedJob => {
    const paths = ctx.root.job(job);
    if (!existsSync(paths.jobDir)) return { kind: 'not-deployed' };
    if (!existsSync(paths.configFile)) return { kind: 'no-bpm-yml' };
    let text: string;
    try {
      text = readJobConfigText(paths.configFile);
    } catch {
      return { kind: 'broken' };
    }
    const { config } = inspectJobConfig(text, paths.configFile, {
      root: ctx.root.root,
      job,
      host: volumeHost(ctx),
    });
    if (config === undefined) return { kind: 'broken' };
    const processes = new Map<string, readonly string[]>();
    for (const p of config.processes) if (!processes.has(p.name)) processes.set(p.name, p.dependsOn ?? []);
    return { kind: 'loaded', processes };
  };
  return (job) => {
    let d = cache.get(job);
    if (d === undefined) {
      d = read(job);
      cache.set(job, d);
    }
    return d;
  };
}
