"""Measures as DuckDB SQL (measures.sql, assets/sql/*.sql) equal their pandas reference on real and demo corpora,
whatever DuckDB's thread count."""
import pandas as pd
import pytest

from webcare_research.demo.generate import write_demo
from webcare_research.ingest.stage import ingest
from webcare_research.measures.basic import first_measures
from webcare_research.ingest.store import read_store
from webcare_research.measures.service import coverage_table, hour_of_week
from webcare_research.measures.sql import (QUERIES, basic_measures, coverage_measures, hour_of_week_measures, measure_dir,
                                           query_doc, survival_inputs)
from webcare_research.measures.survival import survival_data
from webcare_research.study.config import StudyConfig, load_config

SURVIVAL = ["organisation", "channel", "created_at", "event", "duration_min"]


def _check(folder, cfg=None):
    cfg = cfg or StudyConfig()
    threads = folder / "threads.parquet"
    flat = pd.read_parquet(threads)
    # the partitioned store holds the same rows in the same order
    pd.testing.assert_frame_equal(read_store(folder, "threads"), flat)
    pd.testing.assert_frame_equal(read_store(folder, "mentions"), pd.read_parquet(folder / "mentions.parquet"))
    ours = basic_measures(threads)
    ref = first_measures(flat, cfg)
    pd.testing.assert_frame_equal(ours, ref, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(basic_measures(folder), ours)  # from the store
    one, four = basic_measures(folder, threads=1), basic_measures(folder, threads=4)
    pd.testing.assert_frame_equal(one, four)  # exact: compensated sums and exact quantiles
    for sql, pandas_ in ((coverage_measures, coverage_table), (hour_of_week_measures, hour_of_week)):
        got = sql(folder, cfg)
        pd.testing.assert_frame_equal(got, pandas_(flat, cfg), check_exact=False, rtol=1e-12, obj=sql.__name__)
        pd.testing.assert_frame_equal(sql(folder, cfg, threads=1), sql(threads, cfg, threads=4))
    sv = survival_inputs(folder)
    sv_ref = survival_data(flat, config=cfg)[SURVIVAL].sort_values(SURVIVAL).reset_index(drop=True)
    pd.testing.assert_frame_equal(sv, sv_ref, check_exact=False, rtol=1e-12)
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
    # one organisation's partitions: its rows of every table; censoring at the study's window end, given
    org = m.organisation.iloc[0]
    pd.testing.assert_frame_equal(basic_measures(tmp_path / "out", organisations=[org]),
                                  m[m.organisation == org].reset_index(drop=True))
    flat = pd.read_parquet(tmp_path / "out" / "threads.parquet")
    end = survival_inputs(tmp_path / "out").attrs["window_end"]
    assert end == survival_data(flat, config=cfg).attrs["window_end"]
    sv = survival_inputs(tmp_path / "out", window_end=end, organisations=[org])
    ref = survival_data(flat[flat.organisation == org], window_end=end, config=cfg)[SURVIVAL]
    pd.testing.assert_frame_equal(sv, ref.sort_values(SURVIVAL).reset_index(drop=True), check_exact=False, rtol=1e-12)


def test_every_query_documents_its_columns():
    for name in QUERIES:
        doc = query_doc(name)
        assert "Input" in doc and "Output" in doc
