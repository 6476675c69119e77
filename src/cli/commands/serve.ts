import { readSettings } from '../../config/env';
import { openDatabase } from '../../db/open';
import { startServer } from '../../server/app';
import { parseOptions, positiveInt } from '../usage';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'no-migrate': { type: 'boolean' },
    'no-demo': { type: 'boolean' },
  });
  const settings = readSettings();
  const port = positiveInt(values.port, '--port', settings.port);
  const open = await openDatabase(settings, { migrate: !values['no-migrate'] });
  const server = await startServer({ db: open.db, port, host: values.host ?? settings.host });
  const where = open.embedded ? `embedded PostgreSQL in ${settings.dataDir}` : 'DATABASE_URL';
  process.stdout.write(`Touchpoint is listening on ${server.url}/graphql (GraphiQL in a browser), database: ${where}\n`);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      process.stdout.write(`${signal}: finishing in-flight requests, then stopping\n`);
      resolve();
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  await server.stop();
  await open.close();
  process.stdout.write('stopped\n');
  return 0;
}
