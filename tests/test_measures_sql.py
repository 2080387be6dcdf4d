"""Measures as DuckDB SQL (measures.sql, assets/sql/*.sql) equal their pandas reference on real and demo corpora,
whatever DuckDB's thread count."""
import pandas as pd
import pytest

from webcare_research.demo.generate import write_demo
from webcare_research.ingest.stage import ingest
from webcare_research.measures.basic import first_measures, measure_dir
from webcare_research.measures.sql import QUERIES, basic_measures, query_doc
from webcare_research.study.config import load_config


def _check(folder, cfg=None):
    threads = folder / "threads.parquet"
    ours = basic_measures(threads)
    ref = first_measures(pd.read_parquet(threads), cfg)
    pd.testing.assert_frame_equal(ours, ref, check_exact=False, rtol=1e-12)
    one, four = basic_measures(threads, threads=1), basic_measures(threads, threads=4)
    pd.testing.assert_frame_equal(one, four)  # exact: compensated sums and exact quantiles
    return ours


def test_twcs_sample(shared_data, tmp_path):
    ingest([shared_data / "twcs_sample" / "sample.csv"], tmp_path, progress=False)
    m = _check(tmp_path)
    assert len(m) == 13 and m["answered"].sum() > 0


def test_ibm_conversations(shared_data, tmp_path):
    ingest([shared_data / "ibm_customer_care" / "dev.json", shared_data / "ibm_customer_care" / "test.json"], tmp_path,
           progress=False)
    m = _check(tmp_path)
    assert len(m) >= 25 and m["frt_median_min"].notna().all()


def test_demo_corpus_with_opening_hours(tmp_path):
    write_demo(tmp_path / "s", n_messages=3000, seed=4)
    cfg = load_config(tmp_path / "s" / "study.yml")
    files = [p for p in (tmp_path / "s").rglob("*") if p.is_file() and p.name not in ("study.yml", ".webcare-secrets.yml")]
    ingest(files, tmp_path / "out", config=cfg, progress=False)
    m = _check(tmp_path / "out", cfg)
    assert m["frt_business_median_min"].notna().any() and m["channel"].nunique() > 2
    via_dir = measure_dir(tmp_path / "out", cfg)  # the CLI's and the run's path: the SQL one, with its definitions
    pd.testing.assert_frame_equal(via_dir, m)
    assert via_dir.attrs["reply_rule"] == "direct" and "Opening hours" in via_dir.attrs["definitions"]


def test_every_query_documents_its_columns():
    for name in QUERIES:
        doc = query_doc(name)
        assert "Input" in doc and "Output" in doc
