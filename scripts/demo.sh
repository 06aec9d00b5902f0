#!/usr/bin/env bash
# Demo: sample portal -> Scrapy crawl -> SQLite index -> search API on 127.0.0.1:$API_PORT.
# Uses the console scripts installed in $BIN (the Makefile passes BIN=.venv/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
API_PORT=${API_PORT:-8000}
PORTAL_PORT=${PORTAL_PORT:-8765}
DB=${REPORTS_DB:-data/demo.sqlite}
mkdir -p data
rm -f "$DB" "$DB-wal" "$DB-shm" data/portal.url

"$BIN/reports-portal" --host 127.0.0.1 --port "$PORTAL_PORT" --port-file data/portal.url >/dev/null &
PORTAL_PID=$!
trap 'kill $PORTAL_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s data/portal.url ] && break; sleep 0.2; done
PORTAL=$(cat data/portal.url)
echo "== sample portal at $PORTAL (ground truth: $PORTAL/_truth.json)"

echo "== crawling the sample portal into $DB"
"$BIN/reports-crawl" seeds/sample_portal.yaml --portal "$PORTAL" --local --db "$DB" --log-level WARNING

"$BIN/python" - "$DB" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print("== indexed reports:", db.execute("select count(*) from reports").fetchone()[0])
for kind, n in db.execute("select kind, count(*) from failures group by kind"):
    print(f"   recorded {kind}: {n}")
PYEOF

API="http://127.0.0.1:$API_PORT"
cat <<EOT
== serving the search API at $API  (Ctrl-C stops it)
Try:
  curl -s '$API/health'
  curl -s -G '$API/search' --data-urlencode 'q=行政复议' | python3 -m json.tool --no-ensure-ascii | head -40
  curl -s -G '$API/search' --data-urlencode 'q=依申请公开' --data-urlencode 'province=吉林省' -d sort=-published
  curl -s -G '$API/search' -d report_year=2023 -d facets=agency_type -d size=5
  curl -s '$API/reports/<id from a search hit>'
  curl -s -G '$API/agencies' -d signal=late -d facets=signal          (agencies across the years)
  curl -s '$API/agencies/<id>/timeline'                               (one agency, year by year)
  open $API/docs for the interactive OpenAPI page
EOT
"$BIN/reports-api" --host 127.0.0.1 --port "$API_PORT" --db "$DB"
