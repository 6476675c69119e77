-- CreateTable
CREATE TABLE "FunnelReach" (
    "accountId" TEXT NOT NULL,
    "viewId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "reached" SMALLINT NOT NULL,

    CONSTRAINT "FunnelReach_pkey" PRIMARY KEY ("accountId","viewId","interactionId")
);

-- CreateIndex
CREATE INDEX "FunnelReach_accountId_viewId_startedAt_reached_idx" ON "FunnelReach"("accountId", "viewId", "startedAt", "reached");
