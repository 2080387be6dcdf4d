-- coverage.sql — who answers when: inbound, answered and median first response per organisation, channel and period
-- of the week, the DuckDB twin of measures.service.coverage_table's counts (rates and Wilson intervals are added in
-- Python by measures.rates.add_rate, the one home of that formula).
--
-- Input  $threads_file  one threads.parquet, or the list of partition files of the store (ingest.store)
--        $tz            the study's time zone (study.yml: timezone): periods are read on the local clock
--        $has_hours     whether the study gave opening hours (study.yml: hours)
--        $open, $close  7 numbers each, Monday first: the opening and closing minute of the day (NULL: closed)
-- Output one row per organisation, channel and period, with
--        period          weekend (Saturday, Sunday), else evening (18-24), night (0-8) or daytime (8-18) on weekdays;
--                        and, only with opening hours, opening_hours / outside_hours (open <= minute < close)
--        n               messages addressed to the organisation in that period
--        k               of those, answered (a direct reply)
--        frt_median_min  median minutes to the first reply of the answered ones (NaN times do not count)
-- Messages addressed to no studied organisation do not count. Exact quantiles: same result on any thread count.
WITH t AS (
    SELECT organisation, channel, coalesce(answered, false) AS answered,
           CASE WHEN answered AND NOT isnan(frt_min) THEN frt_min END AS frt,
           timezone($tz, created_at) AS loc
    FROM read_parquet($threads_file)
    WHERE organisation IS NOT NULL
), w AS (
    SELECT *, isodow(loc) AS dow, hour(loc) * 60 + minute(loc) AS minute_of_day FROM t
), periods AS (
    SELECT organisation, channel, answered, frt,
           CASE WHEN dow >= 6 THEN 'weekend' WHEN hour(loc) >= 18 THEN 'evening'
                WHEN hour(loc) < 8 THEN 'night' ELSE 'daytime' END AS period
    FROM w
    UNION ALL
    SELECT organisation, channel, answered, frt,
           CASE WHEN minute_of_day >= list_extract($open, dow) AND minute_of_day < list_extract($close, dow)
                THEN 'opening_hours' ELSE 'outside_hours' END
    FROM w
    WHERE $has_hours
)
SELECT organisation, channel, period,
       count(*)                         AS n,
       count(*) FILTER (WHERE answered) AS k,
       quantile_cont(frt, 0.5)          AS frt_median_min
FROM periods
GROUP BY organisation, channel, period
ORDER BY organisation, channel, period
