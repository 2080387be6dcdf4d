"""Odd corpora finish: mention-only (no organisation replies), a single message, one organisation; the report says
what could not be computed and why. Organisations stay readable without a config when the format says who they are."""
import csv
import json
import subprocess
import sys

import pandas as pd
import pytest


def webcare(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "webcare_research", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


@pytest.fixture(scope="module")
def twcs_rows(shared_data):
    rows = list(csv.reader(open(shared_data / "twcs_sample" / "sample.csv", newline="", encoding="utf-8")))
    return rows[0], rows[1:]


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("kind", ["mention_only", "single_message"])
def test_commands_finish_without_organisation_messages(kind, twcs_rows, tmp_path):
    header, rows = twcs_rows
    inbound = [r for r in rows if r[2] == "True"]
    src = _write(tmp_path / "in.csv", header, inbound if kind == "mention_only" else inbound[:1])
    for args in (("ingest", src, "--out", tmp_path / "p"), ("measure", tmp_path / "p", "--out", tmp_path / "m.csv"),
                 ("report", tmp_path / "p", "--out", tmp_path / "r")):
        r = webcare(*args)
        assert r.returncode == 0 and "Traceback" not in r.stderr, (args, r.stderr)
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "geen organisatie gevonden" in page and "study.yml" in page  # says what is missing and how to fix it


def test_mention_only_report_says_replies_cannot_be_measured(twcs_rows, tmp_path):
    header, rows = twcs_rows
    src = _write(tmp_path / "in.csv", header, [r for r in rows if r[2] == "True"])
    (tmp_path / "study.yml").write_text("name: mentions\ntimezone: Europe/London\norganisations:\n"
                                        "  - name: Tesco\n    handles: ['@Tesco']\n")
    assert webcare("ingest", src, "--out", tmp_path / "p", "--config", tmp_path / "study.yml").returncode == 0
    r = webcare("report", tmp_path / "p", "--out", tmp_path / "r", "--config", tmp_path / "study.yml",
                "--organisation", "TESCO")  # matched case-insensitively
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "r" / "tesco_summary.json").read_text(encoding="utf-8"))
    assert summary["facts"]["org_messages"] == 0
    assert any("geen enkel bericht van Tesco" in s for s in summary["summary"])
    recs = pd.read_csv(tmp_path / "r" / "tesco_recommendations.csv")
    assert recs["theme"].tolist() == ["Data"]  # no advice on a 0% that only reflects missing data
    miss = webcare("report", tmp_path / "p", "--out", tmp_path / "r2", "--config", tmp_path / "study.yml",
                   "--organisation", "Tesko")
    assert miss.returncode == 3 and "did you mean 'Tesco'" in miss.stderr and "Traceback" not in miss.stderr


def test_organisation_handles_readable_without_config(shared_data, tmp_path):
    from webcare_research.ingest.stage import ingest_frames
    from webcare_research.benchmark.study import organisation_accounts
    from webcare_research.mentions.privacy import display_text
    from webcare_research.study.config import StudyConfig
    res = ingest_frames([shared_data / "twcs_sample" / "sample.csv"])
    m = res.mentions
    orgs = set(m.loc[m.author_role == "organisation", "author_id"])
    assert "AppleSupport" in orgs and "AppleSupport" in set(m["organisation"].dropna())
    inbound = m[m.author_role == "customer"]
    assert inbound["text"].str.contains("@AppleSupport", regex=False).any()  # the organisation stays readable
    shown = display_text(inbound["text"], StudyConfig().key, organisation_accounts(m))
    assert shown.str.contains("@AppleSupport", regex=False).any()
    raw_customers = {r["author_id"] for r in csv.DictReader(open(shared_data / "twcs_sample" / "sample.csv"))
                     if r["inbound"] == "True"}
    assert not raw_customers & set(inbound["author_id"])  # private persons stay pseudonymised
