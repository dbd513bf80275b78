// Bundles src/main.ts into dist/ with esbuild. Commands are split into lazily loaded chunks.
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
// Build next to dist/ and swap it in with renames, so a bpm running meanwhile never sees a
// half-written or missing bundle.
const next = `dist.next-${process.pid}`;
const old = `dist.old-${process.pid}`;

await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/main.ts' },
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: ['koffi'],
  chunkNames: 'chunks/[name]-[hash]',
  define: { BPM_VERSION: JSON.stringify(process.env.BPM_VERSION ?? pkg.version) },
  logLevel: 'warning',
  legalComments: 'none',
  // CommonJS dependencies (yaml) require Node built-ins; give the ESM bundle a real `require`.
  banner: {
    js: "import { createRequire as __bpmCreateRequire } from 'node:module'; const require = __bpmCreateRequire(import.meta.url);",
  },
});

if (existsSync(`${root}dist`)) renameSync(`${root}dist`, `${root}${old}`);
renameSync(`${root}${next}`, `${root}dist`);
rmSync(`${root}${old}`, { recursive: true, force: true });
