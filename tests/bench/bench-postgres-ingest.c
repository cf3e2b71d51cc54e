/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Loading speed into PostgreSQL: generated JSONL through the engine
 * (read, parse, validate, COPY to staging, INSERT … ON CONFLICT, rollups,
 * checkpoint), next to a raw COPY of the same rows, already converted,
 * into the original project's schema on the same server in the same run.
 * Run under build-aux/pg-throwaway; rows from argv[1] (default 1000000),
 * rounds from argv[2] (default 3). */

#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "dps-core.h"
#include "dps-postgres-repository.h"

/* The original project's PostgreSQL schema. */
static const char original_schema[] =
  "CREATE TABLE raw_transactions ("
  "  transaction_id UUID PRIMARY KEY,"
  "  event_ts TIMESTAMPTZ NOT NULL,"
  "  payload JSONB NOT NULL,"
  "  ingested_at TIMESTAMPTZ NOT NULL DEFAULT NOW());"
  "CREATE TABLE transactions_flat ("
  "  transaction_id UUID PRIMARY KEY,"
  "  event_ts TIMESTAMPTZ NOT NULL,"
  "  event_date DATE NOT NULL,"
  "  event_hour SMALLINT NOT NULL,"
  "  event_dayofweek TEXT NOT NULL,"
  "  user_id BIGINT NOT NULL,"
  "  amount NUMERIC(12, 2) NOT NULL,"
  "  amount_bucket TEXT NOT NULL,"
  "  merchant TEXT, category TEXT, city TEXT, status TEXT, payment_method TEXT, currency TEXT,"
  "  ingested_at TIMESTAMPTZ NOT NULL DEFAULT NOW());"
  "CREATE INDEX idx_transactions_flat_user_id ON transactions_flat (user_id);"
  "CREATE INDEX idx_transactions_flat_event_ts ON transactions_flat (event_ts);"
  "CREATE INDEX idx_transactions_flat_category ON transactions_flat (category);";

static const char *const day_names[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

/* CPU seconds a server process used so far (/proc/PID/stat). */
static double
process_cpu_seconds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  /* utime and stime, fields 14 and 15 of the line. */
  return (double) (g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10)) /
         (double) sysconf (_SC_CLK_TCK);
}

/* CPU seconds of the server processes serving the application. */
static double
server_cpu_seconds (PGconn     *conn,
                    const char *application)
{
  const char *params[] = { application };
  PGresult *res = PQexecParams (conn, "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
                                1, NULL, params, NULL, NULL, 0);
  double total = 0;

  for (int r = 0; r < PQntuples (res); r++)
    total += process_cpu_seconds (atoi (PQgetvalue (res, r, 0)));
  PQclear (res);
  return total;
}

static double
own_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         (double) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
exec_or_die (PGconn     *conn,
             const char *sql)
{
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
}

/* A value for COPY's text format. */
static void
append_copy_text (GString    *out,
                  const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '\\': g_string_append (out, "\\\\"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      default:   g_string_append_c (out, *p); break;
      }
}

static void
copy_or_die (PGconn     *conn,
             const char *sql,
             GString    *data)
{
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) != PGRES_COPY_IN)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
  for (gsize sent = 0; sent < data->len; )
    {
      gsize chunk = MIN (data->len - sent, (gsize) 1 << 20);

      if (PQputCopyData (conn, data->str + sent, (int) chunk) != 1)
        g_error ("COPY: %s", PQerrorMessage (conn));
      sent += chunk;
    }
  if (PQputCopyEnd (conn, NULL) != 1)
    g_error ("COPY: %s", PQerrorMessage (conn));
  while ((res = PQgetResult (conn)) != NULL)
    {
      if (PQresultStatus (res) != PGRES_COMMAND_OK)
        g_error ("COPY: %s", PQresultErrorMessage (res));
      PQclear (res);
    }
}

typedef struct {
  double seconds;
  double server_cpu;     /* seconds */
  double client_cpu;     /* seconds, engine only */
  char  *stages;         /* engine only */
} Measure;

/* A raw COPY of the converted rows into a fresh copy of the original schema. */
static Measure
measure_raw (const char *base,
             guint       round,
             GString    *raw,
             GString    *flat)
{
  g_autofree char *schema = g_strdup_printf ("CREATE SCHEMA original_%u; SET search_path = original_%u", round, round);
  PGconn *conn = PQconnectdb (base);
  Measure m = { 0 };
  gint64 start;
  int pid;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("%s", PQerrorMessage (conn));
  exec_or_die (conn, schema);
  exec_or_die (conn, original_schema);
  exec_or_die (conn, "CHECKPOINT");
  pid = PQbackendPID (conn);
  m.server_cpu = process_cpu_seconds (pid);
  start = g_get_monotonic_time ();
  exec_or_die (conn, "BEGIN");
  copy_or_die (conn, "COPY raw_transactions (transaction_id, event_ts, payload) FROM STDIN", raw);
  copy_or_die (conn, "COPY transactions_flat (transaction_id, event_ts, event_date, event_hour, "
                     "event_dayofweek, user_id, amount, amount_bucket, merchant, category, city, "
                     "status, payment_method, currency) FROM STDIN", flat);
  exec_or_die (conn, "COMMIT");
  m.seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  m.server_cpu = process_cpu_seconds (pid) - m.server_cpu;
  exec_or_die (conn, "CHECKPOINT");
  PQfinish (conn);
  return m;
}

/* The engine with its default options, from the JSONL file into a fresh
 * schema. */
static Measure
measure_engine (const char *base,
                guint       round,
                const char *path,
                guint64     expected)
{
  g_autofree char *create = g_strdup_printf ("CREATE SCHEMA dps_%u", round);
  g_autofree char *uri = g_strdup_printf ("%s?options=-csearch_path%%3Ddps_%u", base, round);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repo = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  DpsEngineOptions options;
  PGconn *conn = PQconnectdb (base);
  Measure m = { 0 };
  gint64 start;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("%s", PQerrorMessage (conn));
  exec_or_die (conn, create);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  exec_or_die (conn, "CHECKPOINT");
  source = dps_file_source_new (path, FALSE, DPS_DEFAULT_MAX_LINE_LENGTH, 100);
  dps_engine_options_init (&options);
  engine = dps_engine_new (repo, source, &options);

  m.server_cpu = server_cpu_seconds (conn, "data-pipeline-streaming");
  m.client_cpu = own_cpu_seconds ();
  start = g_get_monotonic_time ();
  if (!dps_engine_run (engine, NULL, &error))
    g_error ("%s", error->message);
  m.seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  m.client_cpu = own_cpu_seconds () - m.client_cpu;
  m.server_cpu = server_cpu_seconds (conn, "data-pipeline-streaming") - m.server_cpu;
  run = dps_engine_dup_run (engine);
  g_assert_cmpint (run->rows_loaded, ==, (gint64) expected);
  m.stages = g_strdup (run->stage_timings);

  g_clear_object (&engine);
  g_clear_object (&repo);
  exec_or_die (conn, "CHECKPOINT");
  PQfinish (conn);
  return m;
}

int
main (int   argc,
      char *argv[])
{
  guint64 rows = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  guint rounds = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 3;
  const char *base = g_getenv ("DPS_TEST_PG_URI");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) raw = g_string_new (NULL);
  g_autoptr(GString) flat = g_string_new (NULL);
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsGenerator) generator = NULL;
  g_autofree char *contents = NULL;
  DpsGeneratorOptions options;
  gsize length;
  guint64 loaded = 0;
  Measure best_raw = { G_MAXDOUBLE, 0, 0, NULL }, best_engine = { G_MAXDOUBLE, 0, 0, NULL };

  if (base == NULL)
    {
      g_printerr ("Run under build-aux/pg-throwaway\n");
      return 77;
    }

  /* The input: generated lines in a file (not timed). */
  dir = g_dir_make_tmp ("dps-bench-pg-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "transactions.jsonl", NULL);
  dps_generator_options_init (&options);
  options.seed = 2026;
  options.rows = rows;
  options.days = 30;
  generator = dps_generator_new (&options);
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
    g_autoptr(GOutputStream) buffered = NULL;

    g_assert_no_error (error);
    buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 1 << 20);
    if (!dps_generator_write (generator, buffered, 0, NULL, NULL, NULL, &error) ||
        !g_output_stream_close (buffered, NULL, &error))
      g_error ("%s", error->message);
  }

  /* The same rows converted for COPY into the original tables (not timed). */
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  for (char *line = contents, *end; line < contents + length; line = end + 1)
    {
      DpsTransaction tx = { 0 };
      DpsReject reject = { 0 };
      char id[DPS_UUID_TEXT_LEN + 1];
      char ts[40], date[16], amount[32];

      end = memchr (line, '\n', (gsize) (contents + length - line));
      if (end == NULL)
        end = contents + length;
      dps_reject_clear (&reject);
      if (!dps_record_parser_parse (parser, line, (gsize) (end - line), (gsize) (end - line), &tx, &reject))
        {
          dps_reject_clear (&reject);
          continue;
        }
      dps_uuid_to_string (tx.id, id);
      dps_format_timestamp_into (tx.event_ts, ts);
      dps_format_date_into (tx.event_date, date);
      dps_format_cents_into (tx.amount_cents, amount);

      g_string_append_printf (raw, "%s\t%s\t", id, ts);
      append_copy_text (raw, tx.payload);
      g_string_append_c (raw, '\n');

      g_string_append_printf (flat, "%s\t%s\t%s\t%u\t%s\t%" G_GINT64_FORMAT "\t%s\t%s\t",
                              id, ts, date, tx.event_hour, day_names[tx.event_dayofweek],
                              tx.user_id, amount, dps_amount_bucket_to_string (tx.amount_bucket));
      append_copy_text (flat, tx.merchant);
      g_string_append_c (flat, '\t');
      append_copy_text (flat, tx.category);
      g_string_append_c (flat, '\t');
      append_copy_text (flat, tx.city);
      g_string_append_printf (flat, "\t%s\t%s\t%s\n", dps_status_to_string (tx.status),
                              dps_payment_method_to_string (tx.payment_method), tx.currency);
      loaded++;
      dps_transaction_clear (&tx);
    }
  g_clear_pointer (&contents, g_free);

  /* Rounds in alternating order; on a shared machine the best of each
   * path is the least disturbed. */
  printf ("rows: %" G_GUINT64_FORMAT " lines, %" G_GUINT64_FORMAT " valid, %u rounds\n", rows, loaded, rounds);
  for (guint round = 0; round < rounds; round++)
    {
      Measure r, e;

      if (round % 2 == 0)
        {
          r = measure_raw (base, round, raw, flat);
          e = measure_engine (base, round, path, loaded);
        }
      else
        {
          e = measure_engine (base, round, path, loaded);
          r = measure_raw (base, round, raw, flat);
        }
      printf ("round %u: raw COPY %.2f s (%.0f rows/s), engine %.2f s (%.0f rows/s): %.0f %%\n",
              round + 1, r.seconds, (double) loaded / r.seconds, e.seconds, (double) rows / e.seconds,
              100.0 * r.seconds / e.seconds);
      if (r.seconds < best_raw.seconds)
        best_raw = r;
      if (e.seconds < best_engine.seconds)
        {
          g_free (best_engine.stages);
          best_engine = e;
        }
      else
        g_free (e.stages);
      fflush (stdout);
    }

  printf ("raw COPY, original schema:   %.2f s, %.0f rows/s (best round)\n",
          best_raw.seconds, (double) loaded / best_raw.seconds);
  printf ("engine, JSONL to PostgreSQL: %.2f s, %.0f rows/s (best round; stages: %s)\n",
          best_engine.seconds, (double) rows / best_engine.seconds,
          best_engine.stages != NULL ? best_engine.stages : "?");
  printf ("engine / raw COPY:           %.0f %%\n", 100.0 * best_raw.seconds / best_engine.seconds);
  /* CPU time depends less on what else the machine runs. */
  printf ("server CPU per 1000 rows:    raw COPY %.3f s, engine %.3f s (raw / engine %.0f %%); "
          "engine client CPU %.3f s\n",
          1000 * best_raw.server_cpu / (double) loaded, 1000 * best_engine.server_cpu / (double) loaded,
          100.0 * best_raw.server_cpu / best_engine.server_cpu,
          1000 * best_engine.client_cpu / (double) loaded);

  g_free (best_engine.stages);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
