/**
 * Ten days of one interaction an hour (2026-10-01 to 10-10), each by its own end user, stored in
 * one account and read over 2026-10-01 10:37 to 10-10 13:05 through two servers on the same
 * database: the rollup path and the raw path (useRollups false), to compare.
 */
import { startServer, type RunningServer } from '../../src/server/app';
import { startTestServer, type TestServer } from '../helpers/server';
import { ingestOk } from '../ingest/helpers';

type Json = Record<string, unknown>;

export const at = (day: number, hour: number) => new Date(Date.UTC(2026, 9, 1 + day, hour)).toISOString();
const FILTER = { from: '2026-10-01T10:37:00Z', to: '2026-10-10T13:05:00Z' };

export interface HourlyFixture {
  /** The `insights` selection's data over the range, from the rollup path or (with `raw`) the raw path; fails on GraphQL errors. */
  query(selection: string, raw?: boolean): Promise<any>;
  close(): Promise<void>;
}

/** Stores the record `recordAt` makes for each hour (day 0-9, hour 0-23) in a new account named `name`, then the `later` records. */
export async function hourlyFixture(name: string, recordAt: (startedAt: string, day: number, hour: number) => Json, later: Json[] = []): Promise<HourlyFixture> {
  const t: TestServer = await startTestServer();
  let raw: RunningServer | undefined;
  try {
    const account = await t.createAccount(name);
    const records = [];
    for (let day = 0; day < 10; day++) for (let hour = 0; hour < 24; hour++) records.push(recordAt(at(day, hour), day, hour));
    await ingestOk(t.db.pool, account.id, records);
    if (later.length > 0) await ingestOk(t.db.pool, account.id, later);
    raw = await startServer({ db: t.db, port: 0, host: '127.0.0.1', useRollups: false });
    const rawUrl = raw.url;
    return {
      async query(selection, useRaw = false) {
        const response = await fetch(`${useRaw ? rawUrl : t.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${account.apiKey}` },
          body: JSON.stringify({ query: `query($filter: InsightsFilter!) { insights(filter: $filter) { ${selection} } }`, variables: { filter: FILTER } }),
        });
        const body = (await response.json()) as { data?: any; errors?: unknown[] };
        expect(body.errors).toBeUndefined();
        return body.data.insights;
      },
      async close() {
        await raw?.stop();
        await t.close();
      },
    };
  } catch (error) {
    await raw?.stop();
    await t.close();
    throw error;
  }
}

/** The IDs of a connection's nodes, in order. */
export const ids = (connection: any): string[] => connection.edges.map((e: any) => e.node.id);
