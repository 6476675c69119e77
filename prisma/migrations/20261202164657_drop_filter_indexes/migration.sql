-- Interactions keep their indexes by start and by automation and start. The ones by automation
-- version, version label and sender (with start) and by end user had no scan on the rollup path
-- in the benchmarks; filters by those columns read the range and keep what matches. Each cost an
-- index entry per imported interaction (docs/decisions.md).

-- DropIndex
DROP INDEX "Interaction_accountId_automationVersionId_startedAt_idx";

-- DropIndex
DROP INDEX "Interaction_accountId_versionId_startedAt_idx";

-- DropIndex
DROP INDEX "Interaction_accountId_sender_startedAt_idx";

-- DropIndex
DROP INDEX "Interaction_accountId_endUserId_idx";
