import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import type { Scope } from '../accounts/apiKeys';
import { forbidden } from '../common/errors';
import type { Context } from './context';

function requireScopes(context: Context, scopes: Scope[]): true {
  const missing = scopes.filter((scope) => !context.caller.scopes.includes(scope));
  if (missing.length > 0) {
    throw forbidden(`This API key lacks the "${missing.join('", "')}" scope. Create a key with it: touchpoint keys create --account ID --scopes ${missing.join(',')}`);
  }
  return true;
}

/** `@Authorized('ingest')` on a field: the caller's key must carry that scope. */
export const scopeAuthChecker: AuthChecker<Context, Scope> = ({ context }, scopes) => requireScopes(context, scopes);

const guarded = new WeakSet<GraphQLSchema>();

/**
 * `_entities` comes from buildSubgraphSchema, outside type-graphql and its @Authorized checks, yet
 * it returns interactions, funnel views and automations: like the queries that return them, it
 * needs the `read` scope. Wraps its resolver (once per schema object).
 */
export function requireReadForEntities(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (field && !guarded.has(schema)) {
    guarded.add(schema);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: Context, info) => {
      requireScopes(context, ['read']);
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
