-- User bitmaps get a coarse segment per version number and sender ('version+sender:…',
-- userBitmaps.ts PROJECTIONS), read by filters that list versions and senders (and no automation).
-- The bitmaps stored so far lack it, so every day with interactions is marked stale: the first
-- reader (or an import, seed or `touchpoint rollups rebuild`) builds its bitmaps again, the new
-- segment and its weeks included. Until then a range reads up to two stale days raw and refreshes
-- the others first.
-- The days come from the daily interaction rollup (one row per day and segment, kept in step with
-- the interactions) rather than from every interaction.
INSERT INTO "StaleUserDay" ("accountId", "day")
SELECT DISTINCT "accountId", day FROM "DailyInteractionRollup"
ON CONFLICT ("accountId", "day") DO UPDATE SET marks = "StaleUserDay".marks + 1;
