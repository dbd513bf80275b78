// Human output of `bpm validate`: one line per finding (compiler style), the security summary per
// process, then a totals line.
import type { JobReport } from './analyse-job.ts';
import type { Finding } from './finding.ts';
import type { SecurityScore } from './security-score.ts';

export function findingLine(f: Finding): string {
  const field = f.field === '' ? '' : `${f.field}: `;
  const head = `${f.file}:${f.line}:${f.column}: ${f.severity}: ${field}${f.message} [${f.code}]`;
  return f.hint === undefined ? head : `${head}\n    hint: ${f.hint}`;
}

export function securityLines(job: string, s: SecurityScore): string[] {
  const lines = [`security ${job}/${s.process}: ${s.score}/100 (${s.rating})`];
  for (const d of s.deductions) lines.push(`  -${d.points}\t${d.setting}\t${d.reason}`);
  return lines;
}

export function countFindings(reports: readonly JobReport[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const r of reports) {
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else warnings++;
    }
  }
  return { errors, warnings };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderText(reports: readonly JobReport[]): string {
  const lines: string[] = [];
  for (const r of reports) for (const f of r.findings) lines.push(findingLine(f));
  for (const r of reports) for (const s of r.security) lines.push(...securityLines(r.job, s));
  const { errors, warnings } = countFindings(reports);
  lines.push(
    `${plural(reports.length, 'job')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
  );
  return `${lines.join('\n')}\n`;
}
