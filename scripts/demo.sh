#!/usr/bin/env bash
# Main job on the bundled default: generate the fictional demo corpus, ingest it, measure, render the reports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(pwd)/.venv/bin:$PATH" MPLBACKEND=Agg
study=demo
raw=data/raw/$study
out=data/processed/$study
webcare demo --out "$raw" --messages "${DEMO_MESSAGES:-20000}" --seed 42
mapfile -t files < <(find "$raw" -type f ! -name 'study.yml' | sort)
webcare ingest "${files[@]}" --config "$raw/study.yml" --out "$out"
webcare measure "$out" --config "$raw/study.yml" --out "$out/measures.csv"
webcare report "$out" --config "$raw/study.yml" --out "reports/$study"
echo "report: $(pwd)/reports/$study/index.html"
