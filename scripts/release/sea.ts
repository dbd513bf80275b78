// Builds bpm as a Node single executable application into src/bpm/ of the release: the pinned
// Node runtime (node_modules/node, the npm `node` package) with bpm's bundle (dist/sea.js built
// with the release's version stamped) and its V8 code cache injected, plus koffi's native addon
// for linux-x64, which the executable loads from ../node_modules next to it.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ReleaseError } from './specs.ts';

/** The fuse postject flips so that Node runs the injected script (Node's documented sentinel). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const KOFFI_NATIVE = 'node_modules/@koromix/koffi-linux-x64';

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): void {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new ReleaseError(
      `${[cmd, ...args].join(' ')}: ${(r.stderr || r.stdout).trim() || `exit ${r.status}`}`,
    );
  }
}

/** Writes src/bpm/bin/bpm and src/bpm/node_modules/… under `srcDir`. */
export function buildSea(repo: string, srcDir: string, version: string): void {
  const node = join(repo, 'node_modules', 'node', 'bin', 'node');
  const work = mkdtempSync(join(tmpdir(), 'bpm-sea-'));
  try {
    const out = join(work, 'dist');
    run(node, ['scripts/build.mjs', '--out', relative(repo, out), '--sea'], {
      cwd: repo,
      env: { ...process.env, BPM_VERSION: version },
    });
    const config = {
      main: join(out, 'sea.js'),
      output: join(work, 'sea.blob'),
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      // V8 flags come from a `--node-options=...` argument, which the release's wrapper gives
      // `bpm supervise` only (--single-threaded-gc is not allowed in NODE_OPTIONS); NODE_OPTIONS
      // is not read, so no environment can add options (a --require) to a root tool.
      execArgvExtension: 'cli',
    };
    writeFileSync(join(work, 'sea.json'), JSON.stringify(config));
    run(node, ['--experimental-sea-config', join(work, 'sea.json')], { cwd: work });

    const pkg = join(srcDir, 'bpm');
    rmSync(pkg, { recursive: true, force: true });
    const exe = join(pkg, 'bin', 'bpm');
    mkdirSync(dirname(exe), { recursive: true });
    copyFileSync(node, exe);
    chmodSync(exe, 0o755);
    const postject = join(repo, 'node_modules', 'postject', 'dist', 'cli.js');
    run(node, [postject, exe, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', SEA_FUSE], { cwd: work });

    for (const file of ['package.json', 'linux_x64/koffi.node']) {
      const dest = join(pkg, KOFFI_NATIVE, file);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(join(repo, KOFFI_NATIVE, file), dest);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
