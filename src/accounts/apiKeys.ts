import { createHash, randomBytes } from 'node:crypto';

/** What a key may do. `read` queries figures, `ingest` writes records, `admin` changes views and the rate card. */
export const SCOPES = ['read', 'ingest', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const KEY_PREFIX = 'tp_';

/** A new key: 32 random bytes (256 bits), URL-safe. Only its hash is stored. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The part of a key that listings show, enough to tell keys apart and nothing to authenticate with. */
export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}

export function parseScopes(raw: string): Scope[] {
  const scopes = raw.split(',').map((scope) => scope.trim()).filter(Boolean);
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new Error(`--scopes takes a comma-separated list of ${SCOPES.join(', ')}; got "${raw}"`);
  }
  return [...new Set(scopes)] as Scope[];
}
