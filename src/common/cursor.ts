import { createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from './errors';

/**
 * Opaque keyset cursors: the sort key of the last row of a page, bound to the account and the
 * list it came from, signed so a tampered or foreign cursor is refused instead of read.
 * Set TOUCHPOINT_CURSOR_SECRET in production so that cursors cannot be forged from the source.
 */
const secret = () => process.env.TOUCHPOINT_CURSOR_SECRET || 'touchpoint-development-cursor-secret';

function sign(payload: string, accountId: number): Buffer {
  return createHmac('sha256', secret()).update(String(accountId)).update('\u0000').update(payload).digest().subarray(0, 16);
}

export function encodeCursor(accountId: number, list: string, key: unknown[]): string {
  const payload = Buffer.from(JSON.stringify([list, key])).toString('base64url');
  return `${payload}.${sign(payload, accountId).toString('base64url')}`;
}

/** The key inside a cursor, or BAD_USER_INPUT when it was not issued for this account and list. */
export function decodeCursor(accountId: number, list: string, cursor: string, field = 'after'): unknown[] {
  const invalid = () => badUserInput(`${field} is not a cursor of this list; pass an endCursor or cursor from a previous page`, field);
  const parts = cursor.split('.');
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature) throw invalid();
  // Compare the signature as text: decoding it first would ignore the unused bits of its last
  // character (and any character that is not base64url), so altered cursors would pass.
  const expected = Buffer.from(sign(payload, accountId).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  const [kind, key] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [string, unknown[]];
  if (kind !== list || !Array.isArray(key)) throw invalid();
  return key;
}
