-- Transcripts are stored as text: ingest writes the JSON itself (src/interactions/transcriptRows.ts,
-- src/ingest/scanInteraction.ts), and PostgreSQL validating every json value on the way in was a
-- fifth of the transcript COPY's time. Reads cast them back (::json). Rewrites the table.

-- AlterTable
ALTER TABLE "InteractionTranscript" ALTER COLUMN "messages" SET DATA TYPE TEXT,
ALTER COLUMN "logs" SET DATA TYPE TEXT;
