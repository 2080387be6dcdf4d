#!/usr/bin/env bash
# Main job on the bundled default: generate the fictional demo corpus and its study.yml, run the whole study
# (ingest → enrich → quality → topics → measures → findings → policy → benchmark), then render its reports: the
# organisation whitepapers (Dutch and English), the benchmark report (both) and the student portfolios (Dutch),
# HTML and A4 PDF (Debian's chromium, installed when missing and we are root; else HTML only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(pwd)/.venv/bin:$PATH" MPLBACKEND=Agg
study=data/raw/demo/study.yml
webcare demo --out data/raw/demo --messages "${DEMO_MESSAGES:-20000}" --seed 42
webcare run "$study"
source scripts/pdf_tools.sh
ensure_pdf_tools "HTML reports only"  # chromium prints the A4 PDFs
pdf=(); command -v chromium >/dev/null && pdf=(--pdf)
for lang in nl en; do
  webcare report "$study" --kind organisation --all --lang "$lang" "${pdf[@]}"
  webcare report "$study" --kind benchmark --lang "$lang" "${pdf[@]}"
done
webcare report "$study" --kind portfolio --all --lang nl "${pdf[@]}"
out=data/raw/demo/reports/demo   # the study's output (study.yml has no `output:`)
echo "study:   $(pwd)/$out  (benchmark.csv, tests.csv, index.csv, spikes.csv, manifest.json, explore.ipynb)"
echo "reports: $(pwd)/$out/reports/{organisation,benchmark,portfolio}/{nl,en}/"
