-- window.sql — the end of a study's observation window: the latest inbound message or first reply in its thread
-- table (measures.survival.observation_end). Computed over the whole study even when a question reads only some of
-- its partitions, so that every part is censored at the same moment.
--
-- Input  $threads_file  one threads.parquet, or the list of partition files of the store (ingest.store)
-- Output one row: window_end (UTC; NULL for an empty table)
SELECT greatest(max(created_at), max(first_reply_at)) AS window_end
FROM read_parquet($threads_file)
