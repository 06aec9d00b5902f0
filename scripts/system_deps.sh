#!/usr/bin/env bash
# The Debian packages the tests and the full reading of documents need, installed when missing:
# Chromium + its WebDriver + a Chinese font (browser tests, printing PDFs), LibreOffice (.doc/.wps → .docx),
# tesseract with its Simplified Chinese data (OCR of scanned PDFs) and redis-server (the distributed
# crawl's test starts its own; no service is enabled). Installs with apt-get when run
# as root on Debian/Ubuntu; otherwise says what is missing (those tests then skip, or fail under CI=1).
set -euo pipefail
missing=()
command -v make >/dev/null || missing+=(make)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei fontconfig)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
tesseract --list-langs 2>/dev/null | grep -qx chi_sim || missing+=(tesseract-ocr-chi-sim)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "== missing Debian packages (install them for the full test suite): ${missing[*]}" >&2
fi
