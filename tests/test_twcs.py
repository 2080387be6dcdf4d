"""twcs end to end: the real Kaggle sample (shared data) and a fixture with every kind of broken row."""
import json

import pandas as pd
import pytest

from webcare_research.study.config import load_config
from webcare_research.adapters.formats import UnknownFormatError
from webcare_research.ingest.stage import ingest, ingest_frames
from webcare_research.measures.basic import DEFINITIONS, first_measures, format_definitions
from webcare_research.measures.sql import measure_dir


def test_shared_twcs_sample(shared_data, tmp_path):
    src = shared_data / "twcs_sample" / "sample.csv"
    s = ingest([src], tmp_path, progress=False)
    assert s["input_rows"] == 93 and s["counts_add_up"]
    assert s["ingested"] + s["quarantined"] + s["duplicates"] == 93
    assert s["formats"] == {"twcs": 1}
    m = measure_dir(tmp_path)
    assert len(m) == 13 and set(m.channel) == {"twitter"}
    assert m.response_rate.between(0, 1).all() and m.frt_median_min.notna().all()
    apple = m.set_index("organisation").loc["AppleSupport"]
    assert apple.inbound >= apple.answered > 0
    assert 0 < apple.frt_median_min <= apple.frt_p90_min
    # definitions travel with every table
    assert "in_reply_to_id" in m.attrs["definitions"]
    print(m.to_string(), "\n", format_definitions())
    mentions = pd.read_parquet(tmp_path / "mentions.parquet")
    cust = mentions[mentions.author_role == "customer"]
    assert cust.author_id.str.match(r"^p_[0-9a-f]{12}$").all()
    assert not mentions.text.str.contains(r"@1\d{5}\b").any()  # customer numbers in texts are pseudonymised
    assert mentions[mentions.author_role == "organisation"].author_id.isin(m.organisation).all()


def test_broken_rows_fixture(fixtures, tmp_path):
    src = fixtures / "twcs" / "broken.csv"
    cfg = load_config(fixtures / "ingest" / "study.yml")
    s = ingest([src], tmp_path, config=cfg, progress=False)
    saved = json.loads((tmp_path / "ingest_summary.json").read_text())
    prov = saved.pop("provenance")
    assert saved.pop("quarantine_raw") == "redacted"  # the run's decisions beside its counts; never the salt itself
    assert prov["salt_source"] == "study.yml" and "fixture-salt" not in json.dumps(prov)
    assert saved == json.loads(json.dumps(s))
    assert (s["input_rows"], s["ingested"], s["quarantined"], s["duplicates"]) == (17, 9, 7, 1)
    assert s["counts_add_up"] and s["files"][str(src)]["counts_add_up"]
    assert s["replies_to_unknown"] == 1
    assert s["files"][str(src)]["replaced_bytes"] == 1 and s["files"][str(src)]["replacement_characters"] == 1
    q = pd.read_parquet(tmp_path / "quarantine.parquet")
    assert set(q.columns) == {"source_file", "source_row", "field", "reason", "raw"}
    assert q.reason.notna().all() and (q.source_file == str(src)).all()
    by_reason = dict(zip(q.reason, q.raw))
    assert by_reason["unparseable date"] == "yesterday at noon"
    assert by_reason["inbound must be True or False"] == "maybe"
    assert by_reason["missing tweet_id"].startswith(",p_") and "200004" not in by_reason["missing tweet_id"]  # redacted
    assert by_reason["missing author_id"].startswith("1017,,")
    assert "1015,p_" in by_reason["wrong number of fields"]
    assert by_reason["duplicate message_id with different content"] == "1004"
    assert "empty text" in by_reason
    # nothing missing: every tweet id of the file is ingested, quarantined or a counted duplicate
    m = pd.read_parquet(tmp_path / "mentions.parquet")
    ids = {"1001", "1002", "1003", "1004", "1005", "1006", "1007", "1009", "1010", "1013", "1014", "1015", "1016", "1017"}
    quarantined_ids = {r.split(",")[0] for r in q.raw if "," in r} | {r.split(": ", 1)[1].split(",")[0] for r in q.raw if ": " in r}
    quarantined_rows = set(q.source_row.dropna().astype(int))
    assert set(m.message_id) | quarantined_ids | {"1004", "1007", "1013", "1014"} >= ids
    # source_row counts well-formed records (pyarrow does not number the row with 10 fields, so 1017 is record 16)
    assert quarantined_rows == {7, 8, 12, 13, 14, 16}
    # the bare carriage return stays inside its text, the config names the organisations
    assert "\r" in m.set_index("message_id").loc["1009", "text"]
    assert set(m.organisation.dropna()) == {"Belnet", "Voltiq"}
    t = pd.read_parquet(tmp_path / "threads.parquet").set_index("message_id")
    assert t.loc["1001", "frt_min"] == 15.0 and t.loc["1001", "first_reply_agent"] == "Sabrina"
    assert t.loc["1005", "private_channel"] == "dm" and t.loc["1009", "private_channel"] == "phone"
    assert t.loc["1016", "organisation"] == "Voltiq" and t.loc["1016", "addressed_via"] == "mention"


def test_missing_columns_is_a_clear_file_error(fixtures):
    with pytest.raises(ValueError, match=r"missing required columns \['inbound', 'created_at'") as e:
        ingest_frames([fixtures / "twcs" / "missing_columns.csv"], fmt="twcs")
    assert "twcs format expects" in e.value.hint


def test_unrecognised_file_lists_the_formats(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("nothing,we,know\n1,2,3\n")
    with pytest.raises(UnknownFormatError, match="twcs"):
        ingest_frames([p])


def test_definitions_cover_every_measure():
    for k in ("inbound", "answered", "response_rate", "first_response", "first_response_thread", "frt_business"):
        assert DEFINITIONS[k]
