"""Benchmark: the trained sentiment model against the lexicon engine it replaced — model size, load time and
whole-enrichment throughput (language + pipeline + sentiment + message types) with each, in the same run.

    python benchmarks/bench_sentiment.py [--messages 100000] [--seed 42]

Peer: `enrich_texts(..., sentiment="rules")`, i.e. today's enrichment before the model, on the same texts.
Texts: the demo corpus (inbound and replies, Dutch and English), as enrichment sees it (distinct texts analysed once),
and, separately, its distinct texts only (where dedup cannot help). Per-core rates use this process's CPU time, the
fastest of --repeat runs per configuration (peer and model alike), since a shared machine only ever slows a run down.
Target (issue 14): the model costs at most 2x the enrichment time.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration; the fastest counts (a busy machine only slows)")
    a = ap.parse_args()
    from bench_enrich import corpus
    from webcare_research.core.outputs import package_asset
    from webcare_research.text.enrich import enrich_texts
    from webcare_research.text.sentiment_model import SentimentModel, load_model

    size = {l: package_asset("sentiment", f"model_{l}.npz").stat().st_size for l in ("nl", "en")}
    loads = []
    for l in ("nl", "en"):
        _, w, _ = timed(lambda: SentimentModel.load(package_asset("sentiment", f"model_{l}")))
        loads.append(w)
    texts, source = corpus(a.messages, a.seed)
    distinct = list(dict.fromkeys(t for t in texts if isinstance(t, str)))
    print(f"corpus: {len(texts):,} messages ({source}), {len(distinct):,} distinct")
    print(f"model size: nl {size['nl'] / 2**20:.2f} MB, en {size['en'] / 2**20:.2f} MB, together "
          f"{sum(size.values()) / 2**20:.2f} MB (limit 25 MB); load {loads[0] * 1000:.0f} ms (nl), {loads[1] * 1000:.0f} ms (en)")
    for b in ("rules", "model"):  # warm up: build both pipelines (and load the models) before timing
        enrich_texts(distinct[:200], "auto", sentiment=b)
    rows = []
    for label, data in (("all messages", texts), ("distinct texts", distinct)):
        for b in ("rules", "model"):
            runs = [timed(lambda: enrich_texts(data, "auto", sentiment=b))[1:] for _ in range(a.repeat)]
            w, c = min(r[0] for r in runs), min(r[1] for r in runs)
            rows.append((label, b, len(data), w, c))
            print(f"  {label:15} {b:6} {len(data):>9,} msgs  wall {w:6.1f} s  cpu {c:6.1f} s  "
                  f"{len(data) / c:8,.0f} msgs/s/core", flush=True)
    print("\n| texts | lexicon engine (peer) msgs/s/core | trained model msgs/s/core | model time / peer time |")
    print("|---|---|---|---|")
    for label in ("all messages", "distinct texts"):
        r = {b: (n, c) for l, b, n, w, c in rows if l == label}
        print(f"| {label} ({r['model'][0]:,}) | {r['rules'][0] / r['rules'][1]:,.0f} | {r['model'][0] / r['model'][1]:,.0f} "
              f"| {r['model'][1] / r['rules'][1]:.2f}x |")


if __name__ == "__main__":
    main()
