"""`webcare run study.yml`: every stage from the raw exports, cached by content, with a manifest; errors name the key."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from webcare_research.demo.generate import write_demo

WEBCARE = [sys.executable, "-m", "webcare_research"]


def webcare(*args, cwd=None):
    return subprocess.run([*WEBCARE, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "MPLBACKEND": "Agg"})


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    write_demo(d / "study", n_messages=2500, seed=9)
    r = webcare("run", d / "study" / "study.yml")
    assert r.returncode == 0, r.stderr
    return d / "study"


def test_run_writes_every_output(study):
    out = study / "reports" / "demo"
    for f in ("manifest.json", "benchmark.csv", "tests.csv", "index.csv", "spikes.csv", "measures.csv",
              "data/mentions.parquet", "data/enriched.parquet", "data/quality.json", "data/measures.parquet", "topics/topics.csv", "findings/index.json"):
        assert (out / f).exists(), f
    b = pd.read_csv(out / "benchmark.csv")
    assert set(b["measure"]) >= {"response_rate", "frt_median_min", "frt_p90_min", "answered_within_norm",
                                 "evening_weekend_response_rate", "chv_score", "negative_wording_share", "redirect_share"}
    ok = b[b["ci_low"].notna()]
    assert (ok["ci_low"] <= ok["value"] + 1e-9).all() and (ok["value"] <= ok["ci_high"] + 1e-9).all()
    ranked = b[b["rank_low"].notna()]
    assert (ranked["rank_low"] <= ranked["rank"]).all() and (ranked["rank"] <= ranked["rank_high"]).all()
    assert b.loc[b["insufficient"], "rank"].isna().all()
    sp = pd.read_csv(out / "spikes.csv")
    assert {"kind", "count", "negative_share", "top_topic", "top_topic_share"} <= set(sp.columns)
    assert set(sp["kind"]) <= {"volume", "negative_share", "topic"}
    from webcare_research.policy.recommendations import read_policy
    recs, _ = read_policy(next((out / "policy").glob("*.json")), "en")
    assert len(recs) and recs["evidence"].str.len().gt(0).all() and recs["rule"].notna().all()  # every one cites its figure
    m = json.loads((out / "manifest.json").read_text())
    assert m["inputs"] and all(len(i["sha256"]) == 64 for i in m["inputs"]) and m["seeds"]["benchmark"] == 42
    assert set(m["stages"]) == {"ingest", "enrich", "quality", "topics", "measures", "findings", "policy", "benchmark"} and m["config"]["config_sha256"]


def test_second_run_recomputes_nothing_and_is_byte_identical(study):
    out = study / "reports" / "demo"
    before = _snapshot(out)
    r = webcare("run", study / "study.yml")
    assert r.returncode == 0 and "nothing changed" in r.stdout
    assert _snapshot(out) == before


def test_changing_a_benchmark_setting_reruns_only_the_benchmark(study, tmp_path):
    cfg = yaml.safe_load((study / "study.yml").read_text())
    cfg["benchmark"] = {"min_n": 2000, "seed": 42}
    (study / "study.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    r = webcare("run", study / "study.yml")
    assert r.returncode == 0, r.stderr
    ran = r.stdout.split("stages run:")[1]
    assert ran.strip().rstrip(")") == "benchmark", ran  # ingest, measures, findings and policy did not depend on it
    b = pd.read_csv(study / "reports" / "demo" / "benchmark.csv")
    assert b.loc[b["n"] < 2000, "rank"].isna().all()  # below min_n: never ranked


def test_the_study_can_bring_its_own_rulebook(study):
    "policy: {rules: own.yml}: only the policy stage runs again, and its recommendations come from the study's rules."
    (study / "own_rules.yml").write_text(
        "rules:\n  - id: always\n    when: 'true'\n    priority: 1\n    theme: {nl: Eigen, en: Own}\n"
        "    finding: {nl: 'Respons {response_rate:pct}.', en: 'Response {response_rate:pct}.'}\n"
        "    action: {nl: Doen., en: Do it.}\n", encoding="utf-8")
    cfg = yaml.safe_load((study / "study.yml").read_text())
    cfg["policy"] = {"rules": "own_rules.yml"}
    (study / "study.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    r = webcare("run", study / "study.yml")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("stages run:")[1].strip().rstrip(")") == "policy"
    from webcare_research.policy.recommendations import read_policy
    recs, _ = read_policy(next((study / "reports" / "demo" / "policy").glob("*.json")), "en")
    assert recs["rule"].tolist() == ["always"] and recs["finding"].iloc[0].startswith("Response ")
    cfg["policy"] = {"rules": "missing.yml"}
    (study / "study.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    r = webcare("run", study / "study.yml")
    assert r.returncode == 2 and "policy.rules 'missing.yml' not found" in r.stderr and "Traceback" not in r.stderr
    del cfg["policy"]
    (study / "study.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))


def test_a_comparison_period_gives_trends_and_loses_no_message(study):
    "period + comparison in study.yml: conversations split by their first day, trends.csv with intervals and tests."
    cfg = yaml.safe_load((study / "study.yml").read_text())
    cfg["period"] = {"start": "2026-01-12", "end": "2026-01-18", "comparison": {"start": "2026-01-05", "end": "2026-01-11"}}
    (study / "study.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    r = webcare("run", study / "study.yml")
    assert r.returncode == 0, r.stderr
    out = study / "reports" / "demo"
    s = json.loads((out / "data" / "ingest_summary.json").read_text())
    sp = s["study_period"]
    assert sp["study"]["messages"] + sp["comparison"]["messages"] + sp["outside"]["messages"] == s["ingested"]
    assert len(pd.read_parquet(out / "data" / "mentions.parquet")) == sp["study"]["messages"]
    assert len(pd.read_parquet(out / "data" / "comparison" / "threads.parquet")) == sp["comparison"]["inbound"]
    t = pd.read_csv(out / "trends.csv")
    assert set(t["measure"]) == {"response_rate", "evening_weekend_response_rate", "frt_median_min", "frt_p90_min",
                                 "answered_within_norm"}
    ok = t[t["ci_low"].notna()]
    assert (ok["ci_low"] <= ok["change"] + 1e-9).all() and (ok["change"] <= ok["ci_high"] + 1e-9).all()
    assert (t["change"] - (t["value"] - t["value_comparison"])).abs().max() < 1e-9
    assert set(t["direction"]) <= {"better", "worse", "no clear change"}
    m = json.loads((out / "manifest.json").read_text())
    assert m["stages"]["ingest"]["ran"]


def test_missing_corpus_is_one_clear_error(tmp_path):
    (tmp_path / "study.yml").write_text("name: x\ncorpora:\n  - path: raw/nope.csv\n")
    r = webcare("run", tmp_path / "study.yml")
    assert r.returncode == 2 and "corpora[0].path 'raw/nope.csv' not found" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "study.yml").write_text("name: x\n")
    r = webcare("run", tmp_path / "study.yml")
    assert r.returncode == 2 and "no `corpora:`" in r.stderr


def test_without_the_topics_extra_the_study_runs_and_says_so(tmp_path, monkeypatch):
    "A plain `pip install .` has no BERTopic: the runner skips topics with a note; `webcare topics` is one clear error."
    from typer.testing import CliRunner
    import webcare_research.run.study as run_mod
    import webcare_research.topics.model as topics_mod
    from webcare_research.cli import app
    monkeypatch.setattr(run_mod, "bertopic_available", lambda: False)
    monkeypatch.setattr(topics_mod, "bertopic_available", lambda: False)
    write_demo(tmp_path / "s", n_messages=1200, seed=4)
    said = []
    m = run_mod.run_study(tmp_path / "s" / "study.yml", progress=False, say=said.append)
    assert "topics" in m["ran_now"] and any("BERTopic is not installed" in s for s in said)
    card = json.loads((tmp_path / "s" / "reports" / "demo" / "topics" / "model_card.json").read_text())
    assert "skipped" in card and (tmp_path / "s" / "reports" / "demo" / "benchmark.csv").exists()
    r = CliRunner().invoke(app, ["topics", str(tmp_path / "s" / "reports" / "demo" / "data" / "mentions.parquet"),
                                 "--out", str(tmp_path / "t")])
    assert r.exit_code == 2 and "needs BERTopic" in r.output and "Traceback" not in r.output


def test_benchmark_and_recommend_commands(study, tmp_path):
    out = study / "reports" / "demo"
    r = webcare("benchmark", out, "--out", tmp_path / "b.csv")
    assert r.returncode == 0, r.stderr
    b = pd.read_csv(tmp_path / "b.csv")
    assert {"organisation", "measure", "value", "ci_low", "ci_high", "rank_low", "rank_high"} <= set(b.columns)
    q = b[b["measure"] == "chv_score"]
    assert q["ci_low"].notna().all() and (q["ci_low"] <= q["value"]).all()  # per-reply scores: a real interval
    r = webcare("recommend", out, "--org", "voltera", "--out", tmp_path / "v.md")
    assert r.returncode == 0, r.stderr
    md = (tmp_path / "v.md").read_text()
    assert md.startswith("# Aanbevelingen webcare — Voltera") and "95%-BI" in md and "## Concept-webcarebeleid" in md
    r = webcare("recommend", out, "--org", "Nope", "--out", tmp_path / "x.md")
    assert r.returncode == 3 and "known: " in r.stderr and "Traceback" not in r.stderr


def test_report_on_a_run_folder_uses_the_runs_findings(study, tmp_path):
    "webcare report on OUT/data renders from the run's findings and policy (whole corpus), computing none of its own."
    out = study / "reports" / "demo"
    r = webcare("report", out / "data", "--config", study / "study.yml", "--organisation", "Voltera",
                "--out", tmp_path / "rep")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "rep" / "voltera.html").exists() and not (out / "data" / "findings").exists()
    facts = json.loads((tmp_path / "rep" / "voltera_summary.json").read_text())["facts"]
    run_facts = json.loads((out / "findings" / "voltera.json").read_text())["facts"]
    assert facts == run_facts


def test_a_corpus_can_bring_its_own_column_mapping(tmp_path):
    "corpora[].mapping: one export read through its own mapping, the study's other exports untouched."
    from webcare_research.adapters.formats import UnknownFormatError
    from webcare_research.ingest.stage import ingest_frames
    from webcare_research.study.config import StudyConfig
    write_demo(tmp_path, n_messages=600, seed=2)
    files = sorted((tmp_path / "instagram").rglob("*.csv"))
    assert files
    with pytest.raises(UnknownFormatError):
        ingest_frames(files, config=StudyConfig())  # no mapping anywhere: the tool export is not recognised
    res = ingest_frames(files, config=StudyConfig(), mappings={str(f): "coosto" for f in files})
    assert len(res.mentions) > 0 and res.summary["counts_add_up"]
    cfg = yaml.safe_load((tmp_path / "study.yml").read_text())
    cfg.pop("mapping")
    cfg["corpora"] = [c if c["path"] != "instagram" else {**c, "mapping": "coosto"} for c in cfg["corpora"]]
    (tmp_path / "study.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    r = webcare("run", tmp_path / "study.yml", "--only", "ingest")
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "reports" / "demo" / "data" / "ingest_summary.json").read_text())
    assert s["formats"].get("mapped", 0) >= 1 and s["counts_add_up"]
