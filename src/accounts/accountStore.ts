import { randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import { generateApiKey, hashApiKey, keyPrefix, SCOPES, type Scope } from './apiKeys';

export interface CreatedKey {
  id: string;
  apiKey: string;
  scopes: Scope[];
}

export interface Caller {
  accountId: number;
  keyId: string;
  scopes: Scope[];
}

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A new account's ID when none is given: 12 base64url characters of random bits. It is only how
 * users name the account: tenant tables key rows by the account's integer key (Account.id). It
 * never starts with "-", which the command line would read as an option (`--account -x…` is
 * refused as ambiguous), nor "_", for symmetry: one ID in 32 used to.
 */
export function newAccountId(): string {
  for (;;) {
    const id = randomBytes(9).toString('base64url');
    if (id[0] !== '-' && id[0] !== '_') return id;
  }
}

/** An account: `id` is its integer key in every tenant table, `externalId` the ID users name it by. */
export interface AccountRef {
  id: number;
  externalId: string;
  name: string;
}

/** How commands and rebuilds name an account: its integer key and the ID users know it by. */
export type AccountIds = Pick<AccountRef, 'id' | 'externalId'>;

/** The account with this ID, creating it (without API keys) when there is none. */
export async function ensureAccount(prisma: PrismaClient, name: string, id: string): Promise<AccountRef> {
  const account = await prisma.account.upsert({ where: { externalId: id }, create: { externalId: id, name }, update: {} });
  return { id: account.id, externalId: account.externalId, name: account.name };
}

export async function createAccount(
  prisma: PrismaClient,
  name: string,
  id: string = newAccountId(),
): Promise<AccountRef & { apiKey: string }> {
  if (!name.trim()) throw new Error('--name must not be empty');
  if (!ACCOUNT_ID.test(id)) throw new Error('--id takes 1 to 64 letters, digits, "_" or "-"');
  return prisma.$transaction(async (tx) => {
    const existing = await tx.account.findUnique({ where: { externalId: id } });
    if (existing) throw new Error(`an account with id "${id}" exists already`);
    const account = await tx.account.create({ data: { externalId: id, name: name.trim() } });
    const key = await createDefaultApiKey(tx as unknown as PrismaClient, account.id);
    return { id: account.id, externalId: id, name: account.name, apiKey: key.apiKey };
  });
}

/** A new API key of an account (its integer key). */
export async function createApiKey(prisma: PrismaClient, accountId: number, name: string, scopes: Scope[]): Promise<CreatedKey> {
  const apiKey = generateApiKey();
  const id = randomUUID();
  await prisma.apiKey.create({
    data: { accountId, id, name, hash: hashApiKey(apiKey), prefix: keyPrefix(apiKey), scopes },
  });
  return { id, apiKey, scopes };
}

/** An account's first key, the one a new account comes with: every scope, named "default". */
export function createDefaultApiKey(prisma: PrismaClient, accountId: number): Promise<CreatedKey> {
  return createApiKey(prisma, accountId, 'default', [...SCOPES]);
}

export async function listApiKeys(prisma: PrismaClient, accountId: number) {
  return prisma.apiKey.findMany({
    where: { accountId },
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, revokedAt: true },
  });
}

export async function revokeApiKey(prisma: PrismaClient, accountId: number, keyId: string): Promise<boolean> {
  const { count } = await prisma.apiKey.updateMany({
    where: { accountId, id: keyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

/** The caller behind an API key, or undefined for an unknown or revoked key. */
export async function authenticate(prisma: PrismaClient, apiKey: string): Promise<Caller | undefined> {
  const key = await prisma.apiKey.findUnique({
    where: { hash: hashApiKey(apiKey) },
    select: { accountId: true, id: true, scopes: true, revokedAt: true },
  });
  if (!key || key.revokedAt) return undefined;
  return { accountId: key.accountId, keyId: key.id, scopes: key.scopes as Scope[] };
}
