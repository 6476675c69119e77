import DataLoader from 'dataloader';
import { ofAccount } from '../common/sql';
import type { Context } from '../server/context';
import type { InteractionLog, InteractionTopic, Message } from './interaction.type';
import { LOG_ROWS, MESSAGE_ROWS } from './transcriptRows';

/**
 * Per-request loaders of an interaction's child rows, by internal interaction ID, always inside
 * the caller's account: one statement per kind of child for all interactions of a response.
 */
function childLoader<T>(ctx: Context, name: string, sql: string, map: (row: any) => T) {
  return ctx.memo(`children:${name}`, () =>
    new DataLoader<number, T[]>(async (ids) => {
      const { rows } = await ctx.db.pool.query(sql, [ctx.caller.accountId, ids]);
      const byId = new Map<number, T[]>(ids.map((id) => [id, []]));
      for (const row of rows) byId.get(row.interactionId)?.push(map(row));
      return ids.map((id) => byId.get(id)!);
    }),
  );
}

/**
 * By the account and the interactions' IDs, the account kept from the estimate (ofAccount): with
 * its value known, PostgreSQL before 17 took an account the statistics have not seen for one of a
 * row and read all of its rows by the account alone, filtering them by ID (PostgreSQL 15.18).
 */
const WHERE = `WHERE ${ofAccount('"accountId"')} AND "interactionId" = ANY($2::int8[])`;

export const topicsLoader = (ctx: Context) =>
  childLoader<InteractionTopic>(ctx, 'topics', `SELECT "interactionId", name, resolved, "handleTimeSeconds" FROM "InteractionTopic" ${WHERE} ORDER BY seq`,
    ({ name, resolved, handleTimeSeconds }) => ({ name, resolved, handleTimeSeconds }));

export const issuesLoader = (ctx: Context) =>
  childLoader<string>(ctx, 'issues', `SELECT "interactionId", issue FROM "InteractionIssue" ${WHERE} ORDER BY seq`, (row) => row.issue);

/** Transcript order: sentAt, then ID by code point (the tie-break `engaged` uses in src/ingest/derive.ts). */
export const messagesLoader = (ctx: Context) =>
  childLoader<Message>(ctx, 'messages',
    `SELECT t."interactionId", m.id, m.direction, m.author, m.channel, m."sentAt", m.text, m.status, m."statusAt"
       FROM "InteractionTranscript" t, ${MESSAGE_ROWS} ${WHERE} ORDER BY m."sentAt", m.id COLLATE "C"`,
    ({ interactionId: _i, ...message }) => message);

export const logsLoader = (ctx: Context) =>
  childLoader<InteractionLog>(ctx, 'logs', `SELECT t."interactionId", l.at, l.level, l.message FROM "InteractionTranscript" t, ${LOG_ROWS} ${WHERE} ORDER BY l.at, l.seq`,
    ({ at, level, message }) => ({ at, level, message }));
