"""Benchmark: the topics stage on a big enriched table — fitted on every modelled message (what the stage did before
`fit_rows`), against fitted on a seeded sample of `fit_rows` with every message assigned partition by partition, in
this process and on a Dask LocalCluster. Same file, same run; each variant in its own process (peak RSS per run).

    python benchmarks/bench_topics_scale.py [--input benchmarks/out/run_2800000/out/data/enriched.parquet]
                                            [--fit-rows 200000] [--workers 2] [--skip-fit-all]

The default input is the enriched table `python benchmarks/bench_run.py --messages 2800000` leaves behind. Prints
wall time, peak RSS, the model card's numbers, and whether the sampled variants' assignments are identical
(one process vs cluster) — they must be. Writes benchmarks/out/bench_topics_scale.json.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE.parent))


def _child(variant: str, input: str, out: str, fit_rows: int, workers: int) -> None:
    import resource
    from webcare_research.topics.file import topics_file
    t0 = time.perf_counter()
    kw = {"fit_rows": None} if variant == "fit-all" else {
        "fit_rows": fit_rows, "scheduler": "single" if variant == "sample, one process" else "local", "workers": workers}
    card = topics_file(input, out, seed=42, **kw)
    wall = time.perf_counter() - t0
    print(json.dumps({"wall_s": round(wall, 1), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      **{k: card.get(k) for k in ("n_modelled", "n_docs", "n_topics", "outlier_share", "stability_ari",
                                                  "coherence_npmi", "fit_seconds", "assigned_on")}}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", default=str(OUT / "run_2800000" / "out" / "data" / "enriched.parquet"))
    ap.add_argument("--fit-rows", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-fit-all", action="store_true")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        v, i, o, f, w = a.child
        return _child(v, i, o, int(f), int(w))
    if not Path(a.input).exists():
        raise SystemExit(f"{a.input}: not found — run `python benchmarks/bench_run.py --messages 2800000` first")
    variants = ["sample, one process", f"sample, LocalCluster of {a.workers}"] + ([] if a.skip_fit_all else ["fit-all"])
    rows = {}
    for v in variants:
        out = OUT / f"topics_scale_{v.split(',')[0].replace(' ', '_')}_{v.split()[-1]}"
        p = subprocess.run([sys.executable, __file__, "--child", v, a.input, str(out), str(a.fit_rows), str(a.workers)],
                           capture_output=True, text=True)
        if p.returncode:
            raise SystemExit(f"{v} failed:\n{p.stderr[-3000:]}")
        rows[v] = {**json.loads(p.stdout.strip().splitlines()[-1]), "out": out}
        r = rows[v]
        print(f"{v:>28}: {r['wall_s']:7.1f} s  {r['peak_mb']:6,} MB  fitted on {r['n_docs']:,} of {r['n_modelled']:,}; "
              f"{r['n_topics']} topics, outliers {r['outlier_share']:.3f}, ARI {r['stability_ari']}, "
              f"NPMI {r['coherence_npmi']}, fit {r['fit_seconds']} s", flush=True)
    import pandas as pd
    one, many = (pd.read_parquet(rows[v]["out"] / "assignments.parquet", columns=["topic"]) for v in variants[:2])
    same = one.equals(many)
    print(f"sampled fit: one process vs cluster assignments identical: {same}")
    if "fit-all" in rows:
        print(f"time: sample+assign {rows['fit-all']['wall_s'] / rows[variants[0]]['wall_s']:.2f}x faster than fit-all; "
              f"peak RSS {rows[variants[0]]['peak_mb'] / rows['fit-all']['peak_mb']:.2f}x of fit-all's")
    (OUT / "bench_topics_scale.json").write_text(json.dumps(
        {"input": a.input, "fit_rows": a.fit_rows, "identical": same,
         "runs": {k: {kk: vv for kk, vv in r.items() if kk != "out"} for k, r in rows.items()}}, indent=2), encoding="utf-8")
    if not same:
        raise SystemExit("assignments differ between one process and the cluster")


if __name__ == "__main__":
    main()
