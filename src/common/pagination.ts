import { Field, ObjectType } from 'type-graphql';
import { badUserInput } from './errors';

export const MAX_PAGE_SIZE = 100;

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/** Checks `first`: 0 to 100 items a page; null (sent explicitly) means the default. */
export function checkFirst(first: number | null | undefined, fallback: number, field = 'first'): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`${field} must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`, field);
  }
  return first;
}
