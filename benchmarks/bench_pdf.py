"""PDF engines on the demo study's reports: Chromium's headless print (what `webcare report --pdf` uses) against
WeasyPrint, same HTML pages, measured in the same run.

    python benchmarks/bench_pdf.py STUDY_OUTPUT [--weasyprint-python PATH]

STUDY_OUTPUT is a `webcare run` output folder whose reports were rendered (e.g. after `bash scripts/demo.sh`:
data/raw/demo/reports/demo). WeasyPrint is not a dependency of the project (it needs Pango): point
`--weasyprint-python` at a Python that has it (`python -m venv /tmp/wp && /tmp/wp/bin/pip install weasyprint`), or
install it in this one. Prints per page: seconds, pages, bytes, whether the footer (title, page numbers) came out.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from webcare_research.report.render import html_to_pdf


def pdf_facts(pdf: Path) -> tuple[int, int, bool]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return pages, pdf.stat().st_size, bool(re.search(rf"(pagina|page) 2 (van|of) {pages}", text))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", type=Path)
    ap.add_argument("--weasyprint-python", default=sys.executable)
    a = ap.parse_args()
    pages = sorted(p for p in (a.output / "reports").glob("*/*/*.html") if p.stem != "index")[:6]
    if not pages:
        sys.exit(f"no rendered reports under {a.output / 'reports'}: run `webcare report` first")
    work = Path(tempfile.mkdtemp(prefix="bench_pdf_"))
    print(f"{'report':36s} {'engine':10s} {'seconds':>8s} {'pages':>6s} {'KB':>7s} footer")
    total = {"chromium": 0.0, "weasyprint": 0.0}
    for html in pages:
        name = "/".join(html.parts[-3:])
        t = time.perf_counter()
        out = html_to_pdf(html, work / f"c_{html.parent.parent.name}_{html.parent.name}_{html.stem}.pdf")
        total["chromium"] += (dt := time.perf_counter() - t)
        p, b, f = pdf_facts(out)
        print(f"{name:36s} {'chromium':10s} {dt:8.2f} {p:6d} {b / 1024:7.0f} {f}")
        wp = work / f"w_{html.parent.parent.name}_{html.parent.name}_{html.stem}.pdf"
        t = time.perf_counter()
        r = subprocess.run([a.weasyprint_python, "-c", "import sys, weasyprint; weasyprint.HTML(sys.argv[1]).write_pdf(sys.argv[2])",
                            str(html), str(wp)], capture_output=True, text=True)
        dt = time.perf_counter() - t
        if r.returncode:
            print(f"{name:36s} {'weasyprint':10s} not available ({r.stderr.strip().splitlines()[-1] if r.stderr else r.returncode})")
            total["weasyprint"] = float("nan")
            continue
        total["weasyprint"] += dt
        p, b, f = pdf_facts(wp)
        print(f"{name:36s} {'weasyprint':10s} {dt:8.2f} {p:6d} {b / 1024:7.0f} {f}")
    print(f"total: chromium {total['chromium']:.1f} s, weasyprint {total['weasyprint']:.1f} s "
          f"(chromium {total['weasyprint'] / total['chromium']:.2f}x as fast)")


if __name__ == "__main__":
    main()
