import { readSettings } from '../../config/env';
import { openDatabase } from '../../db/open';
import { dashboardLink } from '../../demo/dashboardLink';
import { ensureDemo } from '../../demo/firstStart';
import { startServer } from '../../server/app';
import { readLimits } from '../../server/limits/settings';
import { parseOptions, portNumber } from '../usage';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'no-migrate': { type: 'boolean' },
    'no-demo': { type: 'boolean' },
  });
  const settings = readSettings();
  const port = portNumber(values.port, '--port', settings.port);
  const limits = readLimits();
  const open = await openDatabase(settings, { migrate: !values['no-migrate'], pool: { statementTimeoutMs: limits.statementTimeoutMs, queryTimeoutMs: limits.statementTimeoutMs + 5_000 } });
  const log = (line: string) => process.stdout.write(line + '\n');
  const demoKey = open.embedded && !values['no-demo'] ? await ensureDemo(open.db, settings.dataDir, log) : undefined;
  const server = await startServer({ db: open.db, port, host: values.host ?? settings.host, limits, useRollups: settings.useRollups });
  const where = open.embedded ? `embedded PostgreSQL in ${settings.dataDir}` : 'DATABASE_URL';
  log(`Touchpoint is listening on ${server.url}/graphql (GraphiQL in a browser), database: ${where}`);
  if (demoKey) {
    log(`Demo account API key (enter it in GraphiQL's "API key" field): ${demoKey}`);
    log(`The demo's last 30 days as a dashboard, in GraphiQL (enter the key, then run): ${dashboardLink(server.url, new Date())}`);
  }

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      process.stdout.write(`${signal}: finishing in-flight requests and background refreshes, then stopping\n`);
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
