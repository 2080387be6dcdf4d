"""Benchmark: the service measures from a study's partitioned Parquet store (ingest.store) — our named DuckDB queries
(measures.sql: basic, coverage, hour_of_week, survival, handoff, agents, reach, conversations; the first is the path of
`webcare measure`
and the run's measures stage) against a hand-written DuckDB query of a SQL-fluent researcher on the same store's files, and against
the pandas reference functions, in the same run.

    python benchmarks/bench_measures.py [DATA_DIR]   # default: benchmarks/out/run_2800000/out/data (bench_run.py)

The peer answers "per brand: answered inbound, median and p90 first response" from the store's mention partitions,
finding first replies itself; ours reads the thread partitions (first replies found once at ingest) and gives all nine
basic measures per organisation and channel. A store written before ingest.store existed is written first (timed).
Each is timed best of 3 (wall), the pandas references once; peak RSS of the process reported at the end.
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
    from webcare_research.ingest.store import STORE, store_files, write_store
    from webcare_research.measures.basic import first_measures
    from webcare_research.measures.service import coverage_table, fairness_audit, hour_of_week, reach_gap
    from webcare_research.measures.conversation import (agent_summary, conversation_measures, conversation_table,
                                                        handoff_table)
    from webcare_research.measures.sql import (agent_measures, basic_measures, count_edges, coverage_measures,
                                               handoff_measures, hour_of_week_measures, reach_counts,
                                               reach_gap_measures, resolution_measures, survival_inputs,
                                               survival_rows)
    from webcare_research.measures.survival import survival_data
    from webcare_research.study.config import StudyConfig, load_config
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "out" / "run_2800000" / "out" / "data"
    threads = data / "threads.parquet"
    if not threads.exists():
        raise SystemExit(f"{threads} not found: run benchmarks/bench_run.py first (or name an ingest folder)")
    study = data.parent.parent / "study.yml"  # bench_run's layout: <study>/study.yml, <study>/out/data
    cfg = load_config(study) if study.exists() else StudyConfig()
    if not (data / STORE / "threads" / "_index.json").exists():
        t0 = time.perf_counter()
        for name in ("mentions", "threads"):
            write_store(pd.read_parquet(data / f"{name}.parquet"), data, name, cfg.tz)
        print(f"  store written (both tables, from the flat files): {time.perf_counter() - t0:.1f} s")
    mentions = store_files(data, "mentions")
    con = duckdb.connect()  # the peer keeps one connection, as a researcher's notebook does (ours: one per process)
    n = con.execute("SELECT count(*) FROM read_parquet($f)", {"f": mentions}).fetchall()[0][0]
    print(f"{n:,} messages in {data}; store: {len(mentions):,} mention and {len(store_files(data, 'threads')):,} thread "
          f"partitions (organisation x month); timezone {cfg.tz}, opening hours {'given' if cfg.hours else 'none'}")
    peer_s, peer = best(lambda: con.execute(PEER, {"mentions": mentions}).df())
    print(f"  hand-written DuckDB peer (3 measures per brand, first replies from the mention partitions): {peer_s:6.2f} s,"
          f" {len(peer)} brands")
    flat = pd.read_parquet(threads)
    mentions_df = pd.read_parquet(data / "mentions.parquet")
    rows = []
    for name, ours_fn, ref_fn in (
            ("basic", lambda: basic_measures(data), lambda: first_measures(flat, cfg)),
            ("coverage", lambda: coverage_measures(data, cfg), lambda: coverage_table(flat, cfg)),
            ("hour_of_week", lambda: hour_of_week_measures(data, cfg), lambda: hour_of_week(flat, cfg)),
            ("survival inputs", lambda: survival_inputs(data),
             lambda: survival_data(flat, config=cfg)[["organisation", "channel", "event", "duration_min"]]),
            ("handoff", lambda: handoff_measures(data), lambda: handoff_table(mentions_df, flat[flat.organisation.notna()])),
            ("agents", lambda: agent_measures(data), lambda: agent_summary(mentions_df)),
            ("reach", lambda: (lambda c: reach_gap_measures(c, count_edges(c)))(reach_counts(data)),
             lambda: reach_gap(fairness_audit(mentions_df, flat[flat.organisation.notna()], by=["organisation", "channel"]),
                               by=["organisation", "channel"])),
            ("conversations", lambda: resolution_measures(data),
             lambda: conversation_measures(conversation_table(mentions_df)))):
        ours_s, ours = best(ours_fn)
        ref_s, ref = best(ref_fn, n=1)
        if name == "survival inputs":  # ours counts equal steps: compared as the messages' rows
            ref = ref.sort_values(["organisation", "channel", "duration_min", "event"]).reset_index(drop=True)
            ours, n_steps = survival_rows(ours), len(ours)
        pd.testing.assert_frame_equal(ours, ref, check_exact=False, rtol=1e-12, check_dtype=name not in ("handoff", "agents", "reach", "conversations"))
        rows.append((name, ours_s, ref_s, len(ours)))
        shape = f"{n_steps:,} steps of {len(ours):,} messages" if name == "survival inputs" else f"{len(ours):,} rows"
        print(f"  ours, measures.sql {name!r:<18} {ours_s:6.2f} s ({shape}) = {ours_s / peer_s:.2f}x the peer's time;"
              f" pandas reference {ref_s:6.2f} s (already in memory) = {ref_s / ours_s:.1f}x ours; equal within 1e-12")
    # first replies found from the mention partitions vs threads.build_threads (the pandas path ingest uses) on the same rows
    from webcare_research.measures.sql import first_responses
    from webcare_research.threads.build import build_threads
    fr_s, fr = best(lambda: first_responses(data))
    bt_s, bt = best(lambda: build_threads(mentions_df, cfg), n=1)
    pd.testing.assert_frame_equal(fr, bt[list(fr.columns)], check_exact=False, rtol=1e-12)
    print(f"  ours, measures.sql 'first_responses' {fr_s:6.2f} s ({len(fr):,} inbound messages, first replies found from the"
          f" mention partitions); threads.build_threads on the mention table in memory {bt_s:6.2f} s (also addressing,"
          f" business minutes, private channels) = {bt_s / fr_s:.1f}x; the shared columns equal")
    total = sum(r[1] for r in rows)
    four = sum(r[1] for r in rows if r[0] not in ("handoff", "agents", "reach", "conversations"))
    named = four + sum(r[1] for r in rows if r[0] == "handoff")  # the families the 2x target names
    print(f"  basic, coverage, hour of week, survival from the store: {four:.2f} s = {four / peer_s:.2f}x the peer's time;"
          f" with hand-off (the families the 2x target names): {named:.2f} s = {named / peer_s:.2f}x;"
          f" all {len(rows)} families: {total:.2f} s = {total / peer_s:.2f}x")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process (pandas references and their flat table included): {rss:,.0f} MB")


if __name__ == "__main__":
    main()
