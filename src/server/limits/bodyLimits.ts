import type { NextFunction, Request, Response } from 'express';
import { parse, type OperationDefinitionNode } from 'graphql';
import type { Limits } from './settings';

function reject(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ errors: [{ message, extensions: { code, requestId: res.locals.requestId } }] });
}

/** True when every operation of the document is a mutation selecting only `ingest`. */
function onlyIngest(query: unknown): boolean {
  if (typeof query !== 'string') return false;
  try {
    const operations = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    return operations.length > 0 && operations.every((op) =>
      op.operation === 'mutation' && op.selectionSet.selections.every((s) => s.kind === 'Field' && s.name.value === 'ingest'));
  } catch {
    return false;
  }
}

/**
 * After JSON parsing (which admits up to maxIngestBodyBytes): bodies above maxBodyBytes are only
 * accepted for ingest mutations, and a batched request holds at most maxBatchOperations operations.
 */
export function bodyLimits(limits: Limits) {
  return (req: Request & { rawBodyBytes?: number }, res: Response, next: NextFunction) => {
    const body = req.body as unknown;
    if (Array.isArray(body) && body.length > limits.maxBatchOperations) {
      return reject(res, 400, 'BATCH_LIMIT_EXCEEDED', `A batched request may hold at most ${limits.maxBatchOperations} operations; it held ${body.length}.`);
    }
    const bytes = req.rawBodyBytes ?? 0;
    if (bytes > limits.maxBodyBytes) {
      const operations = Array.isArray(body) ? body : [body];
      if (!operations.every((op) => onlyIngest((op as { query?: unknown })?.query))) {
        return reject(res, 413, 'PAYLOAD_TOO_LARGE', `The request body has ${bytes} bytes; at most ${limits.maxBodyBytes} are accepted (${limits.maxIngestBodyBytes} for ingest).`);
      }
    }
    next();
  };
}

/** JSON errors (not Express's HTML page) for bodies that cannot be read at all. */
export function bodyErrors(limits: Limits) {
  return (error: { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (error?.type === 'entity.too.large') {
      return reject(res, 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limits.maxIngestBodyBytes} bytes. Split ingest calls (at most 1,000 records each) or use \`touchpoint import\`.`);
    }
    if (error?.type === 'entity.parse.failed') return reject(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
    if (error?.status && error.status < 500) return reject(res, error.status, 'BAD_REQUEST', 'The request could not be read.');
    return next(error);
  };
}
