"""Ingest end to end: output files, DuckDB, duplicates across files, config-driven roles, time zones."""
import json

import duckdb
import pandas as pd
import pytest

from webcare_research.study.config import load_config
from webcare_research.ingest.stage import ADAPTER_MODULES, ingest, ingest_frames, load_adapters
from webcare_research.mentions.schema import THREAD_COLUMNS, validate_mentions


def test_adapters_load_in_contract_order():
    loaded = load_adapters()
    assert loaded[0] == "twcs"
    assert loaded == [m for m in ADAPTER_MODULES if m in loaded]


def test_outputs_are_written_and_queryable(fixtures, tmp_path):
    s = ingest([fixtures / "twcs" / "broken.csv"], tmp_path, progress=False)
    for f in ("mentions.parquet", "threads.parquet", "quarantine.parquet", "ingest_summary.json"):
        assert (tmp_path / f).exists()
    with duckdb.connect() as con:
        n = con.execute(f"select count(*) from '{tmp_path}/mentions.parquet'").fetchall()[0][0]
        per_org = con.execute(f"select organisation, count(*) from '{tmp_path}/threads.parquet' group by 1").fetchall()
    assert n == s["ingested"] == 9
    assert sum(c for _, c in per_org) == s["inbound_messages"]
    m = pd.read_parquet(tmp_path / "mentions.parquet")
    validate_mentions(m.astype({c: "string" for c in m.columns if m[c].dtype == object}))
    assert str(m.created_at.dtype) == "datetime64[ns, UTC]"
    assert list(pd.read_parquet(tmp_path / "threads.parquet").columns) == THREAD_COLUMNS
    for key in ("input_rows", "ingested", "quarantined", "duplicates", "replies_to_unknown", "files", "quarantine_reasons"):
        assert key in json.loads((tmp_path / "ingest_summary.json").read_text())


def test_duplicates_across_overlapping_exports(fixtures):
    cfg = load_config(fixtures / "ingest" / "study.yml")
    r = ingest_frames([fixtures / "twcs" / "broken.csv", fixtures / "ingest" / "overlap.csv"], config=cfg)
    s = r.summary
    assert s["input_rows"] == 17 + 3 and s["counts_add_up"]
    assert s["files"][str(fixtures / "ingest" / "overlap.csv")]["duplicates"] == 2
    assert s["ingested"] == 10 and r.mentions.message_id.is_unique


def test_same_file_twice_is_read_once(fixtures):
    src = fixtures / "twcs" / "broken.csv"
    once = ingest_frames([src]).summary
    twice = ingest_frames([src, src]).summary
    assert {k: twice[k] for k in ("input_rows", "ingested", "duplicates")} == {k: once[k] for k in ("input_rows", "ingested", "duplicates")}
    assert twice["counts_add_up"]


def test_pseudonyms_are_stable_and_salted(fixtures, monkeypatch):
    src = fixtures / "twcs" / "broken.csv"
    a = ingest_frames([src]).mentions.author_id
    b = ingest_frames([src]).mentions.author_id
    assert a.equals(b)
    salted = ingest_frames([src], config=load_config(fixtures / "ingest" / "study.yml")).mentions
    cust = salted.author_role == "customer"
    assert not set(salted.author_id[cust]) & set(a[cust])
    assert set(salted.author_id[~cust]) == {"BelnetHelpt", "VoltiqCare"}


def test_config_names_organisation_authors_without_format_roles(tmp_path):
    """A mapped-style frame without author_role: the config decides who is the organisation."""
    from webcare_research.adapters.formats import Batch, Format, register_format, FORMATS
    rows = pd.DataFrame({
        "message_id": ["a", "b", "c"], "in_reply_to_id": [None, "a", None],
        "author_name": ["Jan Jansen", "Belnet Webcare", "Piet"], "channel": ["facebook"] * 3,
        "created_at": ["2026-03-29T01:30:00+01:00", "2026-03-29 04:00", "2026-03-29T02:45:00Z"],
        "text": ["Mijn factuur klopt niet", "Vervelend! Stuur je ons een pb? ^EK", "hoi"],
        "organisation": ["Belnet", "Belnet", None],
    })
    register_format(Format("_test_frame", "test", read=lambda p, c: iter([Batch(rows)])))
    try:
        p = tmp_path / "x.dat"
        p.write_text("x")
        cfg = load_config(None, organisations=[{"name": "Belnet", "account_ids": ["Belnet Webcare"]}],
                          timezone="Europe/Amsterdam")
        r = ingest_frames([p], fmt="_test_frame", config=cfg)
    finally:
        del FORMATS["_test_frame"]
    m = r.mentions.set_index("message_id")
    assert m.author_role.tolist() == ["customer", "organisation", "customer"]
    assert m.loc["b", "author_id"] == "Belnet Webcare" and m.loc["a", "author_id"].startswith("p_")
    assert "author_name" not in r.mentions
    assert m.loc["b", "agent"] == "EK" and m.is_public.all()
    # 04:00 local on the DST night is 02:00 UTC; 01:30+01:00 is 00:30 UTC
    assert m.loc["a", "created_at"] == pd.Timestamp("2026-03-29 00:30", tz="UTC")
    assert m.loc["b", "created_at"] == pd.Timestamp("2026-03-29 02:00", tz="UTC")
    t = r.threads.set_index("message_id")
    assert t.loc["a", "frt_min"] == 90.0 and t.loc["a", "private_channel"] == "dm"
    assert pd.isna(t.loc["c", "organisation"])


def test_no_inputs_is_an_error():
    with pytest.raises(ValueError, match="no input"):
        ingest_frames([])
