import 'reflect-metadata';
import { accountsCommand } from './commands/accounts';
import { importCommand } from './commands/import';
import { keysCommand } from './commands/keys';
import { migrateCommand } from './commands/migrate';
import { rollupsCommand } from './commands/rollups';
import { schemaCommand } from './commands/schema';
import { seedCommand } from './commands/seed';
import { serveCommand } from './commands/serve';
import { USAGE, UsageError } from './usage';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  serve: serveCommand,
  migrate: migrateCommand,
  accounts: accountsCommand,
  keys: keysCommand,
  schema: schemaCommand,
  import: importCommand,
  seed: seedCommand,
  rollups: rollupsCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`touchpoint: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`touchpoint: ${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
