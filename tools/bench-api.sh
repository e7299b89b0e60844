#!/usr/bin/env bash
# API throughput: GET /api/v1/incidents/1 on the demo data, against a bare
# net/http handler serving the same bytes, both loaded by wrk on loopback in
# the same run, authenticated with an API token as a real client would be.
# Usage: tools/bench-api.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}; conns=${2:-32}
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; }
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/debrief" ./cmd/debrief
go build -o "$tmp/bareserve" ./tools/bareserve
# A read-only API token, as a program reading incidents would have.
"$tmp/debrief" user create --database "$tmp/bench.db" --email bench@example.com --name Bench --admin >/dev/null
tok=$("$tmp/debrief" token create --database "$tmp/bench.db" --email bench@example.com --name bench --scope read 2>/dev/null)
"$tmp/debrief" serve --demo --addr 127.0.0.1:18080 --database "$tmp/bench.db" --log-level warn &
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:18080/readyz && break; sleep 0.1; done
curl -sf -H "Authorization: Bearer $tok" http://127.0.0.1:18080/api/v1/incidents/1 > "$tmp/incident.json"
"$tmp/bareserve" -addr 127.0.0.1:18099 -file "$tmp/incident.json" &
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:18099/ && break; sleep 0.1; done
echo "response: $(wc -c < "$tmp/incident.json") bytes; wrk -t2 -c$conns -d${secs}s; $(nproc) cores"
bare=$(wrk -t2 -c"$conns" -d"${secs}s" http://127.0.0.1:18099/ | awk '/Requests\/sec/ {print $2}')
deb=$(wrk -t2 -c"$conns" -d"${secs}s" -H "Authorization: Bearer $tok" http://127.0.0.1:18080/api/v1/incidents/1 | awk '/Requests\/sec/ {print $2}')
echo "bare net/http: $bare req/s"
echo "debrief API:   $deb req/s"
awk -v d="$deb" -v b="$bare" 'BEGIN { printf "ratio debrief/bare: %.2f\n", d/b }'
