import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

it('probe native', async () => {
  const t0 = Date.now();
  const nodeRequire = createRequire(__filename);
  const { generate, loadContext } = nodeRequire('@graphql-codegen/cli');
  const context = await loadContext(path.resolve(__dirname, '../../codegen.yml'));
  context.updateConfig({ silent: true });
  const out = await generate(context, false);
  console.log(Date.now() - t0, out.map((o: any) => [o.filename, o.content.length]));
});
it('probe child', async () => {
  const t0 = Date.now();
  const script = `const {generate, loadContext} = require('@graphql-codegen/cli');
  (async () => { const c = await loadContext(process.argv[1]); c.updateConfig({ silent: true }); const o = await generate(c, false); process.stdout.write(JSON.stringify(o.map(f => ({filename: f.filename, content: f.content})))); })().catch(e => { console.error(e); process.exit(1); });`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script, path.resolve(__dirname, '../../codegen.yml')], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' }));
  console.log(Date.now() - t0, out.map((o: any) => [o.filename, o.content.length]));
});
