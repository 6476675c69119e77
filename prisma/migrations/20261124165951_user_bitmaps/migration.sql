-- CreateTable
CREATE TABLE "DailyUserBitmap" (
    "accountId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "chunk" INTEGER NOT NULL,
    "users" BIT(8192) NOT NULL,
    "repeat" BIT(8192) NOT NULL,
    "engaged" BIT(8192) NOT NULL,

    CONSTRAINT "DailyUserBitmap_pkey" PRIMARY KEY ("accountId","day","chunk")
);

-- CreateTable
CREATE TABLE "StaleUserDay" (
    "accountId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "marks" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "StaleUserDay_pkey" PRIMARY KEY ("accountId","day")
);

-- A bit string of `width` bits with the bits at `positions` (0 = leftmost) set: built from the
-- gaps between the sorted positions, so its cost follows the number of positions, not the width.
CREATE FUNCTION "touchpoint_bits"(positions INTEGER[], width INTEGER) RETURNS BIT VARYING
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT rpad(coalesce(string_agg(repeat('0', p - coalesce(prev, -1) - 1) || '1', '' ORDER BY p), ''), width, '0')::bit varying
    FROM (SELECT p, lag(p) OVER (ORDER BY p) AS prev FROM (SELECT DISTINCT unnest(positions) AS p) d) gaps
$$;

-- Every day that already holds interactions starts stale: the first reader (or an import, seed or
-- `touchpoint rollups rebuild`) builds its bitmaps from the raw rows.
INSERT INTO "StaleUserDay" ("accountId", "day")
SELECT DISTINCT "accountId", ("startedAt" AT TIME ZONE 'UTC')::date FROM "Interaction";
