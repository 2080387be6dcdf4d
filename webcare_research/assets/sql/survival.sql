-- survival.sql — the Kaplan-Meier inputs for time to first response (calendar clock), counted: one row per
-- organisation, channel, duration and event with the number of addressed inbound messages that have it; the DuckDB
-- twin of measures.survival.survival_data (business=False) with its equal rows counted. The product-limit estimator
-- itself runs on these steps (measures.survival.km_product_limit, counts=messages: the same curve as on the rows);
-- counting here hands a third of the rows to Python on a twcs-shaped corpus, and no timestamps.
--
-- Input  $threads_file  one threads.parquet, or the list of partition files of the store (ingest.store)
--        $window_end    the end of the observation window (UTC); NULL: the latest inbound message or first reply
--                       in the files read (measures.survival.observation_end); give it when reading only some
--                       partitions of a study, so that every part is censored at the study's end
-- Output sorted by organisation, channel, duration_min, event; only messages created by the window end:
--        organisation, channel
--        event         1 when answered with a first reply at or before the window end and a known time, else 0
--        duration_min  the first response time when event = 1, else minutes from the message to the window end
--                      (censored); never below 0
--        messages      how many messages have this organisation, channel, event and duration
--        window_end    the window end used (the same on every row)
WITH src AS (
    SELECT organisation, channel, created_at, first_reply_at, answered, frt_min FROM read_parquet($threads_file)
), bounds AS (
    SELECT coalesce(CAST($window_end AS TIMESTAMPTZ), greatest(max(created_at), max(first_reply_at))) AS window_end FROM src
), t AS (
    SELECT s.*, b.window_end,
           (coalesce(s.answered, false) AND s.first_reply_at IS NOT NULL AND s.first_reply_at <= b.window_end
            AND s.frt_min IS NOT NULL AND NOT isnan(s.frt_min)) AS ev
    FROM src s, bounds b
    WHERE s.organisation IS NOT NULL AND s.created_at <= b.window_end
)
SELECT organisation, channel,
       CAST(ev AS TINYINT) AS event,
       greatest(CASE WHEN ev THEN frt_min
                     ELSE (epoch_us(CAST(window_end AS TIMESTAMPTZ)) - epoch_us(CAST(created_at AS TIMESTAMPTZ))) / 6e7 END, 0.0) AS duration_min,
       count(*) AS messages,
       window_end
FROM t
GROUP BY ALL
ORDER BY organisation, channel, duration_min, event
