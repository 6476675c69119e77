-- User bitmaps get two more coarse segments (userBitmaps.ts PROJECTIONS): per version number and
-- sender ('version+sender:…'), read by filters that list versions and senders (and no automation),
-- and per automation and version number ('automation+version:…'), read by filters that list
-- automations and versions (and no sender).
-- The bitmaps stored so far lack them, so every day with interactions is marked stale: the first
-- reader (or an import, seed or `touchpoint rollups rebuild`) builds its bitmaps again, the new
-- segments and their weeks included. Until then a range reads up to two stale days raw and refreshes
-- the others first.
-- The days come from the daily interaction rollup (one row per day and segment, kept in step with
-- the interactions) rather than from every interaction.
INSERT INTO "StaleUserDay" ("accountId", "day")
SELECT DISTINCT "accountId", day FROM "DailyInteractionRollup"
ON CONFLICT ("accountId", "day") DO UPDATE SET marks = "StaleUserDay".marks + 1;
