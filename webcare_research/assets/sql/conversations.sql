-- conversations.sql — every message of the conversations an organisation takes part in, whichever organisation's
-- partition each message sits in: what the conversation, hand-off, agent, sentiment-shift and reach measures of one
-- organisation read (measures.sql.store_measures), so that a conversation that also touches another organisation, or
-- holds messages addressed to none, is seen whole, as on the flat table.
--
-- Input  $mention_files  every mention partition of the store (ingest.store)
--        $org_files      the organisation's own mention partitions
-- Output the columns below for every message whose conversation_id occurs in $org_files, in the flat table's order
SELECT message_id, conversation_id, organisation, channel, author_role, created_at, "text", agent, author_followers
FROM read_parquet($mention_files)
WHERE conversation_id IN (SELECT conversation_id FROM read_parquet($org_files))
ORDER BY "row"
