"""Organisation report from an ingest folder (`webcare report FOLDER`): the papermill templates' contract, a smoke render of
a tiny study (sections, figures, sidecars), escaping, privacy, 'not available' guards, failure modes. The three report
kinds of a `webcare run` study, in both languages, in a real browser and as PDF: tests/test_report_kinds.py."""
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

from webcare_research.report import render

from webcare_research.report import sections as report
from webcare_research.report.document import template_path
from webcare_research.study.config import load_config, norm_handle
from webcare_research.demo.generate import write_demo
from webcare_research.mentions.privacy import is_pseudonym
from webcare_research.core.errors import InputError

TEMPLATE = template_path("organisation")
XSS = "<script>alert(1)</script>"
PARAMS = {"findings_path": "x.json", "policy_path": "", "study": "Org <b>", "config_path": "", "sidecar_prefix": "",
          "lang": "nl", "run_dir": "", "exports_dir": ""}


@pytest.mark.parametrize("kind", ["organisation", "benchmark", "portfolio"])
def test_templates_have_typed_parameters_and_no_logic(kind):
    nb = json.loads(template_path(kind).read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and [c for c in nb["cells"] if c["cell_type"] == "code"][0] is tagged[0], \
        "exactly one `parameters` cell, the first code cell of the template"
    params = pm.inspect_notebook(str(template_path(kind)))
    if kind != "benchmark":
        assert set(params) == set(report.REPORT_PARAMETERS) == set(PARAMS)
    assert all(p["inferred_type_name"] in ("str", "int") and p["help"] for p in params.values()), params
    # the parameters cell holds only typed assignments; no logic anywhere in the template
    first = "".join(tagged[0]["source"]).splitlines()
    assert all(re.match(r"^\w+: (str|int) = [^()]*  # ", line) for line in first), first
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and c is not tagged[0])
    assert not re.search(r"^\s*(for|while|if|def|class|try|with)\b|\blambda\b", code, re.M), code


def test_prepare_only(tmp_path):
    out = tmp_path / "prepared.ipynb"
    pm.execute_notebook(str(TEMPLATE), str(out), prepare_only=True, parameters=PARAMS)
    nb = json.loads(out.read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and 'study = "Org <b>"' in "".join(injected[0]["source"])


@pytest.fixture(scope="module")
def tiny_study(tmp_path_factory, fixtures):
    ingest_mod = pytest.importorskip("webcare_research.ingest.stage")
    d = tmp_path_factory.mktemp("study")
    paths = write_demo(d / "raw", n_messages=300, seed=3)
    cfg = load_config(paths[-1])
    inputs = [p for p in paths[:-1] if "instagram" not in p.parts] + [fixtures / "report" / "trustpilot_xss.csv"]
    ingest_mod.ingest(inputs, d / "processed", config=cfg, progress=False)
    return d / "processed", paths[-1]


@pytest.fixture(scope="module")
def rendered(tiny_study, tmp_path_factory):
    processed, cfg = tiny_study
    out = tmp_path_factory.mktemp("reports")
    paths = render.render_report(processed, out_dir=out, config=cfg, organisation="Voltera", sample_size=20, text_sample=300)
    return out, paths


def _page(out):
    return (out / "voltera.html").read_text(encoding="utf-8")


def test_render_smoke(rendered):
    out, paths = rendered
    names = {p.name for p in paths}
    assert {"voltera.ipynb", "voltera.html", "voltera_measures.csv", "voltera_recommendations.csv", "voltera_summary.json",
            "index.html"} <= names
    page = _page(out)
    assert "Webcare-rapportage Voltera" in page and page.startswith('<!DOCTYPE html>\n<html lang="nl">')
    for section in ("Samenvatting", "Aanbevelingen", "Vergelijking met de andere organisaties", "Servicelevels",
                    "Avond, nacht en weekend", "Kwaliteit van de reacties", "Concept-webcarebeleid", "Methode en definities",
                    "Reactienormen en servicelevel", "Per situatie", "KPI-doelen", "Pieken", "Inhoud"):
        assert section in page, section
    assert "frt_median_min" in page and "response_rate_%" in page and "km_median_min" in page and "<table" in page
    # peers, KM curve, unanswered heatmap, volume heatmap, CHV profile: embedded PNGs with a caption as alt text
    assert page.count("src='data:image/png;base64,") == 6 and page.count("<figcaption>") == 6  # + the content calendar
    assert "def " not in page and "report.load_context" not in page  # input cells excluded
    # nothing leaked from the kernel: no stderr output, warnings or tracebacks; no Jupyter page, no script at all
    assert "stderr" not in page and "TqdmWarning" not in page and "Traceback" not in page
    assert "<script" not in page and "jp-Notebook" not in page and "Content-Security-Policy" in page
    m = pd.read_csv(out / "voltera_measures.csv")
    assert set(m.organisation) == {"Voltera"} and (m.answered <= m.inbound).all()
    assert "voltera.html" in (out / "index.html").read_text(encoding="utf-8")


def test_summary_and_benchmark_agree_with_the_data(rendered, tiny_study):
    out, _ = rendered
    processed, _ = tiny_study
    summary = json.loads((out / "voltera_summary.json").read_text(encoding="utf-8"))
    f = summary["facts"]
    t = pd.read_parquet(processed / "threads.parquet")
    v = t[t.organisation == "Voltera"]
    assert f["inbound"] == len(v) and f["answered"] == int(v.answered.sum())
    assert f["response_rate_ci_low"] <= f["response_rate"] <= f["response_rate_ci_high"]
    assert f["n_orgs"] == t.organisation.nunique() >= 2 and 1 <= f["rank_response_rate"] <= f["n_orgs"]
    s = summary["summary"]
    assert 3 <= len(s) <= 5 and s[0].startswith("Voltera ontving van ")
    assert f"{f['response_rate'] * 100:.0f}%" in s[0] and "95%-BI" in s[1] + s[2] and f"{f['n_orgs']} organisaties" in s[-1]
    page = _page(out)
    assert all(sentence.replace("'", "&#x27;") in page for sentence in s)
    # the focus organisation is highlighted in the benchmark table, peers are listed
    focus = re.findall(r"<tr class=[\"']focus[\"']>(.*?)</tr>", page)
    assert len(focus) == 1 and "Voltera" in focus[0]
    assert all(org in page for org in t.organisation.dropna().unique())
    recs = pd.read_csv(out / "voltera_recommendations.csv")
    assert len(recs) >= 1 and recs.priority.is_monotonic_increasing and recs.finding.str.len().gt(10).all()


def test_corpus_text_is_escaped_left_aligned_with_line_breaks(rendered):
    page = _page(rendered[0])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and XSS not in page
    assert "&lt;b&gt;Vet&lt;/b&gt;" in page and "<b>Vet</b>" not in page
    # multi-line review: real line breaks, never a literal backslash-n
    assert re.search(r"&lt;b&gt;Vet&lt;/b&gt; slecht(<br/?>)+&lt;script&gt;", page)
    assert "\\n" not in re.sub(r"<style.*?</style>|<script.*?</script>", "", page, flags=re.S)
    assert "table.webcare th, table.webcare td { text-align: left" in page
    assert re.search(r"<td class=[\"']txt[\"']>&lt;b&gt;Vet", page)  # text cells: class txt, left-aligned


def test_no_private_handles_or_names(rendered, tiny_study):
    page = _page(rendered[0])
    _, cfg_path = tiny_study
    cfg = load_config(cfg_path)
    org_handles = {norm_handle(h) for o in cfg.organisations for h in o.handles}
    # everything but the stylesheet and the printed definitions (which say "they @mention one of its handles")
    text = re.sub(r"<style.*?</style>|<script.*?</script>|<ul class=[\"']definitions[\"']>.*?</ul>", "", page, flags=re.S)
    handles = set(re.findall(r"(?<![\w.])@([A-Za-z0-9_]{1,30})", text))
    assert handles and all(norm_handle(h) in org_handles or is_pseudonym(h) for h in handles), handles
    # the fixture's reviewer name and id, and WhatsApp chat partners (file names), never reach the report
    assert "Test Klant" not in page and "00000000000000000000abcd" not in page and "WhatsApp-chat met" not in page
    authors = re.findall(r"<td class=[\"']txt[\"']>(p_[0-9a-f]+)</td>", page)
    assert authors and all(is_pseudonym(a) for a in authors)


def _context(processed, cfg, organisation, text_sample=1000):
    "A report context the way a kernel gets one: from the findings and policy files of the study folder."
    from webcare_research.benchmark.study import study_findings
    from webcare_research.policy.plan import study_policy
    found = study_findings(processed, load_config(cfg), text_sample=text_sample, progress=False)
    pol = study_policy(found, Path(processed) / "policy")
    return report.load_context(found[organisation], pol[organisation], str(cfg), "demo")


def test_not_available_guards(tiny_study, tmp_path):
    processed, cfg = tiny_study
    ctx = _context(processed, cfg, "Voltera", text_sample=0)
    assert ctx.findings.types is None and "Soorten berichten niet beschikbaar" in report.sentiment_topics_section(ctx)
    # no organisation replies at all: quality cannot run, the report says so instead of failing
    d = tmp_path / "noreplies"
    d.mkdir()
    m = pd.read_parquet(processed / "mentions.parquet")
    m[m.author_role != "organisation"].to_parquet(d / "mentions.parquet")
    shutil.copy(processed / "threads.parquet", d / "threads.parquet")
    shutil.copy(processed / "ingest_summary.json", d / "ingest_summary.json")
    ctx = _context(d, cfg, "Voltera", text_sample=0)
    assert ctx.findings.quality is None and ctx.findings.quality_profile is None
    assert "Kwaliteit van de reacties niet beschikbaar" in report.quality_section(ctx)
    # outside a `webcare run` folder there are no spikes or league tables: the sections say so, in English too
    assert "Geen pieken gevonden" in report.spikes_section(ctx)
    ctx.lang = "en"
    assert "Reply quality not available" in report.quality_section(ctx) and "No spikes found" in report.spikes_section(ctx)


def test_failing_cell_raises_clear_error(tiny_study, fixtures, tmp_path):
    processed, cfg = tiny_study
    from webcare_research.core.errors import RenderError
    with pytest.raises(RenderError) as e:
        render.render_report(processed, out_dir=tmp_path, config=cfg, organisation="Voltera",
                             template=fixtures / "report" / "failing_template.ipynb")
    assert isinstance(e.value.__cause__, PapermillExecutionError) and e.value.exit_code == 4
    msg = str(e.value) + " " + (e.value.hint or "")
    assert "template cell failed on purpose" in msg and "ValueError" in msg
    assert "organisation report for 'Voltera' failed in cell 3" in msg  # cell 0 = parameters, 1 = injected parameters, 2, then the failing one
    assert (tmp_path / "voltera.ipynb").exists()


def test_unknown_organisation_and_format(tiny_study, tmp_path):
    processed, cfg = tiny_study
    with pytest.raises(ValueError, match="unknown report formats"):
        render.render_report(processed, out_dir=tmp_path, config=cfg, formats=("docx",))
    with pytest.raises(InputError, match="not in"):
        render.render_report(processed, out_dir=tmp_path / "x", config=cfg, organisation="Nonexistent BV")


@pytest.mark.skipif(render._chromium() is None, reason="headless chromium not installed")
def test_pdf(rendered):
    out, _ = rendered
    pdf = render.html_to_pdf(out / "voltera.html", out / "voltera.pdf")
    assert pdf.read_bytes()[:4] == b"%PDF"
    import shutil
    import subprocess
    if shutil.which("pdfinfo") and shutil.which("pdftotext"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, info  # A4, not US Letter
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "file://" not in text and "about:blank" not in text and "Voltera" in text
