-- Messages and log lines move from a row each to one transcript row per interaction (JSON arrays
-- as the records sent them): they are only read per interaction, and one row is far cheaper to
-- write than six. Stored interactions keep theirs: the rows are folded into the new table before
-- the old tables go.

-- CreateTable
CREATE TABLE "InteractionTranscript" (
    "accountId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "messages" JSON NOT NULL,
    "logs" JSON NOT NULL,

    CONSTRAINT "InteractionTranscript_pkey" PRIMARY KEY ("accountId","interactionId")
);

-- Timestamps as ingest writes them (ISO 8601 in UTC, milliseconds).
INSERT INTO "InteractionTranscript" ("accountId", "interactionId", "messages", "logs")
SELECT i."accountId", i.id, coalesce(m.messages, '[]'::json), coalesce(l.logs, '[]'::json)
  FROM "Interaction" i
  LEFT JOIN (
    SELECT "accountId", "interactionId",
           json_agg(json_build_object(
             'id', id, 'direction', direction, 'author', author, 'channel', channel,
             'sentAt', to_char("sentAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'text', text, 'status', status,
             'statusAt', to_char("statusAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'validityHours', "validityHours"
           ) ORDER BY "sentAt", id COLLATE "C") AS messages
      FROM "Message" GROUP BY "accountId", "interactionId"
  ) m ON m."accountId" = i."accountId" AND m."interactionId" = i.id
  LEFT JOIN (
    SELECT "accountId", "interactionId",
           json_agg(json_build_object(
             'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'level', level, 'message', message
           ) ORDER BY seq) AS logs
      FROM "InteractionLog" GROUP BY "accountId", "interactionId"
  ) l ON l."accountId" = i."accountId" AND l."interactionId" = i.id;

-- DropTable
DROP TABLE "Message";

-- DropTable
DROP TABLE "InteractionLog";
