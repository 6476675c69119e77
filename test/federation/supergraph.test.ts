import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { countStatements } from '../helpers/statements';

/** A test-only Customer Profiles subgraph that owns CustomerProfile and adds displayName. */
const PROFILES_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type CustomerProfile @key(fields: "id") { id: ID! displayName: String! }
  type Query { profile(id: ID!): CustomerProfile }
`;
const displayName = (id: string) => `Customer ${id.toUpperCase()}`;

const at = (minute: number) => new Date(Date.UTC(2026, 9, 5, 10, minute)).toISOString();
const interaction = (id: string, minute: number, customerProfileId?: string) => ({
  record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: at(minute), channel: 'SMS', endUserId: `u-${id}`,
  ...(customerProfileId ? { customerProfileId } : {}),
  automation: { id: 'cb', type: 'CHATBOT', name: 'Bot' },
  analysis: { outcome: 'UNSUCCESSFUL', topics: [{ name: 'Returns', resolved: false }] },
});
const FILTER = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };

let t: TestServer;
let a: { id: number; apiKey: string };
let b: { id: number; apiKey: string };
let profiles: { url: string; stop: () => Promise<void> };
let gateway: { url: string; stop: () => Promise<void> };
let subgraphSdl: string;
let servedSdl: string;

async function ingest(apiKey: string, records: unknown[]) {
  const res = await t.request('mutation($r: [JSONObject!]!) { ingest(records: $r) { rejected { reason } } }', { r: records }, apiKey);
  expect(res.data?.ingest.rejected).toEqual([]);
}

async function viaGateway(query: string, apiKey: string) {
  const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ query }) });
  return (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

beforeAll(async () => {
  t = await startTestServer();
  a = await t.createAccount('A');
  b = await t.createAccount('B');
  await ingest(a.apiKey, [interaction('i-1', 1, 'cp-1'), interaction('i-2', 2), interaction('i-3', 3, 'cp-3')]);
  await ingest(b.apiKey, [interaction('i-1', 4, 'cp-b')]);

  // What a router composes: the checked-in subgraph SDL (kept fresh by test/foundation/schema.test.ts).
  subgraphSdl = fs.readFileSync(path.resolve(__dirname, '../../schema/subgraph.graphql'), 'utf8');
  const service = await t.request<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, a.apiKey);
  expect(service.errors).toBeUndefined();
  servedSdl = service.data!._service.sdl;

  const profileServer = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(PROFILES_SDL),
      resolvers: {
        Query: { profile: (_: unknown, { id }: { id: string }) => ({ id }) },
        CustomerProfile: { displayName: (p: { id: string }) => displayName(p.id), __resolveReference: (ref: { id: string }) => ref },
      } as never,
    }),
  });
  const { url } = await startStandaloneServer(profileServer, { listen: { port: 0, host: '127.0.0.1' } });
  profiles = { url, stop: () => profileServer.stop() };
});

afterAll(async () => {
  await gateway?.stop();
  await profiles?.stop();
  await t.close();
});

describe('the subgraph', () => {
  it.each([
    'type Interaction @key(fields: "id")',
    'type FunnelView @key(fields: "id")',
    'type Automation @key(fields: "id")',
    'type CustomerProfile @key(fields: "id", resolvable: false)',
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])',
  ])('declares %s in the checked-in and the served SDL', (line) => {
    const flat = (sdl: string) => sdl.replace(/\s+/g, ' ');
    expect(flat(subgraphSdl)).toContain(line);
    expect(flat(servedSdl)).toContain(line);
  });

  it('resolves _entities in the caller account only: another account\'s ID is null', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Interaction { id customer { id } } ... on Automation { id name } } }`;
    const reps = [{ __typename: 'Interaction', id: 'i-1' }, { __typename: 'Interaction', id: 'i-2' }, { __typename: 'Interaction', id: 'nope' }, { __typename: 'Automation', id: 'cb' }];
    const forA = await t.request(query, { r: reps }, a.apiKey);
    expect(forA.errors).toBeUndefined();
    expect(forA.data?._entities).toEqual([{ id: 'i-1', customer: { id: 'cp-1' } }, { id: 'i-2', customer: null }, null, { id: 'cb', name: 'Bot' }]);
    const forB = await t.request(query, { r: [{ __typename: 'Interaction', id: 'i-2' }, { __typename: 'Interaction', id: 'i-1' }] }, b.apiKey);
    // i-2 exists only in A; B's own i-1 has B's profile
    expect(forB.data?._entities).toEqual([null, { id: 'i-1', customer: { id: 'cp-b' } }]);
  });

  it('batches 100 Interaction representations into a constant number of statements', async () => {
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Interaction', id: `i-${(i % 3) + 1}-${i}` }));
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Interaction { id } } }';
    const hundred = await countStatements(() => t.request(query, { r: reps(100) }, a.apiKey));
    const ten = await countStatements(() => t.request(query, { r: reps(10) }, a.apiKey));
    expect(hundred.statements).toBe(2); // authentication + one lookup of all 100
    expect(ten.statements).toBe(hundred.statements);
  });
});

describe('a supergraph with a Customer Profiles subgraph', () => {
  it('composes without errors and answers a query across both subgraphs through a gateway', async () => {
    const composed = composeServices([
      { name: 'touchpoint', url: `${t.url}/graphql`, typeDefs: parse(subgraphSdl) },
      { name: 'profiles', url: profiles.url, typeDefs: parse(PROFILES_SDL) },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    // Hints that matter (inconsistent definitions across subgraphs) would be listed here.
    const hints = (composed.hints ?? []).map((hint) => hint.definition.code).filter((code) => code.startsWith('INCONSISTENT'));
    expect(hints).toEqual([]);

    const gw = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl!,
      // The router forwards the caller's API key to Touchpoint.
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource({
          url,
          willSendRequest({ request, context }) {
            const authorization = (context as { authorization?: string }).authorization;
            if (authorization) request.http?.headers.set('authorization', authorization);
          },
        }),
    });
    const server = new ApolloServer({ gateway: gw });
    const { url } = await startStandaloneServer(server, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    });
    gateway = { url, stop: () => server.stop() };

    const res = await viaGateway(
      `{ insights(filter: { from: "${FILTER.from}", to: "${FILTER.to}" }) {
           unsuccessful { examples(first: 10) { edges { node { id customer { id displayName } } } } } } }`,
      a.apiKey,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.insights.unsuccessful.examples.edges.map((e: any) => e.node)).toEqual([
      { id: 'i-3', customer: { id: 'cp-3', displayName: displayName('cp-3') } },
      { id: 'i-2', customer: null },
      { id: 'i-1', customer: { id: 'cp-1', displayName: displayName('cp-1') } },
    ]);

    const unauthenticated = await viaGateway(`{ automations { id } }`, 'tp_wrong');
    expect(unauthenticated.data?.automations ?? null).toBeNull();
    expect(JSON.stringify(unauthenticated.errors)).toContain('UNAUTHENTICATED');
  });
});
