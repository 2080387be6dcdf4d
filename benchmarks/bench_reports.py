"""Report rendering at study scale: a 25-organisation study on this machine, today's `webcare report STUDY.yml` against
the renderer of commit f46676d (the code when the reports issue was filed, checked out beside this one with
`git worktree`), measured in the same run.

    python benchmarks/bench_reports.py [--messages 30000] [--orgs 25] [--baseline f46676d] [--pdf]

Both sides get the same fictional twcs-shaped corpus (25 brands) and run `webcare run` on it first (untimed, each
into its own output folder: the stage file layouts differ). Then, wall clock as a user runs it:
  * peer:  `webcare report OUT/data --config study.yml` — every organisation report, HTML (its only kind);
  * today: every organisation report (`--kind organisation --all`), HTML, and with `--pdf` also A4 PDF;
           one organisation report; the benchmark report; every student portfolio.
The goal named in the issue: all reports of a 25-organisation study on 2 cores in at most 3 minutes.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WEBCARE = str(Path(sys.executable).parent / "webcare")


def sh(cmd: list[str], env: dict | None = None) -> float:
    t = time.perf_counter()
    p = subprocess.run(cmd, env={**os.environ, "MPLBACKEND": "Agg", **(env or {})}, capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout[-1500:]}\n{p.stderr[-3000:]}")
    return time.perf_counter() - t


def corpus(path: Path, messages: int, orgs: int) -> None:
    "The demo's twcs-shaped corpus with its 10 brands split into `orgs` organisations (by customer, so threads stay whole)."
    from webcare_research.demo.generate import TWCS_BRANDS, twcs_corpus
    df = twcs_corpus(messages, seed=7)
    parts = [orgs // len(TWCS_BRANDS) + (i < orgs % len(TWCS_BRANDS)) for i in range(len(TWCS_BRANDS))]
    inbound = df["inbound"].to_numpy()
    cust = np.where(inbound, df["author_id"], df["text"].str.extract(r"^@(\d+)")[0]).astype(np.int64)
    brand = np.where(inbound, df["text"].str.extract(r"^@(\w+)")[0], df["author_id"])
    k = {b: p for b, p in zip(TWCS_BRANDS, parts)}
    sub = np.array([f"{b}{c % k[b] + 1}" if k[b] > 1 else b for b, c in zip(brand, cust)], dtype=object)
    df["author_id"] = np.where(inbound, df["author_id"], sub)
    df["text"] = [("@" + s + t[len(b) + 1:]) if i else t for i, s, t, b in zip(inbound, sub, df["text"], brand)]
    df.to_csv(path, index=False)


def study(folder: Path, csv: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yml").write_text(f"name: bench25\nlanguage: nl\ncorpora:\n  - path: {csv}\n    format: twcs\n"
                                      "benchmark:\n  min_n: 30\n  seed: 1\n", encoding="utf-8")
    return folder / "study.yml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=30000)
    ap.add_argument("--orgs", type=int, default=25)
    ap.add_argument("--baseline", default="f46676d")
    ap.add_argument("--pdf", action="store_true", help="also time every organisation report with A4 PDF")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_reports_"))
    base = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", "-f", str(base), a.baseline], cwd=ROOT, check=True,
                   capture_output=True)
    old_env = {"PYTHONPATH": str(base)}  # the baseline package first on the path, for the CLI and its kernels
    try:
        csv = work / "twcs25.csv"
        corpus(csv, a.messages, a.orgs)
        new, old = study(work / "new", csv), study(work / "old", csv)
        t_run = sh([WEBCARE, "run", str(new)])
        sh([WEBCARE, "run", str(old)], env=old_env)
        n_orgs = len(list((work / "new" / "reports" / "bench25" / "findings").glob("*.json"))) - 1  # index.json
        one = sorted(p.stem for p in (work / "new" / "reports" / "bench25" / "findings").glob("*.json") if p.stem != "index")[0]
        t = {}
        t["peer f46676d: all organisation reports, HTML"] = sh(
            [WEBCARE, "report", str(work / "old" / "reports" / "bench25" / "data"), "--config", str(old), "--out",
             str(work / "old_reports")], env=old_env)
        t["today: all organisation reports, HTML"] = sh([WEBCARE, "report", str(new), "--kind", "organisation", "--all"])
        if a.pdf:
            t["today: all organisation reports, HTML + PDF"] = sh([WEBCARE, "report", str(new), "--kind", "organisation",
                                                                   "--all", "--pdf"])
        t["today: one organisation report, HTML"] = sh([WEBCARE, "report", str(new), "--kind", "organisation", "--org", one])
        t["today: one organisation report, HTML + PDF"] = sh([WEBCARE, "report", str(new), "--kind", "organisation",
                                                              "--org", one, "--pdf"])
        t["today: benchmark report, HTML + PDF"] = sh([WEBCARE, "report", str(new), "--kind", "benchmark", "--pdf"])
        pdf = ["--pdf"] if a.pdf else []
        t["today: all student portfolios, HTML" + (" + PDF" if a.pdf else "")] = sh(
            [WEBCARE, "report", str(new), "--kind", "portfolio", "--all", *pdf])
        pages = len(list((work / "new" / "reports" / "bench25" / "reports" / "organisation" / "nl").glob("*.html"))) - 1
        ref = t["peer f46676d: all organisation reports, HTML"]
        print(f"{a.orgs}-organisation twcs-shaped study, {a.messages} messages, {n_orgs} organisations with findings, "
              f"{pages} organisation reports; {os.cpu_count()} cores; webcare run (today, untimed for the ratio): {t_run:.1f} s")
        print(f"{'webcare report':48s} {'seconds':>8s} {'vs peer':>8s}")
        for k, v in t.items():
            print(f"{k:48s} {v:8.1f} {ref / v:7.2f}x")
        every = [k for k in t if k.startswith("today: all") and (k.endswith("+ PDF") or not a.pdf)] + \
            [k for k in t if k.startswith("today: benchmark")]
        print(f"{'today: every report of the study (' + ', '.join(k.split(': ')[1].split(',')[0] for k in every) + ')':48s} "
              f"{sum(t[k] for k in every):8.1f}   (goal: 180 s)")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
