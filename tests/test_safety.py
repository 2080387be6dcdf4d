"""Issue 16 end to end: contained paths and distinct pages for colliding names, formula-safe exports, self-contained
reproducible HTML, no raw customer identifier in any output, readers that refuse incomplete folders, and interrupted
runs (real processes killed at several points) that a re-run completes to the same bytes as an uninterrupted run."""
import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

HOSTILE = ['=HYPERLINK("http://evil.example/x","klik hier")', "+1+1 wat kost dit", "-2+3 rekenen", "@SUM(A1:A9) hoi",
           "<script>alert('x')</script> mijn pakket", '<img src=x onerror="alert(1)"> waar blijft het',
           "javascript:alert(1) klik", "{{ 7*7 }} template", "\tbegint met tab"]
CUSTOMERS = ["klant_leak_one", "klant_leak_two", "klant_leak_three"]


def webcare(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "webcare_research", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env)


def _hostile_twcs(path: Path) -> Path:
    rows, tid = [], 1
    for day, org in enumerate(["Brand Care", "Brand.Care"]):
        for i, text in enumerate(HOSTILE):
            cust = CUSTOMERS[i % 3]
            q, a = tid, tid + 1
            tid += 2
            t0 = f"Mon Nov 0{day + 6} 1{i % 9}:00:00 +0000 2017"
            t1 = f"Mon Nov 0{day + 6} 1{i % 9}:30:00 +0000 2017"
            rows.append([q, cust, "True", t0, f"@{org.replace(' ', '')} {text} mail me at {cust}@example.com", a, ""])
            rows.append([a, org, "False", t1, f"@{cust} {text} sorry, DM ons", "", q])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"])
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def hostile_study(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    src = _hostile_twcs(d / "hostile.csv")
    assert webcare("init", d / "study", "--name", "../../../../tmp/escape").returncode == 0
    study = d / "study" / "study.yml"
    r = webcare("ingest", src, "--out", d / "p", "--config", study)
    assert r.returncode == 0, r.stderr
    r = webcare("measure", d / "p", "--out", d / "measures.csv", "--config", study)
    assert r.returncode == 0, r.stderr
    r = webcare("report", d / "p", "--config", study, "--text-sample", "0", cwd=d)
    assert r.returncode == 0, r.stderr
    return d, study


def test_study_name_never_becomes_a_path(hostile_study):
    d, _ = hostile_study
    reports = [p for p in Path("/tmp").glob("escape*")]
    assert not reports  # nothing written outside
    out = d / "reports" / "tmp-escape"  # cwd-relative default: reports/<slug of the name>
    assert out.is_dir() or (Path.cwd() / "reports" / "tmp-escape").is_dir() or any(
        p.is_dir() for p in (Path(__file__).resolve().parents[1] / "reports").glob("tmp-escape"))


def _report_dir(d: Path) -> Path:
    for base in (d, Path.cwd(), Path(__file__).resolve().parents[1]):
        p = base / "reports" / "tmp-escape"
        if p.is_dir():
            return p
    raise AssertionError("report folder not found")


def test_colliding_names_get_their_own_pages(hostile_study):
    d, _ = hostile_study
    out = _report_dir(d)
    assert (out / "brand-care.html").exists() and (out / "brand-care-2.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="brand-care.html">Brand Care<' in index and 'href="brand-care-2.html">Brand.Care<' in index


def test_exports_hold_no_live_formula(hostile_study):
    d, _ = hostile_study
    out = _report_dir(d)
    files = [d / "measures.csv", *out.glob("*.csv")]
    assert len(files) >= 5
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell and cell[0] in "=+@\t\r":
                        pytest.fail(f"{f.name}: live formula {cell[:40]!r}")
                    if cell.startswith("-") and not re.fullmatch(r"-[\d.eE+-]+", cell):
                        pytest.fail(f"{f.name}: live formula {cell[:40]!r}")


def test_html_is_self_contained_and_escaped(hostile_study):
    d, _ = hostile_study
    out = _report_dir(d)
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower(), page.name
        assert not re.search(r"<(?:script|img|link|iframe)[^>]+(?:src|href)=[\"']?(?:https?:)?//", html, re.I), page.name
        assert "<title>Notebook</title>" not in html
        assert "onerror=" not in html.replace("onerror=&quot;", "").replace('onerror=\\"', "") or "&lt;img" in html
        assert "<img src=x" not in html and "<script>alert" not in html


def test_no_raw_customer_identifier_in_any_output(hostile_study):
    d, _ = hostile_study
    out = _report_dir(d)
    files = [p for p in [*(d / "p").rglob("*"), d / "measures.csv", *d.glob("*.json"), *out.rglob("*")] if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files) and any(p.suffix == ".html" for p in files)
    leaks = []
    for p in files:
        data = p.read_bytes()
        if p.suffix == ".parquet":
            data = pd.read_parquet(p).to_csv().encode()
        for c in CUSTOMERS:
            if c.encode() in data:
                leaks.append(f"{p.name}: {c}")
    assert not leaks, leaks


def test_no_reidentification_by_hashing_guessed_handles(hostile_study):
    "With the study's private salt, hashing the real handles with the public default salt finds no pseudonym."
    from webcare_research.study.config import DEFAULT_SALT
    from webcare_research.mentions.privacy import pseudonym
    d, study = hostile_study
    m = pd.read_parquet(d / "p" / "mentions.parquet")
    seen = set(m["author_id"]) | set(re.findall(r"p_[0-9a-f]{12}", " ".join(m["text"])))
    guesses = {pseudonym(c, DEFAULT_SALT.encode()) for c in CUSTOMERS}
    assert not guesses & seen
    assert json.loads((d / "p" / "ingest_summary.json").read_text())["provenance"]["salt_source"] == ".webcare-secrets.yml"


def test_reports_are_byte_identical_across_runs(hostile_study, tmp_path):
    d, study = hostile_study
    r = webcare("report", d / "p", "--config", study, "--text-sample", "0", "--organisation", "Brand.Care",
                "--out", tmp_path / "again")
    assert r.returncode == 0, r.stderr
    a = (_report_dir(d) / "brand-care-2.html").read_bytes()
    b = (tmp_path / "again" / "brand-care-2.html").read_bytes()
    assert a == b


def test_readers_refuse_incomplete_or_broken_folders(hostile_study, tmp_path):
    d, study = hostile_study
    import shutil
    broken = tmp_path / "p"
    shutil.copytree(d / "p", broken)
    (broken / "ingest_summary.json").unlink()
    r = webcare("measure", broken, "--out", tmp_path / "m.csv")
    assert r.returncode == 3 and "did not complete" in r.stderr and "Traceback" not in r.stderr
    shutil.copy2(d / "p" / "ingest_summary.json", broken / "ingest_summary.json")
    (broken / "threads.parquet").write_bytes((d / "p" / "threads.parquet").read_bytes()[:100])
    r = webcare("measure", broken, "--out", tmp_path / "m.csv")
    assert r.returncode == 3 and "threads.parquet: not a readable Parquet file" in r.stderr


def _snapshot(folder: Path, skip=("findings", "policy")) -> dict:
    "Every file's bytes; the later stages' folders (written into the study folder by `webcare report`) left out."
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in skip}


# killed after the tables and the store (written side by side: one write for the hook), or after the quarantine
# (the third write is the marker)
@pytest.mark.parametrize("kill_after", [1, 2])
def test_interrupted_ingest_then_rerun_equals_uninterrupted(hostile_study, tmp_path, kill_after):
    d, study = hostile_study
    src = d / "hostile.csv"
    env = {**os.environ, "WEBCARE_KILL_AFTER_WRITES": str(kill_after)}
    r = webcare("ingest", src, "--out", tmp_path / "p", "--config", study, env=env)
    assert r.returncode == -9  # killed for real (SIGKILL), mid-write
    assert not (tmp_path / "p" / "ingest_summary.json").exists()  # the marker says: incomplete
    assert not [p for p in (tmp_path / "p").iterdir() if ".tmp-" in p.name]
    refused = webcare("measure", tmp_path / "p", "--out", tmp_path / "m.csv")
    assert refused.returncode == 3
    assert webcare("ingest", src, "--out", tmp_path / "p", "--config", study).returncode == 0
    assert _snapshot(tmp_path / "p") == _snapshot(d / "p")


def test_interrupted_report_keeps_the_previous_complete_set(hostile_study, tmp_path):
    d, study = hostile_study
    out = tmp_path / "r"
    env = {**os.environ, "WEBCARE_KILL_AFTER_WRITES": "1"}  # after the first page, in the staging folder
    r = webcare("report", d / "p", "--config", study, "--text-sample", "0", "--out", out, env=env)
    assert r.returncode == -9
    assert not out.exists()  # nothing half-done where the reports belong (staging only)
    assert webcare("report", d / "p", "--config", study, "--text-sample", "0", "--out", out).returncode == 0
    assert not list(tmp_path.glob(".r.staging-*"))  # the killed run's staging folder is cleared
    first = _snapshot(out)
    assert webcare("report", d / "p", "--config", study, "--text-sample", "0", "--out", out,
                   env={**os.environ, "WEBCARE_KILL_AFTER_WRITES": "2"}).returncode == -9
    assert _snapshot(out) == first  # the previous complete set is untouched
    assert webcare("report", d / "p", "--config", study, "--text-sample", "0", "--out", out).returncode == 0
    assert _snapshot(out) == first  # and a re-run gives the same bytes


_BLOB_RE = re.compile(rb"[A-Za-z0-9+/=\\n]{200,}")  # embedded images (base64): random digits, not identifiers


def _scan(files: list[Path], needles: set[str]) -> list[str]:
    leaks = []
    for p in files:
        data = pd.read_parquet(p).to_csv().encode() if p.suffix == ".parquet" else _BLOB_RE.sub(b"", p.read_bytes())
        for n in needles:
            if re.search(rb"(?<![\w@])@?" + re.escape(n.encode()) + rb"(?!\w)", data):
                leaks.append(f"{p.name}: {n}")
    return leaks


def test_leak_scan_twcs_sample_study(shared_data, tmp_path):
    "ingest, measure, report and topics on the real twcs sample: no raw customer id or handle in any output."
    src = shared_data / "twcs_sample" / "sample.csv"
    rows = list(csv.DictReader(open(src, newline="", encoding="utf-8")))
    customers = {r["author_id"] for r in rows if r["inbound"] == "True"}
    assert len(customers) > 20
    assert webcare("init", tmp_path / "s").returncode == 0
    study = tmp_path / "s" / "study.yml"
    steps = [("ingest", src, "--out", tmp_path / "p", "--config", study),
             ("measure", tmp_path / "p", "--out", tmp_path / "m.csv", "--config", study),
             ("report", tmp_path / "p", "--out", tmp_path / "r", "--config", study, "--organisation", "AppleSupport",
              "--text-sample", "50"),
             ("topics", tmp_path / "p" / "mentions.parquet", "--out", tmp_path / "t", "--config", study)]
    for args in steps:
        r = webcare(*args)
        assert r.returncode == 0, (args[0], r.stderr)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and ".webcare-secrets" not in p.name and p != study]
    assert len(files) > 10
    assert not _scan(files, customers)


def test_leak_scan_whatsapp_study(fixtures, tmp_path):
    "A WhatsApp study: the customers' sender names appear in no output (quarantine included)."
    chats = [fixtures / "adapters" / "whatsapp_android_nl.txt", fixtures / "adapters" / "whatsapp_ios_en.txt"]
    senders = set()
    for c in chats:
        senders |= set(re.findall(r"(?:\] | - )([A-Z][a-z]+ [A-Z][a-z]+): ", c.read_text(encoding="utf-8")))
    org_names = {"Belnet Klantenservice", "Belnet Support", "Belnet WhatsApp"}
    customers = senders - org_names
    assert customers, senders
    (tmp_path / "study.yml").write_text("name: wa\ntimezone: Europe/Amsterdam\nsalt: leak-test-salt\norganisations:\n"
                                        "  - name: Belnet\n    account_ids: ['Belnet Klantenservice', 'Belnet Support', "
                                        "'Belnet WhatsApp']\n")
    study = tmp_path / "study.yml"
    for args in (("ingest", *chats, "--out", tmp_path / "p", "--config", study),
                 ("measure", tmp_path / "p", "--out", tmp_path / "m.csv", "--config", study),
                 ("report", tmp_path / "p", "--out", tmp_path / "r", "--config", study, "--text-sample", "0")):
        r = webcare(*args)
        assert r.returncode == 0, (args[0], r.stderr)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p != study]
    assert not _scan(files, customers)
