-- Run bitmaps get a segment: '*' (all interactions, what every stored run holds so far, rebuilt
-- with its week) or a coarse segment of the daily bitmaps, built when a filtered read first needs
-- it (src/rollups/segmentRuns.ts). The default fills the rows stored so far and is then dropped.
ALTER TABLE "RunUserBitmap" ADD COLUMN "segment" TEXT NOT NULL DEFAULT '*';
ALTER TABLE "RunUserBitmap" ALTER COLUMN "segment" DROP DEFAULT;
ALTER TABLE "RunUserBitmap" DROP CONSTRAINT "RunUserBitmap_pkey",
ADD CONSTRAINT "RunUserBitmap_pkey" PRIMARY KEY ("accountId", "segment", "first", "days", "chunk");
