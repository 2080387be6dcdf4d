"""Measures as DuckDB SQL (measures.sql, assets/sql/*.sql) equal their pandas reference on real and demo corpora,
whatever DuckDB's thread count."""
import json

import numpy as np
import pandas as pd
import pytest

from webcare_research.demo.generate import write_demo
from webcare_research.ingest.stage import ingest
from webcare_research.measures.basic import first_measures
from webcare_research.measures.conversation import agent_summary, conversation_measures, conversation_table, handoff_table
from webcare_research.ingest.store import read_store, write_store
from webcare_research.measures.service import coverage_table, extended_measures, hour_of_week
from webcare_research.measures.sql import (QUERIES, agent_measures, basic_measures, coverage_measures,
                                           first_responses, handoff_measures, hour_of_week_measures, measure_dir, query_doc,
                                           resolution_measures, sql_parts, store_measures, survival_inputs,
                                           survival_rows)
from webcare_research.measures.survival import survival_data
from webcare_research.study.config import StudyConfig, load_config

SURVIVAL = ["organisation", "channel", "event", "duration_min"]
ORDER = ["organisation", "channel", "duration_min", "event"]  # survival_inputs' order


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
    fr = first_responses(folder)  # first replies found from the mention partitions = ingest's thread table
    pd.testing.assert_frame_equal(fr, flat[list(fr.columns)], check_exact=False, rtol=1e-12)
    sv = survival_inputs(folder)
    sv_ref = survival_data(flat, config=cfg)[SURVIVAL].sort_values(ORDER).reset_index(drop=True)
    pd.testing.assert_frame_equal(survival_rows(sv), sv_ref, check_exact=False, rtol=1e-12)
    assert sv["messages"].sum() == len(sv_ref) and not sv.duplicated(ORDER).any()
    if cfg.hours is not None:  # the business-hours clock: censored at opening-hours minutes
        svb = survival_inputs(folder, business=True, config=cfg)
        ref = survival_data(flat, business=True, config=cfg)[SURVIVAL].sort_values(ORDER).reset_index(drop=True)
        pd.testing.assert_frame_equal(survival_rows(svb), ref, check_exact=False, rtol=1e-12, atol=1e-9)
        assert (svb.event == 0).any()
    # hand-off: the bits ingest found (Arrow's RE2) = signals' patterns and masks run on the texts by the pandas reference
    mflat = pd.read_parquet(folder / "mentions.parquet")
    ho = handoff_measures(folder)
    pd.testing.assert_frame_equal(ho, handoff_table(mflat, flat[flat.organisation.notna()]), check_dtype=False,
                                  check_exact=False, rtol=1e-12)
    assert ho["handoff_replies"].sum() > 0
    pd.testing.assert_frame_equal(handoff_measures(folder, threads=1), handoff_measures(threads, threads=4))
    ag = agent_measures(folder)  # who signs the replies
    pd.testing.assert_frame_equal(ag, agent_summary(mflat), check_dtype=False, check_exact=False, rtol=1e-12)
    assert ag["agents_n"].sum() > 0 and ag["top_agent_share"].notna().any()
    pd.testing.assert_frame_equal(agent_measures(folder, threads=1), agent_measures(threads, threads=4))
    res = resolution_measures(folder)  # conversations in time order, turns, closures: window functions = numpy segments
    pd.testing.assert_frame_equal(res, conversation_measures(conversation_table(mflat)), check_dtype=False,
                                  check_exact=False, rtol=1e-12)
    assert res["conversations"].sum() > 0
    pd.testing.assert_frame_equal(resolution_measures(folder, threads=1), resolution_measures(folder, threads=4))
    # every SQL part handed to extended_measures = its pandas computation
    whole = extended_measures(mflat, flat, cfg, **sql_parts(folder, cfg))
    pd.testing.assert_frame_equal(whole, extended_measures(mflat, flat, cfg), check_exact=False, rtol=1e-12)
    # the run's measures stage: every part over the whole store, no thread row read = on the whole tables
    by_org = store_measures(folder, cfg)
    assert set(by_org.columns) == set(whole.columns)
    pd.testing.assert_frame_equal(by_org[list(whole.columns)], whole)
    # a store with sentiment scores (as an enriched table would have): the sentiment shift is read an organisation at
    # a time, each conversation whole (also its messages in other organisations' partitions)
    scored = mflat.assign(sentiment_score=np.round(np.sin(np.arange(len(mflat)) * 0.7), 3))
    write_store(scored, folder / "scored", "mentions", cfg.tz)
    write_store(flat, folder / "scored", "threads", cfg.tz)
    with_shift = store_measures(folder / "scored", cfg)
    ref = extended_measures(scored, flat, cfg)
    assert ref["shift_conversations"].fillna(0).sum() > 0
    pd.testing.assert_frame_equal(with_shift[list(ref.columns)], ref, check_exact=False, rtol=1e-12)
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
    gaps = sql_parts(tmp_path / "out", cfg, km=False)["reach_gaps"]  # the demo has follower counts: real gaps compared
    assert gaps["reach_response_gap"].notna().sum() > 3 and gaps["reach_response_gap"].abs().max() > 0
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
    months = sorted({p["month"] for p in json.loads((tmp_path / "out" / "store" / "threads" / "_index.json").read_text())
                     ["partitions"]})
    fr = first_responses(tmp_path / "out", organisations=[org], months=months[:1])  # replies from later months too
    local = flat.created_at.dt.tz_convert(cfg.tz).dt.strftime("%Y-%m")
    want = flat[(flat.organisation == org) & (local == months[0])].reset_index(drop=True)
    pd.testing.assert_frame_equal(fr, want[list(fr.columns)], check_exact=False, rtol=1e-12)
    sv = survival_inputs(tmp_path / "out", window_end=end, organisations=[org])
    ref = survival_data(flat[flat.organisation == org], window_end=end, config=cfg)[SURVIVAL]
    pd.testing.assert_frame_equal(survival_rows(sv), ref.sort_values(ORDER).reset_index(drop=True), check_exact=False,
                                  rtol=1e-12)


def test_every_query_documents_its_columns():
    for name in QUERIES:
        doc = query_doc(name)
        assert "Input" in doc and "Output" in doc


def test_cli_measure_reads_only_the_partitions_asked_for(tmp_path):
    """`webcare measure --organisation X --month M`: the same rows as the whole study's table restricted to X (basic
    family exactly; KM censored at the study's end), the selection in the manifest, a wrong selection one line."""
    import json
    import subprocess
    import sys

    def webcare(*args):
        return subprocess.run([sys.executable, "-m", "webcare_research", *map(str, args)], capture_output=True,
                              text=True, timeout=600)

    write_demo(tmp_path / "s", n_messages=1500, seed=3)
    cfg = load_config(tmp_path / "s" / "study.yml")
    files = [p for p in (tmp_path / "s").rglob("*") if p.is_file() and p.name not in ("study.yml", ".webcare-secrets.yml")]
    ingest(files, tmp_path / "out", config=cfg, progress=False)
    study = tmp_path / "s" / "study.yml"
    r = webcare("measure", tmp_path / "out", "--config", study, "--out", tmp_path / "all.csv")
    assert r.returncode == 0, r.stderr
    whole = pd.read_csv(tmp_path / "all.csv")
    org = whole.organisation.iloc[0]
    r = webcare("measure", tmp_path / "out", "--config", study, "--out", tmp_path / "one.csv", "--organisation", org)
    assert r.returncode == 0, r.stderr
    one = pd.read_csv(tmp_path / "one.csv")
    # every column but the reach gap, whose follower quartiles are those of the messages read (said in --help)
    same = [c for c in whole.columns if c != "reach_response_gap"]
    pd.testing.assert_frame_equal(one[same], whole[whole.organisation == org].reset_index(drop=True)[same],
                                  check_exact=False, rtol=1e-9)
    assert json.loads((tmp_path / "one.manifest.json").read_text())["organisations"] == [org]
    months = sorted({p["month"] for p in json.loads((tmp_path / "out" / "store" / "threads" / "_index.json").read_text())
                     ["partitions"]})
    r = webcare("measure", tmp_path / "out", "--out", tmp_path / "m.csv", "--month", months[0], "--basic")
    assert r.returncode == 0, r.stderr
    t = pd.read_parquet(tmp_path / "out" / "threads.parquet")
    local = t.created_at.dt.tz_convert(cfg.tz).dt.strftime("%Y-%m")
    assert pd.read_csv(tmp_path / "m.csv")["inbound"].sum() == (t.organisation.notna() & (local == months[0])).sum()
    r = webcare("measure", tmp_path / "out", "--out", tmp_path / "x.csv", "--organisation", "Nobody Inc")
    assert r.returncode == 3 and "no organisation 'Nobody Inc'" in r.stderr and org in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "x.csv").exists()


def test_resolution_measures_on_ties_roles_and_gaps(tmp_path):
    """Same-second messages (ties kept in table order), 'other' and missing roles, a conversation without organisation or
    channel, closures before and after the organisation's first reply, negated thanks: SQL = the pandas reference."""
    from webcare_research.ingest.store import write_store
    t0 = pd.Timestamp("2024-05-01 10:00", tz="UTC")
    s = lambda k: t0 + pd.Timedelta(seconds=k)
    rows = [  # conversation, organisation, channel, role, seconds, text
        ("c1", "A", "twitter", "customer", 0, "my parcel is late"),
        ("c1", "A", "twitter", "organisation", 60, "sorry, we'll check"),
        ("c1", "A", "twitter", "customer", 90, "thanks, it works now"),       # after the first reply: resolved
        ("c1", "A", "twitter", "organisation", 120, "have a great day"),      # would close, but ...
        ("c1", "A", "twitter", "customer", 120, "bye"),                       # ... same second, later in the table: last
        ("c2", "A", "twitter", "customer", 0, "thanks in advance"),            # thanks before any reply: not resolved
        ("c2", "A", "twitter", "other", 5, "me too"),
        ("c2", "A", "twitter", None, 6, "+1"),
        ("c2", "A", "twitter", "organisation", 30, "DM us"),
        ("c2", "A", "twitter", "customer", 40, "still not fixed, thanks for nothing"),
        ("c3", None, "twitter", "customer", 0, "hello?"),                    # no organisation: not counted
        ("c4", "B", None, "customer", 0, "help"),                             # no channel on the first message ...
        ("c4", "B", "facebook", "organisation", 0, "bedankt, fijne dag"),     # ... the first one with a channel counts
        ("c5", "B", "facebook", "organisation", 0, "we zijn er"),              # no customer message: not a conversation
    ]
    m = pd.DataFrame({"conversation_id": pd.array([r[0] for r in rows], dtype="string"),
                      "organisation": pd.array([r[1] for r in rows], dtype="string"),
                      "channel": pd.array([r[2] for r in rows], dtype="string"),
                      "author_role": pd.array([r[3] for r in rows], dtype="string"),
                      "created_at": [s(r[4]) for r in rows], "text": pd.array([r[5] for r in rows], dtype="string")})
    write_store(m, tmp_path, "mentions", "UTC")
    got, ref = resolution_measures(tmp_path), conversation_measures(conversation_table(m))
    pd.testing.assert_frame_equal(got, ref, check_dtype=False, check_exact=False, rtol=1e-12)
    assert got["resolved_conversations"].tolist() == [1, 1] and got["resolved_by_customer"].tolist() == [1, 0]
    assert got["conversations"].tolist() == [2, 1] and got["turns_median"].tolist()[0] == 4.5
