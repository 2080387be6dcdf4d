"""Benchmark: reply-quality markers (`quality.quality_frame`) against bare spaCy tokenisation of the same replies,
in the same run.

    python benchmarks/bench_quality.py [--n 100000] [--seed 42]

Replies: our 60 Dutch replies (tests/fixtures/quality) and, when ../shared/data is present, the 1,139 IBM agent
replies; sampled with replacement to `--n` rows (half Dutch, half English), each with a random number appended so
that only part of them are exact duplicates, and spread over 5 organisations. Rates are per core from the CPU time
of this process (`time.process_time`), so a busy machine distorts them less than wall time. The last row is the
reference path of the tests (no RE2 pre-filter, spaCy Span texts), which gives identical output.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import spacy

ROOT = Path(__file__).resolve().parents[1]


def replies(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    nl = pd.read_csv(ROOT / "tests" / "fixtures" / "quality" / "nl_replies_labelled.csv")["text"].tolist()
    en = ["Hi there, sorry to hear that! Please DM us your order number and we'll check. ^JK",
          "Thanks for reaching out. You can reset your password here: https://help.example.com/reset Let us know!"]
    ibm = ROOT.parent / "shared" / "data" / "ibm_customer_care"
    if ibm.is_dir():
        for split in ("dev", "test"):
            convs = json.loads((ibm / f"{split}.json").read_text())
            en += [t["message"] for c in convs for t in c["dialogContent"] if "agent" in t]
            en += [c["agentURL"]["url_utterance"] for c in convs if c.get("agentURL")]
    half = n // 2
    texts = [str(t) for t in rng.choice(nl, half)] + [str(t) for t in rng.choice(en, n - half)]
    texts = [f"{t} #{k}" for t, k in zip(texts, rng.integers(0, 10**6, n))]
    return pd.DataFrame({"organisation": rng.choice(list("ABCDE"), n), "text": texts,
                         "language": ["nl"] * half + ["en"] * (n - half)})


def timed(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    from webcare_research.quality.replies import _spacy_markers, quality_frame, quality_nlp

    df = replies(a.n, a.seed)
    texts, langs = df["text"], df["language"]
    blank = {lang: spacy.blank(lang) for lang in ("nl", "en")}
    for lang in ("nl", "en"):
        quality_nlp(lang)                                           # build once, outside the timings
    rows = []
    t_blank = timed(lambda: [None for lang in ("nl", "en")
                             for _ in blank[lang].pipe(texts[langs == lang].tolist(), batch_size=1000)])
    rows.append(("spacy.blank tokenizer only (reference)", t_blank))
    t_lean = timed(lambda: [quality_nlp(lang).tokenizer(t) for lang in ("nl", "en") for t in texts[langs == lang]])
    rows.append(("lean tokenizer only", t_lean))
    rows.append(("lean tokenizer + webcare_quality_markers", timed(lambda: _spacy_markers(texts, langs))))
    rows.append(("quality_frame (all markers, signals, boilerplate, scores)",
                 timed(lambda: quality_frame(df, lang="auto", organisation_column="organisation"))))
    rows.append(("quality_frame, prefilter=False (every regex everywhere, Span texts)",
                 timed(lambda: quality_frame(df, lang="auto", organisation_column="organisation", prefilter=False))))
    out = pd.DataFrame(rows, columns=["step", "cpu_s"])
    out["replies_per_s_per_core"] = (a.n / out["cpu_s"]).round(0).astype(int)
    out["ratio_vs_blank_tokenizer"] = (out["replies_per_s_per_core"] / out["replies_per_s_per_core"].iloc[0]).round(2)
    print(f"{a.n:,} replies (half nl, half en), seed {a.seed}")
    print(out.to_string(index=False))


if __name__ == "__main__":
    main()
