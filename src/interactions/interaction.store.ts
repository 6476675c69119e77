import DataLoader from 'dataloader';
import type { Context } from '../server/context';
import { INTERACTION_COLUMNS, INTERACTION_FROM, toInteraction, type Interaction } from './interaction.type';

/** Interactions by their external ID, batched per request, in the caller's account only. */
export function interactionsByExternalId(ctx: Context): DataLoader<string, Interaction | null> {
  return ctx.memo('interactionsByExternalId', () =>
    new DataLoader<string, Interaction | null>(async (ids) => {
      const { rows } = await ctx.db.pool.query(
        `SELECT ${INTERACTION_COLUMNS} FROM ${INTERACTION_FROM} WHERE i."accountId" = $1 AND i."externalId" = ANY($2::text[])`,
        [ctx.caller.accountId, ids],
      );
      const byId = new Map(rows.map((row) => [row.id as string, toInteraction(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}
