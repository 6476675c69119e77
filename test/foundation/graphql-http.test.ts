import { auditServer, serverAudits, type AuditResult } from 'graphql-http';
import { startTestServer, type TestServer } from '../helpers/server';

// The GraphQL-over-HTTP spec audit of graphql-http, run against the real server on a real
// database. The audit sends no credentials, so its requests go through a fetch that adds the
// API key of a freshly created account.
let t: TestServer;
let apiKey: string;
let results: Map<string, AuditResult>;

const fetchWithKey: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('authorization', `Bearer ${apiKey}`);
  return fetch(input, { ...init, headers });
};
const options = { url: () => `${t.url}/graphql`, fetchFn: fetchWithKey };

// The audit list (ids and names only) is known before the server starts, so each item is a test.
const audits = serverAudits(options).map(({ id, name }) => ({ id, name }));
const must = audits.filter((audit) => audit.name.startsWith('MUST'));
const should = audits.filter((audit) => audit.name.startsWith('SHOULD'));

/**
 * SHOULD items the server knowingly does not meet. Apollo Server answers a document that fails
 * to parse, validate or coerce its variables with 400 even for `Accept: application/json`, where
 * the spec prefers 200 (legacy clients). Clients sending `application/graphql-response+json` get
 * exactly what the spec asks for.
 */
const KNOWN_SHOULD_DEVIATIONS = new Set(['572B', 'FDE2', '7B9B']);

beforeAll(async () => {
  t = await startTestServer();
  ({ apiKey } = await t.createAccount('graphql-http audit'));
  results = new Map((await auditServer(options)).map((result) => [result.id, result]));
});
afterAll(async () => t?.close());

function outcome(result: AuditResult | undefined): string {
  if (!result) return 'not run';
  return result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`;
}

it('audits a non-trivial list of MUST items', () => {
  expect(must.length).toBeGreaterThanOrEqual(10);
  expect([...results.keys()].sort()).toEqual(audits.map((audit) => audit.id).sort());
});

describe('MUST', () => {
  it.each(must)('$id $name', ({ id }) => {
    expect(outcome(results.get(id))).toBe('ok');
  });
});

describe('SHOULD', () => {
  it('fails no SHOULD item beyond the known deviations', () => {
    const failing = should.filter(({ id }) => results.get(id)?.status !== 'ok');
    if (failing.length > 0) {
      process.stdout.write(`SHOULD items not met:\n${failing.map(({ id, name }) => `  ${id} ${name} (${outcome(results.get(id))})`).join('\n')}\n`);
    }
    const unexpected = failing.filter(({ id }) => !KNOWN_SHOULD_DEVIATIONS.has(id));
    expect(unexpected.map(({ id, name }) => `${id} ${name}: ${outcome(results.get(id))}`)).toEqual([]);
  });
});
