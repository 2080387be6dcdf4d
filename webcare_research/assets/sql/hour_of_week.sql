-- hour_of_week.sql — the week's rhythm: inbound, answered and median first response per organisation, weekday and
-- hour on the study's local clock; the DuckDB twin of measures.service.hour_of_week's counts (the full 7 x 24 grid,
-- rates, intervals and the `open` flag are added in Python by measures.service.hour_of_week_frame).
--
-- Input  $threads_file  one threads.parquet, or the list of partition files of the store (ingest.store)
--        $tz            the study's time zone (study.yml: timezone)
-- Output one row per organisation, weekday and hour that has messages, with
--        weekday         0 = Monday ... 6 = Sunday (local)
--        hour            0-23 (local)
--        n, k            messages addressed to the organisation, and of those answered (a direct reply)
--        frt_median_min  median minutes to the first reply of the answered ones (NaN times do not count)
WITH t AS (
    SELECT organisation, coalesce(answered, false) AS answered,
           CASE WHEN answered AND NOT isnan(frt_min) THEN frt_min END AS frt,
           timezone($tz, created_at) AS loc
    FROM read_parquet($threads_file)
    WHERE organisation IS NOT NULL
)
SELECT organisation,
       CAST(isodow(loc) - 1 AS BIGINT)  AS weekday,
       CAST(hour(loc) AS BIGINT)        AS hour,
       count(*)                         AS n,
       count(*) FILTER (WHERE answered) AS k,
       quantile_cont(frt, 0.5)          AS frt_median_min
FROM t
GROUP BY ALL
ORDER BY organisation, weekday, hour
