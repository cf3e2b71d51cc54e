#!/bin/sh
# Follow-mode latency: a producer appends live transactions to a file at
# RATE events/s for SECONDS; `dps ingest --follow` loads them. Each line's
# latency is ingested_at - event_ts (the producer stamps a line when it
# writes it; ingested_at is stamped in the load transaction).
#   bench-follow-latency.sh DPS [RATE [SECONDS]]
set -eu

dps=$1
rate=${2:-1000}
seconds=${3:-60}
work=$(mktemp -d)
trap 'kill $follower 2>/dev/null || true; rm -rf "$work"' EXIT

db="$work/follow.db"
file="$work/queue.jsonl"
: > "$file"

"$dps" ingest --db "sqlite://$db" --follow --poll-ms 100 --batch-ms 200 "$file" > "$work/follow.log" 2>&1 &
follower=$!
sleep 1
"$dps" generate --rate "$rate" --rows $((rate * seconds)) --seed 11 --output "$file" 2> /dev/null
sleep 2
kill -INT $follower
wait $follower || true

sqlite3 "$db" "
  WITH l AS (SELECT (ingested_at - event_ts) / 1000.0 AS ms FROM transactions),
       o AS (SELECT ms, row_number() OVER (ORDER BY ms) AS r, count(*) OVER () AS n FROM l)
  SELECT printf('follow latency at %d events/s over %d s: %d rows, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms',
                $rate, $seconds, max(n),
                max(CASE WHEN r <= n * 0.50 THEN ms END),
                max(CASE WHEN r <= n * 0.95 THEN ms END),
                max(CASE WHEN r <= n * 0.99 THEN ms END),
                max(ms))
  FROM o;"
