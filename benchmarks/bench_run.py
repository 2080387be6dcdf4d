"""Benchmark: a whole study through `webcare run` on a 2.8M-message twcs-shaped corpus — wall time and peak memory per
stage — against a hand-written DuckDB query of the core measure (per brand: answered inbound, median and p90 first
response, straight from the CSV) run in the same process tree and the same run.

    python benchmarks/bench_run.py [--messages 2800000] [--seed 42] [--stages ingest,enrich,...]

Reuses benchmarks/out/twcs_<N>_<seed>.csv (bench_ingest.corpus: seeded, generated once). Every stage runs as its own
`webcare run study.yml --only STAGE` under /usr/bin/time, so its peak resident set size is its own; then a second
`webcare run` with nothing changed is timed (every stage skipped). Prints a table and writes
benchmarks/out/bench_run_<N>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from bench_ingest import OUT, corpus  # noqa: E402

STAGES = ("ingest", "enrich", "quality", "topics", "measures", "findings", "policy", "benchmark")
PEER_SQL = """
WITH t AS (SELECT * FROM read_csv_auto(?, all_varchar = true)),
inb AS (SELECT tweet_id, strptime(created_at, '%a %b %d %H:%M:%S %z %Y') AS ts FROM t WHERE inbound = 'True'),
replies AS (SELECT author_id AS brand, in_response_to_tweet_id AS parent,
                   strptime(created_at, '%a %b %d %H:%M:%S %z %Y') AS ts FROM t WHERE inbound = 'False'),
first_reply AS (SELECT parent, brand, min(ts) AS ts FROM replies GROUP BY parent, brand)
SELECT f.brand, count(*) AS answered, median(epoch(f.ts) - epoch(i.ts)) / 60 AS frt_median_min,
       quantile_cont(epoch(f.ts) - epoch(i.ts), 0.9) / 60 AS frt_p90_min
FROM inb i JOIN first_reply f ON f.parent = i.tweet_id GROUP BY f.brand ORDER BY f.brand
"""


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    "(wall seconds, peak RSS in MB, stdout+stderr tail) of one command under /usr/bin/time."
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "__rss_kb=%M", *cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    rss = next((int(line.split("=")[1]) for line in r.stderr.splitlines() if line.startswith("__rss_kb=")), 0) / 1024
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-3000:]}")
    tail = "\n".join(line for line in (r.stdout + r.stderr).splitlines() if not line.startswith("__rss_kb="))
    return wall, rss, tail[-400:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=2_800_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--stages", default=",".join(STAGES))
    a = ap.parse_args()
    csv = corpus(a.messages, a.seed)
    study = OUT / f"run_{a.messages}"
    shutil.rmtree(study / "out", ignore_errors=True)  # a fresh study: every stage computes (the findings keep their own cache)
    study.mkdir(parents=True, exist_ok=True)
    (study / "study.yml").write_text(f"name: twcs-{a.messages}\ntimezone: UTC\nlanguage: en\ncorpora:\n  - path: {csv}\n"
                                     "    format: twcs\noutput: out\n", encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "WEBCARE_SALT": "bench-run-salt"}
    webcare = [sys.executable, "-m", "webcare_research"]
    rows = []
    peer_wall, peer_rss, peer_out = timed([sys.executable, "-c", (
        "import duckdb,sys; con=duckdb.connect(); r=con.execute(sys.argv[1], [sys.argv[2]]).fetchall(); "
        "print(len(r), 'brands')"), PEER_SQL, str(csv)], env)
    print(f"peer: hand-written DuckDB query (answered, median and p90 first response per brand, from the CSV): "
          f"{peer_wall:.1f} s, {peer_rss:,.0f} MB — {peer_out.strip()}")
    for stage in a.stages.split(","):
        wall, rss, _ = timed([*webcare, "run", str(study / "study.yml"), "--only", stage], env)
        rows.append({"stage": stage, "wall_s": round(wall, 1), "peak_rss_mb": round(rss)})
        print(f"{stage:>10}: {wall:8.1f} s  {rss:8,.0f} MB", flush=True)
    whole = set(a.stages.split(",")) >= set(STAGES)
    # a second `webcare run` skips everything only when every stage ran above; with --stages it would run the others
    again, again_rss = timed([*webcare, "run", str(study / "study.yml")], env)[:2] if whole else (float("nan"), float("nan"))
    total = sum(r["wall_s"] for r in rows)
    core = sum(r["wall_s"] for r in rows if r["stage"] in ("ingest", "measures"))
    print(f"{'all':>10}: {total:8.1f} s  {max(r['peak_rss_mb'] for r in rows):8,.0f} MB (peak of any stage)")
    if whole:
        print(f"second run, nothing changed: {again:.1f} s ({again_rss:,.0f} MB)")
    print(f"ratio ingest + measures / DuckDB peer: {core / peer_wall:.1f}x; whole study / DuckDB peer: {total / peer_wall:.0f}x "
          "(the peer computes three numbers per brand; the study computes every stage)")
    res = {"messages": a.messages, "csv": csv.name, "stages": rows, "total_s": total, "second_run_s": round(again, 1) if whole else None,
           "peer": {"name": "hand-written DuckDB query", "wall_s": round(peer_wall, 2), "peak_rss_mb": round(peer_rss)},
           "cores": os.cpu_count()}
    (OUT / f"bench_run_{a.messages}.json").write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
