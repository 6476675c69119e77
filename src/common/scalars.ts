import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';

/** The contract's scalars, from graphql-scalars (api.graphql: DateTime, JSONObject). */
export const DateTime = DateTimeResolver;
export const JSONObject = JSONObjectResolver;
