"""End-to-end tests of text enrichment: enrich_frame / enrich_file / `webcare enrich` on real and fixture data."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from webcare_research.text.enrich import ENRICH_COLUMNS, TYPE_COLUMNS, enrich_file, enrich_frame, sniff_csv
from webcare_research.text.language import detect_language

POLARITY = "dutch_political_tweets_train/polarity_train.csv"


def _check_enriched(df: pd.DataFrame, n: int) -> None:
    assert len(df) == n
    assert set(ENRICH_COLUMNS) <= set(df.columns)
    assert df["sentiment"].dropna().isin(["negative", "neutral", "positive"]).all()
    assert df["sentiment_score"].dropna().between(-1, 1).all()
    for c in TYPE_COLUMNS:
        assert str(df[c].dtype) in ("boolean", "bool", "object")


def test_enrich_file_political_tweets(shared_data, tmp_path):
    src = shared_data / POLARITY
    gold = pd.read_csv(src)
    out = tmp_path / "polarity_enriched.parquet"
    res = enrich_file(src, out, text_column="content", lang="nl", progress=False, partition_rows=300)
    back = pd.read_parquet(out)
    _check_enriched(back, len(gold))
    assert len(res) == len(gold)
    assert back["content"].tolist() == gold["content"].tolist()  # order and text kept
    assert back["polarity"].tolist() == gold["polarity"].tolist()
    assert (back["language"] == "nl").all()  # fixed language: the pipeline used
    assert back["sentiment"].notna().all()
    # the three classes all occur: the analyser is not a constant
    assert back["sentiment"].nunique() == 3


def test_webcare_enrich_command_streams_and_counts(fixtures, tmp_path):
    "The command writes the same file as enrich_file and reports its rows, without holding the result (collect=False)."
    path = fixtures / "enrich" / "webcare_nl_sample.csv"
    out = tmp_path / "cli.parquet"
    r = subprocess.run([sys.executable, "-m", "webcare_research", "enrich", path, "--out", out, "--partition-rows", "100"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    enrich_file(path, tmp_path / "lib.parquet", progress=False, partition_rows=100)
    back = pd.read_parquet(out)
    assert r.stdout.strip() == f"{len(back)} rows -> {out}"
    assert back.equals(pd.read_parquet(tmp_path / "lib.parquet"))


def test_enrich_frame_political_tweets(shared_data):
    df = pd.read_csv(shared_data / POLARITY).iloc[::-1]  # reversed index: order must follow the frame, not the index
    out = enrich_frame(df, text_column="content", lang="nl", progress=False)
    assert out.index.tolist() == df.index.tolist()
    assert out["content"].tolist() == df["content"].tolist()
    _check_enriched(out, len(df))


def test_webcare_sample_csv(fixtures, tmp_path):
    path = fixtures / "enrich" / "webcare_nl_sample.csv"
    encoding, delimiter = sniff_csv(path)
    assert delimiter == ";" and encoding.replace("-", "").lower() not in ("utf8", "utf8sig")
    src = pd.read_csv(path, sep=";", encoding=encoding, dtype=str)
    out = tmp_path / "sample.parquet"
    enrich_file(path, out, progress=False)
    back = pd.read_parquet(out)
    _check_enriched(back, len(src))
    assert back["message_id"].tolist() == src["message_id"].tolist()  # leading zeros kept
    empty = back["text"].isna()
    assert empty.sum() == 1
    assert back.loc[empty, list(ENRICH_COLUMNS)].isna().all().all()
    lang = back.set_index("message_id")["language"]
    assert (back.loc[~empty, "language"] != "other").all()
    assert lang["000116"] == "en" and lang["000102"] == "nl"
    row = back.set_index("message_id")
    assert row.loc["000105", "type_question"]                      # "kan ik ... opzeggen?"
    assert row.loc["000102", "sentiment"] == "negative"            # storing, geen internet, !!!
    assert row.loc["000125", "sentiment"] == "positive"            # dank, opgelost
    assert "Héél" in row.loc["000119", "text"]                     # cp1252 decoded


def test_mentions_parquet_keeps_types(tmp_path):
    mentions = pd.DataFrame({
        "message_id": ["m1", "m2", "m3", "m4"],
        "created_at": pd.to_datetime(["2026-01-05 08:00", "2026-01-05 09:00", None, "2026-01-05 10:00"], utc=True),
        "is_public": [True, False, True, True],
        "author_followers": pd.array([10, None, 3, 7], dtype="Int64"),
        "text": ["@KLM waar blijft mijn koffer??", None, "Great service, thanks!", "   "],
    })
    src, out = tmp_path / "mentions.parquet", tmp_path / "mentions_enriched.parquet"
    mentions.to_parquet(src)
    enrich_file(src, out, progress=False, partition_rows=3)
    schema = pq.read_schema(out)
    assert schema.field("created_at").type == pa.timestamp("ns", tz="UTC")
    assert schema.field("author_followers").type == pa.int64()
    back = pd.read_parquet(out)
    assert back["message_id"].tolist() == ["m1", "m2", "m3", "m4"]
    assert back["language"].tolist()[0] == "nl" and back["language"].tolist()[2] == "en"
    assert back.loc[[1, 3], "sentiment"].isna().all()
    assert bool(back.loc[0, "type_question"])


def test_missing_text_column(fixtures, tmp_path):
    path = fixtures / "enrich" / "webcare_nl_sample.csv"
    with pytest.raises(ValueError, match=r"webcare_nl_sample\.csv has no text column 'body'; available columns: "
                                         r"message_id, created_at"):
        enrich_file(path, tmp_path / "x.parquet", text_column="body", progress=False)
    assert not (tmp_path / "x.parquet").exists()
    with pytest.raises(FileNotFoundError):
        enrich_file(tmp_path / "nope.csv", tmp_path / "x.parquet", progress=False)


def test_cli_enrich(shared_data, tmp_path):
    from typer.testing import CliRunner
    from webcare_research.cli import app
    out = tmp_path / "cli.parquet"
    r = CliRunner().invoke(app, ["enrich", str(shared_data / POLARITY), "--out", str(out),
                                 "--text-column", "content", "--lang", "nl"])
    assert r.exit_code == 0, r.output
    assert len(pd.read_parquet(out)) == len(pd.read_csv(shared_data / POLARITY))


def test_language_on_real_tweets(shared_data):
    nl = pd.read_csv(shared_data / POLARITY)["content"].tolist()
    en = pd.read_csv(shared_data / "spotify_support_requests/support_requests.csv")["text"].dropna().tolist()[:1000]
    p_nl, p_en = detect_language(nl), detect_language(en)
    assert sum(p == "nl" for p in p_nl) / len(nl) >= 0.97
    assert sum(p == "en" for p in p_en) / len(en) >= 0.85  # the rest: handle-only, device names, Spanish


def test_language_short_fixture(fixtures):
    df = pd.read_csv(fixtures / "enrich" / "language_short.csv")
    pred = pd.Series(detect_language(df["text"]))
    assert (pred == df["language"]).mean() >= 0.9


@pytest.mark.parametrize("lang,path,column", [("nl", POLARITY, "content"),
                                              ("en", "spotify_support_requests/support_requests.csv", "text")])
def test_skipped_components_change_nothing(shared_data, lang, path, column):
    "enrich_frame leaves out the sentencizer, entity spans and lookup lemmatizer: the full pipeline must agree."
    from webcare_research.text.enrich import skipped_in_enrich
    from webcare_research.text.nlp import make_nlp
    texts = pd.read_csv(shared_data / path)[column].dropna().astype(str).head(1500).tolist()
    out = enrich_frame(pd.DataFrame({"text": texts}), lang=lang, progress=False)
    nlp = make_nlp(lang)
    assert {"sentencizer", "webcare_entities", "lemmatizer"} <= set(skipped_in_enrich(nlp))
    docs = list(nlp.pipe(texts))  # every component runs
    full = [d._.sentiment_score for d in docs]
    assert [None if pd.isna(x) else x for x in out["sentiment_score"]] == full
    for t in ("question", "complaint", "compliment", "crisis"):
        got = out[f"type_{t}"].fillna(False).astype(bool).tolist()
        assert got == [t in (d._.message_types or ()) for d in docs], t


def _texts(shared_data, path, column, n=3000):
    return pd.read_csv(shared_data / path)[column].dropna().astype(str).head(n).tolist()


@pytest.mark.parametrize("lang,path,column", [("nl", POLARITY, "content"),
                                              ("en", "spotify_support_requests/support_requests.csv", "text"),
                                              ("en", "twcs_sample/sample.csv", "text")])
def test_rule_prefilter_changes_nothing(shared_data, lang, path, column):
    "The RE2 superset pass may only skip rules that cannot match: labels and evidence equal the full rule run."
    from webcare_research.text.message_types import _BIT, _COMPILED, RULE_KEYS, classify_text, rule_hits
    texts = _texts(shared_data, path, column)
    hits = rule_hits([t.strip().lower() for t in texts], lang).tolist()
    for t, h in zip(texts, hits):
        low = t.strip().lower()
        for key in RULE_KEYS:
            assert h & _BIT[key] or not _COMPILED[lang][key].search(low), (key, t)
        for sentiment, score in (("negative", -0.6), ("positive", 0.7), ("neutral", 0.0)):
            assert classify_text(t, lang, sentiment, score, h) == classify_text(t, lang, sentiment, score)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_rule_prefilter_is_a_superset_on_odd_text(lang):
    "Unicode letters, digits and spaces where RE2's ASCII classes differ from Python's."
    from hypothesis import given, settings, strategies as st
    from webcare_research.text.message_types import _BIT, _COMPILED, RULE_KEYS, rule_hits
    words = st.sampled_from(["storing", "wéér", "al", "drie", "dagen", "contract", "énergie", "loopt", "af", "niet",
                             "waar", "dat", "klopt", "hoe", "why", "don't", "you", "٣", "²", "\u00a0", "\u2009", "!",
                             "?", "werkt", "geen", "internet", "outage", "again", "waited", "two", "hours", "👍"])
    seps = st.sampled_from([" ", "  ", "\u00a0", "\n", ", ", "\u2028", "\x85", ""])

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(st.tuples(words, seps), min_size=1, max_size=12))
    def check(parts):
        text = "".join(w + s for w, s in parts).lower()
        h = int(rule_hits([text], lang)[0])
        for key in RULE_KEYS:
            assert h & _BIT[key] or not _COMPILED[lang][key].search(text), (key, text)
    check()
