"""Demo corpus: deterministic, realistic, fictional, and recovered exactly by ingest + threads + measures."""
import re

import numpy as np
import pandas as pd
import pytest

from webcare_research.demo import generate as demo

from webcare_research.demo import world as demo_world
from webcare_research.study.config import load_config

N = 8000


@pytest.fixture(scope="module")
def corpus():
    return demo.generate_demo(N, seed=42)


def test_deterministic_and_seed_dependent(corpus):
    again = demo.generate_demo(N, seed=42)
    for k, df in corpus.items():
        pd.testing.assert_frame_equal(df, again[k], obj=k)
    other = demo.generate_demo(N, seed=43)
    assert not other["messages"]["text"].equals(corpus["messages"]["text"])
    assert not other["truth"]["frt_min"].equals(corpus["truth"]["frt_min"])


def test_size_channels_and_languages(corpus):
    m = corpus["messages"]
    assert 0.85 * N < len(m) < 1.15 * N
    assert set(m.channel) == set(demo_world.DEMO_CHANNELS) and m.organisation.nunique() == 5
    cust = m[m.role == "customer"]
    assert 0.78 < (cust.lang == "nl").mean() < 0.92  # mostly Dutch, some English
    assert set(corpus["truth"].mtype.dropna()) >= {"question", "complaint", "compliment", "purchase_signal", "crisis"}


def test_unanswered_more_often_in_evenings_and_weekends(corpus):
    t = corpus["truth"][corpus["truth"].turn == 0]
    local = t.created_at.dt.tz_convert("Europe/Amsterdam")
    off = (local.dt.hour >= 21) | (local.dt.hour < 7) | (local.dt.dayofweek >= 5)
    social = ~t.channel.isin(demo_world.REVIEW_CHANNELS)
    un_off = 1 - t[off & social].answered.mean()
    un_day = 1 - t[~off & social].answered.mean()
    assert un_off > un_day + 0.05, (un_off, un_day)
    # replies to messages sent at night wait for the morning shift
    night = t[social & (local.dt.hour < 5) & t.answered]
    day = t[social & local.dt.hour.between(10, 15) & (local.dt.dayofweek < 5) & t.answered]
    assert night.frt_min.median() > 3 * day.frt_min.median()


def test_heavy_tailed_response_times_differ_per_organisation(corpus):
    t = corpus["truth"].dropna(subset=["frt_min"])
    tw = t[t.channel == "twitter"]
    g = tw.groupby("organisation").frt_min
    assert ((g.quantile(0.9) / g.median()) > 3).all(), g.quantile(0.9) / g.median()
    assert g.median().max() > 3 * g.median().min()
    assert t[t.channel == "whatsapp"].frt_min.median() < t[t.channel == "trustpilot"].frt_min.median() / 20


def test_crisis_bursts(corpus):
    t = corpus["truth"]
    c = t[t.mtype == "crisis"]
    per_window = c.groupby([c.organisation, c.created_at.dt.floor("3h")]).size()
    assert per_window.max() >= 10  # many similar complaints in a short window


def test_texts_have_webcare_features(corpus):
    m = corpus["messages"]
    org, cust = m[m.role == "organisation"].text, m[m.role == "customer"].text
    assert org.str.contains(r"\^[A-Z]{2}$|Groetjes, [A-Z][a-z]+$|Gr\. [A-Z][a-z]+$|/[A-Z][a-z]+$|-[A-Z]{2}$").mean() > 0.6
    assert org.str.contains(r"\bDM\b|privébericht").any() and org.str.contains("bellen op").any() and org.str.contains("mailen naar").any()
    assert cust.str.contains("Bedankt hoor").any() and cust.str.contains("Niet ").any()  # sarcasm, negation
    assert cust.str.contains(r"contract loopt af", regex=True).any()  # purchase signal
    assert cust.str.contains(r"ordernummer \d{3}-\d{3}").any()
    assert cust.str.contains("Dank je, is gelukt").any()  # thanks after a solved problem
    assert (m.turn == 3).sum() > 0  # follow-up turns answered again


def test_only_fictional_organisations(corpus):
    real = ["KLM", "NS", "Coolblue", "Vodafone", "ING", "KPN", "Ziggo", "T-Mobile", "Bol.com", "Eneco", "Essent",
            "Vattenfall", "Rabobank", "ABN AMRO", "PostNL", "Odido", "UPC", "Apple", "Amazon"]
    rx = re.compile(r"\b(?:" + "|".join(map(re.escape, real)) + r")\b")
    all_text = pd.concat([corpus["messages"].text, corpus["messages"].organisation])
    hits = all_text[all_text.str.contains(rx)]
    assert hits.empty, hits.head().tolist()
    assert all(o["domain"].endswith(".example") for o in demo_world.ORGANISATIONS)


def test_files_are_read_by_the_adapters(tmp_path):
    from webcare_research.adapters.formats import detect_format
    ingest_mod = pytest.importorskip("webcare_research.ingest.stage")
    ingest_mod.load_adapters()
    paths = demo.write_demo(tmp_path, n_messages=3000, seed=11)
    expected = {"twitter": "xapi", "facebook": "facebook", "reviews": None, "whatsapp": "whatsapp"}
    for p in paths[:-1]:
        top = p.relative_to(tmp_path).parts[0]
        if top == "instagram":
            continue  # the Coosto export is read through the study's column mapping (see below)
        want = expected[top] or ("trustpilot" if p.name.startswith("trustpilot") else "google_reviews")
        assert detect_format(p).name == want, p


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    ingest_mod = pytest.importorskip("webcare_research.ingest.stage")
    d = tmp_path_factory.mktemp("demo")
    paths = demo.write_demo(d / "raw", n_messages=4000, seed=7)
    cfg = load_config(paths[-1])
    inputs = [p for p in paths[:-1] if "instagram" not in p.parts]
    summary = ingest_mod.ingest(inputs, d / "processed", config=cfg, progress=False)
    truth = demo.generate_demo(4000, seed=7)["truth"]
    return d, paths, cfg, summary, truth


def test_ingest_recovers_the_ground_truth(ingested):
    d, paths, cfg, summary, truth = ingested
    assert summary["input_rows"] == summary["ingested"] + summary["quarantined"] + summary["duplicates"]
    threads = pd.read_parquet(d / "processed" / "threads.parquet")
    truth = truth[truth.channel != "instagram"]
    assert len(threads) == len(truth)
    key = ["organisation", "channel"]
    got = threads.groupby(key).agg(inbound=("answered", "size"), answered=("answered", "sum"), med=("frt_min", "median"),
                                   p90=("frt_min", lambda s: s.quantile(0.9)))
    want = truth.groupby(key).agg(inbound=("answered", "size"), answered=("answered", "sum"), med=("frt_min", "median"),
                                  p90=("frt_min", lambda s: s.quantile(0.9)))
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index(), check_dtype=False, check_index_type=False, atol=1e-6)
    # and the measures module reports the same numbers
    from webcare_research.measures.basic import first_measures
    fm = first_measures(threads, cfg).set_index(key).sort_index()
    np.testing.assert_allclose(fm.frt_median_min.to_numpy(dtype=float), want.sort_index().med.to_numpy(), atol=1e-6)


def test_only_system_lines_are_quarantined(ingested):
    d, *_ = ingested
    q = pd.read_parquet(d / "processed" / "quarantine.parquet")
    assert set(q.reason) <= {"system line: encryption notice"}, q.reason.value_counts()


def test_instagram_export_through_coosto_mapping(ingested):
    from webcare_research.adapters.mapped import read_mapped
    d, paths, cfg, _, truth = ingested
    ig = next(p for p in paths if "instagram" in p.parts)
    rows = pd.concat([b.rows for b in read_mapped(ig, cfg)])
    t = truth[truth.channel == "instagram"]
    assert (rows.author_role == "customer").sum() == len(t)
    assert (rows.author_role == "organisation").sum() == t.answered.sum()  # every reply answers one customer message
    assert set(rows.organisation) == set(t.organisation) and rows.in_reply_to_id.notna().sum() == t.answered.sum() + (t.turn == 2).sum()


def test_full_demo_ingest_including_mapped_instagram(tmp_path):
    from webcare_research.ingest.stage import ingest
    paths = demo.write_demo(tmp_path / "raw", n_messages=1500, seed=2)
    s = ingest(paths[:-1], tmp_path / "p", config=load_config(paths[-1]), progress=False)
    th = pd.read_parquet(tmp_path / "p" / "threads.parquet")
    assert "instagram" in set(th.channel) and s["input_rows"] == s["ingested"] + s["quarantined"] + s["duplicates"]


def test_twcs_corpus_is_read_by_the_twcs_adapter(tmp_path):
    ingest_mod = pytest.importorskip("webcare_research.ingest.stage")
    df, truth = demo.twcs_corpus(4000, seed=3, with_truth=True)
    p = tmp_path / "twcs.csv"
    df.to_csv(p, index=False)
    s = ingest_mod.ingest([p], tmp_path / "out", progress=False)
    assert s["quarantined"] == 0 and s["ingested"] == len(df)
    th = pd.read_parquet(tmp_path / "out" / "threads.parquet")
    assert len(th) == len(truth) and th.answered.sum() == truth.answered.sum()
    assert abs(th.frt_min.median() - truth.frt_min.median()) < 1e-6
