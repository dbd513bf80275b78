// The repository explains itself (docs/behaviour/README.md): run by `npm test`, this check fails when
//   1. a file names something outside the repository that the code follows (a spec folder such as
//      ../shared/spec/, or a bare `cli.md`, `policy.md`, … that is not one of our docs/behaviour/ pages);
//   2. a citation `docs/behaviour/PAGE.md §N` names a page or section that does not exist, or
//      `policy.md fix #N` a fix the policy does not list;
//   3. a Markdown link to a .md file (with or without #anchor) leads nowhere.
// `node scripts/check-citations.ts` prints one line per problem and exits 1 if there is any.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** Where the repository's own text lives (node_modules, dist and .git are never read). */
const SCANNED = [
  'README.md',
  'SECURITY.md',
  'package.json',
  '.ci',
  'bench',
  'bin',
  'docs',
  'examples',
  'scripts',
  'src',
  'test',
];
/** This check and its test spell out the names they refuse. */
const SELF = ['scripts/check-citations.ts', 'test/scripts/check-citations.test.ts'];

const OUTSIDE = /\/work\/shared|(?:^|[^\w-])shared\/(?:spec|seeds)\b/;
const SPEC_PAGES = 'cli|policy|container|paths|config|logging|locking-and-recovery';
const BARE_SPEC_PAGE = new RegExp(`(?<![\\w/.-])(?:${SPEC_PAGES})\\.md\\b`);
const CITATION = /(?:docs\/)?behaviour\/([\w-]+)\.md §(\d+(?:\.\d+)*)/g;
const FIX = /policy\.md fix #(\d+)/g;
const LINK = /\]\(([^)\s]+?\.md)(?:#([^)\s]*))?\)/g;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

interface Page {
  anchors: Set<string>;
  /** Section numbers of the headings (`2`, `10.3`). */
  sections: Set<string>;
  /** Numbered list items at the start of a line (policy.md's fixes). */
  items: Set<string>;
}

function pageOf(text: string): Page {
  const page: Page = { anchors: new Set(), sections: new Set(), items: new Set() };
  for (const line of text.split('\n')) {
    const h = /^#{1,6} (.*)$/.exec(line);
    if (h !== null) {
      page.anchors.add(anchorOf(h[1]!));
      const n = /^(\d+(?:\.\d+)*)\.? /.exec(h[1]!);
      if (n !== null) page.sections.add(n[1]!);
    }
    const item = /^(\d+)\. /.exec(line);
    if (item !== null) page.items.add(item[1]!);
  }
  return page;
}

/** Problems in a set of files: repository-relative path → text. */
export function citationProblems(files: ReadonlyMap<string, string>): string[] {
  const pages = new Map<string, Page>();
  for (const [path, text] of files) if (path.endsWith('.md')) pages.set(path, pageOf(text));
  const problems: string[] = [];
  for (const [path, text] of files) {
    const inBehaviour = path.startsWith('docs/behaviour/');
    text.split('\n').forEach((line, i) => {
      const at = `${path}:${i + 1}`;
      if (OUTSIDE.test(line))
        problems.push(`${at}: points outside the repository; cite docs/behaviour/ instead`);
      if (!inBehaviour && BARE_SPEC_PAGE.test(line)) {
        problems.push(
          `${at}: cites ${BARE_SPEC_PAGE.exec(line)![0]}, not in the repository; cite docs/behaviour/…`,
        );
      }
      for (const m of line.matchAll(CITATION)) {
        const page = pages.get(`docs/behaviour/${m[1]}.md`);
        if (page === undefined) problems.push(`${at}: docs/behaviour/${m[1]}.md does not exist`);
        else if (!page.sections.has(m[2]!)) problems.push(`${at}: docs/behaviour/${m[1]}.md has no §${m[2]}`);
      }
      for (const m of line.matchAll(FIX)) {
        if (!pages.get('docs/behaviour/policy.md')?.items.has(m[1]!)) {
          problems.push(`${at}: docs/behaviour/policy.md has no fix #${m[1]}`);
        }
      }
      if (!path.endsWith('.md')) return;
      for (const m of line.matchAll(LINK)) {
        if (/^[a-z]+:/.test(m[1]!)) continue;
        const target = normalize(join(dirname(path), m[1]!));
        const page = pages.get(target);
        if (page === undefined) problems.push(`${at}: link to ${m[1]}, which does not exist`);
        else if (m[2] !== undefined && !page.anchors.has(m[2]))
          problems.push(`${at}: ${target} has no #${m[2]}`);
      }
    });
  }
  return problems;
}

function readFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const add = (path: string): void => {
    const text = readFileSync(path, 'utf8');
    const name = relative(root, path);
    if (!text.includes('\0') && !SELF.includes(name)) files.set(name, text);
  };
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) add(path);
    }
  };
  for (const entry of SCANNED) {
    const path = join(root, entry);
    if (entry.includes('.') && !entry.startsWith('.')) add(path);
    else walk(path);
  }
  return files;
}

if (import.meta.main) {
  const problems = citationProblems(readFiles(new URL('..', import.meta.url).pathname));
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
