#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every dps command on a PostgreSQL database, named as a postgresql://
# URI, as a conninfo string and through DPS_DB; its answers must be
# SQLite's for the same file. Run under build-aux/pg-throwaway.
#
# Usage: check-cli-postgres.sh DPS

set -eu

dps=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

pg="$DPS_TEST_PG_URI"
conninfo="host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=$PGUSER"
lite="sqlite://$tmp/reference.db"

"$dps" generate --rows 20000 --seed 9 --days 10 --dirty 0.05 --output "$tmp/t.jsonl" >/dev/null 2>&1

"$dps" db migrate --db "$pg" | grep -q "is up to date" || fail "db migrate"
"$dps" ingest --db "$pg" "$tmp/t.jsonl" >/dev/null || fail "ingest"
# Again, as a conninfo string: nothing new.
"$dps" ingest --db "$conninfo" "$tmp/t.jsonl" > "$tmp/again.txt" || fail "ingest (conninfo)"
grep -q "loaded 0 rows" "$tmp/again.txt" || fail "a second import loaded rows: $(cat "$tmp/again.txt")"
"$dps" ingest --db "$lite" "$tmp/t.jsonl" >/dev/null || fail "ingest (SQLite)"
"$dps" ingest --db "$lite" "$tmp/t.jsonl" >/dev/null

# The same figures as SQLite, with and without filters.
for filter in "" "--city Paris --status APPROVED" "--from 2026-01-01 --search 4a" "--min-amount 20 --max-amount 99.99"; do
  # shellcheck disable=SC2086
  "$dps" stats --db "$pg" --json $filter | grep -v '"database"' > "$tmp/pg.json" || fail "stats $filter"
  # shellcheck disable=SC2086
  "$dps" stats --db "$lite" --json $filter | grep -v '"database"' > "$tmp/lite.json"
  diff -u "$tmp/lite.json" "$tmp/pg.json" >&2 || fail "stats $filter differ from SQLite"
done

# The same CSV.
DPS_DB="$pg" "$dps" export --sort amount:desc --output "$tmp/pg.csv" || fail "export (DPS_DB)"
"$dps" export --db "$lite" --sort amount:desc --output "$tmp/lite.csv"
cut -d, -f1-14 "$tmp/pg.csv" > "$tmp/pg-cut.csv"
cut -d, -f1-14 "$tmp/lite.csv" > "$tmp/lite-cut.csv"
cmp -s "$tmp/pg-cut.csv" "$tmp/lite-cut.csv" || fail "export differs from SQLite"
[ "$(wc -l < "$tmp/pg.csv")" -gt 10000 ] || fail "export is short"

"$dps" runs --db "$pg" > "$tmp/runs.txt" || fail "runs"
[ "$(grep -c Succeeded "$tmp/runs.txt")" -eq 2 ] || fail "runs: $(cat "$tmp/runs.txt")"
"$dps" db info --db "$pg" > "$tmp/info.txt" || fail "db info"
grep -q PostgreSQL "$tmp/info.txt" || fail "db info: $(cat "$tmp/info.txt")"
"$dps" db check --db "$pg" >/dev/null || fail "db check"
"$dps" db rebuild --db "$pg" >/dev/null || fail "db rebuild"
"$dps" db check --db "$pg" >/dev/null || fail "db check after rebuild"

# A scheduled pipeline, stopped with Ctrl-C after a while.
"$dps" generate --rows 500 --seed 10 --output "$tmp/more.jsonl" >/dev/null 2>&1
status=0
timeout --preserve-status -k 30 -s INT 8 "$dps" run --db "$pg" --every 2s "$tmp/more.jsonl" \
  > "$tmp/run.txt" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "run did not stop cleanly on SIGINT ($status): $(cat "$tmp/run.txt")"
"$dps" runs --db "$pg" | grep -q more.jsonl || fail "run left no run record"

# A wrong password is a clear, immediate error.
if "$dps" stats --db "postgresql://$PGUSER:not-the-password@127.0.0.1:$PGPORT/$PGDATABASE" \
     >/dev/null 2> "$tmp/error.txt"; then
  fail "a wrong password was accepted"
fi
grep -q "password authentication failed" "$tmp/error.txt" || fail "error: $(cat "$tmp/error.txt")"
if grep -q "not-the-password" "$tmp/error.txt"; then
  fail "the password is shown: $(cat "$tmp/error.txt")"
fi

echo "every command works on PostgreSQL"
