-- reach.sql — who gets answered by how many followers they have: the addressed inbound messages with a known follower
-- count, per organisation, channel and follower count, and how many of them were answered; the DuckDB inputs of the
-- reach gap (measures.sql.reach_gap_measures bins them by the reach quantiles, measures.service.reach_edges, and
-- gives the top quantile's response rate minus the bottom one's, as measures.service.fairness_audit + reach_gap do).
--
-- Input  $threads_file   the thread partitions of the organisations (ingest.store), or one threads.parquet
--        $mention_files  the mention files holding those messages (every mention partition, or mentions.parquet)
-- Output one row per organisation, channel (NULL kept: the quantiles count every addressed message) and follower
--        count (DOUBLE; unknown or NaN counts left out), with
--        n  addressed inbound messages
--        k  of them answered
-- A thread row's follower count is its message's mention row's (message ids are unique after ingest).
WITH t AS (
    SELECT message_id, organisation, channel, coalesce(answered, false) AS answered
    FROM read_parquet($threads_file, union_by_name = true)
    WHERE organisation IS NOT NULL
), m AS (
    SELECT message_id, CAST(author_followers AS DOUBLE) AS followers
    FROM read_parquet($mention_files, union_by_name = true)
    WHERE author_followers IS NOT NULL
)
SELECT t.organisation, t.channel, m.followers, count(*) AS n, count(*) FILTER (WHERE t.answered) AS k
FROM t JOIN m ON t.message_id = m.message_id
WHERE NOT isnan(m.followers)
GROUP BY t.organisation, t.channel, m.followers
ORDER BY t.organisation, t.channel, m.followers
