import type { Caller } from '../accounts/accountStore';
import type { Database } from '../db/database';

/**
 * Everything a resolver may use. `caller.accountId` is the only account a request can touch;
 * `memo` holds this request's DataLoaders and shared section results, so nothing cached ever
 * outlives the request or crosses accounts.
 */
export interface Context {
  caller: Caller;
  db: Database;
  requestId: string;
  /** One instant per request, so that every figure of a response uses the same "now". */
  now: Date;
  memo<T>(key: string, create: () => T): T;
  /** Figures read whole UTC days from the rollups (false: everything from the raw rows, the reference path). */
  useRollups: boolean;
}

export function createMemo(): Context['memo'] {
  const values = new Map<string, unknown>();
  return <T>(key: string, create: () => T): T => {
    if (!values.has(key)) values.set(key, create());
    return values.get(key) as T;
  };
}
