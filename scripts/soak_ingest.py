"""Soak run: N seeded mutated files per adapter (default 10,000) through ingest; prints files, rows, rejected files,
tracebacks and accounting mismatches per adapter. Not part of the tests (about 10 minutes per adapter on one core).

    python scripts/soak_ingest.py [--n 10000] [--seed 1] [--adapters twcs xapi ...]
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fuzz"))
from mutator import SOURCES, check_files, mutated_files  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--adapters", nargs="*", default=sorted(SOURCES))
    a = ap.parse_args()
    print(f"{'adapter':<16}{'files':>8}{'rows':>9}{'rejected':>10}{'tracebacks':>12}{'mismatches':>12}{'seconds':>9}")
    bad = 0
    for ad in a.adapters:
        t0 = time.time()
        with tempfile.TemporaryDirectory() as d:
            s = {"files": 0, "rows": 0, "rejected": 0, "tracebacks": 0, "mismatches": 0, "examples": []}
            for start in range(0, a.n, 500):  # in blocks: bounded disk use
                sub = Path(d) / str(start)
                paths = list(mutated_files(ad, min(500, a.n - start), a.seed * 1_000_003 + start, sub))
                part = check_files(ad, paths, batch=50)
                for k in s:
                    s[k] += part[k]
                for p in paths:
                    p.unlink()
        bad += s["tracebacks"] + s["mismatches"]
        print(f"{ad:<16}{s['files']:>8}{s['rows']:>9}{s['rejected']:>10}{s['tracebacks']:>12}{s['mismatches']:>12}"
              f"{time.time() - t0:>9.0f}", flush=True)
        for e in s["examples"][:5]:
            print("   ", e)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
