"""Run the demo study through every stage with the `webcare` CLI and collect the numbers a golden test compares.

    python scripts/golden_demo.py OUT [--messages 3000] [--bin webcare]

Writes OUT/golden/: measures.csv (webcare measure), quality.parquet (per reply), topics.csv + assignments.parquet
(webcare topics), enriched.parquet (language, sentiment, types per row), and per organisation the report's
numbers (<org>_measures.csv, <org>_recommendations.csv, <org>_facts.json). The same script produced the fixture
in tests/fixtures/golden/ from the code before the renovation (commit 4d10779), so the test compares like with like.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ENRICH_COLS = ["message_id", "language", "sentiment_score", "sentiment_label", "type_question", "type_complaint",
               "type_compliment", "type_suggestion", "type_purchase_signal", "type_crisis", "type_factual_error"]


def run(cmd: list[str], cwd: Path) -> None:
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(f"failed: {' '.join(cmd)}\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")


def golden(out: Path, messages: int = 3000, webcare: str = "webcare") -> Path:
    out = Path(out).resolve()
    raw, proc, rep, gold = out / "raw", out / "processed", out / "reports", out / "golden"
    for d in (raw, proc, rep, gold):
        shutil.rmtree(d, ignore_errors=True)
    gold.mkdir(parents=True)
    run([webcare, "demo", "--out", str(raw), "--messages", str(messages), "--seed", "42"], out)
    files = sorted(str(p) for p in raw.rglob("*") if p.is_file() and p.name != "study.yml")
    cfg = str(raw / "study.yml")
    run([webcare, "ingest", *files, "--config", cfg, "--out", str(proc)], out)
    run([webcare, "measure", str(proc), "--config", cfg, "--out", str(out / "measures.csv")], out)
    shutil.copy(out / "measures.csv", gold / "measures.csv")
    run([webcare, "enrich", str(proc / "mentions.parquet"), "--config", cfg, "--out", str(out / "enriched.parquet")], out)
    e = pd.read_parquet(out / "enriched.parquet")
    e[[c for c in ENRICH_COLS if c in e]].to_parquet(gold / "enriched.parquet", index=False)
    run([webcare, "quality", str(out / "enriched.parquet"), "--config", cfg, "--out", str(out / "quality.parquet")], out)
    q = pd.read_parquet(out / "quality.parquet")
    q = q[q["chv_score"].notna()]
    keep = ["message_id"] + [c for c in q.columns if c.startswith(("chv", "redirect", "weak_", "negative_", "boilerplate"))]
    q[keep].to_parquet(gold / "quality.parquet", index=False)
    run([webcare, "topics", str(proc / "mentions.parquet"), "--config", cfg, "--seed", "42", "--out", str(out / "topics")], out)
    shutil.copy(out / "topics" / "topics.csv", gold / "topics.csv")
    a = pd.read_parquet(out / "topics" / "assignments.parquet")
    a = a.drop(columns=[c for c in ("source_file",) if c in a])  # an absolute path: where the run happened
    a.to_parquet(gold / "assignments.parquet", index=False)
    run([webcare, "report", str(proc), "--config", cfg, "--out", str(rep)], out)
    for side in sorted(rep.glob("*_summary.json")):
        slug = side.name[: -len("_summary.json")]
        facts = json.loads(side.read_text(encoding="utf-8"))["facts"]
        (gold / f"{slug}_facts.json").write_text(json.dumps(facts, indent=1, sort_keys=True, default=str), encoding="utf-8")
        for kind in ("measures", "recommendations"):
            src = rep / f"{slug}_{kind}.csv"
            if src.exists():
                shutil.copy(src, gold / f"{slug}_{kind}.csv")
    return gold


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--messages", type=int, default=3000)
    ap.add_argument("--bin", default="webcare")
    a = ap.parse_args()
    print(golden(a.out, a.messages, a.bin))
