"""Rule tests for webcare_sentiment and webcare_message_types: each case fails if its rule is removed."""
import math

import pandas as pd
import pytest
import spacy

import webcare_research.text.message_types  # noqa: F401  (registers the factory)
from webcare_research.text.message_types import MESSAGE_TYPES, classify_text, predict_types
from webcare_research.text.sentiment import (SENTIMENT_BACKENDS, THRESHOLDS, TransformersBackend, get_backend,
                                        score_texts)


def sc(text, lang="nl"):
    return float(score_texts([text], lang, backend="rules").sentiment_score[0])


def label(text, lang="nl"):
    return score_texts([text], lang, backend="rules").sentiment[0]


# --- negation -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang,pos,neg", [("nl", "goed", "niet goed"), ("nl", "vriendelijk", "niet vriendelijk"),
                                          ("en", "good", "not good"), ("en", "helpful", "wasn't helpful")])
def test_negation_flips(lang, pos, neg):
    assert sc(neg, lang) < 0 < sc(pos, lang)


def test_negated_negative_is_positive():
    assert sc("niet slecht") > 0 > sc("slecht")
    assert sc("not bad", "en") > 0 > sc("bad", "en")


def test_negation_phrases_nl():
    assert sc("geen probleem") > 0
    assert sc("nooit meer") < 0
    assert sc("geen internet") < 0 == sc("internet")          # deprivation
    assert sc("nog steeds niet opgelost") < 0 < sc("opgelost")


# --- intensifiers ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang,base,boosted", [("nl", "goed", "heel goed"), ("nl", "vriendelijk", "super vriendelijk"),
                                               ("nl", "fijn", "echt fijn"), ("nl", "fijn", "zo fijn"),
                                               ("en", "good", "very good"), ("en", "helpful", "extremely helpful")])
def test_intensifier_strengthens_positive(lang, base, boosted):
    assert sc(boosted, lang) > sc(base, lang) > 0


def test_intensifier_strengthens_negative_and_dampener_weakens():
    assert sc("erg slecht") < sc("slecht") < 0
    assert sc("traag") < sc("een beetje traag") < 0
    assert sc("very bad", "en") < sc("bad", "en") < 0


def test_exclamation_and_caps_amplify():
    assert sc("slecht!!!") < sc("slecht") < 0
    assert sc("GOOD service", "en") > sc("good service", "en") > 0


# --- emoji ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_emoji(lang):
    assert sc("😡", lang) < 0 and label("😡", lang) == "negative"
    assert sc("🙏", lang) > 0 and sc("😍", lang) > 0 and sc("❤️", lang) > 0
    assert sc(":(", lang) < 0 < sc(":)", lang)
    assert sc("de monteur komt morgen 😡", lang) < sc("de monteur komt morgen", lang)


# --- contrast -------------------------------------------------------------------------------------------
def test_contrast_clause_after_maar_weighs_more():
    assert sc("snel geholpen maar nog steeds geen internet") < 0
    assert sc("storing, maar super snel opgelost") > 0
    assert sc("nice app but it keeps crashing and it is useless", "en") < 0


# --- sarcasm --------------------------------------------------------------------------------------------
def test_sarcasm_nl():
    assert sc("bedankt hoor, weer vertraging") < 0
    assert sc("lekker dan") < 0 < sc("lekker eten")
    assert sc("nou fijn, weer een storing") < 0
    assert sc("top hoor, weer geen bereik") < 0


def test_sarcasm_near_misses_nl():
    assert sc("bedankt hoor, alles is opgelost") > 0        # sincere thanks stay positive
    assert sc("top hoor, dank voor de snelle hulp") > 0


def test_sarcasm_en():
    assert sc("thanks a lot for nothing", "en") < 0 < sc("thanks a lot", "en")
    assert sc("great, another delay", "en") < 0 < sc("great, delivered early", "en")
    assert sc("yeah right", "en") < 0


def test_empty_and_missing_texts_give_nulls():
    out = score_texts(["", None, "   ", "goed"], "nl")
    assert len(out) == 4
    assert out.sentiment[:3].isna().all() and out.sentiment[3] == "positive"


def test_factory_registered_on_import_and_works_in_blank_pipelines():
    for lang in ("nl", "en"):
        nlp = spacy.blank(lang)
        nlp.add_pipe("webcare_sentiment")
        nlp.add_pipe("webcare_message_types")
        doc = nlp("Weer storing 😡!!! Iedereen zit zonder internet" if lang == "nl" else "Outage again!!! Everyone is offline 😡")
        assert doc._.sentiment == "negative" and -1 <= doc._.sentiment_score < 0
        assert set(doc._.message_types) >= {"complaint", "crisis"}


def test_backend_registry_and_thresholds():
    assert set(SENTIMENT_BACKENDS) >= {"rules", "vader", "transformers"}
    assert THRESHOLDS["nl"][0] < THRESHOLDS["nl"][1]
    df = get_backend("vader", "en").score(["I love it", "I hate it", ""])
    assert df.sentiment.tolist()[:2] == ["positive", "negative"] and pd.isna(df.sentiment[2])
    with pytest.raises(ValueError, match="unknown sentiment backend"):
        get_backend("magic")


def test_transformers_backend_missing_path_is_clear():
    with pytest.raises(FileNotFoundError, match="never downloaded"):
        TransformersBackend("nl", model_path="/does/not/exist")


def test_transformers_backend_with_a_tiny_local_model(tmp_path):
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("torch")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "goed", "slecht", "storing", "top", "de", "is"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    tok = transformers.BertTokenizer(str(tmp_path / "vocab.txt"))
    cfg = transformers.BertConfig(vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                  intermediate_size=16, max_position_embeddings=64, num_labels=3,
                                  id2label={0: "negative", 1: "neutral", 2: "positive"},
                                  label2id={"negative": 0, "neutral": 1, "positive": 2})
    transformers.set_seed(0)
    transformers.BertForSequenceClassification(cfg).save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    nlp = spacy.blank("nl")
    nlp.add_pipe("webcare_sentiment", config={"backend": "transformers", "model_path": str(tmp_path)})
    docs = list(nlp.pipe(["de storing is slecht", "top", ""]))
    assert all(-1 <= d._.sentiment_score <= 1 for d in docs[:2])
    assert docs[0]._.sentiment in ("negative", "neutral", "positive")
    assert docs[2]._.sentiment is None


# --- message types ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,lang,expected", [
    ("@BankNu hoe kan ik mijn pinpas blokkeren?", "nl", {"question"}),
    ("Wanneer komt de monteur?", "nl", {"question"}),
    ("Serieus?", "nl", set()),                                                             # near miss: rhetorical
    ("Wat een geduld had die medewerker, echt heel lief", "nl", {"compliment"}),           # near miss: 'wat een' is no question
    ("Al drie dagen storing en nog steeds niet opgelost", "nl", {"complaint"}),
    ("Is er een storing in Amersfoort?", "nl", {"question"}),                              # near miss: question, not complaint
    ("Top geholpen door Sabrina, heel erg bedankt!", "nl", {"compliment"}),
    ("Bedankt hoor, weer vertraging", "nl", {"complaint"}),                                # sarcasm: no compliment
    ("Zou fijn zijn als de app ook de drukte laat zien", "nl", {"suggestion"}),
    ("Tip: zet het tijdvak in de app", "nl", {"suggestion"}),
    ("Waarom moet ik drie keer bellen? Belachelijk.", "nl", {"complaint"}),                # near miss: no suggestion
    ("Mijn contract loopt af, wie kan me een provider aanraden?", "nl", {"purchase_signal", "question"}),
    ("Ik ga overstappen naar een andere energieleverancier", "nl", {"purchase_signal"}),
    ("Weer storing, iedereen in Almere zit zonder internet!!!", "nl", {"complaint", "crisis"}),
    ("Ik stap naar de Radar als dit niet wordt opgelost", "nl", {"complaint", "crisis"}),
    ("Dat klopt niet, ik heb nooit een brief gekregen", "nl", {"factual_error"}),
    ("Mijn factuur klopt niet", "nl", {"complaint"}),                                      # near miss: no factual-error claim
    ("How do I change my plan?", "en", {"question"}),
    ("Outage again, already waited 3 days. Terrible", "en", {"complaint"}),
    ("Thank you so much, great service!", "en", {"compliment"}),
    ("Why don't you add a dark mode to the app", "en", {"suggestion"}),
    ("My contract ends next month, looking for a new provider", "en", {"purchase_signal"}),
    ("Whole city offline, going to the press with this", "en", {"complaint", "crisis"}),
    ("That's not true, I never received that letter", "en", {"factual_error"}),
    ("This is unacceptable!", "en", {"complaint"}),                                         # near miss: one '!' is no crisis
])
def test_message_type_rules(text, lang, expected):
    got = predict_types([text], lang).iloc[0]
    assert {t for t in MESSAGE_TYPES if got[f"type_{t}"]} == expected


def test_message_types_evidence_and_empty():
    types, ev = classify_text("Dat is niet waar, ik heb betaald", "nl", "negative", -0.4)
    assert "factual_error" in types and "niet waar" in ev["factual_error"]
    p = predict_types(["", "goed"], "nl")
    assert p.iloc[0].isna().all() and len(p) == 2
