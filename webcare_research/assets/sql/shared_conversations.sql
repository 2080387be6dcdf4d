-- shared_conversations.sql — the other partitions an organisation's conversations reach into (a customer who writes
-- to two organisations in one thread, a message addressed to no studied organisation): what
-- measures.sql.conversation_rows reads besides the organisation's own partitions, so that each of its conversations
-- is seen whole, as on the flat table. Reads only the conversation ids (a hash of the organisation's, probed by the
-- others').
--
-- Input  $org_files    the organisation's mention partitions (ingest.store)
--        $other_files  every other mention partition
-- Output conversation_id, file: each conversation of $org_files with messages in a file of $other_files, and that file
SELECT DISTINCT conversation_id, filename AS file
FROM read_parquet($other_files, filename = true)
WHERE conversation_id IN (SELECT conversation_id FROM read_parquet($org_files))
ORDER BY file, conversation_id
