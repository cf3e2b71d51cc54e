/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include "dps-sqlite-schema.h"

/* Storage notes:
 * - transactions keeps the hot columns only, with a 16-byte binary id and
 *   integer codes, so scans and index pages stay small; the raw payload and
 *   source position live in transaction_payloads under the same rowid.
 * - Times are integers: microseconds since the epoch (UTC) and day numbers.
 * - The original project's names (raw_transactions, transactions_flat,
 *   daily_summary) are views with the original columns and text values.
 * - Rollups are updated in the load transaction from the rows it inserted.
 */
static const char *const migrations[] = {
  /* 1: the first schema */
  "CREATE TABLE sources ("
  "  id INTEGER PRIMARY KEY,"
  "  source_key TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL"
  ");"

  "CREATE TABLE transactions ("
  "  id INTEGER PRIMARY KEY,"
  "  tx_key INTEGER NOT NULL,"
  "  tx_uuid BLOB NOT NULL,"
  "  event_ts INTEGER NOT NULL,"
  "  event_date INTEGER NOT NULL,"
  "  event_hour INTEGER NOT NULL,"
  "  event_dow INTEGER NOT NULL,"
  "  user_id INTEGER NOT NULL,"
  "  amount_cents INTEGER NOT NULL,"
  "  amount_bucket INTEGER NOT NULL,"
  "  merchant TEXT NOT NULL,"
  "  category TEXT NOT NULL,"
  "  city TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  payment_method INTEGER NOT NULL,"
  "  currency TEXT NOT NULL,"
  "  ingested_at INTEGER NOT NULL"
  ");"
  /* Deduplication goes through an 8-byte integer key (the UUID's first
   * half, order-kept): random inserts into an integer index cost a third
   * of those into a 16-byte blob index. Two UUIDs sharing a key take
   * neighbouring keys (see dps-sqlite-repository.c). Only the indexes the
   * queries need: each random index costs loading speed. */
  "CREATE UNIQUE INDEX transactions_key ON transactions (tx_key);"
  "CREATE INDEX transactions_event_ts ON transactions (event_ts);"

  "CREATE TABLE transaction_payloads ("
  "  id INTEGER PRIMARY KEY,"
  "  source_id INTEGER,"
  "  source_partition INTEGER NOT NULL DEFAULT -1,"
  "  source_offset INTEGER NOT NULL DEFAULT -1,"
  "  source_line INTEGER NOT NULL DEFAULT -1,"
  "  payload TEXT NOT NULL"
  ");"

  "CREATE TABLE duplicate_transactions ("
  "  tx_uuid BLOB PRIMARY KEY,"
  "  arrivals INTEGER NOT NULL,"
  "  first_seen INTEGER NOT NULL,"
  "  last_seen INTEGER NOT NULL,"
  "  last_source_id INTEGER"
  ") WITHOUT ROWID;"
  "CREATE INDEX duplicate_transactions_last_seen ON duplicate_transactions (last_seen);"

  "CREATE TABLE rejected_transactions ("
  "  id INTEGER PRIMARY KEY,"
  "  rejected_at INTEGER NOT NULL,"
  "  run_id INTEGER,"
  "  source_id INTEGER,"
  "  source_partition INTEGER NOT NULL DEFAULT -1,"
  "  source_offset INTEGER NOT NULL DEFAULT -1,"
  "  source_line INTEGER NOT NULL DEFAULT -1,"
  "  reason TEXT NOT NULL,"
  "  field TEXT,"
  "  detail TEXT,"
  "  raw BLOB,"
  "  raw_length INTEGER NOT NULL DEFAULT 0,"
  "  raw_hash INTEGER NOT NULL,"
  "  event_ts INTEGER,"
  "  transaction_id TEXT,"
  "  event_time INTEGER GENERATED ALWAYS AS (coalesce(event_ts, rejected_at)) VIRTUAL"
  ");"
  /* The same bad line from the same place is stored once, however often
   * it is read (re-import, resume after a crash). */
  "CREATE UNIQUE INDEX rejected_transactions_origin ON rejected_transactions"
  "  (source_id, source_partition, source_offset, raw_hash);"
  "CREATE INDEX rejected_transactions_time ON rejected_transactions (event_time);"
  "CREATE INDEX rejected_transactions_reason ON rejected_transactions (reason, id);"

  "CREATE TABLE source_checkpoints ("
  "  source_key TEXT NOT NULL,"
  "  partition INTEGER NOT NULL DEFAULT -1,"
  "  position INTEGER NOT NULL,"
  "  line INTEGER NOT NULL DEFAULT -1,"
  "  fingerprint TEXT,"
  "  complete INTEGER NOT NULL DEFAULT 0,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (source_key, partition)"
  ") WITHOUT ROWID;"

  "CREATE TABLE pipeline_runs ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  source TEXT NOT NULL,"
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER,"
  "  rows_read INTEGER NOT NULL DEFAULT 0,"
  "  rows_loaded INTEGER NOT NULL DEFAULT 0,"
  "  rows_rejected INTEGER NOT NULL DEFAULT 0,"
  "  rows_duplicate INTEGER NOT NULL DEFAULT 0,"
  "  bytes_read INTEGER NOT NULL DEFAULT 0,"
  "  status TEXT NOT NULL,"
  "  error TEXT,"
  "  stage_timings TEXT,"
  "  quality_checks TEXT,"
  "  rejected_by_reason TEXT,"
  "  pid INTEGER,"
  "  host TEXT"
  ");"
  "CREATE INDEX pipeline_runs_status ON pipeline_runs (status);"

  "CREATE TABLE rollup_daily ("
  "  event_date INTEGER NOT NULL, category TEXT NOT NULL, city TEXT NOT NULL,"
  "  status INTEGER NOT NULL, payment_method INTEGER NOT NULL,"
  "  tx_count INTEGER NOT NULL, amount_cents INTEGER NOT NULL,"
  "  PRIMARY KEY (event_date, category, city, status, payment_method)"
  ") WITHOUT ROWID;"
  "CREATE TABLE rollup_merchant ("
  "  event_date INTEGER NOT NULL, merchant TEXT NOT NULL, category TEXT NOT NULL,"
  "  city TEXT NOT NULL, status INTEGER NOT NULL,"
  "  tx_count INTEGER NOT NULL, amount_cents INTEGER NOT NULL,"
  "  PRIMARY KEY (event_date, merchant, category, city, status)"
  ") WITHOUT ROWID;"
  "CREATE TABLE rollup_bucket ("
  "  event_date INTEGER NOT NULL, amount_bucket INTEGER NOT NULL, category TEXT NOT NULL,"
  "  city TEXT NOT NULL, status INTEGER NOT NULL,"
  "  tx_count INTEGER NOT NULL, amount_cents INTEGER NOT NULL,"
  "  PRIMARY KEY (event_date, amount_bucket, category, city, status)"
  ") WITHOUT ROWID;"
  "CREATE TABLE rollup_hourly ("
  "  event_date INTEGER NOT NULL, event_hour INTEGER NOT NULL, category TEXT NOT NULL,"
  "  status INTEGER NOT NULL, payment_method INTEGER NOT NULL,"
  "  tx_count INTEGER NOT NULL, amount_cents INTEGER NOT NULL,"
  "  PRIMARY KEY (event_date, event_hour, category, status, payment_method)"
  ") WITHOUT ROWID;"

  /* The original project's names, with its columns and text values. */
  "CREATE VIEW transactions_flat AS SELECT"
  "  lower(substr(hex(tx_uuid), 1, 8) || '-' || substr(hex(tx_uuid), 9, 4) || '-' ||"
  "        substr(hex(tx_uuid), 13, 4) || '-' || substr(hex(tx_uuid), 17, 4) || '-' ||"
  "        substr(hex(tx_uuid), 21, 12)) AS transaction_id,"
  "  strftime('%Y-%m-%dT%H:%M:%S', event_ts / 1000000, 'unixepoch') ||"
  "    printf('.%06d+00:00', event_ts % 1000000) AS event_ts,"
  "  date(event_date * 86400, 'unixepoch') AS event_date,"
  "  event_hour,"
  "  event_dow AS event_dayofweek,"
  "  user_id,"
  "  round(amount_cents / 100.0, 2) AS amount,"
  "  CASE amount_bucket WHEN 0 THEN '<20' WHEN 1 THEN '20-100' WHEN 2 THEN '100-250'"
  "    WHEN 3 THEN '250-500' ELSE '>=500' END AS amount_bucket,"
  "  merchant, category, city,"
  "  CASE status WHEN 0 THEN 'APPROVED' WHEN 1 THEN 'DECLINED' WHEN 2 THEN 'PENDING'"
  "    ELSE 'REFUNDED' END AS status,"
  "  CASE payment_method WHEN 0 THEN 'card' WHEN 1 THEN 'wallet'"
  "    ELSE 'bank_transfer' END AS payment_method,"
  "  currency,"
  "  strftime('%Y-%m-%dT%H:%M:%S', ingested_at / 1000000, 'unixepoch') ||"
  "    printf('.%06d+00:00', ingested_at % 1000000) AS ingested_at"
  "  FROM transactions;"

  "CREATE VIEW raw_transactions AS SELECT"
  "  lower(substr(hex(t.tx_uuid), 1, 8) || '-' || substr(hex(t.tx_uuid), 9, 4) || '-' ||"
  "        substr(hex(t.tx_uuid), 13, 4) || '-' || substr(hex(t.tx_uuid), 17, 4) || '-' ||"
  "        substr(hex(t.tx_uuid), 21, 12)) AS transaction_id,"
  "  strftime('%Y-%m-%dT%H:%M:%S', t.event_ts / 1000000, 'unixepoch') ||"
  "    printf('.%06d+00:00', t.event_ts % 1000000) AS event_ts,"
  "  p.payload AS payload,"
  "  strftime('%Y-%m-%dT%H:%M:%S', t.ingested_at / 1000000, 'unixepoch') ||"
  "    printf('.%06d+00:00', t.ingested_at % 1000000) AS ingested_at,"
  "  s.source_key AS source,"
  "  p.source_partition AS source_partition,"
  "  p.source_offset AS source_offset,"
  "  p.source_line AS source_line"
  "  FROM transactions t JOIN transaction_payloads p ON p.id = t.id"
  "  LEFT JOIN sources s ON s.id = p.source_id;"

  "CREATE VIEW daily_summary AS SELECT"
  "  date(event_date * 86400, 'unixepoch') AS event_date,"
  "  city, category,"
  "  sum(tx_count) AS transaction_count,"
  "  round(sum(amount_cents) / 100.0, 2) AS total_amount,"
  "  round(sum(CASE WHEN status = 0 THEN amount_cents ELSE 0 END) / 100.0, 2) AS approved_amount"
  "  FROM rollup_daily GROUP BY rollup_daily.event_date, city, category;",
};

const char * const *
dps_sqlite_schema_get_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
