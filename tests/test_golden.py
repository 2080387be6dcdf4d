"""Same numbers before and after the renovation: the demo study through every stage, compared with the outputs the
code produced before it (tests/fixtures/golden/demo, written by scripts/golden_demo.py at commit 4d10779).

Values must be equal (floats to 1e-12 relative, for the last bit a different summation order may flip); figures may
differ in pixels and are not compared. A number that changes on purpose is changed here with the reason.

Changed on purpose: the `*_recommendations.csv` texts write durations as "60 min", "2 u 15 min", "24 u" (Babel-backed
`Lang`, the reports issue) where they wrote "60 minuten", "2,2 uur", "24 uur"; every number is the same.
Changed on purpose (the benchmark issue: policy that cites its evidence): the recommendations come from a YAML rulebook
and gain the columns `evidence`, `anchor` and `rule`; the rulebook's new conditional rule `tone_under_pressure` may add a
row. Every row the old rules wrote is still written with the same priority, theme, finding and action.
Changed on purpose (the text-analytics issue, item 5: topic labels without stop words or profanity): `topics.csv` and
`assignments.parquet` were regenerated after the curated nl/en topic stop lists and the profanity list
(`assets/topics/`) joined spaCy's stop words; the labels lost "krijg", "top", "bedanken", "echt", "daarvoor", "thank",
"day", "weet", … and the clustering changed with them. Every other golden file is as before.
Changed on purpose (the text-analytics issue, items 1-3: a trained sentiment model): `enriched.parquet` was regenerated
when the trained model replaced the lexicon engine as the default sentiment (label = most probable class, score =
P(positive) - P(negative)); with it the `<org>_facts.json` sentiment figures (before/after a reply, the shift and its
interval) and complaint counts (the complaint type reads the sentiment label), and the recommendations that cite them.
Measures, quality, topics and every response figure are unchanged.
Changed on purpose (the text-analytics issue, item 4: reply markers with real recall): `quality.parquet` gains the columns
`redirect_form`, `redirect_store` and their evidence; every existing column is unchanged on the demo replies.
Changed on purpose (the scale issue: the hand-off patterns run once, at ingest): `quality.parquet` carries the mention
table's new column `redirects` (the private channels each organisation reply sends the customer to, as bits), and so
does `assignments.parquet`; every other column of both is exactly as before.
"""
from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "golden" / "demo"


def _golden_module():
    spec = importlib.util.spec_from_file_location("golden_demo", ROOT / "scripts" / "golden_demo.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _same(a, b, path="") -> list[str]:
    "Differences between two JSON-like values (floats to 1e-12 relative)."
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: only in {'before' if k in a else 'after'}" for k in set(a) ^ set(b)]
        return out + [d for k in sorted(set(a) & set(b), key=str) for d in _same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} vs {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _same(x, y, f"{path}[{i}]")]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if (isinstance(a, float) and math.isnan(a)) and (isinstance(b, float) and math.isnan(b)):
            return []
        return [] if math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) else [f"{path}: {a!r} vs {b!r}"]
    return [] if a == b else [f"{path}: {a!r} vs {b!r}"]


@pytest.fixture(scope="module")
def after(tmp_path_factory):
    webcare = shutil.which("webcare", path=str(Path(sys.executable).parent)) or "webcare"
    return _golden_module().golden(tmp_path_factory.mktemp("golden"), 3000, webcare)


def test_golden_files_are_the_same_set(after):
    assert sorted(p.name for p in after.iterdir()) == sorted(p.name for p in GOLD.iterdir())


@pytest.mark.parametrize("name", ["enriched.parquet", "quality.parquet", "assignments.parquet"])
def test_text_quality_and_topic_outputs_are_unchanged(after, name):
    pd.testing.assert_frame_equal(pd.read_parquet(after / name), pd.read_parquet(GOLD / name), check_exact=False, rtol=1e-12)


def test_measures_and_topic_tables_are_unchanged(after):
    for name in ["measures.csv", "topics.csv", *sorted(p.name for p in GOLD.glob("*_measures.csv"))]:
        pd.testing.assert_frame_equal(pd.read_csv(after / name), pd.read_csv(GOLD / name), check_exact=False, rtol=1e-12,
                                      obj=name)


def test_recommendations_are_unchanged_and_cite_their_evidence(after):
    for name in sorted(p.name for p in GOLD.glob("*_recommendations.csv")):
        now, gold = pd.read_csv(after / name), pd.read_csv(GOLD / name)
        assert {"evidence", "anchor", "rule"} <= set(now.columns), name
        assert now["evidence"].notna().all() and now["anchor"].notna().all(), name
        old = now[now["rule"] != "tone_under_pressure"].reset_index(drop=True)[list(gold.columns)]
        pd.testing.assert_frame_equal(old, gold, obj=name)


def test_every_report_number_is_unchanged(after):
    for gold in sorted(GOLD.glob("*_facts.json")):
        diffs = _same(json.loads(gold.read_text(encoding="utf-8")), json.loads((after / gold.name).read_text(encoding="utf-8")))
        assert not diffs, f"{gold.name}: " + "; ".join(diffs[:10])
