import { staleArtifacts, writeArtifacts } from '../../server/schemaArtifacts';
import { parseOptions } from '../usage';

export async function schemaCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { check: { type: 'boolean' } });
  if (values.check) {
    const stale = await staleArtifacts();
    if (stale.length > 0) {
      process.stderr.write(`touchpoint: stale: schema/${stale.join(', schema/')}. Run \`npm run schema:emit\`.\n`);
      return 1;
    }
    process.stdout.write('schema/ is up to date\n');
    return 0;
  }
  const written = await writeArtifacts();
  process.stdout.write(`wrote schema/${written.join(', schema/')}\n`);
  return 0;
}
