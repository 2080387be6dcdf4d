"""The streaming ingest (bounded memory) writes the same files as the in-memory ingest: mention, thread and quarantine
tables, the partitioned store and the summary — on the demo study (every export format, given conversation ids), a
study period with a comparison period, duplicates across files, and the IBM conversations; and `ingest` chooses it by
input size."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from webcare_research.ingest import stream
from webcare_research.ingest.store import read_store, store_index
from webcare_research.ingest.stream import SPILL, ingest, ingest_stream
from webcare_research.demo.generate import write_demo
from webcare_research.run.study import study_inputs
from webcare_research.study.config import StudyConfig, load_config

ROOT = Path(__file__).resolve().parents[1]


def _same(a: Path, b: Path) -> None:
    "Two ingest folders hold the same tables, store and summary (the streaming one also says how it streamed)."
    sa, sb = (json.loads((d / "ingest_summary.json").read_text()) for d in (a, b))
    assert sb.pop("streamed")["buckets"] >= 1
    assert sa == sb
    for f in ("mentions.parquet", "threads.parquet", "quarantine.parquet",
              "comparison/mentions.parquet", "comparison/threads.parquet"):
        assert (a / f).exists() == (b / f).exists(), f
        if (a / f).exists():
            pd.testing.assert_frame_equal(pd.read_parquet(a / f), pd.read_parquet(b / f), obj=f)
    for which in ("", "comparison"):
        for t in ("mentions", "threads"):
            if not (a / which / "store" / t).exists():
                continue
            ia, ib = store_index(a / which, t), store_index(b / which, t)
            strip = lambda i: [{k: v for k, v in p.items() if k != "files"} for p in i["partitions"]]
            assert (strip(ia), ia["rows"], ia["columns"]) == (strip(ib), ib["rows"], ib["columns"])
            pd.testing.assert_frame_equal(read_store(a / which, t), read_store(b / which, t))
    assert not (b / SPILL).exists()


def _both(tmp_path, inputs, cfg, bucket_rows, window, **kw):
    a = ingest(inputs, tmp_path / "memory", config=cfg, progress=False, stream=False, **kw)
    b = ingest_stream(inputs, tmp_path / "stream", config=cfg, progress=False, bucket_rows=bucket_rows, window=window, **kw)
    _same(tmp_path / "memory", tmp_path / "stream")
    return a, b


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    write_demo(d / "raw", n_messages=6000, seed=11)
    cfg = load_config(d / "raw" / "study.yml")
    files = study_inputs(cfg, d / "out")
    return cfg, {"inputs": [f["path"] for f in files],
                 "fmt": {str(f["path"]): f["format"] for f in files if f["format"]} or None,
                 "mappings": {str(f["path"]): f["mapping"] for f in files if f["mapping"] is not None} or None}


def test_demo_study_streamed_in_many_buckets_equals_in_memory(tmp_path, demo):
    cfg, kw = demo
    a, b = _both(tmp_path, kw["inputs"], cfg, bucket_rows=150, window=700, fmt=kw["fmt"], mappings=kw["mappings"])
    assert b["streamed"]["buckets"] >= 30 and a["ingested"] > 5000
    assert len(a["formats"]) >= 5  # X, Facebook, Trustpilot, Google, WhatsApp (conversation ids given by exports)


def test_study_and_comparison_period_streamed_equal_in_memory(tmp_path, demo):
    cfg, kw = demo
    m = ingest(kw["inputs"], tmp_path / "all", config=cfg, progress=False, stream=False, fmt=kw["fmt"],
               mappings=kw["mappings"])
    t = pd.read_parquet(tmp_path / "all" / "mentions.parquet", columns=["created_at"]).created_at.sort_values()
    mid, lo, hi = t.iloc[len(t) // 2], t.iloc[0], t.iloc[-1]
    period = {"start": (mid + pd.Timedelta(days=1)).date(), "end": hi.date(),
              "comparison": {"start": lo.date(), "end": mid.date()}}
    cfg = cfg.model_copy(update={"period": type(cfg.period).model_validate(period)})
    a, _ = _both(tmp_path, kw["inputs"], cfg, bucket_rows=1000, window=900, fmt=kw["fmt"], mappings=kw["mappings"])
    assert a["study_period"]["study"]["messages"] > 500 and a["study_period"]["comparison"]["messages"] > 500
    assert m["ingested"] == sum(p["messages"] for p in a["study_period"].values())


def test_duplicates_across_files_and_broken_rows(tmp_path, fixtures):
    src = (fixtures / "ingest" / "overlap.csv").read_text().splitlines()
    # a second export that overlaps the first: one row again as it was, one with an edited text
    again = tmp_path / "again.csv"
    again.write_text("\n".join([src[0], src[1], src[3].replace("nog een vraag", "nog een andere vraag"),
                                 "3001,200011,True,Thu Nov 02 09:00:00 +0000 2017,@VoltiqCare hallo?,,2001"]) + "\n")
    files = [fixtures / "ingest" / "overlap.csv", again, fixtures / "twcs" / "broken.csv"]
    a, _ = _both(tmp_path, [str(f) for f in files], load_config(fixtures / "ingest" / "study.yml"), bucket_rows=2, window=3)
    assert a["duplicates"] >= 1 and a["quarantine_reasons"]["duplicate message_id with different content"] >= 1
    assert a["counts_add_up"] and a["quarantined"] > 3


def test_ibm_conversations(tmp_path, shared_data):
    a, _ = _both(tmp_path, [str(shared_data / "ibm_customer_care" / "dev.json")], StudyConfig(), bucket_rows=150, window=400)
    assert a["ingested"] > 1000


def test_ingest_streams_inputs_over_stream_bytes(tmp_path, fixtures, monkeypatch):
    src = fixtures / "ingest" / "overlap.csv"
    assert "streamed" not in ingest([src], tmp_path / "small", progress=False)
    monkeypatch.setattr(stream, "STREAM_BYTES", src.stat().st_size - 1)
    s = ingest([src], tmp_path / "large", progress=False)
    assert s["streamed"]["buckets"] == 1
    assert json.loads((tmp_path / "large" / "ingest_summary.json").read_text())["streamed"] == s["streamed"]
    shutil.rmtree(tmp_path / "small")


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "webcare_research", *map(str, args)], capture_output=True, text=True,
                          env=env)


def _files(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# write boundaries: the tables (mention and thread table, flat and store, side by side: one), the quarantine, the marker
@pytest.mark.parametrize("kill_after", [1, 2])
def test_killed_streaming_ingest_then_rerun_equals_uninterrupted(tmp_path, fixtures, kill_after):
    src, study = fixtures / "twcs" / "broken.csv", fixtures / "ingest" / "study.yml"
    assert _cli("ingest", src, "--out", tmp_path / "whole", "--config", study, "--stream").returncode == 0
    env = {**os.environ, "WEBCARE_KILL_AFTER_WRITES": str(kill_after)}
    r = _cli("ingest", src, "--out", tmp_path / "p", "--config", study, "--stream", env=env)
    assert r.returncode == -9  # killed for real (SIGKILL) after a write
    assert not (tmp_path / "p" / "ingest_summary.json").exists()  # the marker says: incomplete
    assert not [p for p in (tmp_path / "p").rglob("*") if ".tmp-" in p.name or p.name.endswith(".writing")]
    assert _cli("ingest", src, "--out", tmp_path / "p", "--config", study, "--stream").returncode == 0
    assert not (tmp_path / "p" / SPILL).exists()
    assert _files(tmp_path / "p") == _files(tmp_path / "whole")  # byte for byte


def test_run_says_when_its_ingest_streamed(tmp_path, monkeypatch):
    from webcare_research.run.study import run_study
    write_demo(tmp_path / "s", n_messages=800, seed=5)
    monkeypatch.setattr(stream, "STREAM_BYTES", 0)  # every input "large": the run's ingest streams
    m = run_study(tmp_path / "s" / "study.yml", only="ingest", progress=False, say=lambda *_: None)
    assert m["compute"]["ran_on"]["ingest"].startswith("streamed (")
    [summary] = list(tmp_path.rglob("ingest_summary.json"))
    assert json.loads(summary.read_text())["streamed"]["buckets"] >= 1
