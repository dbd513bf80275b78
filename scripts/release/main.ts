// `npm run release [-- --version V] [--out DIR]`: gathers the blobs, builds bpm's single
// executable with the version stamped, and writes the dev release tarball (default
// dist/release/bpm-VERSION.tgz, VERSION = package.json's version + "+dev." + the commit count).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { gatherBlobs } from './blobs.ts';
import { buildRelease } from './build.ts';
import { buildSea } from './sea.ts';
import { ReleaseError } from './specs.ts';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const RELEASE_DIR = join(REPO, 'release');

function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new ReleaseError(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The dev version the release gets by default: monotonic along a branch's history. */
export function devVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  return `${pkg.version}+dev.${git(['rev-list', '--count', 'HEAD'])}`;
}

function main(): void {
  const { values } = parseArgs({ options: { version: { type: 'string' }, out: { type: 'string' } } });
  const version = values.version ?? devVersion();
  if (!/^[0-9A-Za-z.+-]+$/.test(version)) throw new ReleaseError(`--version: '${version}' is not a version`);
  const final = parse(readFileSync(join(RELEASE_DIR, 'config', 'final.yml'), 'utf8')) as { name?: unknown };
  if (typeof final?.name !== 'string') throw new ReleaseError('release/config/final.yml: no name');

  for (const blob of gatherBlobs(join(RELEASE_DIR, 'config', 'blobs.yml'), join(RELEASE_DIR, 'blobs'))) {
    process.stderr.write(`fetched blob ${blob}\n`);
  }
  buildSea(REPO, join(RELEASE_DIR, 'src'), version);
  const out = buildRelease({
    releaseDir: RELEASE_DIR,
    name: final.name,
    version,
    commitHash: git(['rev-parse', '--short=8', 'HEAD']),
    uncommittedChanges: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    outDir: resolve(REPO, values.out ?? join('dist', 'release')),
  });
  process.stdout.write(`${out}\n`);
}

try {
  main();
} catch (err) {
  // A ReleaseError, an unknown option (parseArgs) or a file that cannot be read: one line.
  if (!(err instanceof ReleaseError) && typeof (err as { code?: unknown }).code !== 'string') throw err;
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
