/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "dps-test-db.h"
#include "dps-transaction-model.h"

/* The Transactions view's costs on a large database (10 million rows;
 * DPS_BENCH_ROWS to scale): from a filter change to the first page
 * shown, a jump to the last row and into the middle, memory while
 * scrolling the whole table, and CSV export speed next to the sqlite3
 * command-line tool's own CSV output of the same rows.
 *
 * Generating 10 million rows takes minutes: DPS_BENCH_DB names a file
 * kept between runs (made when missing or of another size).
 *
 * Goals: first page < 50 ms, jump to the end < 50 ms, RSS < 200 MB while
 * scrolling, export at least as fast as sqlite3 -csv. */

#define START_USEC (G_GINT64_CONSTANT (1764547200) * G_USEC_PER_SEC)   /* 2025-12-01 */
#define DAYS 90

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

static double
ms_since (gint64 start)
{
  return (double) (now_us () - start) / 1000.0;
}

static guint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static void
wait_idle (DpsTransactionModel *model)
{
  while (dps_transaction_model_is_busy (model))
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_loaded (DpsTransactionItem *item)
{
  while (!dps_transaction_item_is_loaded (item))
    g_main_context_iteration (NULL, TRUE);
}

/* Time until the item at @position holds its row. */
static double
time_item (DpsTransactionModel *model,
           guint                position)
{
  gint64 start = now_us ();
  g_autoptr(DpsTransactionItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  wait_loaded (item);
  return ms_since (start);
}

static void
mark_reset (DpsTransactionModel *model,
            gboolean            *done)
{
  *done = TRUE;
}

/* From set_query() to row 0 shown (the model lists the first page before
 * counting), and to the count known. */
static double
time_first_page (DpsTransactionModel *model,
                 DpsFilter           *filter,
                 const DpsSort       *sort,
                 guint               *out_n,
                 double              *out_counted)
{
  gboolean reset = FALSE;
  gulong handler = g_signal_connect (model, "reset", G_CALLBACK (mark_reset), &reset);
  gint64 start = now_us ();
  double elapsed = 0;

  dps_transaction_model_set_query (model, filter, sort);
  while (!reset)
    g_main_context_iteration (NULL, TRUE);
  if (g_list_model_get_n_items (G_LIST_MODEL (model)) > 0)
    {
      g_autoptr(DpsTransactionItem) first = g_list_model_get_item (G_LIST_MODEL (model), 0);
      wait_loaded (first);
    }
  elapsed = ms_since (start);
  while (!dps_transaction_model_is_counted (model))
    g_main_context_iteration (NULL, TRUE);
  if (out_counted != NULL)
    *out_counted = ms_since (start);
  *out_n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_signal_handler_disconnect (model, handler);
  wait_idle (model);
  return elapsed;
}

static DpsRepository *
open_or_make (const char *path,
              guint64     rows)
{
  g_autofree char *uri = dps_test_db_uri (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsFilter) all = dps_filter_new ();
  guint64 count = 0;
  gint64 start;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
      if (repository != NULL && dps_repository_count_rows (repository, all, &count, NULL, NULL) &&
          count == rows)
        {
          g_print ("Using %s (%" G_GUINT64_FORMAT " rows)\n", path, count);
          return g_steal_pointer (&repository);
        }
      g_clear_object (&repository);
      g_clear_error (&error);
    }

  g_print ("Generating %" G_GUINT64_FORMAT " rows into %s…\n", rows, path);
  start = now_us ();
  repository = dps_test_db_create (path, rows, 2024, START_USEC, DAYS, &error);
  if (repository == NULL)
    g_error ("%s", error->message);
  g_print ("  generated in %.1f s\n", ms_since (start) / 1000.0);
  return g_steal_pointer (&repository);
}

static void
bench_first_pages (DpsRepository *repository)
{
  g_autoptr(DpsTransactionModel) model = dps_transaction_model_new (repository);
  const char *lyon[] = { "Lyon", NULL };
  const char *two[] = { "Lyon", "Nice", NULL };
  const char *grocery[] = { "grocery", NULL };
  DpsSort newest = { DPS_SORT_EVENT_TS, TRUE };
  DpsSort amount = { DPS_SORT_AMOUNT, TRUE };
  struct {
    const char *name;
    DpsFilter  *filter;
    const DpsSort *sort;
  } cases[8];
  guint n_cases = 0;

#define ADD_CASE(label, s) G_STMT_START { cases[n_cases].name = label; \
    cases[n_cases].filter = dps_filter_new (); cases[n_cases].sort = s; n_cases++; } G_STMT_END

  ADD_CASE ("everything, newest first", &newest);
  ADD_CASE ("city = Lyon", &newest);
  dps_filter_set_cities (cases[n_cases - 1].filter, lyon);
  ADD_CASE ("2 cities, approved, grocery", &newest);
  dps_filter_set_cities (cases[n_cases - 1].filter, two);
  dps_filter_set_categories (cases[n_cases - 1].filter, grocery);
  dps_filter_set_statuses (cases[n_cases - 1].filter, DPS_FILTER_MASK (DPS_STATUS_APPROVED));
  ADD_CASE ("last 7 days of data", &newest);
  {
    DpsRepositoryInfo info;
    gint64 end;

    g_assert_true (dps_repository_get_info (repository, &info, NULL));
    end = (info.last_event / DPS_USEC_PER_DAY + 1) * DPS_USEC_PER_DAY;
    dps_filter_set_period (cases[n_cases - 1].filter, end - 7 * DPS_USEC_PER_DAY, end);
    dps_repository_info_clear (&info);
  }
  ADD_CASE ("amount 100-250 EUR (no rollup)", &newest);
  dps_filter_set_amount_range (cases[n_cases - 1].filter, 10000, 25000);
  ADD_CASE ("search \"fnac\" (no rollup)", &newest);
  dps_filter_set_search (cases[n_cases - 1].filter, "fnac");
  ADD_CASE ("everything, by amount (no index)", &amount);
#undef ADD_CASE

  g_print ("\nFilter change to first page shown, and to the count known (the list grows then):\n");
  g_print ("  %-36s %10s %12s %12s %12s %12s\n", "", "rows", "1st page", "counted", "1st again", "counted");
  for (guint i = 0; i < n_cases; i++)
    {
      guint n = 0;
      double counted, counted_again;
      /* Twice: the second run is what a person sees after a first look. */
      double cold = time_first_page (model, cases[i].filter, cases[i].sort, &n, &counted);
      double warm = time_first_page (model, cases[i].filter, cases[i].sort, &n, &counted_again);

      g_print ("  %-36s %10u %9.1f ms %9.1f ms %9.1f ms %9.1f ms\n", cases[i].name, n, cold, counted,
               warm, counted_again);
      g_object_unref (cases[i].filter);
    }
}

static void
bench_jumps (DpsRepository *repository)
{
  g_autoptr(DpsTransactionModel) model = dps_transaction_model_new (repository);
  g_autoptr(DpsFilter) all = dps_filter_new ();
  g_autoptr(DpsFilter) lyon_filter = dps_filter_new ();
  const char *lyon[] = { "Lyon", NULL };
  DpsSort newest = { DPS_SORT_EVENT_TS, TRUE };
  DpsSort amount = { DPS_SORT_AMOUNT, FALSE };
  guint n = 0;

  dps_filter_set_cities (lyon_filter, lyon);

  g_print ("\nJumps (time until the row is shown):\n");
  time_first_page (model, all, &newest, &n, NULL);
  g_print ("  %-44s %8.1f ms\n", "last row (everything, newest first)", time_item (model, n - 1));
  g_print ("  %-44s %8.1f ms\n", "row before it (same page)", time_item (model, n - 2));
  g_print ("  %-44s %8.1f ms\n", "next page up (keyset)", time_item (model, n - 1 - dps_transaction_model_get_page_size (model)));
  g_print ("  %-44s %8.1f ms\n", "middle row (day directory)", time_item (model, n / 2));
  g_print ("  %-44s %8.1f ms\n", "another row of that day", time_item (model, n / 2 + 20000));
  g_print ("  %-44s %8.1f ms\n", "three quarters (day directory)", time_item (model, n / 4 * 3));
  g_print ("  %-44s %8.1f ms\n", "page after the middle (keyset)", time_item (model, n / 2 + dps_transaction_model_get_page_size (model)));

  time_first_page (model, lyon_filter, &newest, &n, NULL);
  g_print ("  %-44s %8.1f ms\n", "last row (city = Lyon)", time_item (model, n - 1));
  g_print ("  %-44s %8.1f ms\n", "middle row (city = Lyon)", time_item (model, n / 2));

  time_first_page (model, all, &amount, &n, NULL);
  g_print ("  %-44s %8.1f ms\n", "last row (by amount, no index)", time_item (model, n - 1));
  /* An offset into an unindexed sort sorts everything before it: minutes
   * on ten million rows, spilling to temporary files. */
  if (n <= 2000000)
    g_print ("  %-44s %8.1f ms\n", "middle row (by amount, no index)", time_item (model, n / 2));
  else
    g_print ("  %-44s %11s\n", "middle row (by amount, no index)", "skipped");
}

/* Every page, top to bottom, as a scroll through the whole table reads
 * them; memory sampled as it goes. */
static void
bench_scroll (DpsRepository *repository)
{
  g_autoptr(DpsTransactionModel) model = dps_transaction_model_new (repository);
  g_autoptr(DpsFilter) all = dps_filter_new ();
  DpsSort newest = { DPS_SORT_EVENT_TS, TRUE };
  guint64 before = rss_kib (), peak = before;
  guint n = 0, page;
  gint64 start;
  guint64 pages = 0;

  time_first_page (model, all, &newest, &n, NULL);
  page = dps_transaction_model_get_page_size (model);
  start = now_us ();
  for (guint i = 0; i < n; i += page, pages++)
    {
      g_autoptr(DpsTransactionItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      wait_loaded (item);
      if (pages % 64 == 0)
        peak = MAX (peak, rss_kib ());
    }
  peak = MAX (peak, rss_kib ());
  g_print ("\nScrolling all %u rows (%" G_GUINT64_FORMAT " pages of %u): %.1f s, %.2f ms a page\n",
           n, pages, page, ms_since (start) / 1000.0, ms_since (start) / (double) pages);
  g_print ("  VmRSS before %.1f MB, peak while scrolling %.1f MB\n", before / 1024.0, peak / 1024.0);
}

static double
run_sqlite3_csv (const char *db_path,
                 const char *out_path)
{
  g_autofree char *sqlite3 = g_find_program_in_path ("sqlite3");
  g_autofree char *command = NULL;
  gint64 start;
  int status;

  if (sqlite3 == NULL)
    return -1;
  command = g_strdup_printf ("%s -csv -header '%s' 'SELECT * FROM transactions_flat' > '%s'",
                             sqlite3, db_path, out_path);
  start = now_us ();
  {
    const char *argv[] = { "/bin/sh", "-c", command, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, NULL) ||
        !g_spawn_check_wait_status (status, NULL))
      return -1;
  }
  return ms_since (start) / 1000.0;
}

static void
bench_export (DpsRepository *repository,
              const char    *db_path,
              const char    *dir)
{
  g_autoptr(DpsFilter) all = dps_filter_new ();
  g_autofree char *ours = g_build_filename (dir, "dps.csv", NULL);
  g_autofree char *theirs = g_build_filename (dir, "sqlite3.csv", NULL);
  DpsExportOptions options;
  struct { const char *name; DpsSort sort; } orders[] = {
    { "storage order", { DPS_SORT_INGESTED_AT, FALSE } },
    { "by event time", { DPS_SORT_EVENT_TS, FALSE } },
  };
  double sqlite3_s;
  guint64 rows = 0;

  dps_export_options_init (&options, DPS_CSV_PRESET_STANDARD);
  g_print ("\nCSV export of every row (standard preset, raw values):\n");
  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = now_us ();
      double seconds;
      GStatBuf st;

      if (!dps_export_to_file (repository, all, &orders[i].sort, &options, ours, NULL, NULL, &rows, NULL, &error))
        g_error ("%s", error->message);
      seconds = ms_since (start) / 1000.0;
      g_stat (ours, &st);
      g_print ("  dps export, %-14s %10" G_GUINT64_FORMAT " rows in %6.2f s: %9.0f rows/s (%.0f MB)\n",
               orders[i].name, rows, seconds, rows / seconds, st.st_size / 1e6);
      g_unlink (ours);
    }

  sqlite3_s = run_sqlite3_csv (db_path, theirs);
  if (sqlite3_s < 0)
    g_print ("  sqlite3 -csv: not found or failed\n");
  else
    {
      GStatBuf st;

      g_stat (theirs, &st);
      g_print ("  sqlite3 -csv transactions_flat %10" G_GUINT64_FORMAT " rows in %6.2f s: %9.0f rows/s (%.0f MB)\n",
               rows, sqlite3_s, rows / sqlite3_s, st.st_size / 1e6);
      g_unlink (theirs);
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *cached = g_getenv ("DPS_BENCH_DB");
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  guint64 rows = 10000000;
  const char *text = g_getenv ("DPS_BENCH_ROWS");

  if (text != NULL)
    rows = g_ascii_strtoull (text, NULL, 10);
  if (rows == 0)
    rows = 10000000;
  path = cached != NULL && cached[0] != '\0' ? g_strdup (cached) : g_build_filename (dir, "bench.db", NULL);

  repository = open_or_make (path, rows);
  /* The view reads through a connection of its own, as in the window. */
  {
    g_autofree char *uri = dps_test_db_uri (path);
    g_autoptr(GError) error = NULL;
    g_autoptr(DpsRepository) reader = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NO_MIGRATE, NULL, &error);

    if (reader == NULL)
      g_error ("%s", error->message);
    bench_first_pages (reader);
    bench_jumps (reader);
    bench_scroll (reader);
    bench_export (reader, path, dir);
  }

  g_clear_object (&repository);
  if (cached == NULL || cached[0] == '\0')
    dps_test_tmpdir_remove (dir);
  else
    g_rmdir (dir);
  return 0;
}
