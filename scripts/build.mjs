// `npm run build` (also run by `npm install` through "prepare"): Prisma client, TypeScript,
// and the self-hosted GraphiQL bundle.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (command, args, env = {}) =>
  execFileSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });

// `prisma generate` needs no schema engine, but insists on finding one; the native engine
// cannot be downloaded on every machine, so point it at a stub that is never executed.
const stubDir = path.join(root, 'node_modules/.cache/touchpoint');
const stub = path.join(stubDir, 'schema-engine-stub');
fs.mkdirSync(stubDir, { recursive: true });
fs.writeFileSync(stub, '#!/bin/sh\necho "schema engine stub: not available on this machine" >&2\nexit 1\n', { mode: 0o755 });

run('node', ['node_modules/prisma/build/index.js', 'generate'], { PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: '1' });
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
const { buildGraphiql } = await import('./build-graphiql.mjs');
await buildGraphiql(path.join(root, 'dist/graphiql'));
