"""Benchmark the demo generators: messages per second of `generate_demo` / `simulate` at 1M messages and of
`twcs_corpus` at the 2.8M rows of the Kaggle file, against a straightforward per-row Python generator of the same
twcs layout (measured in the same run, as a ratio). Wall and CPU time are both printed: on a shared machine the
wall time also counts other processes.

    python benchmarks/bench_demo.py [--messages 1000000] [--twcs 2811774] [--naive 200000]
"""
import argparse
import random
import resource
import time

import pandas as pd

from webcare_research.demo import generate as demo
def timed(fn, *a, **kw):
    w, c = time.perf_counter(), time.process_time()
    out = fn(*a, **kw)
    return out, time.perf_counter() - w, time.process_time() - c


def naive_twcs(n_messages: int, seed: int = 42) -> pd.DataFrame:
    "The obvious implementation: one Python loop iteration and one strftime per tweet."
    rng = random.Random(seed)
    rows, tid = [], 100_000
    start = pd.Timestamp("2017-10-01", tz="UTC")
    while len(rows) < n_messages:
        brand = rng.choice(demo.TWCS_BRANDS)
        cust = str(rng.randrange(115_000, 500_000))
        t = start + pd.Timedelta(seconds=rng.randrange(0, 61 * 86400))
        tid += 1
        rows.append({"tweet_id": tid, "author_id": cust, "inbound": True, "created_at": t.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                     "text": f"@{brand} my order stopped working again", "response_tweet_id": str(tid + 1), "in_response_to_tweet_id": ""})
        if rng.random() < 0.85:
            t2 = t + pd.Timedelta(minutes=rng.lognormvariate(3, 1.2))
            tid += 1
            rows.append({"tweet_id": tid, "author_id": brand, "inbound": False, "created_at": t2.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                         "text": f"@{cust} Sorry to hear that! Please DM us. ^AB", "response_tweet_id": "", "in_response_to_tweet_id": str(tid - 1)})
    return pd.DataFrame(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--twcs", type=int, default=2_811_774)
    ap.add_argument("--naive", type=int, default=200_000)
    a = ap.parse_args()
    rows = []
    (m, truth), w, c = timed(demo.simulate, a.messages, 42)
    rows.append(("simulate (messages + truth)", len(m), w, c))
    del m, truth
    d, w, c = timed(demo.generate_demo, a.messages, 42)
    rows.append(("generate_demo (+ export layouts)", len(d["messages"]), w, c))
    del d
    df, w, c = timed(demo.twcs_corpus, a.twcs, 42)
    rows.append(("twcs_corpus", len(df), w, c))
    del df
    small, w, c = timed(demo.twcs_corpus, a.naive, 42)
    rows.append((f"twcs_corpus ({a.naive:,})", len(small), w, c))
    nv, w2, c2 = timed(naive_twcs, a.naive, 42)
    rows.append((f"naive per-row twcs ({a.naive:,})", len(nv), w2, c2))
    print(f"{'step':38s} {'rows':>10s} {'wall s':>8s} {'cpu s':>8s} {'rows/s (cpu)':>14s}")
    for name, n, w, c in rows:
        print(f"{name:38s} {n:>10,d} {w:>8.1f} {c:>8.1f} {n / max(c, 1e-9):>14,.0f}")
    print(f"speed-up vectorised vs naive twcs (cpu, same size): {c2 / max(rows[3][3], 1e-9):.1f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")


if __name__ == "__main__":
    main()
