-- CreateTable
CREATE TABLE "BlockUserBitmap" (
    "accountId" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "block" SMALLINT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "users" BIT(8192) NOT NULL,
    "repeat" BIT(8192) NOT NULL,
    "engaged" BIT(8192) NOT NULL,

    CONSTRAINT "BlockUserBitmap_pkey" PRIMARY KEY ("accountId","day","block","chunk")
);

-- Kept in the row, uncompressed, like the daily and weekly bitmaps (20261124221407 says why).
ALTER TABLE "BlockUserBitmap" SET (toast_tuple_target = 8160);

-- Readers use a day's blocks only when the day is not stale, so every day with interactions is
-- marked: its next refresh (a reader of its whole day, an import, a seed or `touchpoint rollups
-- rebuild`) builds them, and until then its partial days are read raw as before.
INSERT INTO "StaleUserDay" ("accountId", "day")
SELECT DISTINCT "accountId", ("startedAt" AT TIME ZONE 'UTC')::date FROM "Interaction"
ON CONFLICT ("accountId", "day") DO UPDATE SET marks = "StaleUserDay".marks + 1;
