import { RateCardDocument, SetRateCardDocument } from '../generated/graphql';
import type { RateCardInput } from '../generated/types';
import { startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

describe('authentication', () => {
  it('rejects a request without an API key with UNAUTHENTICATED and no data', async () => {
    const res = await t.request('{ automations { id } }');
    expect(res.status).toBe(401);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects an unknown API key', async () => {
    const res = await t.request('{ automations { id } }', {}, 'tp_not-a-real-key');
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a valid key and answers inside its account', async () => {
    const account = await t.createAccount();
    const res = await t.request<{ automations: unknown[]; senders: string[]; rateCard: null }>(
      '{ automations { id } senders rateCard { currency } }',
      {},
      account.apiKey,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ automations: [], senders: [], rateCard: null });
  });

  it('stores only a hash of the key', async () => {
    const account = await t.createAccount();
    const rows = await t.db.pool.query('SELECT hash, prefix FROM "ApiKey" WHERE "accountId" = $1', [account.id]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].hash).not.toContain(account.apiKey);
    expect(rows.rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(account.apiKey.startsWith(rows.rows[0].prefix)).toBe(true);
  });
});

describe('rate card', () => {
  it('is replaced as a whole and read back; other accounts never see it', async () => {
    const a = await t.createAccount();
    const b = await t.createAccount();
    const input: RateCardInput = {
      currency: 'EUR',
      agentPerMinute: 0.5,
      channels: [
        { channel: 'SMS', outboundMessage: 0.05, inboundMessage: 0.01 },
        { channel: 'EMAIL', outboundMessage: 0.001, inboundMessage: 0 },
      ],
      automations: [
        { automationType: 'AI_AGENT', perInteraction: 0.3 },
        { automationType: 'CHATBOT', perInteraction: 0.1 },
      ],
    };
    const set = await t.request(SetRateCardDocument, { input }, a.apiKey);
    expect(set.errors).toBeUndefined();
    // Channels by code, automation types in the enum's order; prices exactly as sent.
    expect(set.data?.setRateCard).toEqual({
      currency: 'EUR',
      agentPerMinute: 0.5,
      channels: [
        { channel: 'EMAIL', outboundMessage: 0.001, inboundMessage: 0 },
        { channel: 'SMS', outboundMessage: 0.05, inboundMessage: 0.01 },
      ],
      automations: [
        { automationType: 'CHATBOT', perInteraction: 0.1 },
        { automationType: 'AI_AGENT', perInteraction: 0.3 },
      ],
    });
    expect((await t.request(RateCardDocument, {}, a.apiKey)).data).toEqual({ rateCard: set.data?.setRateCard });

    const replaced = await t.request(SetRateCardDocument, { input: { ...input, channels: [], currency: 'USD' } }, a.apiKey);
    expect(replaced.data?.setRateCard).toEqual({ currency: 'USD', agentPerMinute: 0.5, channels: [], automations: set.data?.setRateCard.automations });

    const other = await t.request(RateCardDocument, {}, b.apiKey);
    expect(other.data).toEqual({ rateCard: null });
  });

  it('rejects a bad currency and a negative price, naming the field', async () => {
    const a = await t.createAccount();
    const bad = await t.request(SetRateCardDocument, { input: { currency: 'euro', agentPerMinute: 1, channels: [], automations: [] } }, a.apiKey);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.currency' });
    const negative = await t.request(
      SetRateCardDocument,
      { input: { currency: 'EUR', agentPerMinute: 1, channels: [{ channel: 'SMS', outboundMessage: -1, inboundMessage: 0 }], automations: [] } },
      a.apiKey,
    );
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.channels[0].outboundMessage' });
    const read = await t.request(RateCardDocument, {}, a.apiKey);
    expect(read.data).toEqual({ rateCard: null });
  });
});

describe('GET /health', () => {
  it('answers 200 while the database is reachable', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});
