"""Organisation report: the papermill template's contract, a smoke render of a tiny study, escaping, failure modes."""
import json
import re
from pathlib import Path

import pandas as pd
import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

from webcare_research import report
from webcare_research.config import load_config
from webcare_research.demo import write_demo

TEMPLATE = report.template_path()
XSS = "<script>alert(1)</script>"


def test_template_has_typed_parameters_matching_render_report():
    nb = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and nb["cells"][0] is tagged[0], "exactly one `parameters` cell, first in the template"
    params = pm.inspect_notebook(str(TEMPLATE))
    assert list(params) == list(report.REPORT_PARAMETERS)
    assert all(p["inferred_type_name"] in ("str", "int") and p["help"] for p in params.values()), params
    # no logic in the template: every code cell after the parameters only calls library functions
    code = "\n".join("".join(c["source"]) for c in nb["cells"][1:] if c["cell_type"] == "code")
    assert not re.search(r"^\s*(for|while|if|def|class)\b", code, re.M), code


def test_prepare_only(tmp_path):
    out = tmp_path / "prepared.ipynb"
    pm.execute_notebook(str(TEMPLATE), str(out), prepare_only=True,
                        parameters={"processed_dir": "x", "study": "s", "organisation": "Org <b>", "config_path": "", "sample_size": 3})
    nb = json.loads(out.read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and 'organisation = "Org <b>"' in "".join(injected[0]["source"])


@pytest.fixture(scope="module")
def tiny_study(tmp_path_factory, fixtures):
    ingest_mod = pytest.importorskip("webcare_research.ingest")
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
    paths = report.render_report(processed, out_dir=out, config=cfg, organisation="Voltera", sample_size=20)
    return out, paths


def test_render_smoke(rendered):
    out, paths = rendered
    names = {p.name for p in paths}
    assert {"voltera.ipynb", "voltera.html", "voltera_measures.csv", "voltera_summary.json", "index.html"} <= names
    page = (out / "voltera.html").read_text(encoding="utf-8")
    assert "Webcare-rapportage Voltera" in page
    assert "frt_median_min" in page and "response_rate_%" in page and "<table" in page
    assert page.count('src="data:image/png;base64,') == 2  # distribution + heatmap, embedded
    assert "Voltera ontving" in page  # executive summary
    assert "def " not in page and "report.load_context" not in page  # input cells excluded
    m = pd.read_csv(out / "voltera_measures.csv")
    assert set(m.organisation) == {"Voltera"} and (m.answered <= m.inbound).all()
    summary = json.loads((out / "voltera_summary.json").read_text(encoding="utf-8"))
    assert summary["summary"][0].startswith("Voltera ontving") and "inbound" in summary["definitions"]
    assert "voltera.html" in (out / "index.html").read_text(encoding="utf-8")


def test_corpus_text_is_escaped(rendered):
    out, _ = rendered
    page = (out / "voltera.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and XSS not in page
    assert "&lt;b&gt;Vet&lt;/b&gt;" in page and "<b>Vet</b>" not in page


def test_failing_cell_raises_clear_error(tiny_study, fixtures, tmp_path):
    processed, cfg = tiny_study
    with pytest.raises(PapermillExecutionError) as e:
        report.render_report(processed, out_dir=tmp_path, config=cfg, organisation="Voltera",
                             template=fixtures / "report" / "failing_template.ipynb")
    msg = str(e.value) + "\n".join(getattr(e.value, "__notes__", []))
    assert "template cell failed on purpose" in msg and "ValueError" in msg
    assert "'Voltera' failed in cell 3" in msg  # cell 0 = parameters, 1 = injected parameters, 2, then the failing one
    assert (tmp_path / "voltera.ipynb").exists()


def test_unknown_organisation_and_format(tiny_study, tmp_path):
    processed, cfg = tiny_study
    with pytest.raises(ValueError, match="unknown report formats"):
        report.render_report(processed, out_dir=tmp_path, config=cfg, formats=("docx",))
    with pytest.raises(ValueError, match="not in"):
        report.load_context(processed, str(cfg), "Nonexistent BV")


@pytest.mark.skipif(report._chromium() is None, reason="headless chromium not installed")
def test_pdf(rendered):
    out, _ = rendered
    pdf = report.html_to_pdf(out / "voltera.html", out / "voltera.pdf")
    assert pdf.read_bytes()[:4] == b"%PDF"
