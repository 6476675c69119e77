-- Transcripts store each message and log line as a JSON array of its fields instead of an object
-- naming them (src/interactions/transcriptRows.ts has the order): the key names were 45 % of the
-- bytes ingest writes and PostgreSQL parses for every interaction. Stored transcripts are
-- rewritten in the new form, elements in their stored order.
UPDATE "InteractionTranscript" t
   SET messages = (SELECT coalesce(json_agg(json_build_array(e->'id', e->'direction', e->'author', e->'channel', e->'sentAt',
                                                             e->'text', e->'status', e->'statusAt', e->'validityHours') ORDER BY x.n), '[]'::json)
                     FROM json_array_elements(t.messages) WITH ORDINALITY AS x(e, n)),
       logs = (SELECT coalesce(json_agg(json_build_array(e->'at', e->'level', e->'message') ORDER BY x.n), '[]'::json)
                 FROM json_array_elements(t.logs) WITH ORDINALITY AS x(e, n))
 WHERE json_typeof(t.messages->0) = 'object' OR json_typeof(t.logs->0) = 'object';
