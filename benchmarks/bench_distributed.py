"""Benchmark: enrichment of the demo corpus in one process against a Dask LocalCluster of worker processes (one
single-threaded worker per core), same file, same partitions, same run; outputs compared column by column.

    python benchmarks/bench_distributed.py [--messages 1000000] [--workers 2] [--partition-rows 100000] [--quality]

The corpus is `generate_demo(n_messages)`'s messages (every message, not only distinct texts: enrichment analyses
each distinct text of a partition once, as `webcare run` does), written once to
benchmarks/out/demo_messages_<N>_<seed>.parquet. The cluster's time includes starting it and every worker loading
its models. Then each runs the same enrichment a second time, warm (models loaded; what a long-running cluster, or a
run's second text stage, sees): the steady-state throughput of one process and of the cluster. With `--cli`, also
`webcare enrich FILE --scheduler single` against `--scheduler local` as fresh processes, timed from start to exit:
what a user waits for, both sides paying their imports (above, the one process has imported everything before its
clock starts, while each worker's imports are on the cluster's clock). Prints a table and writes
benchmarks/out/bench_distributed_<N>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE.parent))


def corpus(n: int, seed: int) -> Path:
    path = OUT / f"demo_messages_{n}_{seed}.parquet"
    if not path.exists():
        from webcare_research.demo.generate import generate_demo
        m = generate_demo(n_messages=n, seed=seed)["messages"]
        OUT.mkdir(parents=True, exist_ok=True)
        m[["message_id", "text"]].astype({"message_id": "string"}).to_parquet(path, index=False)
    return path


def cli_enrich(src: Path, out: Path, scheduler: str, workers: int, partition_rows: int) -> float:
    "Wall seconds of `webcare enrich SRC --out OUT --scheduler S` in a fresh process, start to exit."
    cmd = [sys.executable, "-m", "webcare_research", "enrich", str(src), "--out", str(out), "--scheduler", scheduler,
           "--partition-rows", str(partition_rows)] + (["--workers", str(workers)] if scheduler == "local" else [])
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=HERE.parent)
    return time.perf_counter() - t0


def _worker_stats() -> dict:
    "Peak resident set size of this worker process (MB)."
    import resource
    return {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    import pandas as pd
    from distributed import get_task_stream
    from webcare_research.core.compute import dask_client, usable_cores
    from webcare_research.quality.replies import quality_file
    from webcare_research.text.enrich import enrich_file
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=usable_cores())
    ap.add_argument("--partition-rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--quality", action="store_true", help="also the reply-quality stage (every message as a reply)")
    ap.add_argument("--cli", action="store_true", help="also `webcare enrich` single vs local, each a fresh process")
    a = ap.parse_args()
    src = corpus(a.messages, a.seed)
    n = pd.read_parquet(src, columns=["message_id"]).shape[0]
    out = {f: OUT / f"bench_distributed_{f}.parquet" for f in ("single", "local", "q_single", "q_local")}
    rows, same = [], {}
    t0 = time.perf_counter()
    enrich_file(src, out["single"], progress=False, partition_rows=a.partition_rows, collect=False)
    single = time.perf_counter() - t0
    rows.append({"run": "enrich, one process", "wall_s": round(single, 1), "msg_per_s": round(n / single)})
    t0 = time.perf_counter()
    enrich_file(src, out["single"], progress=False, partition_rows=a.partition_rows, collect=False)
    single_warm = time.perf_counter() - t0
    rows.append({"run": "enrich, one process, warm", "wall_s": round(single_warm, 1), "msg_per_s": round(n / single_warm)})
    if a.quality:
        t0 = time.perf_counter()
        quality_file(out["single"], out["q_single"], partition_rows=a.partition_rows)
        q_single = time.perf_counter() - t0
        rows.append({"run": "quality, one process", "wall_s": round(q_single, 1), "msg_per_s": round(n / q_single)})
    t0 = time.perf_counter()
    with dask_client("local", workers=a.workers) as client:
        started = time.perf_counter() - t0
        with get_task_stream(client) as ts:
            t1 = time.perf_counter()
            enrich_file(src, out["local"], client=client, progress=False, partition_rows=a.partition_rows, collect=False)
            local = time.perf_counter() - t0
            t2 = time.perf_counter()
            if a.quality:
                quality_file(out["single"], out["q_local"], client=client, partition_rows=a.partition_rows)
            q_local = time.perf_counter() - t2
        t3 = time.perf_counter()  # again, on the warm workers (every partition analysed anew: no result cache)
        enrich_file(src, OUT / "bench_distributed_warm.parquet", client=client, progress=False,
                    partition_rows=a.partition_rows, collect=False)
        local_warm = time.perf_counter() - t3
        (OUT / "bench_distributed_warm.parquet").unlink()
        workers = client.run(_worker_stats)
    tasks = sorted((s["stop"] - s["start"]) for d in ts.data for s in d["startstops"] if s["action"] == "compute")
    rows.append({"run": f"enrich, LocalCluster of {a.workers}", "wall_s": round(local, 1), "msg_per_s": round(n / local),
                 "cluster_start_s": round(started, 1)})
    rows.append({"run": f"enrich, LocalCluster of {a.workers}, warm", "wall_s": round(local_warm, 1),
                 "msg_per_s": round(n / local_warm)})
    if a.quality:
        rows.append({"run": f"quality, LocalCluster of {a.workers}", "wall_s": round(q_local, 1),
                     "msg_per_s": round(n / q_local)})
    same["enrich"] = pd.read_parquet(out["single"]).equals(pd.read_parquet(out["local"]))
    if a.cli:
        cli = {}
        for which in ("single", "local"):
            path = OUT / f"bench_distributed_cli_{which}.parquet"
            cli[which] = cli_enrich(src, path, which, a.workers, a.partition_rows)
            label = "one process" if which == "single" else f"LocalCluster of {a.workers}"
            rows.append({"run": f"webcare enrich, {label}", "wall_s": round(cli[which], 1),
                         "msg_per_s": round(n / cli[which])})
        same["cli"] = pd.read_parquet(OUT / "bench_distributed_cli_single.parquet").equals(
            pd.read_parquet(OUT / "bench_distributed_cli_local.parquet")) and \
            pd.read_parquet(OUT / "bench_distributed_cli_single.parquet").equals(pd.read_parquet(out["single"]))
        for which in cli:
            (OUT / f"bench_distributed_cli_{which}.parquet").unlink()
    if a.quality:
        same["quality"] = pd.read_parquet(out["q_single"]).equals(pd.read_parquet(out["q_local"]))
    for f in out.values():
        f.unlink(missing_ok=True)
    print(f"{n:,} demo messages ({src.name}), partitions of {a.partition_rows:,} rows, {usable_cores()} cores")
    for r in rows:
        print(f"  {r['run']:>36}: {r['wall_s']:7.1f} s  {r['msg_per_s']:>9,} msg/s"
              + (f"  (cluster start {r['cluster_start_s']} s)" if "cluster_start_s" in r else ""))
    print(f"  enrichment speed-up {single / local:.2f}x cold (cluster start and model loading included), "
          f"{single_warm / local_warm:.2f}x warm" + (f", quality {q_single / q_local:.2f}x" if a.quality else "")
          + (f", webcare enrich {cli['single'] / cli['local']:.2f}x start to exit" if a.cli else "")
          + f"; outputs identical: {same}")
    print(f"  partition tasks: {len(tasks)}, median {tasks[len(tasks) // 2]:.1f} s, max {tasks[-1]:.1f} s; "
          f"worker peak RSS {', '.join(str(w['peak_rss_mb']) for w in workers.values())} MB")
    res = {"messages": n, "workers": a.workers, "partition_rows": a.partition_rows, "cores": usable_cores(),
           "runs": rows, "speedup": round(single / local, 2),
           "speedup_warm": round(single_warm / local_warm, 2), "identical": same,
           "speedup_cli": round(cli["single"] / cli["local"], 2) if a.cli else None,
           "partition_seconds": [round(t, 2) for t in tasks], "worker_peak_rss_mb": [w["peak_rss_mb"] for w in workers.values()]}
    (OUT / f"bench_distributed_{a.messages}.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
    if not all(same.values()):
        raise SystemExit("outputs differ between one process and the cluster")


if __name__ == "__main__":
    main()
