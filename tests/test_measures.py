"""First measures from an ingest folder, both reply rules, definitions printed with the table."""
import pandas as pd
import pytest

from webcare_research.study.config import load_config
from webcare_research.ingest.stage import ingest
from webcare_research.measures.basic import MEASURE_COLUMNS, first_measures, format_definitions
from webcare_research.measures.sql import measure_dir


@pytest.fixture(scope="module")
def processed(fixtures, tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    ingest([fixtures / "twcs" / "broken.csv"], out, config=load_config(fixtures / "ingest" / "study.yml"), progress=False)
    return out


def test_measure_dir(processed, fixtures):
    cfg = load_config(fixtures / "ingest" / "study.yml")
    m = measure_dir(processed, cfg).set_index("organisation")
    assert list(m.reset_index().columns) == ["organisation", "channel", *MEASURE_COLUMNS]
    assert m.loc["Belnet", "inbound"] == 3 and m.loc["Belnet", "answered"] == 3
    assert m.loc["Voltiq", "inbound"] == 2 and m.loc["Voltiq", "answered"] == 1
    assert m.loc["Voltiq", "response_rate"] == 0.5
    assert m.loc["Belnet", "frt_median_min"] == 30.0  # 15, 30 and 555 minutes
    assert m.loc["Belnet", "frt_business_median_min"] <= m.loc["Belnet", "frt_median_min"]
    assert "Opening hours (Europe/Amsterdam)" in m.attrs["definitions"]


def test_thread_rule_from_dir(processed):
    direct = measure_dir(processed)
    thread = measure_dir(processed, reply_rule="thread")
    assert thread.attrs["reply_rule"] == "thread" and "same conversation" in thread.attrs["definitions"]
    assert (thread.answered.to_numpy() >= direct.answered.to_numpy()).all()
    with pytest.raises(ValueError, match="reply_rule"):
        measure_dir(processed, reply_rule="nearest")


def test_measure_dir_without_ingest(tmp_path):
    from webcare_research.core.errors import InputError
    with pytest.raises(InputError, match="ingest did not complete") as e:
        measure_dir(tmp_path)
    assert "webcare ingest" in e.value.hint


def test_by_channel_only(processed):
    t = pd.read_parquet(processed / "threads.parquet")
    m = first_measures(t, by=("channel",))
    assert m.organisation.tolist() == ["all"] and m.inbound.tolist() == [5]
    assert format_definitions().startswith("Definitions (reply rule: direct)")
