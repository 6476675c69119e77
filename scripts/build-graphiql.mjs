// Builds the self-hosted GraphiQL (src/server/graphiql/page.tsx) with esbuild, offline, into
// `outDir` (dist/graphiql). src/server/graphiql.ts serves index.html at GET /graphql and the rest
// under /graphiql/, so every URL in the output is an absolute /graphiql/... path on this server.
//
//   index.html                      the page (no inline script: only /graphiql/ assets)
//   graphiql.js, graphiql.css       the page entry: React, GraphiQL and its CSS (fonts inlined)
//   chunks/*.js                     lazily loaded parts: monaco-editor, monaco-graphql, prettier
//   assets/*                        files referenced from CSS (monaco's codicon font)
//   workers/editor.worker.js        Monaco's editor worker
//   workers/graphql.worker.js       monaco-graphql's language service
//   workers/json.worker.js          JSON language service (variables and headers editors)
//
// GraphiQL 5 ships worker set-ups for vite/webpack/esm.sh only (graphiql/setup-workers/*); they
// all assign globalThis.MonacoEnvironment.getWorker. page.tsx does the same with these files.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const require = createRequire(path.join(root, 'package.json'));
const PUBLIC_PATH = '/graphiql';

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  legalComments: 'none',
  target: ['chrome111', 'firefox115', 'safari16.4', 'edge111'],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  metafile: true,
};

/**
 * graphiql/style.css already contains Monaco's CSS (and fonts as data: URLs), so the CSS files
 * that monaco-editor's ESM modules import are left out instead of being bundled a second time.
 */
const monacoCssAlreadyIncluded = {
  name: 'monaco-css-already-included',
  setup(build) {
    build.onResolve({ filter: /\.css$/ }, (args) =>
      /[\\/]node_modules[\\/]monaco-editor[\\/]/.test(args.importer) ? { path: args.path, namespace: 'empty-css' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty-css' }, () => ({ contents: '', loader: 'css' }));
  },
};

const PAGE_CSS = `
html, body, #root { height: 100%; margin: 0; }
body { overflow: hidden; }
.tp-page { display: flex; flex-direction: column; height: 100%; }
.tp-graphiql { flex: 1; min-height: 0; }
.tp-header {
  display: flex; align-items: center; gap: 16px; flex-wrap: wrap;
  padding: 8px 16px; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #3b4b68; background: #f6f7f9; border-bottom: 1px solid #dde1e8;
}
.tp-title { margin: 0; font-size: 16px; font-weight: 600; }
.tp-api-key-form { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; margin: 0; }
.tp-api-key { display: flex; align-items: center; gap: 8px; font-weight: 500; }
.tp-api-key input {
  width: 28em; max-width: 60vw; padding: 4px 8px; font: 13px/1.4 ui-monospace, monospace;
  color: inherit; background: #fff; border: 1px solid #b9c0cc; border-radius: 4px;
}
.tp-api-key input:focus { outline: 2px solid #d60690; outline-offset: 1px; }
.tp-hint { font-size: 12px; opacity: .75; }
.tp-hint code { font-size: 12px; }
body.graphiql-dark .tp-header { color: #b7c2d7; background: #1f2635; border-bottom-color: #374259; }
body.graphiql-dark .tp-api-key input { background: #222b3b; border-color: #4a5772; }
@media (prefers-color-scheme: dark) {
  body:not(.graphiql-light) .tp-header { color: #b7c2d7; background: #1f2635; border-bottom-color: #374259; }
  body:not(.graphiql-light) .tp-api-key input { background: #222b3b; border-color: #4a5772; }
}
`;

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Touchpoint GraphiQL</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${PUBLIC_PATH}/graphiql.css" />
    <style>${PAGE_CSS.trim().replace(/\n\s*/g, ' ')}</style>
    <script type="module" src="${PUBLIC_PATH}/graphiql.js"></script>
  </head>
  <body>
    <div id="root"></div>
    <noscript>GraphiQL needs JavaScript.</noscript>
  </body>
</html>
`;

/** @param {string} outDir */
export async function buildGraphiql(outDir) {
  const started = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  const page = esbuild.build({
    ...common,
    entryPoints: { graphiql: path.join(root, 'src/server/graphiql/page.tsx') },
    outdir: outDir,
    format: 'esm',
    splitting: true,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    publicPath: `${PUBLIC_PATH}/`,
    jsx: 'automatic',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
    plugins: [monacoCssAlreadyIncluded],
  });

  // Classic (non-module) workers: one self-contained file each.
  const workers = esbuild.build({
    ...common,
    entryPoints: {
      'workers/editor.worker': require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
      'workers/json.worker': require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
      'workers/graphql.worker': path.join(path.dirname(require.resolve('monaco-graphql/package.json')), 'esm/graphql.worker.js'),
    },
    outdir: outDir,
    format: 'iife',
    plugins: [monacoCssAlreadyIncluded],
  });

  const results = await Promise.all([page, workers]);
  fs.writeFileSync(path.join(outDir, 'index.html'), INDEX_HTML);

  // Lazily loaded chunks get a CSS file of their own, empty here (see the plugin) and never
  // requested: drop them.
  const outputs = [];
  for (const output of results.flatMap((r) => Object.keys(r.metafile.outputs))) {
    const file = path.join(root, output);
    if (output.endsWith('.css') && fs.statSync(file).size === 0) fs.rmSync(file);
    else outputs.push(output);
  }

  // Nothing in the bundle may point at another host.
  const external = [];
  for (const output of outputs) {
    if (!/\.(css|html)$/.test(output)) continue;
    const text = fs.readFileSync(path.join(root, output), 'utf8');
    for (const match of text.matchAll(/url\(\s*['"]?(?:https?:)?\/\/[^)'"]+/g)) external.push(`${output}: ${match[0]}`);
  }
  if (external.length > 0) throw new Error(`GraphiQL bundle references other hosts:\n${external.join('\n')}`);

  const total = outputs.reduce((sum, o) => sum + fs.statSync(path.join(root, o)).size, 0);
  console.log(`GraphiQL: ${outputs.length + 1} files, ${(total / 1024 / 1024).toFixed(1)} MB in ${path.relative(root, outDir) || outDir} (${Date.now() - started} ms)`);
}

// `node scripts/build-graphiql.mjs [outDir]` builds just the page.
if (import.meta.url === `file://${process.argv[1]}`) {
  await buildGraphiql(path.resolve(process.argv[2] ?? path.join(root, 'dist/graphiql')));
}
