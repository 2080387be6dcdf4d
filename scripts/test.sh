#!/usr/bin/env bash
# Every test, in CI order: fresh install; nbdev-clean leaves git clean; nbdev-export leaves git clean;
# nbdev-test (library notebooks); pytest last (end-to-end, CLI, ingest fuzzing, report rendering).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(pwd)/.venv/bin:$PATH" MPLBACKEND=Agg PYTHONHASHSEED=0
dirty() { [ -n "$(git status --porcelain --untracked-files=no -- notebooks webcare_research)" ]; }
if git rev-parse --git-dir >/dev/null 2>&1; then
  if dirty; then echo "note: notebooks/ or webcare_research/ have uncommitted changes; the git gates compare against them"; fi
  before=$(git diff -- notebooks webcare_research | sha256sum)
  echo "== gate 1: nbdev-clean leaves notebooks unchanged"
  nbdev-clean
  [ "$(git diff -- notebooks webcare_research | sha256sum)" = "$before" ] || { git status --short; git diff --stat; echo "FAIL: notebooks are not clean (run nbdev-clean and commit)"; exit 1; }
  echo "== gate 2: nbdev-export leaves the library unchanged"
  nbdev-export
  [ "$(git diff -- notebooks webcare_research | sha256sum)" = "$before" ] || { git status --short; git diff --stat; echo "FAIL: webcare_research/ is out of sync with notebooks/ (run nbdev-export and commit)"; exit 1; }
  [ -z "$(git status --porcelain -- webcare_research | grep '^??' || true)" ] || { git status --short; echo "FAIL: nbdev-export created untracked modules"; exit 1; }
fi
echo "== gate 3: nbdev-test"
nbdev-test --n-workers 2 --timing
# PDF and browser checks need Debian's chromium and poppler-utils: installed when missing and we may (CI is root)
source scripts/pdf_tools.sh
ensure_pdf_tools "the PDF and browser tests will be skipped"
echo "== gate 4: pytest"
python -m pytest -q -p no:cacheprovider tests
