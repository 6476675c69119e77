/**
 * The stored funnel reach (FunnelReach) is kept by ingest for views that already exist and by view
 * writes for data that already exists. Expected reach per interaction is worked out by hand in the
 * table of ./fixture.ts; random data then compares the stored path with the raw computation.
 */
import { funnelReach } from '../../src/funnels/funnel.sql';
import { findView } from '../../src/funnels/funnelView.store';
import { Random } from '../../src/demo/random';
import { createMemo, type Context } from '../../src/server/context';
import { PROPERTY_SEED } from '../helpers/propertySeed';
import { startTestServer, type TestServer } from '../helpers/server';
import { A, B, BASE, C, CREATE, DELETE, FUNNEL, HOUR, INGEST, iso, je, journeyRecords, MINUTE, RANGE, UPDATE } from './fixture';

let t: TestServer;
let a: { id: number; apiKey: string };

async function gql(query: string, variables: Record<string, unknown>) {
  const res = await t.request(query, variables, a.apiKey);
  expect(res.errors).toBeUndefined();
  return res.data as any;
}

async function ingest(records: unknown[]) {
  const { ingest: result } = await gql(INGEST, { r: records });
  expect(result.rejected).toEqual([]);
}

/** External interaction ID → steps reached, as stored for a view. */
async function storedReach(viewId: string): Promise<Record<string, number>> {
  const { rows } = await t.db.pool.query(
    `SELECT i."externalId", r.reached FROM "FunnelReach" r JOIN "Interaction" i ON i."accountId" = r."accountId" AND i.id = r."interactionId"
      WHERE r."accountId" = $1 AND r."viewId" = $2 ORDER BY 1`,
    [a.id, viewId],
  );
  return Object.fromEntries(rows.map((row) => [row.externalId, row.reached]));
}

function context(useRollups: boolean): Context {
  return { caller: { accountId: a.id, keyId: 'test', scopes: ['read'] }, db: t.db, requestId: 'reach', now: new Date(), memo: createMemo(), useRollups };
}

beforeAll(async () => {
  t = await startTestServer();
  a = await t.createAccount('Reach');
});

afterAll(async () => {
  await t.close();
});

describe('hand-worked: view [A, B, C] of journey jr, created before most of its interactions arrive', () => {
  let viewId: string;

  it('is kept by ingest for the interactions that arrive after the view', async () => {
    const [first, ...rest] = journeyRecords();
    await ingest([first]); // j9: the automation must exist before a view of it
    viewId = (await gql(CREATE, { i: { name: 'ABC', automationId: 'jr', steps: [je(A), je(B), je(C)] } })).createFunnelView.id;
    expect(await storedReach(viewId)).toEqual({ j9: 1 });
    await ingest(rest);
    // From the fixture's table: j5 reaches nothing (no row); j8 and j10 are stored, their range decides later.
    expect(await storedReach(viewId)).toEqual({ j9: 1, j1: 3, j2: 1, j3: 3, j4: 2, j6: 3, j7: 2, j11: 1, j8: 3, j10: 3 });
    const { funnel } = await gql(FUNNEL, { ...RANGE, viewId });
    // In [BASE, BASE + 24 h): step 1 j9 j1 j2 j3 j4 j6 j7 j11 = 8; step 2 j1 j3 j4 j6 j7 = 5; step 3 j1 j3 j6 = 3.
    expect(funnel.steps.map((s: { interactions: number }) => s.interactions)).toEqual([8, 5, 3]);
  });

  it('follows an upsert that changes an interaction\'s steps', async () => {
    const j1 = journeyRecords().find((r) => r.id === 'j1')!;
    const started = BASE + 1 * HOUR;
    await ingest([{ ...j1, steps: [{ kind: 'JOURNEY_ELEMENT', name: B, at: iso(started + MINUTE) }, { kind: 'JOURNEY_ELEMENT', name: A, at: iso(started + 2 * MINUTE) }] }]);
    expect((await storedReach(viewId)).j1).toBe(1); // B only before A
    const { funnel } = await gql(FUNNEL, { ...RANGE, viewId });
    expect(funnel.steps.map((s: { interactions: number }) => s.interactions)).toEqual([8, 4, 2]);
  });

  it('is recomputed when the view changes, and removed with it', async () => {
    await gql(UPDATE, { id: viewId, i: { name: 'CA', automationId: 'jr', steps: [je(C), je(A)] } });
    // C then A at or after it: j1 (now B@1 A@2) no C; j3 C@4 A@5 → 2; j4 C@3 A@3 → 2; j5 C@1 → 1; j6 → 2; j8 → 1; j10 → 1.
    expect(await storedReach(viewId)).toEqual({ j3: 2, j4: 2, j5: 1, j6: 2, j8: 1, j10: 1 });
    await gql(DELETE, { id: viewId });
    expect(await storedReach(viewId)).toEqual({});
  });
});

describe('random data', () => {
  it('gives the raw computation\'s figures for random ranges while batches and view writes interleave', async () => {
    const r = new Random(99 + PROPERTY_SEED);
    const names = [A, B, C, 'wait'];
    const record = (id: string) => {
      const startedAt = BASE + r.int(0, 4 * 24) * HOUR + r.int(0, 59) * MINUTE;
      const steps = Array.from({ length: r.int(0, 6) }, () => ({ kind: 'JOURNEY_ELEMENT', name: r.pick(names), at: iso(startedAt + r.int(0, 5) * MINUTE) }));
      const version = r.pick(['1', '2']);
      return {
        record: 'interaction', id, type: 'NON_CONVERSATIONAL', startedAt: iso(startedAt), channel: 'SMS', endUserId: `u${r.int(1, 30)}`,
        automation: { id: 'rj', type: 'JOURNEY', name: 'Random journey', automationVersionId: `rj-${version}`, versionId: version },
        steps,
      };
    };
    const ids = Array.from({ length: 200 }, (_, n) => `rj-${n}`);
    await ingest(ids.slice(0, 50).map(record));
    const viewIds: string[] = [];
    let compared = 0;
    for (let round = 0; round < 5; round++) {
      const steps = Array.from({ length: r.int(1, 5) }, () => je(r.pick(names)));
      const versionId = r.chance(0.3) ? r.pick(['1', '2']) : undefined;
      viewIds.push((await gql(CREATE, { i: { name: `random ${round}`, automationId: 'rj', steps, ...(versionId ? { versionId } : {}) } })).createFunnelView.id);
      if (round === 3) await gql(UPDATE, { id: viewIds[0], i: { name: 'changed', automationId: 'rj', steps: [je(B), je(A)] } });
      await ingest(Array.from({ length: 80 }, () => record(r.pick(ids))));
      for (const id of viewIds) {
        const view = (await findView(context(true), id))!;
        for (let n = 0; n < 4; n++) {
          const from = BASE + r.int(-24, 4 * 24) * HOUR + r.int(0, 59) * MINUTE;
          const to = from + r.int(1, 72) * HOUR;
          const stored = await funnelReach(context(true), view, new Date(from), new Date(to));
          const raw = await funnelReach(context(false), view, new Date(from), new Date(to));
          expect({ view: view.steps, from: iso(from), stored }).toEqual({ view: view.steps, from: iso(from), stored: raw });
          if (raw[0]! > 0) compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(40);

    // Batches and view writes at once: each view's stored reach still equals the raw computation.
    const batches = Array.from({ length: 4 }, () => ingest(Array.from({ length: 60 }, () => record(r.pick(ids)))));
    const writes = [
      gql(CREATE, { i: { name: 'concurrent', automationId: 'rj', steps: [je(A), je(C)] } }),
      gql(UPDATE, { id: viewIds[1], i: { name: 'concurrent change', automationId: 'rj', steps: [je(C), je('wait'), je(B)] } }),
    ];
    const [created] = await Promise.all([...writes, ...batches]);
    for (const id of [created.createFunnelView.id, ...viewIds]) {
      const view = (await findView(context(true), id))!;
      const [from, to] = [new Date(BASE - 24 * HOUR), new Date(BASE + 6 * 24 * HOUR)];
      expect(await funnelReach(context(true), view, from, to)).toEqual(await funnelReach(context(false), view, from, to));
    }
  }, 120_000);
});
