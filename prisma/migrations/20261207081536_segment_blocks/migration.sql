-- Block bitmaps get a segment, as run bitmaps did (20261207075051): '*' (all interactions, what
-- every stored block holds so far, rebuilt with its day) or a segment of the daily bitmaps, built
-- when a filtered read first needs it (src/rollups/segmentCells.ts). The default fills the rows
-- stored so far and is then dropped.
ALTER TABLE "BlockUserBitmap" ADD COLUMN "segment" TEXT NOT NULL DEFAULT '*';
ALTER TABLE "BlockUserBitmap" ALTER COLUMN "segment" DROP DEFAULT;
ALTER TABLE "BlockUserBitmap" DROP CONSTRAINT "BlockUserBitmap_pkey",
ADD CONSTRAINT "BlockUserBitmap_pkey" PRIMARY KEY ("accountId", "segment", "day", "block", "chunk");
