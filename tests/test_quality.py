"""End-to-end tests of reply-quality markers: files in and out, the CLI, mention tables, the hand-labelled sets."""
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from webcare_research.quality.replies import MARKERS, QUALITY_COLUMNS, chv_profile, quality_file, quality_frame

# the columns ../shared/tools/contract-check asks of `webcare quality`
CONTRACT = ["text", "chv_greeting", "chv_customer_name", "chv_signature", "chv_personal_pronoun",
            "chv_informal_address", "chv_emoticon", "chv_interjection", "chv_apology", "chv_empathy", "chv_thanks",
            "chv_joy", "chv_invitation", "redirect_dm", "redirect_phone", "redirect_email", "redirect_chat", "has_url",
            "negative_wording", "boilerplate", "chv_score"]
EVALUATED = ["chv_apology", "redirect_dm", "redirect_phone", "redirect_chat", "has_url"]

REPLIES = pd.DataFrame({
    "reply_id": ["a", "b", "c", "d"],
    "text": ["Hi Sarah, so sorry to hear that! Please DM us your order number ^JK",
             "Thanks for reaching out. Please call us at 1-800-555-0100.",
             "",
             "Glad it works now :) Let us know if you need anything else! /Tom"],
})


def _check(df: pd.DataFrame, n: int):
    assert len(df) == n
    missing = [c for c in CONTRACT + list(QUALITY_COLUMNS) if c not in df.columns]
    assert not missing, missing


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_quality_file_roundtrip(tmp_path, suffix):
    src = tmp_path / f"replies{suffix}"
    REPLIES.to_csv(src, index=False) if suffix == ".csv" else REPLIES.to_parquet(src, index=False)
    res = quality_file(src, tmp_path / "out" / "q.parquet", lang="en")
    back = pd.read_parquet(tmp_path / "out" / "q.parquet")
    _check(back, 4)
    assert back["reply_id"].tolist() == ["a", "b", "c", "d"]          # order and input columns kept
    a, b, c, d = (back.iloc[i] for i in range(4))
    assert a.chv_customer_name_evidence == "Sarah" and a.chv_apology and a.redirect_dm and a.chv_signature
    assert b.weak_redirect and not a.weak_redirect
    assert pd.isna(c.chv_score) and pd.isna(c.has_url)               # empty text -> nulls
    assert d.chv_emoticon and d.chv_joy and d.chv_invitation and not d.negative_wording
    assert 0 < d.chv_score <= 1
    assert res.shape == back.shape


def test_mention_table_scores_only_replies():
    m = pd.DataFrame({"message_id": ["1", "2", "3"], "organisation": ["NS", "NS", "NS"],
                      "author_role": ["customer", "organisation", "other"],
                      "text": ["Kijk https://foto.nl/x sorry", "Hoi Eva, sorry! Kijk op https://ns.nl/storing ^EK",
                               "sorry https://x.nl"]})
    q = quality_frame(m, lang="nl")
    assert q.loc[[0, 2], list(MARKERS)].isna().all().all()            # a customer's URL is never has_url of a reply
    assert q.loc[1, "has_url"] and q.loc[1, "chv_apology"] and q.loc[1, "chv_customer_name"]


def test_boilerplate_within_organisation():
    base = "Thanks for reaching out! Please send us a DM with your order number so we can check"
    df = pd.DataFrame({"organisation": ["A"] * 7 + ["B"] * 3,
                       "text": [f"@user{i} {base} ^A{i}" for i in range(7)] + [f"@u{i} {base}" for i in range(3)]})
    q = quality_frame(df, lang="en")
    assert q["boilerplate"].tolist() == [True] * 7 + [False] * 3       # B has only 2 others, below 5


def test_cli_quality(tmp_path):
    from webcare_research.cli import app
    src = tmp_path / "r.csv"
    REPLIES.to_csv(src, index=False)
    out = tmp_path / "q.parquet"
    r = CliRunner().invoke(app, ["quality", str(src), "--out", str(out), "--text-column", "text", "--lang", "en"])
    assert r.exit_code == 0, r.output
    _check(pd.read_parquet(out), 4)
    bad = CliRunner().invoke(app, ["quality", str(src), "--out", str(out), "--text-column", "body"])
    assert bad.exit_code != 0


def _pr(labels: pd.DataFrame, q: pd.DataFrame, marker: str):
    y, p = labels[marker].astype(bool).to_numpy(), q[marker].astype(bool).to_numpy()
    tp, fp, fn = (y & p).sum(), (~y & p).sum(), (y & ~p).sum()
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def test_dutch_hand_labelled(fixtures):
    lab = pd.read_csv(fixtures / "quality" / "nl_replies_labelled.csv")
    assert len(lab) == 60
    q = quality_frame(lab[["text"]], lang="nl")
    for m in ("chv_apology", "redirect_dm", "has_url"):
        precision, recall = _pr(lab, q, m)
        assert precision >= 0.9 and recall >= 0.9, (m, precision, recall)


def _ibm_replies(shared_data, split):
    convs = json.loads((shared_data / "ibm_customer_care" / f"{split}.json").read_text())
    rows = [t["message"] for c in convs for t in c["dialogContent"] if "agent" in t]
    rows += [c["agentURL"]["url_utterance"] for c in convs if c.get("agentURL")]
    return pd.DataFrame({"text": rows})


def test_ibm_agent_replies(shared_data, tmp_path):
    replies = _ibm_replies(shared_data, "dev")                       # exactly as contract-check builds replies.csv
    replies.to_csv(tmp_path / "replies.csv", index=False)
    q = quality_file(tmp_path / "replies.csv", tmp_path / "q.parquet", text_column="text", lang="en")
    _check(q, len(replies))
    assert q["has_url"].mean() > 0.85                                 # every final IBM agent turn carries a help URL
    assert q["chv_score"].between(0, 1).all()


def test_ibm_hand_labelled(shared_data, fixtures):
    for split in ("dev", "test"):
        lab = pd.read_csv(fixtures / "quality" / f"ibm_{split}_sample_labels.csv")
        replies = _ibm_replies(shared_data, split)
        texts = replies.loc[lab["row"], "text"].reset_index(drop=True)
        q = quality_frame(pd.DataFrame({"text": texts}), lang="en")
        for m in ("chv_apology", "has_url", "redirect_dm"):
            precision, recall = _pr(lab, q, m)
            assert precision >= 0.9 and recall >= 0.9, (split, m, precision, recall)


def test_chv_profile_ibm(shared_data):
    convs = json.loads((shared_data / "ibm_customer_care" / "dev.json").read_text())
    df = pd.DataFrame({"organisation": [c["dialogHeader"]["company"] for c in convs if c.get("agentURL")],
                       "text": [c["agentURL"]["url_utterance"] for c in convs if c.get("agentURL")]})
    prof = chv_profile(quality_frame(df, lang="en"))
    assert set(prof["organisation"]) == set(df["organisation"])
    assert prof["share"].between(0, 1).all()
    assert (prof.groupby("organisation")["marker"].nunique() == len(MARKERS) + 2).all()


# --- the RE2 pre-filter (fast path) must not change a single output --------------------------------------------

def _all_replies(shared_data=None, fixtures=None) -> pd.DataFrame:
    "Replies from the fixtures (and ../shared/data when given), each scored once as Dutch and once as English."
    from pathlib import Path
    root = Path(__file__).parent / "fixtures"
    texts = pd.read_csv(root / "quality" / "nl_replies_labelled.csv")["text"].astype(str).tolist()
    for name in ("webcare_en_labelled.csv", "webcare_nl_labelled.csv"):
        texts += pd.read_csv(root / "text" / name)["text"].astype(str).tolist()
    texts += REPLIES["text"].tolist()
    if shared_data is not None:
        texts += _ibm_replies(shared_data, "dev")["text"].tolist() + _ibm_replies(shared_data, "test")["text"].tolist()
        tw = pd.read_csv(shared_data / "twcs_sample" / "sample.csv", dtype=str)
        texts += tw.loc[tw["inbound"].eq("False"), "text"].tolist()       # the companies' replies
    n = len(texts)
    return pd.DataFrame({"organisation": (["A", "B", "C"] * n)[:2 * n], "text": texts * 2,
                         "language": ["nl"] * n + ["en"] * n})


def _assert_fast_equals_exact(df: pd.DataFrame):
    fast = quality_frame(df, lang="auto", organisation_column="organisation")
    exact = quality_frame(df, lang="auto", organisation_column="organisation", prefilter=False)
    pd.testing.assert_frame_equal(fast, exact)
    return fast


def test_fast_path_equals_exact_fixtures():
    q = _assert_fast_equals_exact(_all_replies())
    for m in ("chv_customer_name", "chv_emoticon", "chv_apology", "has_url", "chv_invitation"):
        assert q[m].any(), m                                           # the regex markers are exercised


def test_fast_path_equals_exact_shared(shared_data):
    df = _all_replies(shared_data)
    assert len(df) > 2000
    q = _assert_fast_equals_exact(df)
    assert q["has_url"].sum() > 1000 and q["chv_customer_name"].any() and q["weak_redirect"].any()


def test_regex_gating_is_observable():
    "The equality tests can fail: a doc whose regex bits are all off loses its regex-only evidence."
    from webcare_research.quality.replies import quality_nlp
    nlp = quality_nlp("en")
    comp = nlp.get_pipe("webcare_quality_markers")
    text = "Hi Sarah, sorrry about that :) see example.com"
    full = comp.match(nlp.make_doc(text)).user_data
    none = comp.match(nlp.make_doc(text), hits=0).user_data
    key = ("._.", "webcare_markers", None, None)
    assert {"chv_customer_name", "chv_apology", "chv_emoticon", "has_url"} <= set(full[key])
    assert not {"chv_customer_name", "chv_apology", "chv_emoticon", "has_url"} & set(none[key])
    assert comp.regex_hits([text])[0] == comp.all_regexes & comp.regex_hits([text])[0] != 0


ODD = ["\u212a", "\u017f", "\u0130", "\u0131", "\u00a0", "\u2028", "\u200d", "\u0301", "\uff11", "\u00df", "\u1e9e",
       "\u00e9", "\u0645", "\u4e2d", "\U0001F600", "\u2764", "\x0b", "\x1c", "\x85", "\u3000", "_", "\t", "\n"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_superset_never_misses(lang):
    "Every text a marker regex matches is also matched by its RE2 superset, on odd Unicode text too."
    from hypothesis import given, settings, strategies as st
    from webcare_research.quality.replies import quality_nlp
    comp = quality_nlp(lang).get_pipe("webcare_quality_markers")
    frags = sorted({p for row, _ in comp.regexes for p in row.get("requires", [])} | {
        "Hi ", "Hoi ", "Dear Mr. ", "Sarah", "Émile", "Ole", ":)", ";-(", "<3", "^_^", "xD", "X)", "www.", "https://",
        "t.co/x", "example.com", ".nl", "sorrry", "laat ons even weten", "thank you so much for your message",
        "bedankt voor je bericht", "haha", "wooow", "ohh", "hmm", " ", "-", ".", "/", "@", "#", "3", "a", "Z"})
    texts = st.lists(st.sampled_from(frags + ODD) | st.text(max_size=3), max_size=14).map("".join)

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(texts, min_size=1, max_size=20))
    def check(batch):
        hits = comp.regex_hits(batch)
        for text, h in zip(batch, hits):
            for bit, (row, rx) in enumerate(comp.regexes):
                if rx.search(text):
                    assert (h >> bit) & 1, (row["label"], rx.pattern, text)

    check()
    samples = ["Hi \u212aarl", "hi \u017farah", "Ho\u0130 Ann", "\u212aelvin.com", "www.\u00e9\u00e9", "laat\u00a0je\u2028weten",
               "sorr\u0130y", "dank\u3000u voor uw bericht", ":\u0301)", "x\u0301D"]
    hits = comp.regex_hits(samples)
    for text, h in zip(samples, hits):
        for bit, (row, rx) in enumerate(comp.regexes):
            assert not rx.search(text) or (h >> bit) & 1, (row["label"], text)


def test_quality_file_in_partitions_equals_one_frame(tmp_path):
    "Two passes a partition at a time (boilerplate counted over every partition) = scoring the whole table at once."
    from webcare_research.demo.generate import write_demo
    from webcare_research.ingest.stage import ingest
    from webcare_research.study.config import load_config
    write_demo(tmp_path / "s", n_messages=2000, seed=3)
    files = [p for p in (tmp_path / "s").rglob("*") if p.is_file() and p.name not in ("study.yml", ".webcare-secrets.yml")]
    ingest(files, tmp_path / "in", config=load_config(tmp_path / "s" / "study.yml"), progress=False)
    src = tmp_path / "in" / "mentions.parquet"
    whole = quality_frame(pd.read_parquet(src))
    assert whole["boilerplate"].sum() > 0                             # the marker that needs all of a brand's replies
    got = quality_file(src, tmp_path / "q.parquet", partition_rows=150)
    pd.testing.assert_frame_equal(got, whole)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "q.parquet"), whole)
    assert pq.ParquetFile(tmp_path / "q.parquet").metadata.num_row_groups > 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "q.parquet", "s"]  # no spill or part file left
