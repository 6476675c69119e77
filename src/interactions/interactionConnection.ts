import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { checkFirst, PageInfo } from '../common/pagination';
import type { Filter } from '../metrics/filter';
import type { Context } from '../server/context';
import { Interaction } from './interaction.type';
import { decodeInteractionCursor, interactionCount, interactionPage, type InteractionKey, type InteractionPage, type Narrowing } from './interactionList.sql';

@ObjectType()
export class InteractionEdge {
  @Field() cursor!: string;
  @Field(() => Interaction) node!: Interaction;
}

/**
 * A page of interactions. The page and the total count are separate statements, each run only
 * when its fields are asked for.
 */
@ObjectType()
export class InteractionConnection {
  private page?: Promise<InteractionPage>;

  constructor(
    readonly filter: Filter,
    readonly narrowing: Narrowing,
    readonly first: number,
    readonly after: InteractionKey | null,
  ) {}

  load(ctx: Context): Promise<InteractionPage> {
    this.page ??= interactionPage(ctx, this.filter, this.narrowing, this.first, this.after);
    return this.page;
  }
}

/** A connection over the filtered interactions narrowed by `narrowing`; `first` and `after` are checked at once. */
export function interactionConnection(
  ctx: Context,
  filter: Filter,
  narrowing: Narrowing,
  first: number | null,
  after?: string | null,
  defaultFirst = 10,
): InteractionConnection {
  return new InteractionConnection(filter, narrowing, checkFirst(first, defaultFirst), after ? decodeInteractionCursor(ctx, after) : null);
}

@Resolver(() => InteractionConnection)
export class InteractionConnectionResolver {
  @FieldResolver(() => Int, { description: 'All interactions of the list, on every page.' })
  totalCount(@Root() connection: InteractionConnection, @Ctx() ctx: Context): Promise<number> {
    return interactionCount(ctx, connection.filter, connection.narrowing);
  }

  @FieldResolver(() => [InteractionEdge])
  async edges(@Root() connection: InteractionConnection, @Ctx() ctx: Context): Promise<InteractionEdge[]> {
    const page = await connection.load(ctx);
    return page.nodes.map((node, i) => ({ node, cursor: page.cursors[i]! }));
  }

  @FieldResolver(() => PageInfo)
  async pageInfo(@Root() connection: InteractionConnection, @Ctx() ctx: Context): Promise<PageInfo> {
    const page = await connection.load(ctx);
    return { hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null };
  }
}
