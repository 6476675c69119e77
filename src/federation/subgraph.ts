import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { automationByExternalIdLoader } from '../automations/automation.store';
import { viewsById } from '../funnels/funnelView.store';
import { interactionsByExternalId } from '../interactions/interaction.store';
import type { Context } from '../server/context';
import { buildTouchpointSchema } from '../server/schema';

/**
 * Touchpoint as an Apollo Federation 2 subgraph. Interaction, FunnelView and Automation are
 * entities keyed by their ID; CustomerProfile is the Customer Profiles subgraph's entity, only
 * referenced here. References resolve through the per-request loaders, so a batch of
 * representations costs one statement per entity type, and only inside the caller's account
 * (another account's ID resolves to null).
 */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

type Reference = { id: string };

const referenceResolvers = {
  Interaction: (ref: Reference, ctx: Context) => interactionsByExternalId(ctx).load(ref.id),
  FunnelView: (ref: Reference, ctx: Context) => viewsById(ctx).load(ref.id),
  Automation: (ref: Reference, ctx: Context) => automationByExternalIdLoader(ctx).load(ref.id),
};

/** The subgraph SDL as the router composes it: the schema with its @key directives and the federation link. */
export async function subgraphSdl(schema?: GraphQLSchema): Promise<string> {
  const printed = printSchemaWithDirectives(schema ?? (await buildTouchpointSchema()));
  return `${FEDERATION_LINK}\n\n${printed}\n`;
}

let built: Promise<GraphQLSchema> | undefined;

/** The executable schema Touchpoint serves: the type-graphql schema turned into a subgraph. */
export function buildServedSchema(): Promise<GraphQLSchema> {
  built ??= (async () => {
    const schema = await buildTouchpointSchema();
    const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
    for (const [type, resolve] of Object.entries(referenceResolvers)) {
      resolvers[type] = { ...resolvers[type], __resolveReference: resolve };
    }
    return buildSubgraphSchema({ typeDefs: parse(await subgraphSdl(schema)), resolvers: resolvers as never });
  })();
  return built;
}
