import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { createAccount } from '../../src/accounts/accountStore';
import { startServer, type RunningServer } from '../../src/server/app';
import { createTestDatabase, type TestDatabase } from './db';

/** The form of the request ID every answer carries (extensions.requestId, the x-request-id header): a random UUID. */
export const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: Array<string | number> }>;
}

export interface TestServer {
  db: TestDatabase;
  server: RunningServer;
  url: string;
  /** POSTs one operation to /graphql with the given API key. */
  request<T = Record<string, any>, V = Record<string, unknown>>(
    document: string | DocumentNode | TypedDocumentNode<T, V>,
    variables?: V,
    apiKey?: string | null,
  ): Promise<GraphQLResponse<T>>;
  createAccount(name?: string, id?: string): Promise<{ id: number; externalId: string; apiKey: string }>;
  close(): Promise<void>;
}

/** A server on a random port over its own fresh database. */
export async function startTestServer(): Promise<TestServer> {
  const db = await createTestDatabase({ size: 10 });
  const server = await startServer({ db, port: 0, host: '127.0.0.1' });
  let accounts = 0;
  return {
    db,
    server,
    url: server.url,
    async request(document, variables, apiKey) {
      const query = typeof document === 'string' ? document : print(document as DocumentNode);
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse<any>;
      return { ...body, status: response.status };
    },
    async createAccount(name = `account ${++accounts}`, id) {
      return createAccount(db.prisma, name, id);
    },
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}
