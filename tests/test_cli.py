"""End-to-end through the `webcare` command line: the same commands the README and CI run."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from webcare_research.cli import app
from typer.testing import CliRunner

runner = CliRunner()


def webcare(*args, cwd=None):
    "Run the real console entry point in a subprocess (python -m webcare_research)."
    return subprocess.run([sys.executable, "-m", "webcare_research", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=900)


def test_help_lists_every_command():
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0
    for cmd in ("demo", "ingest", "measure", "report", "enrich", "evaluate", "quality", "topics"):
        assert cmd in r.output


def test_unknown_format_is_a_clear_error(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("just some notes\nnothing like an export\n")
    r = webcare("ingest", f, "--out", tmp_path / "out")
    assert r.returncode == 3  # an input error (2: config/usage)
    assert "could not recognise" in r.stderr and "twcs" in r.stderr


def test_missing_input_is_a_clear_error(tmp_path):
    r = webcare("ingest", tmp_path / "nope.csv", "--out", tmp_path / "out")
    assert r.returncode == 3 and "nope.csv" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture(scope="module")
def demo_study(tmp_path_factory):
    "The README's main job on a small demo corpus: demo -> ingest -> measure."
    d = tmp_path_factory.mktemp("study")
    raw, out = d / "raw", d / "processed"
    r = webcare("demo", "--out", raw, "--messages", 3000, "--seed", 7)
    assert r.returncode == 0, r.stderr
    files = sorted(p for p in raw.rglob("*") if p.is_file() and p.name != "study.yml")
    assert files
    r = webcare("ingest", *files, "--config", raw / "study.yml", "--out", out)
    assert r.returncode == 0, r.stderr
    r = webcare("measure", out, "--config", raw / "study.yml", "--out", out / "measures.csv")
    assert r.returncode == 0, r.stderr
    return d, raw, out, r.stdout


def test_demo_ingest_counts_add_up(demo_study):
    _, _, out, _ = demo_study
    s = json.loads((out / "ingest_summary.json").read_text())
    assert s["input_rows"] == s["ingested"] + s["quarantined"] + s["duplicates"]
    assert s["ingested"] > 2000
    m = pd.read_parquet(out / "mentions.parquet")
    assert len(m) == s["ingested"]
    assert m["author_role"].isin(["customer", "organisation", "other"]).all()
    # private persons are pseudonymised, organisations readable
    cust = m[m.author_role == "customer"].author_id
    assert cust.str.match(r"^p_[0-9a-f]{12}$").all()
    assert (m[m.author_role == "organisation"].author_id.str.startswith("p_")).sum() == 0


def test_measure_prints_definitions_and_writes_contract_columns(demo_study):
    _, _, out, stdout = demo_study
    assert "first response time" in stdout.lower() and "response rate" in stdout.lower()
    t = pd.read_csv(out / "measures.csv")
    for c in ("organisation", "channel", "inbound", "answered", "response_rate", "frt_median_min",
              "frt_p90_min", "frt_mean_min"):
        assert c in t.columns, c
    assert len(t) >= 4
    assert ((t.response_rate >= 0) & (t.response_rate <= 1)).all()
    assert (t.answered <= t.inbound).all()
    assert (t.frt_median_min.dropna() <= t.frt_p90_min.dropna()).all()


def test_report_renders_escaped_html(demo_study):
    d, raw, out, _ = demo_study
    org = pd.read_csv(out / "measures.csv").organisation.dropna().iloc[0]
    r = webcare("report", out, "--config", raw / "study.yml", "--out", d / "reports", "--organisation", org,
                "--text-sample", 0)
    assert r.returncode == 0, r.stderr
    html_files = sorted((d / "reports").glob("*.html"))
    assert html_files
    page = max(html_files, key=lambda p: p.stat().st_size).read_text()
    assert "tekstsample staat op 0" in page  # --text-sample reached the template
    assert "<img" in page or "data:image/png" in page
    assert "<script>alert" not in page
