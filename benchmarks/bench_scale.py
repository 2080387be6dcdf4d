"""Benchmark: a 50M-message twcs-shaped corpus, generated in chunks (never all in memory), through `webcare ingest`
(the streaming ingest: inputs over `STREAM_BYTES`) and `webcare measure --basic` (DuckDB over the partitioned store),
each its own process tree — wall time, peak RSS summed over the tree (sampled every 0.5 s: the streaming ingest works
its buckets in two processes) and of its largest process — against the hand-written DuckDB query of the core
measure (bench_run.PEER_SQL: per brand answered inbound, median and p90 first response, from the CSV) in the same run.

    python benchmarks/bench_scale.py [--messages 50000000] [--chunk 1000000] [--seed 42] [--skip-peer]
    python benchmarks/bench_scale.py --run [--keep]    # the whole study to measures through `webcare run`

`--run`: a study.yml over the same CSV, then `webcare run study.yml --only STAGE` for ingest, enrich, quality, topics
and measures, each its own process tree (the text stages start a Dask LocalCluster), after the DuckDB peer on the same
CSV: wall time, and peak memory as the
largest sum of resident sets over the process and all its children (sampled every 0.5 s; the cluster's workers count),
beside the largest single process's peak (the same samples). `--keep` reuses the run folder and skips finished stages.

The corpus is benchmarks/out/twcs_chunked_<N>_<seed>.csv (~6.4 GB at 50M; generated once): chunk k is
`demo.generate.twcs_corpus(chunk, seed + k)` moved k weeks later, its tweet and customer ids offset so that no two
chunks share one (a year of traffic for 10 brands). Writes benchmarks/out/bench_scale_<N>.json.
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

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from bench_ingest import COLUMNS, OUT  # noqa: E402
from bench_run import PEER_SQL, timed  # noqa: E402

ID_STRIDE = 10_000_000  # tweet ids of chunk k start at k * ID_STRIDE (a 1M-message chunk uses ~1.1M ids)
CUSTOMER_STRIDE = 1_000_000  # customer ids likewise


def chunked_corpus(n: int, seed: int, chunk: int = 1_000_000) -> Path:
    "Generate (once) an n-message twcs CSV chunk by chunk; returns its path."
    from webcare_research.demo.generate import twcs_corpus
    OUT.mkdir(parents=True, exist_ok=True)
    p = OUT / f"twcs_chunked_{n}_{seed}.csv"
    if p.exists():
        return p
    tmp = p.with_suffix(".tmp")
    t0, rows = time.perf_counter(), 0
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        for k in range(-(-n // chunk)):
            size = min(chunk, n - k * chunk)
            df = twcs_corpus(size, seed + k, start=str((pd.Timestamp("2017-01-01") + pd.Timedelta(weeks=k)).date()))[COLUMNS]
            shift = lambda s, by: s.where(s == "", (pd.to_numeric(s.replace("", "0")) + by).astype(str))
            df["tweet_id"] = df.tweet_id + k * ID_STRIDE
            for c in ("response_tweet_id", "in_response_to_tweet_id"):
                df[c] = shift(df[c].astype(str), k * ID_STRIDE)
            cust = df.inbound.to_numpy()
            df.loc[cust, "author_id"] = (pd.to_numeric(df.author_id[cust]) + k * CUSTOMER_STRIDE).astype(str)
            # customers' handles in replies ("@115712 ...") follow their ids
            df.loc[~cust, "text"] = df.text[~cust].str.replace(
                r"^@(\d+)", lambda m: f"@{int(m.group(1)) + k * CUSTOMER_STRIDE}", regex=True)
            df.to_csv(f, index=False, header=k == 0)
            rows += len(df)
            print(f"  chunk {k + 1}: {rows:,} rows, {time.perf_counter() - t0:.0f} s", flush=True)
    tmp.rename(p)
    print(f"generated {p.name}: {rows:,} rows, {p.stat().st_size / 1e9:.1f} GB in {time.perf_counter() - t0:.0f} s")
    return p


RUN_STAGES = ("ingest", "enrich", "quality", "topics", "measures")


def tree_timed(cmd: list[str], env: dict, log: Path) -> tuple[float, float, float]:
    "(wall s, peak MB of the process tree's summed RSS, peak MB of its largest process) of a command; output to `log`."
    import psutil
    t0, peak_sum, peak_one = time.perf_counter(), 0, 0
    with open(log, "a", encoding="utf-8") as f:
        p = psutil.Popen(cmd, env=env, stdout=f, stderr=subprocess.STDOUT)
        while p.poll() is None:
            try:
                rss = [q.memory_info().rss for q in [p, *p.children(recursive=True)]]
            except psutil.Error:
                rss = []
            peak_sum, peak_one = max(peak_sum, sum(rss)), max([peak_one, *rss])
            time.sleep(0.5)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)} — see {log}")
    return time.perf_counter() - t0, peak_sum / 2**20, peak_one / 2**20


def run_study(csv: Path, n: int, keep: bool) -> None:
    "`webcare run` to measures, stage by stage (see the module docstring); writes bench_scale_run_<N>.json."
    work = OUT / f"scale_run_{n}"
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    study = work / "study.yml"
    study.write_text(f"name: scale\ntimezone: Europe/Amsterdam\nlanguage: en\noutput: out\n"
                     f"corpora:\n  - path: {csv}\n    format: twcs\n", encoding="utf-8")
    env = {**os.environ, "WEBCARE_SALT": "bench-scale"}
    res_path = OUT / f"bench_scale_run_{n}.json"
    res = json.loads(res_path.read_text()) if keep and res_path.exists() else {"messages": n, "stages": {}}
    if "duckdb peer" not in res:  # the hand-written query on the CSV, same run (as without --run)
        wall, peak, _ = timed([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(HERE)!r}); "
                               f"from bench_scale import peer; print(peer({str(csv)!r}).shape)"], env)
        res["duckdb peer"] = {"wall_s": round(wall, 1), "peak_mb": round(peak)}
        print(f"duckdb peer {wall:8.1f} s  {peak:8.0f} MB", flush=True)
    for stage in RUN_STAGES:
        if stage in res["stages"]:
            continue
        print(f"{stage} …", flush=True)
        wall, tree, one = tree_timed([sys.executable, "-m", "webcare_research", "run", str(study), "--only", stage],
                                     env, work / f"{stage}.log")
        res["stages"][stage] = {"wall_s": round(wall, 1), "peak_tree_mb": round(tree), "peak_process_mb": round(one)}
        print(f"{stage:10s} {wall:8.1f} s  tree {tree:8.0f} MB  largest process {one:8.0f} MB", flush=True)
        res_path.write_text(json.dumps(res, indent=2), encoding="utf-8")
    total = sum(s["wall_s"] for s in res["stages"].values())
    peak = max(s["peak_tree_mb"] for s in res["stages"].values())
    res["to_measures"] = {"wall_s": round(total, 1), "peak_tree_mb": peak}
    print(f"webcare run to measures: {total:.0f} s, peak {peak} MB (target <= 8192 MB: "
          f"{'MET' if peak <= 8192 else 'MISSED'}); the DuckDB peer {res['duckdb peer']['wall_s']} s, "
          f"{res['duckdb peer']['peak_mb']} MB")
    res_path.write_text(json.dumps(res, indent=2), encoding="utf-8")


def peer(path: Path) -> pd.DataFrame:
    import duckdb
    return duckdb.connect().execute(PEER_SQL, [str(path)]).df()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=50_000_000)
    ap.add_argument("--chunk", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--run", action="store_true", help="webcare run to measures, stage by stage")
    ap.add_argument("--keep", action="store_true", help="with --run: reuse the run folder, skip finished stages")
    a = ap.parse_args()
    csv = chunked_corpus(a.messages, a.seed, a.chunk)
    if a.run:
        return run_study(csv, a.messages, a.keep)
    work = OUT / f"scale_{a.messages}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    study = work / "study.yml"
    study.write_text("name: scale\ntimezone: Europe/Amsterdam\nlanguage: en\n", encoding="utf-8")
    webcare = [sys.executable, "-m", "webcare_research"]
    env = {**os.environ, "WEBCARE_SALT": "bench-scale"}
    res = {"messages": a.messages, "csv_gb": round(csv.stat().st_size / 1e9, 2)}
    steps = [("ingest", webcare + ["ingest", str(csv), "--out", str(work / "data"), "--config", str(study)]),
             ("measure", webcare + ["measure", str(work / "data"), "--out", str(work / "measures.csv"), "--config",
                                    str(study), "--basic"])]
    if not a.skip_peer:
        steps.insert(0, ("duckdb peer", [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(HERE)!r}); "
                                         f"from bench_scale import peer; print(peer({str(csv)!r}).shape)"]))
    for name, cmd in steps:  # peak: the summed RSS of the process tree (the ingest's buckets run in two processes)
        log = work / f"{name.replace(' ', '_')}.log"
        wall, peak, one = tree_timed(cmd, env, log)
        res[name] = {"wall_s": round(wall, 1), "peak_mb": round(peak), "peak_process_mb": round(one)}
        out = log.read_text(encoding="utf-8", errors="replace").replace("\r", "\n").strip()
        print(f"{name:12s} {wall:8.1f} s {peak:8.0f} MB (largest process {one:.0f} MB)   "
              f"{out.splitlines()[-1][:120] if out else ''}", flush=True)
    summary = json.loads((work / "data" / "ingest_summary.json").read_text())
    res["ingested"], res["streamed"] = summary["ingested"], summary.get("streamed")
    res["to_measures"] = {"wall_s": round(res["ingest"]["wall_s"] + res["measure"]["wall_s"], 1),
                          "peak_mb": max(res["ingest"]["peak_mb"], res["measure"]["peak_mb"])}
    if "duckdb peer" in res:
        res["ratio_vs_peer"] = round(res["to_measures"]["wall_s"] / res["duckdb peer"]["wall_s"], 1)
    print(f"ingest + measures: {res['to_measures']['wall_s']} s, peak {res['to_measures']['peak_mb']} MB "
          f"(target <= 8192 MB: {'MET' if res['to_measures']['peak_mb'] <= 8192 else 'MISSED'})"
          + (f"; {res['ratio_vs_peer']}x the DuckDB peer" if "ratio_vs_peer" in res else ""))
    (OUT / f"bench_scale_{a.messages}.json").write_text(json.dumps(res, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
