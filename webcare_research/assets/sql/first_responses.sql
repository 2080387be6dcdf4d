-- first_responses.sql — the thread table's core found from the mentions themselves: for every inbound customer message,
-- the organisation's first direct reply and the first response time; the DuckDB twin of threads.build_threads
-- (reply rule "direct") for the columns below, equal to threads.parquet (tests/test_measures_sql.py).
--
-- Input  $inbound_files  mention partitions of the store (ingest.store) whose customer messages are wanted
--        $reply_files    mention partitions in which their replies may be: the same organisations, every month (a
--                        reply written after the month's end sits in the next month's partition)
-- Output one row per customer message of $inbound_files, in the flat table's order (`row`), with
--        message_id, organisation (who it is addressed to, as ingest decided), channel, created_at
--        first_reply_id, first_reply_at  the earliest organisation message whose in_reply_to_id is the message
--                        (ties: the smallest message_id)
--        answered        whether there is such a reply
--        frt_min         minutes from the message to that reply; NULL when the reply is dated before the message
WITH inb AS (
    SELECT message_id, organisation, channel, created_at, "row" FROM read_parquet($inbound_files)
    WHERE author_role = 'customer'
), rep AS (
    SELECT in_reply_to_id AS parent, message_id AS r_id, created_at AS r_at,
           row_number() OVER (PARTITION BY in_reply_to_id ORDER BY created_at, message_id) AS k
    FROM read_parquet($reply_files)
    WHERE author_role = 'organisation' AND in_reply_to_id IS NOT NULL
)
SELECT i.message_id, i.organisation, i.channel, i.created_at,
       r.r_id AS first_reply_id, r.r_at AS first_reply_at,
       r.r_id IS NOT NULL AS answered,
       CASE WHEN r.r_at >= i.created_at
            THEN (epoch_us(CAST(r.r_at AS TIMESTAMPTZ)) - epoch_us(CAST(i.created_at AS TIMESTAMPTZ))) / 6e7 END AS frt_min
FROM inb i LEFT JOIN rep r ON r.parent = i.message_id AND r.k = 1
ORDER BY i."row"
