#!/usr/bin/env bash
# Main job on the bundled default: generate the fictional demo corpus and its study.yml, run the whole study
# (ingest → enrich → quality → topics → measures → findings → policy → benchmark), render the reports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(pwd)/.venv/bin:$PATH" MPLBACKEND=Agg
study=demo
raw=data/raw/$study
webcare demo --out "$raw" --messages "${DEMO_MESSAGES:-20000}" --seed 42
webcare run "$raw/study.yml"
out="$raw/reports/$study"   # the study's output (study.yml has no `output:`): data/, findings/, policy/, *.csv
webcare report "$out/data" --config "$raw/study.yml" --out "reports/$study"
echo "study:  $(pwd)/$out  (benchmark.csv, tests.csv, index.csv, spikes.csv, manifest.json)"
echo "report: $(pwd)/reports/$study/index.html"
