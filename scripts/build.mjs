// Bundles src/main.ts into dist/ with esbuild. Commands are split into lazily loaded chunks.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
rmSync(`${root}dist`, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
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
  banner: { js: "import { createRequire as __bpmCreateRequire } from 'node:module'; const require = __bpmCreateRequire(import.meta.url);" },
});
