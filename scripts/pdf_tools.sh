# Debian's chromium (prints the reports to A4 PDF; drives the browser checks) and poppler-utils (pdfinfo, pdftoppm for
# the PDF checks): installed when missing and we may (root, apt-get); otherwise a one-line note and the caller goes on
# without them. Sourced by demo.sh and test.sh: `ensure_pdf_tools "what happens without them"`.
ensure_pdf_tools() {
  if command -v chromium >/dev/null && command -v pdfinfo >/dev/null; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing chromium and poppler-utils (Debian) for PDF output"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null \
      || echo "note: could not install chromium/poppler-utils: $1"
  else
    echo "note: chromium/poppler-utils missing and no root to install them (apt-get install chromium poppler-utils): $1"
  fi
}
