import type pg from 'pg';
import { dayOf } from '../rollups/rollupTables';
import { bitmapInputs, type RewrittenInteraction } from '../rollups/userBitmaps';
import type { AnalysisRecord } from './records';
import type { InteractionState } from './fold';
import { LOG_ROWS, MESSAGE_ROWS } from '../interactions/transcriptRows';
import { STEP_ROWS } from '../interactions/stepRows';
import { ofAccount } from '../common/sql';
import { keyLookup } from './keyLookups';

/**
 * Locks the stored interactions a batch will write, in ID order, until the batch commits. Without
 * joins: a lock that waits for a concurrent rewrite must not re-check join conditions against the
 * new row (which would drop it when its end user changed). Returns the stored ones by external ID.
 * A key lookup (keyLookups.ts).
 */
export async function lockInteractions(client: pg.PoolClient, accountId: number, externalIds: string[]): Promise<Map<string, RewrittenInteraction>> {
  const locked = new Map<string, RewrittenInteraction>();
  if (externalIds.length === 0) return locked;
  const { rows } = await keyLookup<{ externalId: string; id: string; day: string; inputs: string }>(
    client,
    'lockInteractions',
    `SELECT "externalId", id, to_char(${dayOf('i')}, 'YYYY-MM-DD') AS day, ${bitmapInputs('i')} AS inputs
       FROM "Interaction" i WHERE "accountId" = $1 AND "externalId" = ANY($2::text[]) ORDER BY "externalId" FOR UPDATE`,
    [accountId, [...new Set(externalIds)].sort()],
  );
  for (const row of rows) locked.set(row.externalId, { id: Number(row.id), day: row.day, inputs: row.inputs });
  return locked;
}

/** Reads stored interactions back into their record form (lock them first: lockInteractions). */
export async function loadInteractionStates(
  client: pg.PoolClient,
  accountId: number,
  externalIds: string[],
): Promise<Map<string, InteractionState>> {
  const states = new Map<string, InteractionState>();
  if (externalIds.length === 0) return states;
  const { rows } = await client.query(
    `SELECT i.*, u."externalId" AS "endUserExternalId",
            a."externalId" AS "automationExternalId", a.name AS "automationName"
       FROM "Interaction" i
       JOIN "EndUser" u ON u."accountId" = i."accountId" AND u.id = i."endUserId"
       LEFT JOIN "Automation" a ON a."accountId" = i."accountId" AND a.id = i."automationId"
      WHERE ${ofAccount('i."accountId"')} AND i."externalId" = ANY($2::text[])
      ORDER BY i."externalId"`,
    [accountId, externalIds],
  );
  if (rows.length === 0) return states;
  const byId = new Map<string, InteractionState>();
  for (const row of rows) {
    const analysis: AnalysisRecord | null = row.hasAnalysis
      ? { outcome: row.analysisOutcome, sentiment: row.sentiment, sentimentScore: row.sentimentScore, summary: row.summary, topics: [], issues: [] }
      : null;
    const state: InteractionState = {
      record: 'interaction',
      id: row.externalId,
      type: row.type,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      automation: row.automationId === null ? null : {
        id: row.automationExternalId,
        type: row.automationType,
        name: row.automationName,
        automationVersionId: row.automationVersionId,
        versionId: row.versionId,
      },
      sender: row.sender,
      channel: row.channel,
      endUserId: row.endUserExternalId,
      customerProfileId: row.customerProfileId,
      escalation: row.escalatedAt ? { at: row.escalatedAt, agentId: row.escalationAgentId } : null,
      messages: [],
      logs: [],
      steps: [],
      analysis,
      csat: row.csatScore === null ? null : { score: row.csatScore, at: row.csatAt },
      stored: { id: row.id, automationId: row.automationId, endUserId: row.endUserId },
    };
    states.set(state.id, state);
    byId.set(String(row.id), state);
  }
  const ids = [...byId.keys()];
  const children = async (sql: string) => (await client.query(sql, [accountId, ids])).rows;
  const where = `WHERE ${ofAccount('"accountId"')} AND "interactionId" = ANY($2::bigint[])`;
  for (const m of await children(`SELECT t."interactionId", m.* FROM "InteractionTranscript" t, ${MESSAGE_ROWS} ${where}`)) {
    byId.get(String(m.interactionId))!.messages.push({
      id: m.id, direction: m.direction, author: m.author, channel: m.channel, sentAt: m.sentAt,
      text: m.text, status: m.status, statusAt: m.statusAt, validityHours: m.validityHours,
    });
  }
  for (const l of await children(`SELECT t."interactionId", l.* FROM "InteractionTranscript" t, ${LOG_ROWS} ${where} ORDER BY l.seq`)) {
    byId.get(String(l.interactionId))!.logs.push({ at: l.at, level: l.level, message: l.message });
  }
  for (const s of await children(`SELECT s.id AS "interactionId", st.* FROM "Interaction" s, ${STEP_ROWS} WHERE ${ofAccount('s."accountId"')} AND s.id = ANY($2::bigint[]) ORDER BY st.seq`)) {
    byId.get(String(s.interactionId))!.steps.push({ kind: s.kind, name: s.name, at: s.at });
  }
  for (const t of await children(`SELECT * FROM "InteractionTopic" ${where} ORDER BY seq`)) {
    byId.get(String(t.interactionId))!.analysis?.topics.push({ name: t.name, resolved: t.resolved, handleTimeSeconds: t.handleTimeSeconds });
  }
  for (const i of await children(`SELECT * FROM "InteractionIssue" ${where} ORDER BY seq`)) {
    byId.get(String(i.interactionId))!.analysis?.issues.push(i.issue);
  }
  return states;
}
