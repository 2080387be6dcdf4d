"""Rendering every organisation report of the demo study: today's `webcare report` against the code before the
renovation (commit 4d10779, checked out beside this one with `git worktree`), measured in the same run.

    python benchmarks/bench_report.py [--messages 20000] [--baseline 4d10779] [--repeat 1]

Both sides get the same demo corpus (written once) and their own ingest; only `webcare report` is timed, wall clock,
as a user runs it. Today's report is timed twice: *cold* (the findings and policy stage files do not exist yet, so
the command computes them first) and *warm* (they exist, as after `webcare run` or an earlier report: the report
only reads files and formats them). Before the renovation every report kernel recomputed enrichment, reply scoring,
Kaplan–Meier fits and the peer benchmark itself.
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

ROOT = Path(__file__).resolve().parents[1]
WEBCARE = str(Path(sys.executable).parent / "webcare")


def sh(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    t = time.perf_counter()
    p = subprocess.run(cmd, env={**os.environ, "MPLBACKEND": "Agg", **(env or {})}, cwd=cwd, capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout[-1500:]}\n{p.stderr[-3000:]}")
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--baseline", default="4d10779")
    ap.add_argument("--repeat", type=int, default=1, help="runs per variant (the fastest counts)")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_report_"))
    base = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", "-f", str(base), a.baseline], cwd=ROOT, check=True,
                   capture_output=True)
    old_env = {"PYTHONPATH": str(base)}  # the baseline package first on the path, for the CLI and its kernels
    try:
        raw = work / "raw"
        sh([WEBCARE, "demo", "--out", str(raw), "--messages", str(a.messages), "--seed", "42"])
        files = sorted(str(p) for p in raw.rglob("*") if p.is_file() and p.name != "study.yml")
        cfg = str(raw / "study.yml")
        sh([WEBCARE, "ingest", *files, "--config", cfg, "--out", str(work / "proc_old")], env=old_env)
        sh([WEBCARE, "ingest", *files, "--config", cfg, "--out", str(work / "proc_new")])
        times = {"before (4d10779)": [], "now, cold (computes findings)": [], "now, warm (reads findings)": []}
        for _ in range(a.repeat):
            times["before (4d10779)"].append(
                sh([WEBCARE, "report", str(work / "proc_old"), "--config", cfg, "--out", str(work / "rep_old")], env=old_env))
            for stage in ("findings", "policy"):
                shutil.rmtree(work / "proc_new" / stage, ignore_errors=True)
            times["now, cold (computes findings)"].append(
                sh([WEBCARE, "report", str(work / "proc_new"), "--config", cfg, "--out", str(work / "rep_new")]))
            times["now, warm (reads findings)"].append(
                sh([WEBCARE, "report", str(work / "proc_new"), "--config", cfg, "--out", str(work / "rep_new")]))
        pages = {k: len(list((work / k).glob("*.html"))) for k in ("rep_old", "rep_new")}
        assert pages["rep_old"] == pages["rep_new"] > 1, pages
        best = {k: min(v) for k, v in times.items()}
        ref = best["before (4d10779)"]
        print(f"demo study, {a.messages} messages, {pages['rep_new'] - 1} organisation reports + index, "
              f"{os.cpu_count()} cores, best of {a.repeat}")
        print(f"{'webcare report':34s} {'seconds':>8s} {'speed-up':>9s}")
        for k, v in best.items():
            print(f"{k:34s} {v:8.1f} {ref / v:8.1f}x")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
