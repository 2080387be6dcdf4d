"""Adapters end-to-end: every fixture (written in the real export layouts) is detected without --format, ingested
through `webcare_research.ingest.stage.ingest_frames`, and its counts add up; broken records land in the quarantine."""
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from webcare_research.study.config import Organisation, StudyConfig
from webcare_research.adapters.formats import FORMATS, UnknownFormatError, detect_format
from webcare_research.ingest.stage import ingest, ingest_frames, load_adapters
from webcare_research.mentions.privacy import is_pseudonym
from webcare_research.mentions.schema import validate_mentions

FIX = Path(__file__).resolve().parent / "fixtures" / "adapters"

DETECTED = {
    "xapi_search.json": "xapi",
    "xapi_tweets.jsonl": "xapi",
    "conversations.json": "conversations",
    "trustpilot_reviews.csv": "trustpilot",
    "trustpilot_api.json": "trustpilot",
    "google_reviews.json": "google_reviews",
    "facebook_page_feed.json": "facebook",
    "whatsapp_android_nl.txt": "whatsapp",
    "whatsapp_ios_en.txt": "whatsapp",
}
MAPPED = {"coosto_export.csv": "coosto", "spotler_engage_export.xlsx": "spotler_engage",
          "sprout_social_inbox.csv": "sprout_social"}


def study(**kw) -> StudyConfig:
    "The fictional organisation of the fixtures, with the ids each platform knows it by."
    org = Organisation("Belnet", handles=["BelnetHelpt", "@BelnetCare", "belnet_forum", "belnet.nl"],
                       account_ids=["123456789", "Belnet Klantenservice", "Belnet Support", "Belnet WhatsApp"],
                       page_ids=["104857600123456", "locations/9876543210987654321"])
    return StudyConfig(organisations=[org], salt="test-salt", **kw)


@pytest.fixture(scope="module", autouse=True)
def _adapters():
    load_adapters()


@pytest.mark.parametrize("name,fmt", sorted(DETECTED.items()))
def test_fixture_is_detected_without_format(name, fmt):
    assert detect_format(FIX / name).name == fmt


@pytest.mark.parametrize("name", sorted(MAPPED))
def test_tool_exports_are_not_guessed(name):
    "Tool exports need their mapping: detection must not claim them for another format."
    with pytest.raises(UnknownFormatError):
        detect_format(FIX / name)


def test_unknown_file_lists_expected_formats(tmp_path):
    p = tmp_path / "export.json"
    p.write_text(json.dumps({"items": [{"foo": 1}]}))
    with pytest.raises(UnknownFormatError) as e:
        detect_format(p)
    for name in ("xapi", "conversations", "trustpilot", "google_reviews", "facebook", "whatsapp", "mapped"):
        assert f"- {name}:" in str(e.value)


def test_all_formats_registered_in_ingest_order():
    assert list(FORMATS)[:8] == ["twcs", "xapi", "conversations", "trustpilot", "google_reviews", "facebook",
                                 "whatsapp", "mapped"]


@pytest.fixture(scope="module")
def all_fixtures():
    "One study over every detectable fixture at once."
    return ingest_frames([FIX / n for n in DETECTED], config=study())


def test_counts_add_up_per_file(all_fixtures):
    s = all_fixtures.summary
    assert s["counts_add_up"]
    for f, d in s["files"].items():
        assert d["counts_add_up"], f
        assert d["format"] == DETECTED[Path(f).name]
    assert s["input_rows"] == s["ingested"] + s["quarantined"] + s["duplicates"]


def test_one_valid_table_with_unique_ids_and_utc(all_fixtures):
    m = all_fixtures.mentions
    validate_mentions(m)
    assert m.message_id.is_unique
    assert str(m.created_at.dt.tz) == "UTC"
    assert set(m.channel) == {"twitter", "trustpilot", "google_reviews", "facebook", "whatsapp"}
    assert not m[m.channel == "whatsapp"].is_public.any() and m[m.channel != "whatsapp"].is_public.all()


def test_private_authors_pseudonymised_organisation_readable(all_fixtures):
    m = all_fixtures.mentions
    cust = m[m.author_role == "customer"]
    assert cust.author_id.map(is_pseudonym).all()
    assert not m.text.str.contains("@jdevries").any()
    org = m[m.author_role == "organisation"]
    assert not org.author_id.map(is_pseudonym).any()
    assert set(org.organisation) == {"Belnet"}


def test_replies_are_linked_and_answered(all_fixtures):
    m, t = all_fixtures.mentions, all_fixtures.threads
    byid = m.set_index("message_id")
    org = m[(m.author_role == "organisation") & m.in_reply_to_id.notna()]
    assert org.in_reply_to_id.isin(m.message_id).all()
    answered = t.set_index("message_id").answered
    # one reply per format, each answering the customer message it names
    for inbound in ["1876000000000000001", "tp:6789a1b2c3d4e5f601234567", "gr:AbFvOqn7Kx2mQp9sLd3Rt6Yw",
                    "fb:7890001_1122334455", "2008101705610170375"]:
        assert answered[inbound], inbound
    assert not answered["tp:6789a1b2c3d4e5f601234568"]  # a review without a company reply
    frt = t.set_index("message_id").frt_min
    assert frt["1876000000000000001"] == pytest.approx(19.75)
    assert frt["tp:6789a1b2c3d4e5f601234567"] == pytest.approx((14 * 60 + 2 + 11 / 60) - (8 * 60 + 30))
    assert byid.loc["tp:6789a1b2c3d4e5f601234567", "rating"] == 1.0


def test_broken_records_are_quarantined_with_reasons(all_fixtures):
    q = all_fixtures.quarantine
    reasons = set(q.reason)
    assert {"retweet (not an own message)", "missing or unparseable time", "broken encoding (bytes not valid UTF-8)",
            "Review Stars is not a number", "dialog without a company", "system line: encryption notice",
            "media omitted (attachment not in export)", "impossible date/time in dmy order"} <= reasons
    assert any(r.startswith("invalid JSON") for r in reasons)
    assert q.source_file.notna().all() and q.source_row.notna().all()


def test_whatsapp_times_in_study_timezone_dst():
    r = ingest_frames([FIX / "whatsapp_android_nl.txt"], config=study(timezone="Europe/Amsterdam"))
    t = r.mentions.sort_values("source_row").created_at
    assert t.iloc[0] == pd.Timestamp("2026-01-05 08:12", tz="UTC")   # winter: UTC+1
    assert t.iloc[-1] == pd.Timestamp("2026-03-30 07:05", tz="UTC")  # summer: UTC+2


def test_whatsapp_same_chat_twice_counts_duplicates(tmp_path):
    a = FIX / "whatsapp_android_nl.txt"
    b = tmp_path / "WhatsApp-chat met Jan Jansen.txt"
    shutil.copy(a, b)
    s = ingest_frames([a, b], config=study()).summary
    assert s["duplicates"] == 7 and s["counts_add_up"]


def test_whatsapp_without_config_uses_file_name(tmp_path):
    p = tmp_path / "WhatsApp Chat with Emma Smith.txt"
    shutil.copy(FIX / "whatsapp_ios_en.txt", p)
    m = ingest_frames([p], config=StudyConfig(language="en", timezone="Europe/London")).mentions
    assert set(m[m.author_role == "organisation"].author_id) == {"Belnet Support"}


def test_xapi_without_config_has_no_organisation():
    m = ingest_frames([FIX / "xapi_search.json"]).mentions
    assert (m.author_role == "customer").all()


def test_conversations_need_no_config():
    r = ingest_frames([FIX / "conversations.json"])
    m = r.mentions
    assert set(m[m.author_role == "organisation"].author_id) == {"BelnetHelpt"}
    assert r.threads.answered.any()


@pytest.mark.parametrize("name,mapping", sorted(MAPPED.items()))
def test_mapped_tool_exports_with_format(name, mapping):
    r = ingest_frames([FIX / name], fmt="mapped", config=study(mapping=mapping))
    s, m = r.summary, r.mentions
    assert s["counts_add_up"]
    assert (m.author_role == "organisation").any() and (m.author_role == "customer").any()
    assert r.threads.answered.any()
    validate_mentions(m)


def test_mapped_coosto_quarantine_and_times():
    r = ingest_frames([FIX / "coosto_export.csv"], fmt="mapped", config=study(mapping="coosto"))
    assert r.summary["input_rows"] == 5 and r.summary["ingested"] == 3 and r.summary["quarantined"] == 2
    m = r.mentions.set_index("message_id")
    assert m.loc["coosto:871234501", "created_at"] == pd.Timestamp("2026-01-05 08:12", tz="UTC")
    assert m.loc["coosto:871234502", "agent"] == "Sabrina"


def test_mapped_spotler_whatsapp_rows_are_private():
    m = ingest_frames([FIX / "spotler_engage_export.xlsx"], fmt="mapped", config=study(mapping="spotler_engage")).mentions
    assert not m[m.channel == "whatsapp"].is_public.any() and m[m.channel == "instagram"].is_public.all()


def test_mapped_jsonl_bad_line_quarantined():
    mapping = {"columns": {"message_id": "id", "text": "body", "created_at": "ts", "author_id": "user.handle",
                           "in_reply_to_id": "reply_to"}, "channel": "forum", "id_prefix": "forum:"}
    r = ingest_frames([FIX / "mapped_messages.jsonl"], fmt="mapped", config=study(mapping=mapping))
    assert r.summary["input_rows"] == 3 and r.summary["quarantined"] == 1 and r.summary["counts_add_up"]
    m = r.mentions.set_index("message_id")
    assert m.loc["forum:f-2", "author_role"] == "organisation"   # from the study config: belnet_forum
    assert r.threads.set_index("message_id").answered["forum:f-1"]


def test_mapping_naming_absent_column_is_a_clear_error():
    with pytest.raises(ValueError, match="does not have"):
        ingest_frames([FIX / "sprout_social_inbox.csv"], fmt="mapped", config=study(mapping="coosto"))


def test_mapped_detected_from_config_mapping():
    r = ingest_frames([FIX / "coosto_export.csv"], config=study(mapping="coosto"))
    assert r.summary["files"][str(FIX / "coosto_export.csv")]["format"] == "mapped"


def test_ingest_writes_files(tmp_path):
    s = ingest([FIX / "trustpilot_reviews.csv", FIX / "google_reviews.json"], tmp_path, config=study(), progress=False)
    assert s["counts_add_up"]
    q = pd.read_parquet(tmp_path / "quarantine.parquet")
    assert len(q) == s["quarantined"] and set(q.columns) >= {"source_file", "source_row", "field", "reason", "raw"}


# --- the real IBM customer-care conversations (../shared/data; skipped when absent) ---

@pytest.mark.parametrize("split,dialogs,turns,brands", [("dev", 525, 686, 24), ("test", 500, 639, 25)])
def test_ibm_conversations_counts_add_up(shared_data, split, dialogs, turns, brands):
    path = shared_data / "ibm_customer_care" / f"{split}.json"
    assert detect_format(path).name == "conversations"
    r = ingest_frames([path])
    s = r.summary
    assert s["input_rows"] == turns + dialogs           # every turn plus every closing agent reply
    assert s["counts_add_up"] and s["quarantined"] == 0
    assert s["ingested"] + s["duplicates"] == turns + dialogs
    m, t = r.mentions, r.threads
    assert m.created_at.notna().all()
    companies = {d["dialogHeader"]["company"] for d in json.loads(path.read_text())}
    assert len(companies) == brands and set(m.organisation) == companies
    # every dialog ends with an agent reply, so every brand answers most of its inbound messages
    per_brand = t.groupby("organisation").agg(rate=("answered", "mean"), frt=("frt_min", "median"))
    assert len(per_brand) == brands and (per_brand.rate > 0.5).all()
    assert (per_brand.frt > 0).all()


WRONG_FILE = [("xapi", "trustpilot_reviews.csv"), ("conversations", "google_reviews.json"),
              ("trustpilot", "whatsapp_android_nl.txt"), ("google_reviews", "facebook_page_feed.json"),
              ("facebook", "google_reviews.json"), ("whatsapp", "sprout_social_inbox.csv"),
              ("mapped", "mapped_messages.jsonl")]


@pytest.mark.parametrize("fmt,name", WRONG_FILE)
def test_forced_format_on_wrong_file_is_a_file_level_error(fmt, name):
    "--format on a file of another layout: a ValueError naming the file and what the format expects."
    with pytest.raises(ValueError) as e:
        ingest_frames([FIX / name], fmt=fmt, config=study())
    assert name in str(e.value)
