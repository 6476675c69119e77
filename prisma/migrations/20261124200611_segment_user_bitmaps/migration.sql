-- Bitmaps are now kept per filter segment as well as for all interactions ('*'). The old rows
-- have no segment: they are dropped, and every day with interactions is marked stale, so the
-- first reader (or an import, seed or `touchpoint rollups rebuild`) builds both kinds again.
DELETE FROM "DailyUserBitmap";

-- AlterTable
ALTER TABLE "DailyUserBitmap" DROP CONSTRAINT "DailyUserBitmap_pkey",
ADD COLUMN     "segment" TEXT NOT NULL,
ADD CONSTRAINT "DailyUserBitmap_pkey" PRIMARY KEY ("accountId", "segment", "day", "chunk");

-- CreateIndex
CREATE INDEX "DailyUserBitmap_accountId_day_idx" ON "DailyUserBitmap"("accountId", "day");

INSERT INTO "StaleUserDay" ("accountId", "day")
SELECT DISTINCT "accountId", ("startedAt" AT TIME ZONE 'UTC')::date FROM "Interaction"
ON CONFLICT ("accountId", "day") DO UPDATE SET marks = "StaleUserDay".marks + 1;

-- Bitmaps are now built by OR-ing single bits, which is cheaper than parsing a bit string.
DROP FUNCTION "touchpoint_bits"(INTEGER[], INTEGER);
