-- CreateTable
CREATE TABLE "WeeklyUserBitmap" (
    "accountId" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "week" DATE NOT NULL,
    "chunk" INTEGER NOT NULL,
    "users" BIT(8192) NOT NULL,
    "repeat" BIT(8192) NOT NULL,
    "engaged" BIT(8192) NOT NULL,

    CONSTRAINT "WeeklyUserBitmap_pkey" PRIMARY KEY ("accountId","segment","week","chunk")
);

-- CreateIndex
CREATE INDEX "WeeklyUserBitmap_accountId_week_idx" ON "WeeklyUserBitmap"("accountId", "week");

-- Weeks are built from the daily bitmaps already stored (as userBitmaps.ts does on refresh): a
-- user is in a week's `repeat` when they came twice on one day of it, or on a day after an
-- earlier one. Weeks that hold a stale day are built again when that day is refreshed.
INSERT INTO "WeeklyUserBitmap" ("accountId", "segment", "week", "chunk", "users", "repeat", "engaged")
SELECT "accountId", "segment", "week", "chunk", bit_or("users"), bit_or("again"), bit_or("engaged")
  FROM (SELECT b."accountId", b."segment", b."day" - (extract(isodow FROM b."day")::int - 1) AS "week", b."chunk", b."users", b."engaged",
               b."repeat" | (b."users" & coalesce(bit_or(b."users") OVER (
                 PARTITION BY b."accountId", b."segment", b."day" - (extract(isodow FROM b."day")::int - 1), b."chunk"
                 ORDER BY b."day" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), B'0'::bit(8192))) AS "again"
          FROM "DailyUserBitmap" b) cells
 GROUP BY "accountId", "segment", "week", "chunk";
