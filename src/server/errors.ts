import { DATABASE_UNAVAILABLE } from '../common/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from './context';

/** Error codes whose messages are written for API clients; everything else is internal. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED', 'COST_LIMIT_EXCEEDED', 'DEPTH_LIMIT_EXCEEDED', 'ALIAS_LIMIT_EXCEEDED', 'QUERY_TIMEOUT', 'SERVICE_UNAVAILABLE',
]);

/** PostgreSQL cancelled the statement (statement_timeout). */
const QUERY_CANCELED = '57014';

/** The database went away or did not answer: connection errors, shutdown, client-side deadline. */
function databaseUnavailable(error: { code?: string; message?: string } | undefined): boolean {
  if (!error) return false;
  if (error.code && (error.code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(error.code))) return true;
  return /^(Query read timeout|Connection terminated|timeout exceeded when trying to connect)/.test(error.message ?? '');
}

export interface Logger {
  error(fields: Record<string, unknown>): void;
}

export const jsonLogger: Logger = {
  error: (fields) => process.stderr.write(JSON.stringify({ level: 'error', time: new Date().toISOString(), ...fields }) + '\n'),
};

/** Codes of our validation rules (validationRules.ts); Apollo reports every validation error as GRAPHQL_VALIDATION_FAILED. */
const VALIDATION_LIMIT_CODES = new Set(['DEPTH_LIMIT_EXCEEDED', 'ALIAS_LIMIT_EXCEEDED']);

/** Turns database timeouts into QUERY_TIMEOUT, lost connections into SERVICE_UNAVAILABLE and, in production, internal errors into a reference to the log. */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: { code?: string; extensions?: { code?: unknown } } })?.originalError;
    // Set by errors raised before an operation runs (createContext), which no plugin sees.
    const requestId = formatted.extensions?.requestId;
    const tagged = requestId === undefined ? {} : { requestId };
    if (original?.code === QUERY_CANCELED) {
      return {
        ...formatted,
        message: 'The query ran longer than the statement timeout and was cancelled. Narrow the filter or ask for fewer items.',
        extensions: { code: 'QUERY_TIMEOUT', ...tagged },
      };
    }
    if (databaseUnavailable(original as { code?: string; message?: string })) {
      return {
        message: DATABASE_UNAVAILABLE,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'SERVICE_UNAVAILABLE', ...tagged },
      };
    }
    let code = formatted.extensions?.code as string | undefined;
    const ruleCode = original?.extensions?.code;
    if (code === 'GRAPHQL_VALIDATION_FAILED' && typeof ruleCode === 'string' && VALIDATION_LIMIT_CODES.has(ruleCode)) {
      code = ruleCode;
      formatted = { ...formatted, extensions: { ...formatted.extensions, code } };
    }
    if (production && !CLIENT_CODES.has(code ?? '')) {
      return { message: 'Internal server error. Quote the requestId to the operator.', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR', ...tagged } };
    }
    return formatted;
  };
}

/**
 * Every response carries its request ID (x-request-id header, and requestId on each error), and
 * every internal error is logged with it, so a masked error can be found in the log.
 */
export function requestIdPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, request }) {
          for (const error of errors) {
            const code = error.extensions?.code as string | undefined;
            if (code && CLIENT_CODES.has(code)) continue;
            logger.error({
              requestId: contextValue?.requestId,
              account: contextValue?.caller?.accountId,
              operation: request.operationName,
              message: error.message,
              path: error.path,
              stack: error.originalError?.stack ?? error.stack,
            });
          }
        },
        async willSendResponse({ response, contextValue }) {
          const requestId = contextValue?.requestId;
          if (!requestId) return;
          response.http.headers.set('x-request-id', requestId);
          if (response.body.kind === 'single' && response.body.singleResult.errors) {
            response.body.singleResult.errors = response.body.singleResult.errors.map((e) => ({
              ...e,
              extensions: { ...e.extensions, requestId },
            }));
          }
        },
      };
    },
  };
}
