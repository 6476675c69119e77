-- Steps move from a row each to one row per interaction (arrays in record order), as messages and
-- log lines did to InteractionTranscript: about three step rows per interaction, each with two
-- index entries, were a fifth of ingest's PostgreSQL time. Stored interactions keep theirs: the
-- rows are folded into the new table before the old one goes. Each row also holds the positions
-- of its first and last dialog (by time, then record order), which funnels used to rank per query.

-- CreateTable
CREATE TABLE "InteractionSteps" (
    "accountId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "kinds" "StepKind"[],
    "names" TEXT[],
    "ats" TIMESTAMPTZ(3)[],
    "firstDialog" INTEGER,
    "lastDialog" INTEGER,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "automationId" INTEGER,
    "automationVersionId" TEXT,
    "versionId" TEXT,
    "sender" TEXT,

    CONSTRAINT "InteractionSteps_pkey" PRIMARY KEY ("accountId","interactionId")
);

-- seq numbers an interaction's steps from 0 in record order, so a step's position is seq + 1.
INSERT INTO "InteractionSteps" ("accountId", "interactionId", "kinds", "names", "ats", "firstDialog", "lastDialog", "startedAt", "automationId", "automationVersionId", "versionId", "sender")
SELECT s."accountId", s."interactionId",
       array_agg(s.kind ORDER BY s.seq), array_agg(s.name ORDER BY s.seq), array_agg(s.at ORDER BY s.seq),
       (array_agg(s.seq + 1 ORDER BY s.at, s.seq) FILTER (WHERE s.kind = 'DIALOG'))[1],
       (array_agg(s.seq + 1 ORDER BY s.at DESC, s.seq DESC) FILTER (WHERE s.kind = 'DIALOG'))[1],
       min(s."startedAt"), min(s."automationId"), min(s."automationVersionId"), min(s."versionId"), min(s.sender)
  FROM "InteractionStep" s
 GROUP BY s."accountId", s."interactionId";

-- CreateIndex
CREATE INDEX "InteractionSteps_accountId_automationId_startedAt_idx" ON "InteractionSteps"("accountId", "automationId", "startedAt");

-- DropTable
DROP TABLE "InteractionStep";
