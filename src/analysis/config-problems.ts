// The problems upstream's loader rejects (src/config/inspect.ts) as `bpm validate` findings: one
// error per problem, with a code by kind and a hint by rule.
import type { ConfigProblem } from '../config/inspect.ts';
import type { RuleName } from '../config/validate.ts';
import type { Finding } from './finding.ts';

const RULE_HINTS: Record<RuleName | 'process-null', string> = {
  'name-empty': 'give the process a name (bpm start -p selects processes by it)',
  'executable-empty': 'set the program to run, as a path inside the container',
  'volume-not-canonical': 'write the path as the message shows: no trailing or double slash, no . or ..',
  'volume-default-directory':
    'ephemeral_disk/persistent_disk mount this directory already: use a sub-directory or drop the volume',
  'volume-outside-root':
    'additional volumes must lie strictly inside the BOSH root; unsafe.unrestricted_volumes mounts other paths',
  'volume-reserved':
    "volumes may not cover bpm's state or another job's directories; show packages or job templates read-only with mount_only: true, or share through a directory of your own",
  'shutdown-signal': 'use TERM or INT, or leave shutdown_signal out (TERM)',
  'process-null': 'remove the empty - entry or fill it in',
};

const SYNTAX_HINT = 'fix the YAML syntax; the other checks run once the file parses';
const TYPE_HINT =
  'bpm start and bpm run reject this file; the other checks skip this process until it decodes';

function codeAndHint(p: ConfigProblem): { code: string; hint: string } {
  switch (p.kind) {
    case 'syntax':
      return { code: 'config-syntax', hint: SYNTAX_HINT };
    case 'type':
      return { code: 'config-type', hint: TYPE_HINT };
    case 'rule':
      return { code: 'config-invalid', hint: p.rule === undefined ? '' : RULE_HINTS[p.rule] };
    case 'unreadable':
      return { code: 'config-unreadable', hint: '' };
  }
}

export function problemFinding(p: ConfigProblem): Finding {
  const { code, hint } = codeAndHint(p);
  const f: Finding = {
    file: p.location.file,
    line: p.location.line,
    column: p.location.column,
    field: p.location.field,
    severity: 'error',
    code,
    // An unreadable file names itself, like the read errors (config-unreadable) do.
    message: p.kind === 'unreadable' ? `${p.location.file}: ${p.detail}` : p.detail,
  };
  if (hint !== '') f.hint = hint;
  return f;
}
