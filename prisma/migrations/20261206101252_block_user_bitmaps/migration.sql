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

-- Days stay as they are: a reader uses a day's blocks only once the day has some (a refresh
-- builds them), and reads its partial days raw until then, as before.
