import { GraphQLError } from 'graphql';

/** Errors with the codes the API documents. Messages say what was wrong and what to do. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

export const DATABASE_UNAVAILABLE = 'The database is unavailable. Try again shortly (see GET /health).';

/** The database could not be reached or did not answer (503): the client may retry. */
export function serviceUnavailable(originalError?: Error): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE, { originalError, extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
}
