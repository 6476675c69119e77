// The self-hosted GraphiQL page in a real headless Chromium (Debian's, through playwright-core):
// it loads only from this server, sends the API key typed into its field, and shows the server's
// real answers in the result pane.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { GRAPHIQL_DIR } from '../../src/server/graphiql';
import { CHROMIUM_ARGS, ensureChromium } from '../helpers/chromium';
import { startTestServer, type TestServer } from '../helpers/server';

const ROOT = path.resolve(__dirname, '../..');
const SCREENSHOT = '/tmp/graphiql.png';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const WORKERS = ['editor', 'graphql', 'json'].map((name) => `/graphiql/workers/${name}.worker.js`);

/** Builds dist/graphiql when it is missing or older than its sources (a few seconds). */
function ensureGraphiqlBundle(): void {
  const index = path.join(GRAPHIQL_DIR, 'index.html');
  const sources = ['src/server/graphiql/page.tsx', 'scripts/build-graphiql.mjs'].map((f) => path.join(ROOT, f));
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (sources.some((source) => fs.statSync(source).mtimeMs > built)) {
    execFileSync(process.execPath, ['scripts/build-graphiql.mjs', GRAPHIQL_DIR], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  }
}

let t: TestServer;
let context: BrowserContext;
let profileDir: string;
const requests: Request[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  const executablePath = ensureChromium();
  ensureGraphiqlBundle();
  t = await startTestServer();
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchpoint-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  context.on('request', (request) => requests.push(request));
}, 10 * 60_000);

afterAll(async () => {
  await context?.close();
  await t?.close();
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
});

async function openGraphiql(search = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const response = await page.goto(`${t.url}/graphql${search}`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-type']).toMatch(/^text\/html/);
  // Monaco is loaded lazily; the editor is ready when its lines are rendered.
  await page.locator('.graphiql-query-editor .monaco-editor .view-lines').waitFor({ timeout: 20_000 });
  // Monaco's language services start in web workers shortly after (bundled by the build).
  const deadline = Date.now() + 20_000;
  const started = () => new Set(page.workers().map((worker) => new URL(worker.url()).pathname));
  while (!WORKERS.every((worker) => started().has(worker))) {
    if (Date.now() > deadline) throw new Error(`Monaco workers did not all start; running: ${[...started()].join(', ') || 'none'}`);
    await page.waitForTimeout(50);
  }
  return page;
}

/** Replaces the operation in the query editor, as a user typing (or pasting) would. */
async function setQuery(page: Page, query: string): Promise<void> {
  await page.locator('.graphiql-query-editor .monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText types without key events, so Monaco's bracket auto-closing does not double braces.
  await page.keyboard.insertText(query);
  await waitForText(page, '.graphiql-query-editor', (text) => text === query);
}

async function editorText(page: Page, container: string): Promise<string> {
  const text = await page.locator(`${container} .monaco-editor .view-lines`).innerText();
  return text.replace(/\u00a0/g, ' ').trim();
}

/** Polls an editor's text until `done` accepts it; fails with the last text seen. */
async function waitForText(page: Page, container: string, done: (text: string) => boolean, timeout = 15_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await editorText(page, container);
    if (done(text)) return text;
    if (Date.now() > deadline) throw new Error(`${container} never showed the expected text; it shows:\n${text}`);
    await page.waitForTimeout(50);
  }
}

async function runAndReadResult(page: Page, expected: string): Promise<string> {
  await page.getByRole('button', { name: /^Execute query/ }).click();
  return waitForText(page, '.graphiql-response', (text) => text.includes(expected));
}

/** Waits until the page's address satisfies `done`; fails with the address seen last. */
async function untilAddress(page: Page, done: (params: URLSearchParams) => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done(new URL(page.url()).searchParams)) {
    if (Date.now() > deadline) throw new Error(`the address never changed as expected; it is ${page.url().slice(0, 300)}`);
    await page.waitForTimeout(50);
  }
}

/** A new account whose rate card is in `currency`: a figure only that account's key can read. */
async function accountWithRateCard(currency: string) {
  const account = await t.createAccount();
  const set = await t.request(
    'mutation($input: RateCardInput!){ setRateCard(input:$input){ currency } }',
    { input: { currency, agentPerMinute: 1, channels: [], automations: [] } },
    account.apiKey,
  );
  expect(set.errors).toBeUndefined();
  return account;
}

const graphqlPosts = () => requests.filter((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/graphql');

describe('GraphiQL page', () => {
  it('runs a query with the API key from its field and shows the real answer', async () => {
    const account = await accountWithRateCard('NOK');

    const page = await openGraphiql();
    expect(await page.title()).toBe('Touchpoint GraphiQL');
    // The default operation is in the editor.
    expect(await editorText(page, '.graphiql-query-editor')).toContain('rateCard');

    const keyField = page.getByLabel('API key');
    await expect(keyField.isVisible()).resolves.toBe(true);
    // With a key, GraphiQL introspects again (the first attempt, without a key, was refused),
    // so docs and completion work.
    const introspected = page.waitForResponse(
      (r) => r.request().postData()?.includes('IntrospectionQuery') === true && r.request().headers().authorization === `Bearer ${account.apiKey}`,
    );
    await keyField.fill(account.apiKey);
    expect((await introspected).status()).toBe(200);
    await setQuery(page, '{ rateCard { currency } }');

    const postsBefore = graphqlPosts().length;
    const result = await runAndReadResult(page, 'NOK');
    expect(JSON.parse(result)).toEqual({ data: { rateCard: { currency: 'NOK' } } });

    // The request carried the key and a JSON content type (Apollo's CSRF prevention accepts it).
    const sent = graphqlPosts().slice(postsBefore).find((r) => r.postData()?.includes('rateCard { currency }'));
    expect(sent).toBeDefined();
    const headers = await sent!.allHeaders();
    expect(headers.authorization).toBe(`Bearer ${account.apiKey}`);
    expect(headers['content-type']).toBe('application/json');

    // The key is kept in local storage for the next visit.
    expect(await page.evaluate("localStorage.getItem('touchpoint:apiKey')")).toBe(account.apiKey);

    await page.screenshot({ path: SCREENSHOT });
    await page.close();
  });

  it('shows UNAUTHENTICATED in the result pane when no key is given', async () => {
    const account = await t.createAccount();
    const page = await openGraphiql();
    const keyField = page.getByLabel('API key');
    // The field remembers the key from the previous visit.
    expect(await keyField.inputValue()).not.toBe('');
    await keyField.fill(account.apiKey);
    await setQuery(page, '{ senders }');
    expect(JSON.parse(await runAndReadResult(page, '"senders"'))).toEqual({ data: { senders: [] } });

    // Same operation without the key: the pane now shows the server's refusal.
    await keyField.fill('');
    const postsBefore = graphqlPosts().length;
    // (The pane wraps long lines, so this checks its text rather than parsing it.)
    const result = await runAndReadResult(page, '"UNAUTHENTICATED"');
    expect(result).toContain('"code": "UNAUTHENTICATED"');
    expect(result).toContain('Missing API key');
    expect(result).not.toContain('"data"');
    const sent = graphqlPosts().slice(postsBefore).find((r) => r.postData()?.includes('senders'));
    expect(sent).toBeDefined();
    expect((await sent!.allHeaders()).authorization).toBeUndefined();
    expect(await page.evaluate("localStorage.getItem('touchpoint:apiKey')")).toBeNull();
    await page.close();
  });

  it('opens a linked query with its variables, and keeps the address a link to what the editors hold', async () => {
    const account = await accountWithRateCard('SEK');
    const query = 'query Linked($card: Boolean!) { rateCard @include(if: $card) { currency } senders }';
    const variables = '{ "card": true }';
    // A browser's GET with ?query= gets the page (a GraphQL client's GET would be executed).
    const page = await openGraphiql(`?${new URLSearchParams({ query, variables })}`);
    await waitForText(page, '.graphiql-query-editor', (text) => text === query);
    await waitForText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', (text) => text === variables);
    await page.getByLabel('API key').fill(account.apiKey);
    expect(JSON.parse(await runAndReadResult(page, 'SEK'))).toEqual({ data: { rateCard: { currency: 'SEK' }, senders: [] } });

    // Edited, the address holds the new operation, and opening it again shows that one.
    await setQuery(page, '{ senders }');
    await untilAddress(page, (params) => params.get('query') === '{ senders }');
    expect(new URL(page.url()).searchParams.get('variables')).toBe(variables);
    // An operation too long for an address Node would load again leaves both out of it.
    await setQuery(page, `# ${'x'.repeat(8_000)}\n{ senders }`);
    await untilAddress(page, (params) => !params.has('query'));
    expect(new URL(page.url()).searchParams.has('variables')).toBe(false);
    await setQuery(page, '{ senders }');
    await untilAddress(page, (params) => params.get('query') === '{ senders }' && params.get('variables') === variables);
    const again = await openGraphiql(new URL(page.url()).search);
    await waitForText(again, '.graphiql-query-editor', (text) => text === '{ senders }');
    await again.close();
    await page.close();
  });

  it('loaded everything from this server: no CDN, workers included', async () => {
    // Run alone (jest -t), it loads the page itself; otherwise it checks the visits above too.
    if (requests.length === 0) await (await openGraphiql()).close();
    const foreign = requests
      .map((r) => new URL(r.url()))
      .filter((url) => !['data:', 'blob:'].includes(url.protocol) && !LOCAL_HOSTS.has(url.hostname))
      .map((url) => url.href);
    expect(foreign).toEqual([]);

    const paths = new Set(requests.map((r) => new URL(r.url()).pathname));
    for (const file of ['/graphiql/graphiql.js', '/graphiql/graphiql.css', ...WORKERS]) {
      expect(paths).toContain(file);
    }
    expect(pageErrors).toEqual([]);
  });
});
