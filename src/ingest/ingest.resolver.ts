import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { badUserInput } from '../common/errors';
import { JSONObject } from '../common/scalars';
import type { Context } from '../server/context';
import { ingestBatch } from './ingest';
import { IngestResult } from './ingest.types';

export const MAX_RECORDS_PER_CALL = 1000;

@Resolver()
export class IngestResolver {
  @Authorized('ingest')
  @Mutation(() => IngestResult, {
    description: `Stores records (ingest.md), applied in list order. At most ${MAX_RECORDS_PER_CALL} records a call; bad records are rejected one by one and change nothing.`,
  })
  async ingest(
    @Arg('records', () => [JSONObject]) records: Record<string, unknown>[],
    @Ctx() ctx: Context,
  ): Promise<IngestResult> {
    if (records.length > MAX_RECORDS_PER_CALL) {
      throw badUserInput(
        `records holds ${records.length} records; at most ${MAX_RECORDS_PER_CALL} are accepted a call. Split the list, or use \`touchpoint import\` for files.`,
        'records',
      );
    }
    return ingestBatch(ctx.db.pool, ctx.caller.accountId, records.map((value, index) => ({ index, value })));
  }
}
