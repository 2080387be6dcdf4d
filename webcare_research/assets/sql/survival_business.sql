-- survival_business.sql — the Kaplan-Meier inputs on the business-hours clock, counted as survival.sql's: one row
-- per organisation, channel, duration in opening-hours minutes and event with its number of addressed inbound
-- messages; the DuckDB twin of measures.survival.survival_data(business=True) (equal rows counted) and so of
-- study.config.business_minutes for the censored ones.
--
-- Input  $threads_file  one threads.parquet, or the list of partition files of the store (ingest.store)
--        $window_end    the end of the observation window (UTC); NULL: the latest inbound message or first reply
--                       in the files read (give it when reading only some partitions of a study)
--        $tz            the study's time zone; opening hours are local times, DST-aware
--        $open, $close  7 numbers each, Monday first: the opening and closing minute of the day (NULL: closed;
--                       24:00 is read as 23:59, as study.yml's parser does)
-- Output sorted by organisation, channel, duration_min, event; only messages created by the window end:
--        organisation, channel
--        event         1 when answered with a first reply at or before the window end and a known business time
--        duration_min  frt_business_min when event = 1, else the opening-hours minutes from the message to the window
--                      end (censored), never below 0
--        messages      how many messages have this organisation, channel, event and duration
--        window_end    the window end used (the same on every row)
-- How: a calendar of local days from the first message to the window end, each with its opening and closing moment
-- in UTC and the staffed seconds before it (a running sum); the open time up to a moment is the running sum of its
-- local day plus the part of that day's opening hours already past. Whole seconds, as integers: exact.
WITH src AS (
    SELECT organisation, channel, created_at, first_reply_at, answered, frt_business_min FROM read_parquet($threads_file)
), bounds AS (
    SELECT coalesce(CAST($window_end AS TIMESTAMPTZ), greatest(max(created_at), max(first_reply_at))) AS window_end FROM src
), t AS (
    SELECT s.*, b.window_end,
           (coalesce(s.answered, false) AND s.first_reply_at IS NOT NULL AND s.first_reply_at <= b.window_end
            AND s.frt_business_min IS NOT NULL AND NOT isnan(s.frt_business_min)) AS ev,
           CAST(timezone($tz, s.created_at) AS DATE) AS day_created
    FROM src s, bounds b
    WHERE s.organisation IS NOT NULL AND s.created_at <= b.window_end
), span AS (
    SELECT min(day_created) AS d0, CAST(timezone($tz, any_value(window_end)) AS DATE) AS d1 FROM t
), days AS (
    SELECT CAST(unnest(generate_series(CAST(d0 AS TIMESTAMP), CAST(d1 AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS day
    FROM span WHERE d0 IS NOT NULL
), cal AS (
    SELECT day,
           epoch_us(timezone($tz, CAST(day AS TIMESTAMP) + to_minutes(CAST(list_extract($open, isodow(day)) AS BIGINT)))) AS o_us,
           epoch_us(timezone($tz, CAST(day AS TIMESTAMP) + to_minutes(CAST(list_extract($close, isodow(day)) AS BIGINT)))) AS c_us
    FROM days
), clock AS (
    SELECT day, o_us, coalesce((c_us - o_us) // 1000000, 0) AS len_s,
           coalesce(sum(coalesce((c_us - o_us) // 1000000, 0)) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING
                                                                       AND 1 PRECEDING), 0) AS before_s
    FROM cal
), at_created AS (
    SELECT t.*, k.before_s + least(greatest(coalesce((epoch_us(CAST(t.created_at AS TIMESTAMPTZ)) - k.o_us) // 1000000, 0), 0),
                                   k.len_s) AS open_s
    FROM t JOIN clock k ON k.day = t.day_created
), at_end AS (
    SELECT k.before_s + least(greatest(coalesce((epoch_us(CAST(b.window_end AS TIMESTAMPTZ)) - k.o_us) // 1000000, 0), 0),
                              k.len_s) AS open_s
    FROM bounds b JOIN clock k ON k.day = CAST(timezone($tz, b.window_end) AS DATE)
)
SELECT organisation, channel,
       CAST(ev AS TINYINT) AS event,
       greatest(CASE WHEN ev THEN frt_business_min ELSE (e.open_s - a.open_s) / 60.0 END, 0.0) AS duration_min,
       count(*) AS messages,
       window_end
FROM at_created a, at_end e
GROUP BY ALL
ORDER BY organisation, channel, duration_min, event
