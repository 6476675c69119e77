import { accountLoader } from '../common/accountLoader';
import type { Context } from '../server/context';
import { INTERACTION_COLUMNS, toInteraction, type Interaction } from './interaction.type';

/** Interactions by their external ID, batched per request, in the caller's account only. */
export const interactionsByExternalId = (ctx: Context) =>
  accountLoader<string, Interaction>(ctx, 'interactionsByExternalId',
    `SELECT ${INTERACTION_COLUMNS} FROM "Interaction" i WHERE i."accountId" = $1 AND i."externalId" = ANY($2::text[])`,
    (row) => row.id, toInteraction);
