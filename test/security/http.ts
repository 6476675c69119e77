/**
 * Raw HTTP access to /graphql for the security tests: status, headers and the exact body text are
 * kept (not only the parsed JSON), so that tests can look for what must never be sent.
 */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** The text of every response received in this test file (a test can scan them all at the end). */
export const received: string[] = [];

export async function post(
  url: string,
  body: unknown,
  apiKey?: string | null,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  received.push(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** One operation. */
export function gql(url: string, query: string, variables: Record<string, unknown> = {}, apiKey?: string | null): Promise<Reply> {
  return post(url, { query, variables }, apiKey);
}

/** The error codes of a (non-batched) reply, in order. */
export function codes(reply: Reply): string[] {
  return (reply.body?.errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code);
}

/** Asserts the reply is one operation's data without errors, and returns the data. */
export function dataOf(reply: Reply): any {
  if (reply.body?.errors) throw new Error(`expected no errors, got ${reply.text}`);
  expect(reply.status).toBe(200);
  return reply.body.data;
}

/** Nothing a client should never see: stack frames, source paths, SQL. */
export function expectNothingInternal(text: string): void {
  expect(text).not.toMatch(/stacktrace/i);
  expect(text).not.toMatch(/\n\s+at |\\n\s+at /);
  expect(text).not.toMatch(/node_modules|\/src\/|\.ts:\d+/);
  expect(text).not.toMatch(/\bSELECT\b|\bFROM "|\bWHERE\b/);
}
