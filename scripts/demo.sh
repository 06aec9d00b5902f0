#!/usr/bin/env bash
# Demo: sample portal -> Scrapy crawl -> SQLite index -> the site and the search API on 127.0.0.1:$API_PORT.
# Uses the console scripts installed in $BIN (the Makefile passes BIN=.venv/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
API_PORT=${API_PORT:-8000}
PORTAL_PORT=${PORTAL_PORT:-8765}
DB=${REPORTS_DB:-data/demo.sqlite}
API="http://127.0.0.1:$API_PORT"
echo "== 网站: $API/ (open it in a browser once the crawl below has finished)"
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

cat <<EOT
== 网站: $API/ (open it in a browser)
   $API/overview   概览: which agencies of a region published, were late, are missing, fail checks
   $API/docs       the JSON API, interactive (works offline; $API/redoc reads better)
== serving the site and the search API at $API  (Ctrl-C stops it)
Try the JSON API:
  curl -s '$API/health'
  curl -s -G '$API/search' --data-urlencode 'q=行政复议' | python3 -m json.tool --no-ensure-ascii | head -40
  curl -s -G '$API/search' --data-urlencode 'q=依申请公开' --data-urlencode 'province=吉林省' -d sort=-published
  curl -s -G '$API/search' -d report_year=2023 -d facets=agency_type -d size=5
  curl -s '$API/reports/<id from a search hit>'
  curl -s -G '$API/agencies' -d signal=late -d facets=signal          (agencies across the years)
  curl -s '$API/agencies/<id>/timeline'                               (one agency, year by year)
  curl -s '$API/numbers'                                              (the searchable numbers, in Chinese)
  curl -s -G '$API/search.atom' --data-urlencode 'q=行政复议' --data-urlencode 'province=福建'   (a feed)
  curl -s -G '$API/search.csv' --data-urlencode 'province=吉林' -o reports.csv                  (for Excel)
EOT
"$BIN/reports-api" --host 127.0.0.1 --port "$API_PORT" --db "$DB"
