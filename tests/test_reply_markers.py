"""Reply markers (redirects, apology, thanks, signature) against 1,042 real agent replies labelled by hand
(tests/fixtures/quality/agent_reply_markers.tsv: ids and labels only; the texts are read from ../shared/data, and the
test skips when that folder is absent), and Dutch phrasings that fail if a pattern family is removed.

The 1,042 replies include the 480 the patterns were developed on, so the figures here are a regression guard, not an
evaluation; the held-out figures (each round scored before its errors were looked at) are in
notebooks/explanations/reply_markers.ipynb."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from webcare_research.core.signals import find_redirects, private_channel
from webcare_research.quality.replies import quality_frame

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
LABELS = ROOT / "tests" / "fixtures" / "quality" / "agent_reply_markers.tsv"
CODES = {"p": "redirect_phone", "d": "redirect_dm", "e": "redirect_email", "c": "redirect_chat", "f": "redirect_form",
         "s": "redirect_store", "a": "chv_apology", "t": "chv_thanks", "g": "chv_signature"}


def agent_replies(shared: Path) -> dict[tuple[str, str], str]:
    "(source, tweet_id) -> text of every agent reply in the IBM customer-care sets and the twcs sample."
    out = {}
    for split in ("dev", "test"):
        for conv in json.loads((shared / "ibm_customer_care" / f"{split}.json").read_text(encoding="utf-8")):
            for turn in conv["dialogContent"]:
                if "agent" in turn:
                    out[(f"ibm_{split}", turn["tweet_ID"])] = turn["message"]
            a = conv["agentURL"]
            out[(f"ibm_{split}", a["tweet_ID"])] = a["url_utterance"]
    with open(shared / "twcs_sample" / "sample.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["inbound"] == "False":
                out[("twcs", r["tweet_id"])] = r["text"]
    return out


@pytest.fixture(scope="module")
def scored():
    if not (SHARED / "ibm_customer_care").is_dir():
        pytest.skip("../shared/data/ibm_customer_care is absent (the labelled replies' texts live there)")
    labels = pd.read_csv(LABELS, sep="\t", dtype=str, keep_default_na=False)
    texts = agent_replies(SHARED)
    labels["text"] = [texts[(s, t)] for s, t in zip(labels.source, labels.tweet_id)]
    q = quality_frame(labels.assign(author_role="organisation"), "text", lang="en")
    return labels, q


def scores(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp, fp, fn = (gold & pred).sum(), (~gold & pred).sum(), (gold & ~pred).sum()
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def test_every_labelled_reply_is_found_and_labels_are_valid(scored):
    labels, _ = scored
    assert len(labels) == 1042 and labels["round"].nunique() == 6
    assert set("".join(labels.markers)) <= set(CODES) | {"-"}
    two = labels[labels.second_pass != ""]
    assert len(two) == 100 and (two.markers.map(set) == two.second_pass.map(set)).mean() >= 0.9


@pytest.mark.parametrize("code", list(CODES))
def test_marker_f1_on_real_agent_replies(scored, code):
    labels, q = scored
    gold = labels.markers.str.contains(code, regex=False).to_numpy()
    pred = q[CODES[code]].fillna(False).astype(bool).to_numpy()
    p, r, f1 = scores(gold, pred)
    assert f1 >= 0.9, f"{CODES[code]}: P {p:.3f} R {r:.3f} F1 {f1:.3f} (n = {gold.sum()})"


DUTCH = {
    "redirect_phone": ["Kun je ons even bellen op 088 123 4567?", "We bellen je morgen terug.",
                       "Bel gerust met de klantenservice, die kan het direct regelen."],
    "redirect_dm": ["Stuur ons een DM met je ordernummer.", "Wil je ons een privébericht sturen?"],
    "redirect_email": ["Je kunt ons mailen via klantenservice@voorbeeld.nl.", "Stuur een e-mail naar info@voorbeeld.nl."],
    "redirect_chat": ["Chat gerust met ons via de app.", "Via onze chat helpen we je direct verder.",
                      "Stuur ons een WhatsApp, dan kijken we mee."],
    "redirect_form": ["Vul het contactformulier in op onze site.", "Maak een melding via deze link: https://voorbeeld.nl/m",
                      "Dien een klacht in via onze website."],
    "redirect_store": ["Kom even langs in een winkel bij jou in de buurt.", "Ga langs bij het servicepunt, daar helpen ze je.",
                       "Je kunt het toestel laten nakijken in onze winkel in de buurt."],
    "chv_apology": ["Sorry voor het ongemak!", "Excuses voor de vertraging."],
    "chv_thanks": ["Bedankt voor je bericht!", "Dank je wel voor je geduld, we waarderen het."],
}
NOT = {  # near misses: the same words, no redirect / marker
    "redirect_phone": ["Bellen is helaas niet mogelijk, maar we helpen je hier verder."],
    "redirect_dm": ["Dit lossen we op zonder DM, hier in het gesprek. ^PB"],
    "redirect_store": ["De winkel is vandaag gesloten wegens verbouwing."],
    "redirect_chat": ["Welke WhatsApp-versie gebruik je op je telefoon?"],
}


@pytest.mark.parametrize("marker", list(DUTCH))
def test_dutch_phrasings(marker):
    texts = DUTCH[marker] + NOT.get(marker, [])
    q = quality_frame(pd.DataFrame({"text": texts, "author_role": "organisation"}), "text", lang="nl")
    got = q[marker].fillna(False).astype(bool).tolist()
    assert got == [True] * len(DUTCH[marker]) + [False] * len(NOT.get(marker, [])), list(zip(texts, got))


def test_store_visit_is_a_redirect_but_not_a_private_channel():
    t = pd.Series(["Please visit your nearest Apple Store for a repair.", "Please DM us your order number."])
    red = find_redirects(t)
    assert red.store.tolist() == [True, False] and red.dm.tolist() == [False, True]
    ch = private_channel(t)
    assert ch.isna().tolist() == [True, False] and ch[1] == "dm"
