-- CreateTable
CREATE TABLE "RunUserBitmap" (
    "accountId" INTEGER NOT NULL,
    "first" DATE NOT NULL,
    "days" SMALLINT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "users" BIT(8192) NOT NULL,
    "repeat" BIT(8192) NOT NULL,
    "engaged" BIT(8192) NOT NULL,

    CONSTRAINT "RunUserBitmap_pkey" PRIMARY KEY ("accountId","first","days","chunk")
);

-- Kept in the row, uncompressed, like the daily and weekly bitmaps (20261124221407 says why).
ALTER TABLE "RunUserBitmap" SET (toast_tuple_target = 8160);

-- Weeks stay as they are: a reader uses a run only once it exists (a week's rebuild builds its
-- runs), and reads its days until then, as before.
