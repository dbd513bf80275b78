// `bpm validate [JOB | PATH/TO/bpm.yml]...` (docs/validate.md): static analysis of bpm.yml files.
// Exit 0 without errors (warnings too with --strict), 1 otherwise.
import { type AnalysisContext, countFindings } from '../analysis/analyse-job.ts';
import { deployedJobs } from '../analysis/io/deployed-jobs.ts';
import { fsHost } from '../analysis/io/fs-host.ts';
import { analyseTarget, targetsFor } from '../analysis/io/job-files.ts';
import { writeStdout } from '../presenters/stdout.ts';
import { renderValidateJson } from '../presenters/validate-json.ts';
import { renderValidateText } from '../presenters/validate-text.ts';
import type { Command } from './types.ts';

const validate: Command = async (inv) => {
  const host = { root: inv.root, host: fsHost };
  const ctx: AnalysisContext = { ...host, hostPathEnv: process.env['PATH'] ?? '', jobs: deployedJobs(host) };
  const reports = targetsFor(inv.args, inv.root).map((t) => analyseTarget(t, ctx));
  writeStdout(inv.flags['json'] === true ? renderValidateJson(reports) : renderValidateText(reports));
  const { errors, warnings } = countFindings(reports);
  return errors > 0 || (inv.flags['strict'] === true && warnings > 0) ? 1 : 0;
};

export default validate;
