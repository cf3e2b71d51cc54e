/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-test"

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "engine-test-util.h"

/* 2026-11-01T00:00:00Z */
#define TEST_PERIOD_END (G_GINT64_CONSTANT (1793491200) * DPS_USEC_PER_SECOND)

DpsRepository *
test_open_db (const char *dir,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("sqlite://%s/%s", dir, name);
  DpsRepository *repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (repository);
  return repository;
}

static DpsGenerator *
new_generator (guint64  rows,
               guint64  seed,
               double   dirty,
               gboolean live)
{
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.live = live;
  options.days = 7;
  options.start = TEST_PERIOD_END - 7 * DPS_USEC_PER_DAY;
  options.dirty_ratio = dirty;
  options.max_line_length = TEST_MAX_LINE_LENGTH;
  g_assert_true (dps_generator_options_validate (&options, NULL));
  return dps_generator_new (&options);
}

GString *
test_generate_text (guint64               rows,
                    guint64               seed,
                    double                dirty,
                    gboolean              live,
                    DpsGeneratorManifest *out_manifest)
{
  g_autoptr(DpsGenerator) generator = new_generator (rows, seed, dirty, live);
  GString *text = g_string_new (NULL);

  for (guint64 i = 0; i < rows; i++)
    {
      dps_generator_next (generator, text, NULL);
      g_string_append_c (text, '\n');
    }
  if (out_manifest != NULL)
    *out_manifest = *dps_generator_get_manifest (generator);
  return text;
}

void
test_append (const char *path,
             const char *data,
             gsize       length)
{
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  gssize n;

  g_assert_cmpint (fd, >=, 0);
  n = write (fd, data, length);
  g_assert_cmpint (n, ==, (gssize) length);
  g_assert_cmpint (close (fd), ==, 0);
}

char *
test_file_key (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);

  return g_strconcat ("file:", canonical, NULL);
}

void
test_generate_file (const char           *path,
                    guint64               rows,
                    guint64               seed,
                    double                dirty,
                    gboolean              live,
                    DpsGeneratorManifest *out_manifest)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(DpsGenerator) generator = new_generator (rows, seed, dirty, live);

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  dps_generator_write (generator, G_OUTPUT_STREAM (stream), 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error);
  g_assert_no_error (error);

  if (out_manifest != NULL)
    *out_manifest = *dps_generator_get_manifest (generator);
}

typedef struct {
  GByteArray *ids;
  gint64      rows;
  gint64      cents;
} RowScan;

static gboolean
scan_row_cb (const DpsRow  *row,
             gpointer       user_data,
             GError       **error)
{
  RowScan *scan = user_data;

  g_byte_array_append (scan->ids, row->tx.id, 16);
  scan->rows++;
  scan->cents += row->tx.amount_cents;
  return TRUE;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return memcmp (a, b, 16);
}

char *
test_ids_checksum (GByteArray *ids)
{
  g_assert_cmpuint (ids->len % 16, ==, 0);
  qsort (ids->data, ids->len / 16, 16, compare_ids);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, ids->data, ids->len);
}

GByteArray *
test_dup_ids (DpsRepository *repository)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  DpsSort sort = { DPS_SORT_TRANSACTION_ID, FALSE };
  RowScan scan = { g_byte_array_new (), 0, 0 };

  dps_repository_foreach_row (repository, filter, &sort, scan_row_cb, &scan, NULL, &error);
  g_assert_no_error (error);
  return scan.ids;
}

void
test_snapshot (DpsRepository *repository,
               TestSnapshot  *snapshot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(GByteArray) ids = g_byte_array_new ();
  g_autofree char *detail = NULL;
  DpsSort sort = { DPS_SORT_TRANSACTION_ID, FALSE };
  RowScan scan = { ids, 0, 0 };
  DpsRejectQuery query;
  DpsRepositoryInfo info;
  DpsKpis kpis;

  memset (snapshot, 0, sizeof *snapshot);

  dps_repository_foreach_row (repository, filter, &sort, scan_row_cb, &scan, NULL, &error);
  g_assert_no_error (error);
  snapshot->rows = scan.rows;
  snapshot->amount_cents = scan.cents;
  /* Sorted by id by the database: each id once. */
  for (guint i = 16; i < ids->len; i += 16)
    g_assert_cmpint (memcmp (ids->data + i - 16, ids->data + i, 16), <, 0);
  snapshot->ids_checksum = test_ids_checksum (ids);

  dps_reject_query_init (&query);
  dps_repository_count_rejects (repository, &query, snapshot->rejects_by_reason, &error);
  g_assert_no_error (error);

  dps_repository_get_info (repository, &info, &error);
  g_assert_no_error (error);
  snapshot->rejects = info.rejects;
  snapshot->duplicates = info.duplicates;
  dps_repository_info_clear (&info);

  dps_repository_query_kpis (repository, filter, &kpis, NULL, &error);
  g_assert_no_error (error);
  snapshot->kpi_count = kpis.total.count;
  snapshot->kpi_amount_cents = kpis.total.amount_cents;

  dps_repository_check_rollups (repository, G_MININT32, G_MAXINT32,
                                &snapshot->rollups_equal, &detail, &error);
  g_assert_no_error (error);
  if (!snapshot->rollups_equal)
    g_test_message ("rollups differ: %s", detail);
}

void
test_snapshot_clear (TestSnapshot *snapshot)
{
  g_clear_pointer (&snapshot->ids_checksum, g_free);
}

void
test_assert_snapshots_equal (const TestSnapshot *a,
                             const TestSnapshot *b)
{
  g_assert_cmpint (a->rows, ==, b->rows);
  g_assert_cmpint (a->amount_cents, ==, b->amount_cents);
  g_assert_cmpstr (a->ids_checksum, ==, b->ids_checksum);
  g_assert_cmpint (a->rejects, ==, b->rejects);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (a->rejects_by_reason[i], ==, b->rejects_by_reason[i]);
  g_assert_cmpint (a->duplicates, ==, b->duplicates);
  g_assert_cmpint (a->kpi_count, ==, b->kpi_count);
  g_assert_cmpint (a->kpi_amount_cents, ==, b->kpi_amount_cents);
  g_assert_true (a->rollups_equal);
  g_assert_true (b->rollups_equal);
}

void
test_assert_snapshot_is_manifest (const TestSnapshot         *snapshot,
                                  const DpsGeneratorManifest *manifest)
{
  g_assert_cmpint (snapshot->rows, ==, (gint64) manifest->valid);
  g_assert_cmpint (snapshot->amount_cents, ==, manifest->valid_amount_cents);
  g_assert_cmpint (snapshot->kpi_count, ==, (gint64) manifest->valid);
  g_assert_cmpint (snapshot->kpi_amount_cents, ==, manifest->valid_amount_cents);
  g_assert_cmpint (snapshot->rejects, ==, (gint64) manifest->rejects);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (snapshot->rejects_by_reason[i], ==, (gint64) manifest->rejects_by_reason[i]);
  g_assert_cmpint (snapshot->duplicates, ==, (gint64) manifest->duplicates);
  g_assert_true (snapshot->rollups_equal);
}

gint64
test_offset_after_lines (const char *path,
                         gint64      lines)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
  const char *data, *p;
  gsize size;

  g_assert_no_error (error);
  data = g_mapped_file_get_contents (file);
  size = g_mapped_file_get_length (file);
  p = data;
  for (gint64 i = 0; i < lines; i++)
    {
      const char *newline = memchr (p, '\n', size - (gsize) (p - data));

      g_assert_nonnull (newline);
      p = newline + 1;
    }
  return (gint64) (p - data);
}

struct _TestRun {
  DpsEngine    *engine;
  GCancellable *cancellable;
  GThread      *thread;
  gint          done;           /* atomic */
  gboolean      ok;
  GError       *error;
};

static gpointer
run_thread (gpointer data)
{
  TestRun *run = data;

  run->ok = dps_engine_run (run->engine, run->cancellable, &run->error);
  g_atomic_int_set (&run->done, 1);
  return NULL;
}

TestRun *
test_run_start (DpsEngine    *engine,
                GCancellable *cancellable)
{
  TestRun *run = g_new0 (TestRun, 1);

  run->engine = g_object_ref (engine);
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  run->thread = g_thread_new ("test-engine-run", run_thread, run);
  return run;
}

gboolean
test_run_is_done (TestRun *run)
{
  return g_atomic_int_get (&run->done);
}

gboolean
test_run_join (TestRun  *run,
               GError  **error)
{
  gboolean ok;

  g_thread_join (run->thread);
  ok = run->ok;
  if (run->error != NULL)
    g_propagate_error (error, run->error);
  g_object_unref (run->engine);
  g_clear_object (&run->cancellable);
  g_free (run);
  return ok;
}

gboolean
test_wait_for (TestCondition condition,
               gpointer      user_data,
               double        seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > deadline)
        return condition (user_data);
      g_usleep (5000);
    }
  return TRUE;
}

void
test_engine_options (DpsEngineOptions *options,
                     guint             transform_threads)
{
  dps_engine_options_init (options);
  options->batch_rows = 5000;
  options->backlog_rows = 10000;
  options->batch_interval_ms = 100;
  options->transform_threads = transform_threads;
  options->chunk_lines = 500;
  options->queue_chunks = 4;
  options->max_line_length = TEST_MAX_LINE_LENGTH;
}

guint
test_chunks_for (const DpsEngineOptions *options,
                 guint                   rows)
{
  return (rows + options->chunk_lines - 1) / options->chunk_lines;
}

/* The parsed queue holds a batch's worth of chunks beyond queue_chunks,
 * so that parsers fill the next batch while the sink writes one. */
guint
test_parsed_queue_capacity (const DpsEngineOptions *options)
{
  return options->queue_chunks + test_chunks_for (options, options->batch_rows);
}

/* Lines read but not committed are in chunks that each hold one of the
 * engine's places: the raw queue's, a transform thread's, the parsed
 * queue's and a batch's worth for the batch being filled or written
 * (until larger writes pay, or where each batch commits alone). */
gint64
test_in_flight_bound (const DpsEngineOptions *options)
{
  return (gint64) (options->queue_chunks + test_parsed_queue_capacity (options) +
                   options->transform_threads + test_chunks_for (options, options->batch_rows)) *
         options->chunk_lines;
}

gint64
test_committed_lines (const DpsEngineMetrics *metrics)
{
  return metrics->rows_loaded + metrics->rows_rejected + metrics->rows_duplicate;
}
