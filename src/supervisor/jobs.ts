// Which processes the supervisor looks after: every process of every job with a bpm.yml under R, or
// of the jobs named with --job (plain mode leaves errand-only jobs out first: errand-jobs.ts). A
// job whose bpm.yml does not load is reported and left out (on a reload its old processes stay as
// they are).
import { existsSync, readdirSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import type { ProcessConfig } from '../config/types.ts';
import { messageOf } from '../errors.ts';
import { validateJobName } from '../ids/names.ts';
import { loadConfig } from '../lifecycle/job-config.ts';
import { processRef } from '../lifecycle/process-ref.ts';
import type { Logger } from '../log/logger.ts';

export interface SupervisedSpec {
  job: string;
  config: ProcessConfig;
}

export interface LoadedJobs {
  specs: SupervisedSpec[];
  /** Jobs whose bpm.yml did not load (each logged once as job-not-supervised). */
  failed: Set<string>;
}

/** Job names with R/jobs/JOB/config/bpm.yml, sorted. */
export function jobsWithConfig(root: RootPaths): string[] {
  let names: string[];
  try {
    names = readdirSync(root.jobsDir);
  } catch {
    return [];
  }
  return names.filter((job) => existsSync(root.job(job).configFile)).sort();
}

export function loadJobs(root: RootPaths, jobs: readonly string[], log: Logger): LoadedJobs {
  const specs: SupervisedSpec[] = [];
  const failed = new Set<string>();
  for (const job of jobs) {
    try {
      validateJobName(job);
      const config = loadConfig(processRef(root, job, job), log.session('load-config'));
      for (const p of config.processes) specs.push({ job, config: p });
    } catch (err) {
      failed.add(job);
      log.error('job-not-supervised', err, { job, reason: messageOf(err) });
    }
  }
  return { specs, failed };
}

/** The processes of `jobs` that load (see loadJobs). */
export function supervisedProcesses(root: RootPaths, jobs: readonly string[], log: Logger): SupervisedSpec[] {
  return loadJobs(root, jobs, log).specs;
}
