"""Seeded mutation fuzzing of every adapter on its real fixture files (200 mutated files each in CI; the 10,000-file
soak is scripts/soak_ingest.py): no traceback, a rejected file is one clear error naming it, and for every file
ingested + quarantined + duplicates == input rows."""
import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))
from mutator import SOURCES, check_files, mutated_files  # noqa: E402

N_FILES = 200  # per adapter; 300 until the report browser tests needed the time (the soak runs 10,000)


@pytest.mark.parametrize("adapter", sorted(SOURCES))
def test_mutated_exports_never_crash(adapter, tmp_path):
    paths = list(mutated_files(adapter, N_FILES, seed=7, folder=tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # a pandas FutureWarning today is tomorrow's crash
        stats = check_files(adapter, paths, batch=25)
    assert stats["files"] == N_FILES
    assert stats["tracebacks"] == 0, stats["examples"][:5]
    assert stats["mismatches"] == 0
    assert stats["rows"] > N_FILES  # real rows went through, not only rejected files
    assert stats["rejected"] < N_FILES / 2, stats  # only files that are not the format at all are rejected


def test_row_level_faults_are_quarantined_with_reasons(tmp_path):
    "Year-1 times, oversized fields, wrong JSON types, NUL bytes and blank rows: quarantined with a reason each."
    import json
    from webcare_research.ingest.stage import ingest_frames
    from mutator import FIXTURES, fuzz_config
    doc = json.loads((FIXTURES / "adapters" / "xapi_search.json").read_text())
    doc["data"][0]["created_at"] = "Tue Oct 31 22:10:47 +0000 0001"
    doc["data"][1]["entities"] = {"mentions": 5}
    doc["data"][2]["public_metrics"] = 7
    doc["data"][3]["referenced_tweets"] = "not a list"
    doc["data"].append({**doc["data"][3], "id": "1876000000000000099", "text": "a" * 200_000})
    p = tmp_path / "x.json"
    p.write_text(json.dumps(doc))
    r = ingest_frames([p], fmt="xapi", config=fuzz_config("xapi", 0))
    q = r.quarantine
    assert r.summary["counts_add_up"]
    assert "missing or unparseable time" in set(q["reason"])
    assert any("larger than" in x for x in q["reason"])
    assert q["source_row"].notna().all() and q["source_file"].notna().all()
    csv_src = (FIXTURES / "adapters" / "sprout_social_inbox.csv").read_bytes().split(b"\n")
    csv_src.insert(2, b"")  # a blank row
    csv_src.insert(3, b"x\x00y," + b"z" * 150_000)  # NUL byte and a field over the csv module's limit
    p = tmp_path / "m.csv"
    p.write_bytes(b"\n".join(csv_src))
    r = ingest_frames([p], fmt="mapped", config=fuzz_config("mapped", 1))
    reasons = set(r.quarantine["reason"])
    assert "blank row" in reasons and r.summary["counts_add_up"]


def test_soak_finding_trustpilot_undecodable_bytes_in_quarantine(tmp_path):
    "Found by the 10,000-file soak: a quarantined row with undecodable bytes broke the Arrow quarantine table."
    paths = list(mutated_files("trustpilot", 93, seed=1 * 1_000_003 + 9000, folder=tmp_path))
    stats = check_files("trustpilot", [paths[92]])
    assert stats["tracebacks"] == 0 and stats["mismatches"] == 0, stats["examples"]
