// `bpm validate` stdout (docs/validate.md "Output"): one line per finding, compiler style, with
// its hint below; the security summary per process; then a totals line.
import { countFindings, type JobReport } from '../analysis/analyse-job.ts';
import type { Finding } from '../analysis/finding.ts';
import type { SecurityScore } from '../analysis/security-score.ts';

export function findingLine(f: Finding): string {
  const field = f.field === '' ? '' : `${f.field}: `;
  // Line 0 means the whole file (it could not be read): no made-up position.
  const where = f.line === 0 ? f.file : `${f.file}:${f.line}:${f.column}`;
  const head = `${where}: ${f.severity}: ${field}${f.message} [${f.code}]`;
  return f.hint === undefined ? head : `${head}\n    hint: ${f.hint}`;
}

function securityLines(job: string, s: SecurityScore): string[] {
  const lines = [`security ${job}/${s.process}: ${s.score}/100 (${s.rating})`];
  for (const d of s.deductions) lines.push(`  -${d.points}\t${d.setting}\t${d.reason}`);
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderValidateText(reports: readonly JobReport[]): string {
  const lines: string[] = [];
  for (const r of reports) for (const f of r.findings) lines.push(findingLine(f));
  for (const r of reports) for (const s of r.security) lines.push(...securityLines(r.job, s));
  const { errors, warnings } = countFindings(reports);
  lines.push(
    `${plural(reports.length, 'job')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
  );
  return `${lines.join('\n')}\n`;
}
