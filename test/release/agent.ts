// What the BOSH agent (and the director's template rendering) does to a VM with a release
// tarball, for the install test on the Noble VM. Not a fake: every step runs for real as root
// against /var/vcap:
//   unpack      release tarball → release.MF + job/package archives, every sha1 checked
//   compile     each package in dependency order: its archive unpacked into a compile dir,
//               `bash -e packaging` run there with BOSH_INSTALL_TARGET=/var/vcap/packages/NAME;
//               installed under data/packages/NAME/FINGERPRINT, packages/NAME a symlink to it
//               (a fingerprint already installed is not compiled again)
//   applyJobs   each job's templates rendered with ERB (render-templates.rb), laid out under
//               data/jobs/NAME/FINGERPRINT with jobs/NAME a symlink to it, bin/* executable,
//               its monit file at monit/job/NNNN_NAME.monitrc (the stemcell's monitrc includes it)
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { untarGz } from '../../scripts/release/archive.ts';
import { compileOrder } from '../../scripts/release/build.ts';
import { fileDigest } from '../../scripts/release/digest.ts';
import { parseManifest, type ReleaseManifest } from '../../scripts/release/manifest.ts';

const RENDERER = new URL('render-templates.rb', import.meta.url).pathname;

export interface Unpacked {
  dir: string;
  manifest: ReleaseManifest;
}

export function sh(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status ?? r.signal}\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

/** Points `link` at `target`, replacing whatever link was there in one rename. */
function swapSymlink(target: string, link: string): void {
  const tmp = `${link}.new-${process.pid}`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

export interface JobToApply {
  release: Unpacked;
  name: string;
  /** The deployment manifest's properties for this job (the spec's defaults fill the rest). */
  properties?: Record<string, unknown>;
}

function lookup(tree: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = tree;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setPath(tree: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

export class Agent {
  readonly root: string;
  constructor(root = '/var/vcap') {
    this.root = root;
  }

  unpack(tarball: string): Unpacked {
    const dir = mkdtempSync('/tmp/agent-release-');
    untarGz(tarball, dir);
    const manifest = parseManifest(readFileSync(join(dir, 'release.MF'), 'utf8'));
    for (const [kind, refs] of [
      ['jobs', manifest.jobs],
      ['packages', manifest.packages],
    ] as const) {
      for (const ref of refs) {
        const sha1 = fileDigest(join(dir, kind, `${ref.name}.tgz`), 'sha1');
        if (sha1 !== ref.sha1)
          throw new Error(`${kind}/${ref.name}.tgz: sha1 ${sha1}, release.MF says ${ref.sha1}`);
      }
    }
    return { dir, manifest };
  }

  /** Compiles every package not yet installed, dependencies first; returns the ones compiled. */
  compile(rel: Unpacked): string[] {
    const refs = new Map(rel.manifest.packages.map((p) => [p.name, p]));
    const compiled: string[] = [];
    for (const name of compileOrder(refs)) {
      const ref = refs.get(name)!;
      const installed = join(this.root, 'data', 'packages', name, ref.fingerprint);
      if (!existsSync(installed)) {
        const work = mkdtempSync('/tmp/agent-compile-');
        untarGz(join(rel.dir, 'packages', `${name}.tgz`), work);
        const partial = `${installed}.partial`;
        rmSync(partial, { recursive: true, force: true });
        mkdirSync(partial, { recursive: true });
        // During compilation packages/NAME is the install target, as on a compilation VM.
        mkdirSync(join(this.root, 'packages'), { recursive: true });
        swapSymlink(partial, join(this.root, 'packages', name));
        sh('bash', ['-e', 'packaging'], {
          cwd: work,
          env: {
            PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            BOSH_COMPILE_TARGET: work,
            BOSH_INSTALL_TARGET: join(this.root, 'packages', name),
            BOSH_PACKAGE_NAME: name,
            BOSH_PACKAGE_VERSION: ref.version,
          },
        });
        renameSync(partial, installed);
        rmSync(work, { recursive: true, force: true });
        compiled.push(name);
      }
      swapSymlink(installed, join(this.root, 'packages', name));
    }
    return compiled;
  }

  /** Renders and lays out the instance's jobs, in this order (it numbers their monit files). */
  applyJobs(jobs: readonly JobToApply[]): void {
    const monitDir = join(this.root, 'monit', 'job');
    mkdirSync(monitDir, { recursive: true });
    for (const f of readdirSync(monitDir)) rmSync(join(monitDir, f));
    jobs.forEach(({ release: rel, name, properties }, index) => {
      const ref = rel.manifest.jobs.find((j) => j.name === name);
      if (ref === undefined) throw new Error(`release ${rel.manifest.name} has no job ${name}`);
      const src = mkdtempSync('/tmp/agent-job-');
      untarGz(join(rel.dir, 'jobs', `${name}.tgz`), src);
      const spec = parse(readFileSync(join(src, 'job.MF'), 'utf8')) as {
        templates?: Record<string, string>;
        properties?: Record<string, { default?: unknown }>;
      };
      // The director's view: each spec property (a dotted name) at its place in a nested map, its
      // default unless the manifest sets it.
      const props: Record<string, unknown> = {};
      for (const [key, def] of Object.entries(spec.properties ?? {})) {
        const path = key.split('.');
        const set = lookup(properties ?? {}, path);
        const value = set !== undefined ? set : def?.default;
        if (value !== undefined) setPath(props, path, value);
      }
      const dest = join(this.root, 'data', 'jobs', name, `${ref.fingerprint}-${ref.sha1}`);
      rmSync(dest, { recursive: true, force: true });
      mkdirSync(dest, { recursive: true });
      // The director renders the monit file like any template.
      const hasMonit = existsSync(join(src, 'monit'));
      const templates = { ...spec.templates, ...(hasMonit ? { '../monit': 'monit' } : {}) };
      const context = join(src, 'context.json');
      writeFileSync(
        context,
        JSON.stringify({
          templates,
          properties: props,
          spec: { name: 'test-group', index: 0, id: 'test-id', deployment: 'test', job: { name } },
        }),
      );
      sh('ruby', [RENDERER, context, join(src, 'templates'), dest]);
      const bin = join(dest, 'bin');
      if (existsSync(bin)) for (const f of readdirSync(bin)) chmodSync(join(bin, f), 0o755);
      if (hasMonit) {
        const file = `${String(index + 1).padStart(4, '0')}_${name}.monitrc`;
        writeFileSync(join(monitDir, file), readFileSync(join(dest, 'monit')));
      }
      mkdirSync(join(this.root, 'jobs'), { recursive: true });
      swapSymlink(dest, join(this.root, 'jobs', name));
      rmSync(src, { recursive: true, force: true });
    });
  }
}
