-- Accounts get an integer key, and every tenant table's "accountId" becomes that integer. It leads
-- every key of every index, so every index entry repeated the account's text ID (12 characters by
-- default, up to 64) and compared it as text; an integer is 4 bytes, compared in one instruction,
-- and lets PostgreSQL cache the offset of the key columns after it. The ID users name an account by
-- stays, as "Account"."externalId". Unlike Prisma's diff (which drops and re-adds the columns), this
-- keeps every row: each table's column is converted through the account it names (there are no
-- foreign keys to set aside: relations are kept by the code, see schema.prisma).

-- AlterTable
ALTER TABLE "Account" DROP CONSTRAINT "Account_pkey";
ALTER TABLE "Account" RENAME COLUMN "id" TO "externalId";
ALTER TABLE "Account" ADD COLUMN "id" SERIAL NOT NULL;
-- Numbered in the order the accounts were created.
UPDATE "Account" a SET "id" = n.key
  FROM (SELECT "externalId", row_number() OVER (ORDER BY "createdAt", "externalId") AS key FROM "Account") n
 WHERE n."externalId" = a."externalId";
ALTER TABLE "Account" ADD CONSTRAINT "Account_pkey" PRIMARY KEY ("id");

-- CreateIndex
CREATE UNIQUE INDEX "Account_externalId_key" ON "Account"("externalId");

-- Rows of no account (a first start's demo data, interrupted before its account was created) are
-- visible to no one; they cannot be converted, and are dropped.
DELETE FROM "ApiKey" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "Automation" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "AutomationVersion" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "EndUser" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "Interaction" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "InteractionTranscript" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "InteractionChannel" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "InteractionSteps" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "InteractionTopic" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "InteractionIssue" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "FunnelView" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "DefaultFunnelView" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "RateCard" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "RateCardChannel" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "RateCardAutomation" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "DailyInteractionRollup" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "DailyTopicRollup" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "DailyIssueRollup" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "DailyChannelRollup" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "HourlyInteractionRollup" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "HourlyChannelRollup" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "DailyUserBitmap" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "WeeklyUserBitmap" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "StaleUserDay" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");
DELETE FROM "FunnelReach" t WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."externalId" = t."accountId");

CREATE FUNCTION pg_temp.touchpoint_account_key(text) RETURNS INTEGER LANGUAGE sql STABLE
  AS $$ SELECT id FROM "Account" WHERE "externalId" = $1 $$;

-- AlterTable (each table is rewritten, its indexes rebuilt under their names)
ALTER TABLE "ApiKey" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "Automation" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "AutomationVersion" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "EndUser" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "Interaction" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "InteractionTranscript" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "InteractionChannel" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "InteractionSteps" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "InteractionTopic" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "InteractionIssue" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "FunnelView" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "DefaultFunnelView" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "RateCard" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "RateCardChannel" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "RateCardAutomation" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "DailyInteractionRollup" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "DailyTopicRollup" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "DailyIssueRollup" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "DailyChannelRollup" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "HourlyInteractionRollup" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "HourlyChannelRollup" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "DailyUserBitmap" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "WeeklyUserBitmap" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "StaleUserDay" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");
ALTER TABLE "FunnelReach" ALTER COLUMN "accountId" SET DATA TYPE INTEGER USING pg_temp.touchpoint_account_key("accountId");

DROP FUNCTION pg_temp.touchpoint_account_key(text);
