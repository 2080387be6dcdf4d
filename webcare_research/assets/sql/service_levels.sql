-- service_levels.sql — the counts behind the service level per organisation and channel: how many addressed inbound
-- messages, and how many answered within the study's norm on the calendar and on the business-hours clock; the
-- DuckDB twin of the counting in measures.service.service_level_table (the rates and their Wilson intervals are added
-- by measures.rates.add_rate, the Kaplan-Meier service levels come from survival.sql).
--
-- Input  $threads_file  one threads.parquet, or the list of partition files of the store (ingest.store)
--        $norm          the response norm in minutes (study.yml: response_norm_minutes)
-- Output one row per organisation and channel (a missing channel is a group of its own, as in pandas' groupby with
--        dropna=False), sorted by both with NULLs last:
--        n              addressed inbound messages (organisation not NULL)
--        k              of those, answered with frt_min at or below the norm (NaN or NULL times never count)
--        k_business     answered with frt_business_min at or below the norm
SELECT organisation, channel,
       count(*)                                                                          AS n,
       count(*) FILTER (WHERE coalesce(answered, false) AND frt_min <= $norm
                              AND NOT isnan(frt_min))                                    AS k,
       count(*) FILTER (WHERE coalesce(answered, false) AND frt_business_min <= $norm
                              AND NOT isnan(frt_business_min))                           AS k_business
FROM read_parquet($threads_file)
WHERE organisation IS NOT NULL
GROUP BY organisation, channel
ORDER BY organisation NULLS LAST, channel NULLS LAST
