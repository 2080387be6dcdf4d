"""Benchmark: service.extended_measures on a ~2.8M-message corpus, step by step, and km_table's vectorised numpy
product-limit estimator against the lifelines-per-group reference on the same data, in one run.

    python benchmarks/bench_service.py [--messages 2800000] [--seed 42] [--channels 2] [--processed DIR]
                                       [--skip-lifelines]

Data: the ingested mention and thread tables of a twcs-layout corpus. `--processed DIR` reuses an ingested folder
(mentions.parquet + threads.parquet, e.g. benchmarks/out/processed written by bench_ingest.py); otherwise
webcare_research.demo.generate.twcs_corpus(messages, seed) is written as CSV and ingested once into
benchmarks/out/service_<messages>_<seed>/ (cached). `--channels K` spreads conversations over K channels (stable per
conversation, seeded hash) so the corpus has organisation x channel groups like a multi-channel study (108 brands x 2
channels = 216 groups with bench_ingest's corpus).

Prints wall and CPU seconds per step of extended_measures, the total, peak resident memory (VmHWM), and the km_table
comparison (both engines, calendar and business clock) with the ratio and a check that the tables are equal.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing
OUT = HERE / "out"
CHANNELS = ("twitter", "facebook", "instagram", "webchat")


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_corpus(n: int, seed: int, processed: Path | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    "Ingested mentions + threads: from `processed`, the cache, or generated with demo.twcs_corpus and ingested."
    if processed is None:
        processed = OUT / f"service_{n}_{seed}"
        if not (processed / "threads.parquet").exists():
            from webcare_research.demo.generate import twcs_corpus
            from webcare_research.ingest.stage import ingest
            OUT.mkdir(parents=True, exist_ok=True)
            csv = OUT / f"twcs_service_{n}_{seed}.csv"
            t0 = time.perf_counter()
            if not csv.exists():
                twcs_corpus(n, seed).to_csv(csv.with_suffix(".tmp"), index=False)
                csv.with_suffix(".tmp").rename(csv)
            ingest([csv], processed, progress=False)
            print(f"generated and ingested {csv.name} in {time.perf_counter() - t0:.0f} s")
    m = pd.read_parquet(processed / "mentions.parquet")
    t = pd.read_parquet(processed / "threads.parquet")
    return m, t, str(processed)


def spread_channels(m: pd.DataFrame, t: pd.DataFrame, k: int, seed: int) -> None:
    "Assign each conversation one of k channels (stable seeded hash of conversation_id), in place."
    if k <= 1:
        return
    names = np.array(CHANNELS[:k] if k <= len(CHANNELS) else [f"channel{i}" for i in range(k)], dtype=object)
    for df in (m, t):
        h = pd.util.hash_pandas_object(df["conversation_id"], index=False, hash_key=f"{seed:016d}").to_numpy()
        df["channel"] = pd.Series(names[h % k], index=df.index, dtype=df["channel"].dtype)


def timed(f):
    w, c = time.perf_counter(), time.process_time()
    r = f()
    return r, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=2_800_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--channels", type=int, default=2)
    ap.add_argument("--processed", type=Path, default=None)
    ap.add_argument("--skip-lifelines", action="store_true")
    a = ap.parse_args()

    from webcare_research.study.config import load_config
    from webcare_research.measures import service
    from webcare_research.measures import survival
    m, t, src = load_corpus(a.messages, a.seed, a.processed)
    spread_channels(m, t, a.channels, a.seed)
    from webcare_research.study.config import DEFAULT_OPENING_HOURS
    cfg = load_config(timezone="Europe/Amsterdam", opening_hours=DEFAULT_OPENING_HOURS)  # a Dutch study, as before
    by = ["organisation", "channel"]
    groups = t[t.organisation.notna()].groupby(by).ngroups
    inbound = int(t.organisation.notna().sum())
    rss0 = peak_rss_mb()
    print(f"corpus {src}: {len(m):,} messages, {inbound:,} addressed inbound, {groups} organisation x channel groups; "
          f"peak RSS after loading {rss0:,.0f} MB")

    steps: dict[str, tuple[float, float]] = {}
    ext, wall, cpu = timed(lambda: service.extended_measures(m, t, cfg, timings=steps))
    rss1 = peak_rss_mb()
    print(f"\nextended_measures: {ext.shape[0]} rows x {ext.shape[1]} columns")
    print(f"{'step':<22}{'wall s':>9}{'CPU s':>9}")
    for k, (w, c) in steps.items():
        print(f"{k:<22}{w:>9.2f}{c:>9.2f}")
    print(f"{'TOTAL':<22}{wall:>9.2f}{cpu:>9.2f}   (peak RSS {rss1:,.0f} MB)")

    print("\nkm_table: numpy product-limit vs lifelines per group (same data, same run)")
    print(f"{'clock':<10}{'numpy wall':>12}{'numpy cpu':>11}{'lifelines wall':>16}{'lifelines cpu':>15}{'ratio wall':>12}{'equal':>7}")
    for business in (False, True):
        fast, wn, cn = timed(lambda: survival.km_table(t, by=by, config=cfg, business=business))
        if a.skip_lifelines:
            print(f"{'business' if business else 'calendar':<10}{wn:>12.2f}{cn:>11.2f}")
            continue
        ref, wl, cl = timed(lambda: survival.km_table(t, by=by, config=cfg, business=business, engine="lifelines"))
        try:
            pd.testing.assert_frame_equal(fast, ref, rtol=1e-12)
            same = "yes"
        except AssertionError:
            same = "NO"
        print(f"{'business' if business else 'calendar':<10}{wn:>12.2f}{cn:>11.2f}{wl:>16.2f}{cl:>15.2f}{wl / wn:>11.1f}x{same:>7}")
    print(f"\npeak RSS of the whole run {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
