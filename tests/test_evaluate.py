"""Evaluation harness end to end: own labelled webcare samples and the Dutch political tweets (shared data)."""
import json

import pandas as pd
import pytest

from webcare_research.text.evaluate import dev_test_split, evaluate_file
from webcare_research.text.message_types import TypeClassifier, cross_validate_types


def test_evaluate_own_dutch_sample(fixtures, tmp_path):
    src = fixtures / "text" / "webcare_nl_labelled.csv"
    res = evaluate_file(src, "text", "sentiment", task="sentiment", lang="nl", out_dir=tmp_path)
    assert res["n"] == len(pd.read_csv(src))
    assert res["macro_f1"] > res["baseline"]["macro_f1"] + 0.3
    for f in res["files"].values():
        assert (tmp_path / f.split("/")[-1]).exists()
    summary = json.loads((tmp_path / "evaluation_sentiment.json").read_text())
    assert summary["task"] == "sentiment" and summary["n"] == res["n"]
    table = pd.read_csv(tmp_path / "evaluation_sentiment.csv")
    assert {"negative", "neutral", "positive", "model", "majority_baseline"} <= set(table.label)
    cm = pd.read_csv(tmp_path / "confusion_sentiment.csv", index_col=0)
    assert int(cm.to_numpy().sum()) == res["n"]


def test_evaluate_types_own_samples(fixtures, tmp_path):
    for name, lang in [("webcare_nl_labelled.csv", "nl"), ("webcare_en_labelled.csv", "en")]:
        res = evaluate_file(fixtures / "text" / name, "text", "types", task="types", lang=lang, out_dir=tmp_path / lang)
        assert res["macro_f1"] > res["baseline"]["macro_f1"] + 0.3
        assert (tmp_path / lang / "evaluation_types.png").stat().st_size > 1000


def test_evaluate_auto_language_uses_lang_column(fixtures, tmp_path):
    both = pd.concat([pd.read_csv(fixtures / "text" / f) for f in ("webcare_nl_labelled.csv", "webcare_en_labelled.csv")])
    both.to_csv(tmp_path / "both.csv", index=False)
    res = evaluate_file(tmp_path / "both.csv", "text", "sentiment", lang="auto")
    assert res["n"] == len(both) and res["macro_f1"] > 0.6


def test_supervised_classifier_cross_validation(fixtures):
    df = pd.read_csv(fixtures / "text" / "webcare_nl_labelled.csv", keep_default_na=False)
    cv = cross_validate_types(df, "text", "types", folds=3, seed=42)
    assert cv.set_index("type").loc["question", "f1"] > 0.5
    assert (cv.support.sum()) == sum(len([x for x in t.split(";") if x]) for t in df.types)
    small = df.head(60)
    pd.testing.assert_frame_equal(cross_validate_types(small, "text", "types", folds=3, seed=7),
                                  cross_validate_types(small, "text", "types", folds=3, seed=7))  # fixed seed: reproducible


def test_political_tweets_beats_majority_baseline(shared_data, tmp_path):
    src = shared_data / "dutch_political_tweets_train" / "polarity_train.csv"
    df = pd.read_csv(src)
    dev, test = dev_test_split(df)
    assert len(dev) + len(test) == len(df) and not set(dev.index) & set(test.index)
    test.to_csv(tmp_path / "test.csv", index=False)
    res = evaluate_file(tmp_path / "test.csv", "content", "polarity", lang="nl")
    assert res["n"] == len(test)
    assert res["macro_f1"] > res["baseline"]["macro_f1"] + 0.2
