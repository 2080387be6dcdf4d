-- basic.sql — the basic service measures per organisation and channel: the DuckDB twin of
-- measures.basic.first_measures (reply rule "direct"), equal to it within 1e-12 (tests/test_measures_sql.py).
--
-- Input  $threads_file: threads.parquet of an ingest — one row per inbound message, with
--        organisation (who it is addressed to; NULL: nobody in the study), channel, answered (a reply whose
--        in_reply_to_id is the message), frt_min and frt_business_min (minutes to the first such reply).
-- Output one row per organisation and channel, sorted by both (NULLs last), with
--        inbound            messages addressed to the organisation
--        answered           of those, with a direct reply
--        response_rate      answered / inbound
--        frt_*_min          median, 90th percentile (linear interpolation, like pandas) and mean of the first response
--                           time of the answered messages; frt_business_*: counted in opening hours only (NULL
--                           without opening hours). NaN times do not count.
-- Sums use fsum (compensated summation), so the mean does not depend on DuckDB's thread count.
WITH t AS (
    SELECT organisation, channel, coalesce(answered, false) AS answered,
           CASE WHEN answered AND NOT isnan(frt_min) THEN frt_min END AS frt,
           CASE WHEN answered AND NOT isnan(frt_business_min) THEN frt_business_min END AS frt_b
    FROM read_parquet($threads_file)
    WHERE organisation IS NOT NULL
)
SELECT organisation,
       channel,
       count(*)                                  AS inbound,
       count(*) FILTER (WHERE answered)          AS answered,
       count(*) FILTER (WHERE answered) / count(*) AS response_rate,
       quantile_cont(frt, 0.5)                   AS frt_median_min,
       quantile_cont(frt, 0.9)                   AS frt_p90_min,
       fsum(frt) / count(frt)                    AS frt_mean_min,
       quantile_cont(frt_b, 0.5)                 AS frt_business_median_min,
       quantile_cont(frt_b, 0.9)                 AS frt_business_p90_min,
       fsum(frt_b) / count(frt_b)                AS frt_business_mean_min
FROM t
GROUP BY organisation, channel
ORDER BY organisation NULLS LAST, channel NULLS LAST
