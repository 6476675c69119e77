import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

/** A list field costs its children once per item it can return: `first` (or its default). */
const firstArgumentEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const hasFirst = field.args.some((arg) => arg.name === 'first');
  if (!hasFirst) return undefined;
  const first = typeof args.first === 'number' ? args.first : 20;
  return 1 + childComplexity * Math.max(first, 1);
};

/**
 * Rejects operations whose estimated cost is above `max` before they run. It runs in
 * didResolveOperation because only there are the variables (and so the `first` values) known.
 */
export function complexityPlugin(schema: () => GraphQLSchema, max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          // No operation to run (an operationName that names none): execution reports that itself.
          if (!operation) return;
          let cost: number;
          try {
            cost = getComplexity({
              schema: schema(),
              query: document,
              operationName: operation.name?.value,
              variables: request.variables,
              estimators: [fieldExtensionsEstimator(), firstArgumentEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // Variables that do not fit their declarations (wrong type, a required one missing):
            // the client's mistake, refused here before anything runs, as execution would.
            if (!(error instanceof GraphQLError)) throw error;
            throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
          if (cost > max) {
            throw new GraphQLError(`The query costs ${cost}, above the limit of ${max}. Ask for fewer items (smaller first) or fewer fields.`, {
              extensions: { code: 'COST_LIMIT_EXCEEDED', cost, maxCost: max, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
