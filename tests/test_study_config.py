"""The study file and the CLI's one error path: one line naming file, line and key, a hint, exit code 2, no traceback;
`webcare init` writes a documented study.yml and a private salt; defaults are said out loud and recorded."""
import json
import subprocess
import sys

import pytest


def webcare(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "webcare_research", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


BAD = {
    "unknown_key": ("name: x\norganisations:\n  - name: A\ntargts: {response_rate: 0.9}\n",
                    "study.yml:4: unknown key 'targts'", "did you mean 'targets'?"),
    "nested_unknown_key": ("organisations:\n  - name: A\n    handels: ['@a']\n",
                           "study.yml:3: unknown key 'organisations[0].handels'", "did you mean 'handles'?"),
    "wrong_type": ("name: x\nresponse_norm_minutes: soon\n", "study.yml:2: 'response_norm_minutes' must be a number", None),
    "python_tag": ("name: x\nsalt: !!python/object/apply:os.system ['echo pwned']\n",
                   "study.yml:2: YAML tags such as !!python/object are not allowed", None),
    "bad_timezone": ("timezone: Mars/Base\n", "study.yml:1: 'timezone': unknown time zone", None),
    "unknown_channel": ("channels: [twiter]\n", "unknown channel 'twiter'", "did you mean 'twitter'?"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_study_file_is_one_line_exit_2(case, tmp_path):
    text, message, hint = BAD[case]
    (tmp_path / "study.yml").write_text(text)
    (tmp_path / "in.csv").write_text("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n")
    r = webcare("ingest", "in.csv", "--out", "out", "--config", "study.yml", cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "pwned" not in r.stdout
    errors = [l for l in r.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], r.stderr
    if hint:
        assert f"hint: {hint}" in r.stderr
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(tmp_path):
    (tmp_path / "study.yml").write_text("targts: 1\n")
    r = webcare("--debug", "measure", "nowhere", "--out", "m.csv", "--config", "study.yml", cwd=tmp_path)
    assert r.returncode != 0 and "Traceback" in r.stderr and "ConfigError" in r.stderr


def test_init_writes_documented_study_and_private_salt(tmp_path):
    r = webcare("init", tmp_path / "telecom")
    assert r.returncode == 0, r.stderr
    study, secret = tmp_path / "telecom" / "study.yml", tmp_path / "telecom" / ".webcare-secrets.yml"
    assert study.exists() and secret.exists()
    from webcare_research.study.config import StudyConfig, load_config
    cfg = load_config(study)
    assert cfg.name == "telecom" and cfg.salt_source()[1] == ".webcare-secrets.yml"
    for key in StudyConfig.model_fields:
        if key not in ("salt", "source_path"):
            assert f"# {key}:" in study.read_text()
    salt = cfg.salt_source()[0]
    assert len(salt) >= 32 and salt not in json.dumps(cfg.provenance())
    assert webcare("init", tmp_path / "telecom").returncode == 2  # never overwrites silently


def test_defaults_said_once_and_recorded(tmp_path, shared_data):
    r = webcare("ingest", shared_data / "twcs_sample" / "sample.csv", "--out", tmp_path / "p")
    assert r.returncode == 0, r.stderr
    notes = [l for l in r.stderr.splitlines() if l.startswith("note: defaults in use")]
    assert len(notes) == 1 and "timezone=UTC" in notes[0] and "salt=public default" in notes[0]
    prov = json.loads((tmp_path / "p" / "ingest_summary.json").read_text())["provenance"]
    assert {"timezone", "opening_hours", "response_norm_minutes", "language", "salt"} <= set(prov["defaults"])
    r = webcare("measure", tmp_path / "p", "--out", tmp_path / "m.csv")
    assert r.returncode == 0, r.stderr
    assert "opening_hours" in json.loads((tmp_path / "m.manifest.json").read_text())["defaults"]
    import pandas as pd
    m = pd.read_csv(tmp_path / "m.csv")
    assert m["frt_business_median_min"].isna().all()  # never a business-hours figure without opening hours


def test_share_refuses_public_salt(tmp_path, monkeypatch):
    monkeypatch.delenv("WEBCARE_SALT", raising=False)
    (tmp_path / "study.yml").write_text("name: x\nshare: true\n")
    (tmp_path / "in.csv").write_text("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n")
    r = webcare("ingest", "in.csv", "--out", "out", "--config", "study.yml", cwd=tmp_path)
    assert r.returncode == 2 and "private salt" in r.stderr and "Traceback" not in r.stderr
