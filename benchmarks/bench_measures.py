"""Benchmark: the basic service measures from a study's Parquet store — our named DuckDB query (measures.sql, the path
of `webcare measure` and the run's measures stage) against a hand-written DuckDB query of a SQL-fluent researcher on
the same files, and against the pandas reference, in the same run.

    python benchmarks/bench_measures.py [DATA_DIR]   # default: benchmarks/out/run_2800000/out/data (bench_run.py)

The peer answers "per brand: answered inbound, median and p90 first response" from mentions.parquet, finding first
replies itself; ours reads threads.parquet (first replies found once at ingest) and gives all nine basic measures per
organisation and channel. Each is timed best of 3 (wall), peak RSS of the process reported at the end.
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PEER = """
WITH m AS (SELECT message_id, in_reply_to_id, author_id, author_role, created_at FROM read_parquet($mentions)),
inb AS (SELECT message_id, created_at FROM m WHERE author_role = 'customer'),
first_reply AS (SELECT in_reply_to_id AS parent, author_id AS brand, min(created_at) AS ts FROM m
                WHERE author_role = 'organisation' AND in_reply_to_id IS NOT NULL GROUP BY ALL)
SELECT f.brand, count(*) AS answered, median(epoch(f.ts) - epoch(i.created_at)) / 60 AS frt_median_min,
       quantile_cont(epoch(f.ts) - epoch(i.created_at), 0.9) / 60 AS frt_p90_min
FROM inb i JOIN first_reply f ON f.parent = i.message_id GROUP BY f.brand ORDER BY f.brand
"""


def best(fn, n=3):
    times, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    import duckdb
    import pandas as pd
    from webcare_research.measures.basic import first_measures
    from webcare_research.measures.sql import basic_measures
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "out" / "run_2800000" / "out" / "data"
    threads, mentions = data / "threads.parquet", data / "mentions.parquet"
    if not threads.exists():
        raise SystemExit(f"{threads} not found: run benchmarks/bench_run.py first (or name an ingest folder)")
    n = duckdb.connect().execute("SELECT count(*) FROM read_parquet($f)", {"f": str(mentions)}).fetchall()[0][0]
    peer_s, peer = best(lambda: duckdb.connect().execute(PEER, {"mentions": str(mentions)}).df())
    ours_s, ours = best(lambda: basic_measures(threads))
    cols = ["organisation", "channel", "answered", "frt_min", "frt_business_min"]
    pandas_s, ref = best(lambda: first_measures(pd.read_parquet(threads, columns=cols)), n=1)
    pd.testing.assert_frame_equal(ours, ref, check_exact=False, rtol=1e-12)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n:,} messages in {data}")
    print(f"  hand-written DuckDB peer (3 measures per brand, first replies from mentions.parquet): {peer_s:6.2f} s, {len(peer)} brands")
    print(f"  ours, measures.sql 'basic' (9 measures per organisation x channel, threads.parquet):  {ours_s:6.2f} s, {len(ours)} rows"
          f" = {ours_s / peer_s:.2f}x the peer's time")
    print(f"  pandas reference (first_measures after reading the columns):                        {pandas_s:6.2f} s"
          f" = {pandas_s / ours_s:.1f}x ours; results equal within 1e-12")
    print(f"  peak RSS of this process (pandas reference included): {rss:,.0f} MB")


if __name__ == "__main__":
    main()
