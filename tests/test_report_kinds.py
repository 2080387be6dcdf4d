"""The three report kinds of a `webcare run` study — organisation whitepaper, benchmark report, student portfolio — in
Dutch and English, checked as a reader sees them: opened in headless Chromium (Playwright drives Debian's chromium;
the test setup installs it in CI), printed to PDF and read back with poppler (page size A4, page count, non-empty
pages, no `file://`). Hostile corpus text must show as text and run nothing. A failing cell stops only its report."""
from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from webcare_research.demo.generate import write_demo
from webcare_research.report import render
from webcare_research.run.study import run_study

HOSTILE = {"script": "<script>alert('xss-script')</script> mijn factuur klopt niet",
           "img": '<img src=x onerror="alert(\'xss-img\')"> waar blijft mijn terugbetaling',
           "link": '<a href="javascript:alert(\'xss-link\')">klik hier</a> voor mijn klacht',
           "template": "{{ 7*7 }} en ${7*7} en {% raw %} in mijn review"}
KINDS = [("organisation", "nl"), ("organisation", "en"), ("benchmark", "nl"), ("benchmark", "en"),
         ("portfolio", "nl"), ("portfolio", "en")]
needs_chromium = pytest.mark.skipif(render._chromium() is None, reason="Debian's chromium is not installed "
                                    "(the CI test setup installs it; locally: apt-get install chromium poppler-utils)")


def _add_hostile_reviews(study: Path) -> None:
    "Append hostile Trustpilot reviews for Voltera, dated last, so they are among the report's recent messages."
    path = study / "reviews" / "trustpilot_voltera.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head, last = rows[0], rows[-1]
    for i, text in enumerate(HOSTILE.values()):
        r = dict(zip(head, last))
        r.update({"Review ID": f"ffffffffffffffffffff{i:04d}", "Review Created (UTC)": f"2027-01-0{i + 1} 12:00:00",
                  "Review Consumer User ID": f"ffffffffffffffffffff{i:04d}", "Review Content": text,
                  "Review Title": "<b>titel</b>", "Company Reply Date (UTC)": "", "Reply Content": ""})
        rows.append([r[h] for h in head])
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    d = tmp_path_factory.mktemp("kinds")
    write_demo(d, n_messages=900, seed=5)
    _add_hostile_reviews(d)
    run_study(d / "study.yml", progress=False)
    return d / "study.yml"


@pytest.fixture(scope="module")
def reports(study):
    "Every kind in both languages, HTML and PDF (PDF only when chromium is there)."
    formats = ("html", "pdf") if render._chromium() else ("html",)
    out = {}
    for kind, lang in KINDS:
        paths, failures = render.render_study(study, kind=kind, lang=lang, formats=formats, progress=False,
                                              organisation=None if kind == "benchmark" else "Voltera")
        assert not failures, failures
        out[kind, lang] = {p.suffix: p for p in paths if p.suffix in (".html", ".pdf") and p.stem != "index"}
    return out


def test_every_kind_and_language_lands_in_its_folder(reports, study):
    base = study.parent / "reports" / "demo" / "reports"
    for (kind, lang), files in reports.items():
        page = files[".html"]
        assert page.parent == base / kind / lang, page
        text = page.read_text(encoding="utf-8")
        assert text.startswith(f'<!DOCTYPE html>\n<html lang="{lang}">')
        assert "<script" not in text and "http://" not in text and "https://" not in text  # self-contained, offline
        assert "WhatsApp-chat met" not in text  # export file names name private persons: never on a page
    org_nl = reports["organisation", "nl"][".html"].read_text(encoding="utf-8")
    org_en = reports["organisation", "en"][".html"].read_text(encoding="utf-8")
    assert "Samenvatting" in org_nl and "Executive summary" in org_en and "Executive summary" not in org_nl
    # numbers and dates the way each language writes them
    assert re.search(r"\d+ (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) 20\d\d", org_nl)
    assert re.search(r"\d+ (January|February|March|April|May|June|July|August|September|October|November|December) 20\d\d", org_en)
    assert "95%-BI" in org_nl and "95% CI" in org_en
    # the recommendations and policy come from the rulebook in the report's language
    assert "Concept-webcarebeleid" in org_nl and "Draft webcare policy" in org_en and "Scope and roles" in org_en
    # figures and tables exported beside the report, spreadsheet-safe
    files = reports["organisation", "nl"][".html"].with_name("voltera_files")
    assert {"survival.png", "channels.csv", "channels.xlsx", "kpi-targets.xlsx"} <= {p.name for p in files.iterdir()}
    # example replies: the names the quality markers found in Voltera's replies are masked
    import pandas as pd
    q = pd.read_parquet(study.parent / "reports" / "demo" / "data" / "quality.parquet")
    q = q[(q["organisation"] == "Voltera") & (q["author_role"] == "organisation")]
    names = set(q["chv_customer_name_evidence"].dropna()) | set(q["chv_signature_evidence"].dropna())
    examples = re.search(r"Example replies</h4>.*?</table>", org_en, re.S).group(0)
    assert names and "[…]" in examples and not [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", examples)]
    # the portfolio: an editable notebook with a markdown cell per answer box
    ed = json.loads(reports["portfolio", "nl"][".html"].with_name("voltera_editable.ipynb").read_text(encoding="utf-8"))
    assert sum("student" in c["metadata"].get("tags", []) for c in ed["cells"]) >= 6


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if render._chromium() is None:
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=render._chromium(), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@needs_chromium
@pytest.mark.parametrize("kind,lang", KINDS)
def test_page_as_a_reader_sees_it(reports, browser, kind, lang):
    page = browser.new_page()
    dialogs, requests, errors = [], [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(reports[kind, lang][".html"].as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == lang
    # visible headings: the cover title and the chapters
    assert page.locator("h1").first.is_visible()
    h2 = [t.strip() for t in page.locator("main > h2").all_inner_texts()]
    assert len(h2) >= 5, h2
    # every figure loaded (a data: PNG of real size)
    assert page.evaluate("[...document.images].length") >= 2
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 50)")
    # the table of contents: every link resolves to a heading on the page, and clicking one scrolls to it
    hrefs = page.evaluate("[...document.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 5 and all(page.evaluate(f"!!document.getElementById({h[1:]!r})") for h in hrefs)
    target = hrefs[len(hrefs) // 2]
    page.click(f"nav.toc a[href='{target}']")
    top = page.evaluate(f"document.getElementById({target[1:]!r}).getBoundingClientRect().top")
    assert page.url.endswith(target) and -5 <= top < page.evaluate("window.innerHeight")
    # nothing ran, nothing was fetched
    assert page.evaluate("document.scripts.length") == 0 and not dialogs and not errors and not requests
    page.close()


@needs_chromium
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_hostile_corpus_text_shows_as_text_and_runs_nothing(reports, browser, lang):
    html = reports["organisation", lang][".html"]
    page = browser.new_page()
    fired = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    page.on("console", lambda m: fired.append(m.text) if "xss" in m.text else None)
    page.goto(html.as_uri())
    text = page.inner_text("body")
    for hostile in ("<script>alert('xss-script')</script>", "onerror=", "javascript:alert('xss-link')", "{{ 7*7 }}"):
        assert hostile in text, hostile  # shown as the customer wrote it
    assert "49" not in re.findall(r"\{\{ 7\*7 \}\}|49 en", text)  # no template engine evaluated it
    assert page.evaluate("document.querySelectorAll('main script, main img[onerror], a[href^=\"javascript\"]').length") == 0
    assert page.evaluate("[...document.images].every(i => i.src.startsWith('data:image/png'))")
    assert not fired
    page.close()


def _pdftext(pdf: Path, *args) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@needs_chromium
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("kind,lang", KINDS)
def test_pdf_is_a4_with_cover_footer_and_no_paths(reports, kind, lang, tmp_path):
    pdf = reports[kind, lang][".pdf"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, info  # A4, not US Letter
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 4
    text = _pdftext(pdf)
    assert "file://" not in text and "about:blank" not in text
    # the footer: the report title and "page x of y" on every page but the cover
    word = {"nl": "pagina", "en": "page"}[lang]
    assert f"{word} 2 {'van' if lang == 'nl' else 'of'} {pages}" in text and f"{word} 1 " not in text
    cover = _pdftext(pdf, "-f", "1", "-l", "1")
    assert {"nl": "Datum", "en": "Date"}[lang] in cover
    # every page has ink: rendered to PNG, no page is blank
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(tmp_path / "p")], check=True)
    from PIL import Image
    for png in sorted(tmp_path.glob("p*.pgm")) or sorted(tmp_path.glob("p*.png")):
        lo, _ = Image.open(png).getextrema()
        assert lo < 200, f"{png.name} is blank"


def test_a_failing_report_stops_only_itself(study, monkeypatch):
    "--all with one broken organisation: its error names the report and the cell; the others are written."
    from webcare_research.report import sections
    real = sections.load_context

    def broken(findings_path, *a, **k):
        if Path(findings_path).stem == "zendara":
            raise ValueError("broken findings on purpose")
        return real(findings_path, *a, **k)
    # the kernels import the package from disk: break it there through a sitecustomize on their path
    shim = study.parent / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(
        "import webcare_research.report.sections as s\nreal = s.load_context\n"
        "def broken(findings_path, *a, **k):\n"
        "    if str(findings_path).endswith('zendara.json'):\n"
        "        raise ValueError('broken findings on purpose')\n"
        "    return real(findings_path, *a, **k)\n"
        "s.load_context = broken\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(shim))
    paths, failures = render.render_study(study, kind="organisation", lang="en", progress=False, exports=False)
    assert len(failures) == 1 and "'Zendara' failed in cell" in failures[0] and "broken findings on purpose" in failures[0]
    pages = {p.name for p in paths if p.suffix == ".html"}
    assert {"voltera.html", "spoorlint.html", "bestelbaai.html", "spaarhaven.html", "index.html"} <= pages
    assert "zendara.html" not in pages


def test_cli_report(study):
    "The CLI renders into reports/<kind>/<lang>/ with a manifest of what produced it; bad input is one line."
    webcare = shutil.which("webcare", path=str(Path(sys.executable).parent)) or "webcare"
    ok = subprocess.run([webcare, "report", str(study), "--kind", "benchmark", "--lang", "nl"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    page = Path(ok.stdout.strip().splitlines()[-1])
    assert page.parts[-3:] == ("benchmark", "nl", "benchmark.html")
    man = json.loads(page.with_name("manifest.json").read_text(encoding="utf-8"))
    assert man["command"] == "report" and man["kind"] == "benchmark" and man["lang"] == "nl" and "config_sha256" in man
    bad = subprocess.run([webcare, "report", str(study), "--kind", "poster"], capture_output=True, text=True)
    assert bad.returncode != 0 and "--kind must be organisation, benchmark or portfolio" in bad.stderr + bad.stdout
    assert "Traceback" not in bad.stderr
    none = subprocess.run([webcare, "report", str(study), "--org", "Nobody BV"], capture_output=True, text=True)
    assert none.returncode != 0 and "Nobody BV" in none.stderr + none.stdout and "Traceback" not in none.stderr


def test_student_writes_in_the_editable_portfolio(reports, tmp_path):
    "The editable notebook's boxes are Markdown cells; `webcare report --notebook` puts the student's text in the page."
    src = reports["portfolio", "nl"][".html"].with_name("voltera_editable.ipynb")
    nb = json.loads(src.read_text(encoding="utf-8"))
    box = next(c for c in nb["cells"] if "student" in c["metadata"].get("tags", []))
    box["source"] = "".join(box["source"]).replace("…", "Snel en **persoonlijk** <script>alert(1)</script>")
    mine = tmp_path / "mijn_portfolio.ipynb"
    mine.write_text(json.dumps(nb), encoding="utf-8")
    webcare = shutil.which("webcare", path=str(Path(sys.executable).parent)) or "webcare"
    r = subprocess.run([webcare, "report", "--notebook", str(mine)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = mine.with_suffix(".html").read_text(encoding="utf-8")
    assert "<strong>persoonlijk</strong>" in page and "<script>alert(1)" not in page and '<html lang="nl">' in page


def test_explore_notebook_runs_on_the_outputs(study):
    "`webcare run` writes explore.ipynb into the output folder; it runs there, reading the run's files."
    import nbformat
    from nbclient import NotebookClient
    out = study.parent / "reports" / "demo"
    nb = nbformat.read(out / "explore.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(out)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors and any("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
