import { parseArgs, type ParseArgsConfig } from 'node:util';

export const USAGE = `Usage: touchpoint <command> [options]

Commands:
  serve [--port N] [--no-migrate] [--no-demo]   Start the GraphQL server (GraphiQL at /graphql)
  migrate                                       Apply database migrations
  accounts create --name NAME [--id ID]         Create an account; prints {"id","name","apiKey"} once
  accounts list                                 List accounts
  keys create --account ID [--name N] [--scopes read,ingest,admin]
  keys list --account ID
  keys revoke --account ID --key KEY_ID
  import FILE [--account ID]                    Import an NDJSON file of records
  seed --account ID [--interactions N] [--days D] [--seed S]
  rollups rebuild [--account ID]                Recompute the daily rollups from the raw rows (all accounts by default)
  schema [--check]                              Write (or check) schema/schema.graphql and the subgraph SDL

Environment: DATABASE_URL (external PostgreSQL; embedded one when unset), TOUCHPOINT_DATA_DIR (.data),
PORT (4000). See README.md.`;

/** A mistake in how a command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
  }
  return parsed;
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} takes a positive whole number, got "${value}"`);
  return n;
}

/** A TCP port; 0 asks the system for a free one (the URL printed at startup has the real port). */
export function portNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`${flag} takes a port number from 0 to 65535 (0: any free port), got "${value}"`);
  }
  return n;
}
