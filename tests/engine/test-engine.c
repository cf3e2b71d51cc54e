/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dps-test-repository.h"
#include "engine-test-util.h"

/* ---------------------------------------------------------------------- */
/* helpers                                                                */

static DpsRunRecord *
find_run (DpsRepository *repository,
          gint64         id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = dps_repository_list_runs (repository, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);

      if (run->id == id)
        return dps_run_record_copy (run);
    }
  g_assert_not_reached ();
  return NULL;
}

static GPtrArray *
list_runs_oldest_first (DpsRepository *repository)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *runs = dps_repository_list_runs (repository, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < runs->len / 2; i++)
    {
      gpointer swap = runs->pdata[i];

      runs->pdata[i] = runs->pdata[runs->len - 1 - i];
      runs->pdata[runs->len - 1 - i] = swap;
    }
  return runs;
}

static DpsCheckpoint *
load_checkpoint (DpsRepository *repository,
                 const char    *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = test_file_key (path);
  DpsCheckpoint *checkpoint = NULL;

  dps_repository_load_checkpoint (repository, key, -1, &checkpoint, &error);
  g_assert_no_error (error);
  return checkpoint;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static void
assert_metrics_are_manifest (const DpsEngineMetrics     *m,
                             const DpsGeneratorManifest *manifest)
{
  g_assert_cmpint (m->rows_read, ==, (gint64) manifest->lines);
  g_assert_cmpint (m->rows_loaded, ==, (gint64) manifest->valid);
  g_assert_cmpint (m->rows_duplicate, ==, (gint64) manifest->duplicates);
  g_assert_cmpint (m->rows_rejected, ==, (gint64) manifest->rejects);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (m->rejected_by_reason[i], ==, (gint64) manifest->rejects_by_reason[i]);
}

static gboolean
run_import (DpsRepository          *repository,
            const char             *path,
            const DpsEngineOptions *options,
            DpsEngineMetrics       *metrics,
            gint64                 *run_id,
            GError                **error)
{
  g_autoptr(DpsSource) source = dps_file_source_new (path, FALSE, options->max_line_length, 20);
  g_autoptr(DpsEngine) engine = dps_engine_new (repository, source, options);
  gboolean ok = dps_engine_run (engine, NULL, error);

  if (metrics != NULL)
    dps_engine_get_metrics (engine, metrics);
  if (run_id != NULL)
    {
      g_autoptr(DpsRunRecord) run = dps_engine_dup_run (engine);

      *run_id = run != NULL ? run->id : 0;
    }
  return ok;
}

/* ---------------------------------------------------------------------- */
/* one-shot imports                                                       */

/* @commit_rows: 0, every batch commits alone; more, several together
 * (a transaction left open between them). */
static void
check_import (guint transform_threads,
              guint commit_rows)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  g_autoptr(DpsRunRecord) again_run = NULL;
  g_autoptr(DpsCheckpoint) checkpoint = NULL;
  DpsGeneratorManifest manifest;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  TestSnapshot first, second;
  gint64 run_id, again_id;

  test_generate_file (path, 30000, 11, 0.05, FALSE, &manifest);
  g_assert_cmpuint (manifest.rejects, >, 0);
  g_assert_cmpuint (manifest.duplicates, >, 0);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    if (i != DPS_REJECT_DUPLICATE)
      g_assert_cmpuint (manifest.rejects_by_reason[i], >, 0);

  test_engine_options (&options, transform_threads);
  options.commit_rows = commit_rows;
  /* Commits close on rows only: the parsers always have the next batch. */
  options.batch_interval_ms = 60000;
  g_assert_true (run_import (repository, path, &options, &m, &run_id, &error));
  g_assert_no_error (error);

  /* The engine's counts, the database and the run history all equal
   * what the generator wrote. */
  g_assert_cmpint (m.state, ==, DPS_ENGINE_STATE_FINISHED);
  assert_metrics_are_manifest (&m, &manifest);
  g_assert_cmpint (m.bytes_read, ==, file_size (path));
  g_assert_cmpint (m.batches, >=, 6);

  test_snapshot (repository, &first);
  test_assert_snapshot_is_manifest (&first, &manifest);

  run = find_run (repository, run_id);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (run->kind, ==, "import");
  g_assert_null (run->error);
  g_assert_cmpint (run->finished_at, >=, run->started_at);
  g_assert_cmpint (run->rows_read, ==, (gint64) manifest.lines);
  g_assert_cmpint (run->rows_loaded, ==, (gint64) manifest.valid);
  g_assert_cmpint (run->rows_rejected, ==, (gint64) manifest.rejects);
  g_assert_cmpint (run->rows_duplicate, ==, (gint64) manifest.duplicates);
  g_assert_cmpint (run->bytes_read, ==, file_size (path));
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (run->rejected_by_reason[i], ==, (gint64) manifest.rejects_by_reason[i]);

  checkpoint = load_checkpoint (repository, path);
  g_assert_nonnull (checkpoint);
  g_assert_true (checkpoint->complete);
  g_assert_cmpint (checkpoint->offset, ==, file_size (path));
  g_assert_cmpint (checkpoint->line, ==, (gint64) manifest.lines);

  /* Imported again: read again, everything is a duplicate, nothing new
   * is stored, and the bad lines are not stored twice. */
  g_assert_true (run_import (repository, path, &options, &m, &again_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again_id, >, run_id);
  g_assert_cmpint (m.rows_read, ==, (gint64) manifest.lines);
  g_assert_cmpint (m.rows_loaded, ==, 0);
  g_assert_cmpint (m.rows_duplicate, ==, (gint64) (manifest.valid + manifest.duplicates));
  g_assert_cmpint (m.rows_rejected, ==, (gint64) manifest.rejects);

  test_snapshot (repository, &second);
  g_assert_cmpint (second.rows, ==, first.rows);
  g_assert_cmpint (second.amount_cents, ==, first.amount_cents);
  g_assert_cmpstr (second.ids_checksum, ==, first.ids_checksum);
  g_assert_cmpint (second.rejects, ==, (gint64) manifest.rejects);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (second.rejects_by_reason[i], ==, first.rejects_by_reason[i]);
  g_assert_cmpint (second.duplicates, ==,
                   (gint64) (manifest.duplicates + manifest.valid + manifest.duplicates));
  g_assert_cmpint (second.kpi_count, ==, first.kpi_count);
  g_assert_true (second.rollups_equal);

  again_run = find_run (repository, again_id);
  g_assert_cmpint (again_run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (again_run->rows_loaded, ==, 0);
  g_assert_cmpint (again_run->rows_duplicate, ==, (gint64) (manifest.valid + manifest.duplicates));

  test_snapshot_clear (&first);
  test_snapshot_clear (&second);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

static void
test_import_inline (void)
{
  check_import (0, 0);
}

static void
test_import_threaded (void)
{
  check_import (2, 0);
}

static void
test_import_inline_grouped (void)
{
  check_import (0, 12000);
}

static void
test_import_threaded_grouped (void)
{
  check_import (2, 12000);
}

/* ---------------------------------------------------------------------- */
/* how often batches written together commit                              */

typedef struct {
  DpsEngine *engine;
  gint       done;               /* atomic */
  GArray    *loaded;             /* distinct rows_loaded seen, in order */
} LoadedWatch;

/* Samples the engine's loaded count without pause until told to stop:
 * each new value is a commit the engine reported, and a commit reported
 * a batch at a time would show as several. */
static gpointer
watch_loaded (gpointer data)
{
  LoadedWatch *watch = data;
  gint64 last = -1;

  while (!g_atomic_int_get (&watch->done))
    {
      DpsEngineMetrics m;

      dps_engine_get_metrics (watch->engine, &m);
      if (m.rows_loaded != last)
        {
          last = m.rows_loaded;
          g_array_append_val (watch->loaded, last);
        }
      g_thread_yield ();
    }
  return NULL;
}

/* Commits seen before the end of an inline import of @path whose batches
 * all go into transactions kept open up to @commit_interval_ms. */
static guint
commits_before_end (const char *dir,
                    const char *path,
                    const char *name,
                    guint       commit_interval_ms)
{
  g_autoptr(DpsRepository) repository = test_open_db (dir, name);
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) loaded = g_array_new (FALSE, FALSE, sizeof (gint64));
  LoadedWatch watch = { 0 };
  DpsEngineOptions options;
  DpsEngineMetrics m;
  GThread *thread;
  guint before_end = 0;

  g_assert_true (dps_repository_can_keep_open (repository));
  test_engine_options (&options, 0);
  options.batch_rows = 500;
  options.batch_interval_ms = 10;
  /* Never enough rows to commit: only the interval (or the end) does. */
  options.commit_rows = G_MAXUINT;
  options.commit_interval_ms = commit_interval_ms;
  source = dps_file_source_new (path, FALSE, options.max_line_length, 20);
  engine = dps_engine_new (repository, source, &options);

  watch.engine = engine;
  watch.loaded = loaded;
  thread = g_thread_new ("watch-loaded", watch_loaded, &watch);
  g_assert_true (dps_engine_run (engine, NULL, &error));
  g_assert_no_error (error);
  g_atomic_int_set (&watch.done, 1);
  g_thread_join (thread);

  dps_engine_get_metrics (engine, &m);
  g_assert_cmpint (m.rows_loaded, >, 0);
  for (guint i = 0; i < loaded->len; i++)
    {
      gint64 value = g_array_index (loaded, gint64, i);

      /* Counts only grow, one commit at a time. */
      if (i > 0)
        g_assert_cmpint (value, >, g_array_index (loaded, gint64, i - 1));
      if (value > 0 && value < m.rows_loaded)
        before_end++;
    }
  return before_end;
}

static void
test_commit_interval (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "transactions.jsonl", NULL);

  /* Parsing and writing 40,000 lines on one thread takes far longer than
   * 20 ms, and far less than ten minutes. */
  test_generate_file (path, 40000, 5, 0.0, FALSE, NULL);
  g_assert_cmpuint (commits_before_end (dir, path, "short.db", 20), >, 0);
  g_assert_cmpuint (commits_before_end (dir, path, "long.db", 600000), ==, 0);
  dps_test_tmpdir_remove (dir);
}

/* ---------------------------------------------------------------------- */
/* cancel, then resume                                                    */

typedef struct {
  DpsEngine *engine;
  TestRun   *run;
  gint64     batches;
} BatchWait;

static gboolean
batches_committed_cb (gpointer user_data)
{
  BatchWait *wait = user_data;
  DpsEngineMetrics m;

  dps_engine_get_metrics (wait->engine, &m);
  return m.batches >= wait->batches || test_run_is_done (wait->run);
}

/* The database is consistent: the run's counts, the rows stored and the
 * checkpoint all describe the same committed batches. */
static void
assert_consistent_after (DpsRepository      *repository,
                         const char         *path,
                         gint64              run_id,
                         DpsRunStatus        status,
                         GArray             *commits)
{
  g_autoptr(DpsRunRecord) run = find_run (repository, run_id);
  g_autoptr(DpsCheckpoint) checkpoint = load_checkpoint (repository, path);
  TestSnapshot snapshot;
  gint64 lines = 0;

  test_snapshot (repository, &snapshot);
  g_assert_cmpint (run->status, ==, status);
  g_assert_cmpint (run->rows_loaded, ==, snapshot.rows);
  g_assert_cmpint (run->rows_rejected, ==, snapshot.rejects);
  g_assert_cmpint (run->rows_duplicate, ==, snapshot.duplicates);
  g_assert_cmpint (run->rows_read, ==, snapshot.rows + snapshot.rejects + snapshot.duplicates);
  g_assert_true (snapshot.rollups_equal);

  for (guint i = 0; i < commits->len; i++)
    {
      const DpsTestCommit *commit = &g_array_index (commits, DpsTestCommit, i);

      lines += commit->rows + commit->rejects;
    }
  g_assert_cmpint (lines, ==, run->rows_read);

  /* The checkpoint is at the end of the last committed batch. */
  g_assert_nonnull (checkpoint);
  g_assert_false (checkpoint->complete);
  g_assert_cmpint (checkpoint->line, ==, lines);
  g_assert_cmpint (checkpoint->offset, ==, test_offset_after_lines (path, lines));
  if (commits->len > 0)
    {
      const DpsTestCommit *last = &g_array_index (commits, DpsTestCommit, commits->len - 1);

      g_assert_nonnull (last->checkpoint);
      g_assert_cmpint (last->checkpoint->offset, ==, checkpoint->offset);
      g_assert_cmpint (last->checkpoint->line, ==, checkpoint->line);
    }
  test_snapshot_clear (&snapshot);
}

static void
test_cancel_resume (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autoptr(DpsRepository) clean = test_open_db (dir, "clean.db");
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsTestRepository) slow = dps_test_repository_new (repository);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) commits = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(DpsRunRecord) cancelled_run = NULL;
  DpsGeneratorManifest manifest;
  DpsEngineOptions options;
  TestSnapshot expected, resumed;
  BatchWait wait;
  gint64 cancelled_id, loaded = 0, rejected = 0, duplicates = 0;

  test_generate_file (path, 40000, 21, 0.05, FALSE, &manifest);
  test_engine_options (&options, 2);
  options.batch_rows = 2000;

  g_assert_true (run_import (clean, path, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  test_snapshot (clean, &expected);
  test_assert_snapshot_is_manifest (&expected, &manifest);

  /* A slow database, so that the cancel lands in the middle. */
  dps_test_repository_set_delay (slow, 20000);
  source = dps_file_source_new (path, FALSE, options.max_line_length, 20);
  engine = dps_engine_new (DPS_REPOSITORY (slow), source, &options);
  wait.engine = engine;
  wait.run = test_run_start (engine, cancellable);
  wait.batches = 4;
  g_assert_true (test_wait_for (batches_committed_cb, &wait, 120));
  g_assert_false (test_run_is_done (wait.run));
  g_cancellable_cancel (cancellable);
  g_assert_false (test_run_join (wait.run, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  {
    g_autoptr(DpsRunRecord) run = dps_engine_dup_run (engine);
    cancelled_id = run->id;
  }

  commits = dps_test_repository_dup_commits (slow);
  g_assert_cmpuint (commits->len, >=, 4);
  assert_consistent_after (repository, path, cancelled_id, DPS_RUN_STATUS_CANCELLED, commits);
  cancelled_run = find_run (repository, cancelled_id);
  g_assert_cmpint (cancelled_run->rows_read, <, (gint64) manifest.lines);

  /* Resumed: the rest is read once, and the database ends up as a clean
   * run's. */
  g_assert_true (run_import (repository, path, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  test_snapshot (repository, &resumed);
  test_assert_snapshots_equal (&resumed, &expected);
  test_assert_snapshot_is_manifest (&resumed, &manifest);

  runs = list_runs_oldest_first (repository);
  g_assert_cmpuint (runs->len, ==, 2);
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);

      loaded += run->rows_loaded;
      rejected += run->rows_rejected;
      duplicates += run->rows_duplicate;
    }
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[1])->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (loaded, ==, (gint64) manifest.valid);
  g_assert_cmpint (rejected, ==, (gint64) manifest.rejects);
  g_assert_cmpint (duplicates, ==, (gint64) manifest.duplicates);

  test_snapshot_clear (&expected);
  test_snapshot_clear (&resumed);
  g_clear_object (&engine);
  g_clear_object (&slow);
  g_clear_object (&repository);
  g_clear_object (&clean);
  dps_test_tmpdir_remove (dir);
}

/* ---------------------------------------------------------------------- */
/* write errors                                                           */

static void
test_retry_transient (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsTestRepository) flaky = dps_test_repository_new (repository);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) commits = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  DpsGeneratorManifest manifest;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  TestSnapshot snapshot;
  gint64 run_id;

  test_generate_file (path, 12000, 31, 0.05, FALSE, &manifest);
  test_engine_options (&options, 2);
  options.batch_rows = 2000;
  options.max_retries = 10;

  /* The second, third and fourth writes find the database locked. */
  dps_test_repository_fail_busy (flaky, 2, 3);
  g_assert_true (run_import (DPS_REPOSITORY (flaky), path, &options, &m, &run_id, &error));
  g_assert_no_error (error);

  g_assert_cmpint (m.retries, ==, 3);
  assert_metrics_are_manifest (&m, &manifest);
  commits = dps_test_repository_dup_commits (flaky);
  g_assert_cmpuint (dps_test_repository_get_calls (flaky), ==, commits->len + 3);

  test_snapshot (repository, &snapshot);
  test_assert_snapshot_is_manifest (&snapshot, &manifest);
  run = find_run (repository, run_id);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (run->rows_loaded, ==, (gint64) manifest.valid);

  test_snapshot_clear (&snapshot);
  g_clear_object (&flaky);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

static void
test_retry_exhausted (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsTestRepository) flaky = dps_test_repository_new (repository);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  g_autoptr(GArray) commits = NULL;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  gint64 run_id;

  test_generate_file (path, 6000, 32, 0.0, FALSE, NULL);
  test_engine_options (&options, 1);
  options.batch_rows = 2000;
  options.max_retries = 2;

  /* Locked for good: three attempts, then the run fails. */
  dps_test_repository_fail_busy (flaky, 2, 1000);
  g_assert_false (run_import (DPS_REPOSITORY (flaky), path, &options, &m, &run_id, &error));
  g_assert_error (error, DPS_ENGINE_ERROR, DPS_ENGINE_ERROR_RETRIES_EXHAUSTED);
  g_assert_cmpint (m.retries, ==, 2);
  g_assert_cmpint (m.state, ==, DPS_ENGINE_STATE_FAILED);
  g_assert_cmpuint (dps_test_repository_get_calls (flaky), ==, 4);
  commits = dps_test_repository_dup_commits (flaky);
  g_assert_cmpuint (commits->len, ==, 1);
  g_assert_cmpint (m.rows_loaded, ==, g_array_index (commits, DpsTestCommit, 0).rows);

  run = find_run (repository, run_id);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_FAILED);
  g_assert_cmpstr (run->error, ==, error->message);
  g_assert_cmpint (run->rows_loaded, ==, m.rows_loaded);

  g_clear_object (&flaky);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

typedef struct {
  DpsEngine *engine;
  TestRun   *run;
} RetryWait;

static gboolean
retrying_cb (gpointer user_data)
{
  RetryWait *wait = user_data;
  DpsEngineMetrics m;

  dps_engine_get_metrics (wait->engine, &m);
  return m.retries >= 1 || test_run_is_done (wait->run);
}

static void
test_retry_after_stop (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsTestRepository) flaky = dps_test_repository_new (repository);
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  TestSnapshot snapshot;
  RetryWait wait;

  test_generate_file (path, 6000, 34, 0.0, FALSE, NULL);
  test_engine_options (&options, 2);
  options.batch_rows = 2000;
  options.max_retries = 6;

  /* Locked for 1.5 s from the second write: six retries with backoff
   * outlast that. A graceful stop while retrying still commits what was
   * read, at the same pace. */
  dps_test_repository_fail_busy_for (flaky, 2, 1500000);
  source = dps_file_source_new (path, FALSE, options.max_line_length, 20);
  engine = dps_engine_new (DPS_REPOSITORY (flaky), source, &options);
  wait.engine = engine;
  wait.run = test_run_start (engine, NULL);
  g_assert_true (test_wait_for (retrying_cb, &wait, 60));
  dps_engine_stop (engine);
  g_assert_true (test_run_join (wait.run, &error));
  g_assert_no_error (error);

  dps_engine_get_metrics (engine, &m);
  g_assert_cmpint (m.state, ==, DPS_ENGINE_STATE_FINISHED);
  g_assert_cmpint (m.retries, >=, 1);
  g_assert_cmpint (m.rows_read, >, 0);
  g_assert_cmpint (m.rows_loaded, ==, m.rows_read);
  test_snapshot (repository, &snapshot);
  g_assert_cmpint (snapshot.rows, ==, m.rows_read);
  run = dps_engine_dup_run (engine);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);

  test_snapshot_clear (&snapshot);
  g_clear_object (&engine);
  g_clear_object (&flaky);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

static void
test_fatal_error (void)
{
  const char *message = "No space left on the test device";
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsTestRepository) full = dps_test_repository_new (repository);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) commits = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  DpsGeneratorManifest manifest;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  TestSnapshot snapshot;
  gint64 run_id;

  test_generate_file (path, 12000, 33, 0.05, FALSE, &manifest);
  test_engine_options (&options, 2);
  options.batch_rows = 2000;

  /* The third batch finds the disk full. */
  dps_test_repository_fail_full (full, 3, message);
  g_assert_false (run_import (DPS_REPOSITORY (full), path, &options, &m, &run_id, &error));
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_FULL);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpint (m.state, ==, DPS_ENGINE_STATE_FAILED);
  g_assert_cmpint (m.retries, ==, 0);

  run = find_run (repository, run_id);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_FAILED);
  g_assert_cmpstr (run->error, ==, message);

  /* Everything before the third batch is committed, and nothing of it:
   * the checkpoint is at the end of the second. */
  commits = dps_test_repository_dup_commits (full);
  g_assert_cmpuint (commits->len, ==, 2);
  g_assert_cmpint (m.batches, ==, 2);
  assert_consistent_after (repository, path, run_id, DPS_RUN_STATUS_FAILED, commits);

  /* The next run takes over from there. */
  g_clear_error (&error);
  g_assert_true (run_import (repository, path, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  test_snapshot (repository, &snapshot);
  test_assert_snapshot_is_manifest (&snapshot, &manifest);

  test_snapshot_clear (&snapshot);
  g_clear_object (&full);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

/* ---------------------------------------------------------------------- */
/* back-pressure                                                          */


typedef struct {
  gint64 max_in_flight;
  guint  max_raw_queue;
  guint  max_parsed_queue;
  guint  samples;
} Pressure;

static void
sample_until_done (DpsEngine *engine,
                   TestRun   *run,
                   Pressure  *pressure)
{
  memset (pressure, 0, sizeof *pressure);
  while (!test_run_is_done (run))
    {
      DpsEngineMetrics m;

      dps_engine_get_metrics (engine, &m);
      g_assert_cmpint (m.rows_read, >=, test_committed_lines (&m));
      pressure->max_in_flight = MAX (pressure->max_in_flight, m.rows_read - test_committed_lines (&m));
      pressure->max_raw_queue = MAX (pressure->max_raw_queue, m.raw_queue_length);
      pressure->max_parsed_queue = MAX (pressure->max_parsed_queue, m.parsed_queue_length);
      g_assert_cmpuint (m.raw_queue_length, <=, m.raw_queue_capacity);
      g_assert_cmpuint (m.parsed_queue_length, <=, m.parsed_queue_capacity);
      pressure->samples++;
      g_usleep (500);
    }
}

static void
test_backpressure_file (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autoptr(DpsTestRepository) slow = dps_test_repository_new (NULL);
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  DpsGeneratorManifest manifest;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  Pressure pressure;
  TestRun *run;

  test_generate_file (path, 100000, 41, 0.02, FALSE, &manifest);
  test_engine_options (&options, 2);
  options.batch_rows = 2000;
  options.chunk_lines = 250;
  options.queue_chunks = 4;
  options.batch_interval_ms = 1000;

  /* 2,000 rows per 40 ms: far slower than reading and parsing. */
  dps_test_repository_set_delay (slow, 40000);
  source = dps_file_source_new (path, FALSE, options.max_line_length, 20);
  engine = dps_engine_new (DPS_REPOSITORY (slow), source, &options);
  run = test_run_start (engine, NULL);
  sample_until_done (engine, run, &pressure);
  g_assert_true (test_run_join (run, &error));
  g_assert_no_error (error);

  dps_engine_get_metrics (engine, &m);
  assert_metrics_are_manifest (&m, &manifest);
  g_test_message ("%u samples: at most %" G_GINT64_FORMAT " lines in flight (bound %" G_GINT64_FORMAT
                  "), queues up to %u and %u", pressure.samples, pressure.max_in_flight,
                  test_in_flight_bound (&options), pressure.max_raw_queue, pressure.max_parsed_queue);
  g_assert_cmpint (pressure.max_in_flight, <=, test_in_flight_bound (&options));
  /* The reader was held back: the queues filled up. */
  g_assert_cmpuint (pressure.max_parsed_queue, ==, test_parsed_queue_capacity (&options));

  g_clear_object (&engine);
  g_clear_object (&slow);
  dps_test_tmpdir_remove (dir);
}

static void
test_backpressure_million (void)
{
  g_autoptr(DpsTestRepository) slow = dps_test_repository_new (NULL);
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions generator_options;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  Pressure pressure;
  TestRun *run;

  dps_generator_options_init (&generator_options);
  generator_options.seed = 42;
  generator_options.rows = 1000000;
  generator_options.dirty_ratio = 0.01;
  generator_options.max_line_length = TEST_MAX_LINE_LENGTH;
  test_engine_options (&options, 2);
  options.batch_rows = 10000;
  options.chunk_lines = 500;
  options.queue_chunks = 4;
  options.batch_interval_ms = 1000;

  dps_test_repository_set_delay (slow, 40000);
  source = dps_generator_source_new (&generator_options, 0);
  engine = dps_engine_new (DPS_REPOSITORY (slow), source, &options);
  run = test_run_start (engine, NULL);
  sample_until_done (engine, run, &pressure);
  g_assert_true (test_run_join (run, &error));
  g_assert_no_error (error);

  dps_engine_get_metrics (engine, &m);
  g_assert_cmpint (m.rows_read, ==, 1000000);
  g_assert_cmpint (test_committed_lines (&m), ==, 1000000);
  g_assert_cmpint (m.rows_rejected, >, 0);
  g_test_message ("%u samples: at most %" G_GINT64_FORMAT " lines in flight (bound %" G_GINT64_FORMAT
                  "), queues up to %u and %u", pressure.samples, pressure.max_in_flight,
                  test_in_flight_bound (&options), pressure.max_raw_queue, pressure.max_parsed_queue);
  g_assert_cmpint (pressure.max_in_flight, <=, test_in_flight_bound (&options));

  g_clear_object (&engine);
  g_clear_object (&slow);
}

/* ---------------------------------------------------------------------- */
/* the generator source                                                   */

static void
test_generator_limit (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions generator_options;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  TestSnapshot snapshot;

  dps_generator_options_init (&generator_options);
  generator_options.seed = 51;
  generator_options.rows = 1500;
  generator_options.live = TRUE;
  test_engine_options (&options, 2);
  options.stop_when_idle = FALSE;

  /* At 3,000 lines a second, 1,500 lines: the source paces itself, then
   * ends the run on its own. */
  source = dps_generator_source_new (&generator_options, 3000);
  g_assert_cmpstr (dps_source_get_kind (source), ==, "generator");
  engine = dps_engine_new (repository, source, &options);
  g_assert_true (dps_engine_run (engine, NULL, &error));
  g_assert_no_error (error);

  dps_engine_get_metrics (engine, &m);
  g_assert_cmpint (m.rows_read, ==, 1500);
  g_assert_cmpint (m.rows_loaded, ==, 1500);
  g_assert_cmpint (m.rows_rejected + m.rows_duplicate, ==, 0);
  test_snapshot (repository, &snapshot);
  g_assert_cmpint (snapshot.rows, ==, 1500);

  test_snapshot_clear (&snapshot);
  g_clear_object (&engine);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

typedef struct {
  DpsRepository *repository;
  gint64         rows;
} RowWait;

static gboolean
rows_stored_cb (gpointer user_data)
{
  RowWait *wait = user_data;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  guint64 count = 0;

  if (!dps_repository_count_rows (wait->repository, filter, &count, NULL, NULL))
    return FALSE;
  return (gint64) count >= wait->rows;
}

static void
test_generator_stop (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsRepository) reader = test_open_db (dir, "test.db");
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions generator_options;
  DpsEngineOptions options;
  DpsEngineMetrics m;
  TestSnapshot snapshot;
  RowWait wait = { reader, 300 };
  TestRun *run;

  dps_generator_options_init (&generator_options);
  generator_options.seed = 52;
  generator_options.rows = 0;
  generator_options.live = TRUE;
  test_engine_options (&options, 2);

  /* Unbounded: it runs until stopped, and a stop commits what was read. */
  source = dps_generator_source_new (&generator_options, 2000);
  engine = dps_engine_new (repository, source, &options);
  run = test_run_start (engine, NULL);
  g_assert_true (test_wait_for (rows_stored_cb, &wait, 60));
  dps_engine_stop (engine);
  g_assert_true (test_run_join (run, &error));
  g_assert_no_error (error);

  dps_engine_get_metrics (engine, &m);
  g_assert_cmpint (m.state, ==, DPS_ENGINE_STATE_FINISHED);
  g_assert_cmpint (m.rows_read, >=, 300);
  g_assert_cmpint (m.rows_loaded, ==, m.rows_read);
  test_snapshot (repository, &snapshot);
  g_assert_cmpint (snapshot.rows, ==, m.rows_read);

  test_snapshot_clear (&snapshot);
  g_clear_object (&engine);
  g_clear_object (&reader);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

/* ---------------------------------------------------------------------- */
/* folders read until idle                                                */

static void
write_lines (const char           *path,
             guint64               rows,
             guint64               seed,
             double                dirty,
             gboolean              live,
             DpsGeneratorManifest *manifest)
{
  g_autoptr(GString) text = test_generate_text (rows, seed, dirty, live, manifest);

  test_append (path, text->str, text->len);
}

static gboolean
run_folder (DpsRepository    *repository,
            const char       *folder,
            DpsEngineMetrics *m)
{
  g_autoptr(DpsSource) source = dps_folder_source_new (folder, TEST_MAX_LINE_LENGTH, 20);
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  DpsEngineOptions options;
  gboolean ok;

  test_engine_options (&options, 2);
  options.stop_when_idle = TRUE;
  engine = dps_engine_new (repository, source, &options);
  ok = dps_engine_run (engine, NULL, &error);
  g_assert_no_error (error);
  dps_engine_get_metrics (engine, m);
  return ok;
}

static void
test_folder_until_idle (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *folder = g_build_filename (dir, "queue", NULL);
  g_autofree char *a = g_build_filename (folder, "a.jsonl", NULL);
  g_autofree char *b = g_build_filename (folder, "b.ndjson", NULL);
  g_autofree char *c = g_build_filename (folder, "c.jsonl", NULL);
  g_autofree char *ignored = g_build_filename (folder, "notes.txt", NULL);
  g_autofree char *hidden = g_build_filename (folder, ".partial.jsonl", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(GString) last = test_generate_text (1, 65, 0, FALSE, NULL);
  DpsGeneratorManifest ma, mb, mc, more, junk;
  DpsEngineMetrics m;
  TestSnapshot snapshot;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  write_lines (a, 1000, 61, 0.05, FALSE, &ma);
  write_lines (b, 1500, 62, 0.05, FALSE, &mb);
  write_lines (ignored, 100, 63, 0, FALSE, &junk);
  write_lines (hidden, 100, 64, 0, FALSE, &junk);

  /* Everything there is read, then the run ends by itself. */
  g_assert_true (run_folder (repository, folder, &m));
  g_assert_cmpint (m.rows_read, ==, 2500);
  g_assert_cmpint (m.rows_loaded, ==, (gint64) (ma.valid + mb.valid));
  g_assert_cmpint (m.rows_rejected, ==, (gint64) (ma.rejects + mb.rejects));

  /* The next run reads only what is new: lines added to a file, a new
   * file, but not a line still being written. */
  write_lines (a, 300, 66, 0, FALSE, &more);
  write_lines (c, 200, 67, 0.05, FALSE, &mc);
  test_append (b, last->str, last->len - 1);
  g_assert_true (run_folder (repository, folder, &m));
  g_assert_cmpint (m.rows_read, ==, 500);
  g_assert_cmpint (m.rows_loaded, ==, (gint64) (more.valid + mc.valid));
  g_assert_cmpint (m.rows_rejected, ==, (gint64) mc.rejects);
  g_assert_cmpint (m.rows_duplicate, ==, (gint64) mc.duplicates);

  /* Once its line end is written, the last line is read. */
  test_append (b, "\n", 1);
  g_assert_true (run_folder (repository, folder, &m));
  g_assert_cmpint (m.rows_read, ==, 1);
  g_assert_cmpint (m.rows_loaded, ==, 1);

  /* Nothing new: nothing read. */
  g_assert_true (run_folder (repository, folder, &m));
  g_assert_cmpint (m.rows_read, ==, 0);

  test_snapshot (repository, &snapshot);
  g_assert_cmpint (snapshot.rows, ==, (gint64) (ma.valid + mb.valid + more.valid + mc.valid + 1));
  g_assert_cmpint (snapshot.rejects, ==, (gint64) (ma.rejects + mb.rejects + mc.rejects));
  g_assert_cmpint (snapshot.duplicates, ==, (gint64) (ma.duplicates + mb.duplicates + mc.duplicates));
  g_assert_true (snapshot.rollups_equal);

  test_snapshot_clear (&snapshot);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

/* ---------------------------------------------------------------------- */
/* the scheduler                                                          */

typedef struct {
  char *folder;
} FolderFactory;

static DpsSource *
make_folder_source (gpointer user_data)
{
  FolderFactory *factory = user_data;

  return dps_folder_source_new (factory->folder, TEST_MAX_LINE_LENGTH, 20);
}

static void
folder_factory_free (gpointer data)
{
  FolderFactory *factory = data;

  g_free (factory->folder);
  g_free (factory);
}

typedef struct {
  GMainContext  *context;
  guint          finished;
  guint          wanted;
  DpsRepository *reader;
  gint64         rows;
} SchedulerWait;

static void
run_finished_cb (DpsScheduler *scheduler,
                 gint64        run_id,
                 gpointer      user_data)
{
  SchedulerWait *wait = user_data;

  wait->finished++;
}

static gboolean
runs_finished_cb (gpointer user_data)
{
  SchedulerWait *wait = user_data;

  while (g_main_context_iteration (wait->context, FALSE))
    ;
  return wait->finished >= wait->wanted;
}

static gboolean
scheduler_rows_cb (gpointer user_data)
{
  SchedulerWait *wait = user_data;
  RowWait rows = { wait->reader, wait->rows };

  while (g_main_context_iteration (wait->context, FALSE))
    ;
  return rows_stored_cb (&rows);
}

static DpsScheduler *
new_folder_scheduler (DpsRepository *repository,
                      const char    *folder,
                      double         max_reject_rate)
{
  FolderFactory *factory = g_new0 (FolderFactory, 1);
  DpsScheduleOptions schedule;
  DpsEngineOptions options;

  factory->folder = g_strdup (folder);
  dps_schedule_options_init (&schedule);
  schedule.mode = DPS_SCHEDULE_INTERVAL;
  schedule.interval_seconds = 1;
  schedule.max_backoff_seconds = 1;
  schedule.max_reject_rate = max_reject_rate;
  test_engine_options (&options, 2);
  return dps_scheduler_new (repository, make_folder_source, factory, folder_factory_free,
                            &options, &schedule);
}

/* Checks of a run, by name → passed. */
static GHashTable *
parse_checks (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GHashTable *checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *array;

  g_assert_nonnull (json);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *check = json_array_get_object_element (array, i);

      g_assert_true (json_object_has_member (check, "detail"));
      g_assert_nonnull (json_object_get_string_member (check, "detail"));
      g_hash_table_insert (checks, g_strdup (json_object_get_string_member (check, "name")),
                           GINT_TO_POINTER (json_object_get_boolean_member (check, "passed") ? 1 : 2));
    }
  g_assert_cmpuint (g_hash_table_size (checks), ==, json_array_get_length (array));
  return checks;
}

static void
assert_check (GHashTable *checks,
              const char *name,
              gboolean    passed)
{
  g_assert_true (g_hash_table_contains (checks, name));
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (checks, name)), ==, passed ? 1 : 2);
}

static void
assert_runs_disjoint (GPtrArray *runs)
{
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);

      g_assert_cmpint (run->status, !=, DPS_RUN_STATUS_RUNNING);
      g_assert_cmpint (run->finished_at, >=, run->started_at);
      if (i > 0)
        {
          DpsRunRecord *previous = g_ptr_array_index (runs, i - 1);

          g_assert_cmpint (previous->finished_at, <=, run->started_at);
        }
    }
}

static void
test_scheduler_interval (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *folder = g_build_filename (dir, "queue", NULL);
  g_autofree char *first = g_build_filename (folder, "001.jsonl", NULL);
  g_autofree char *second = g_build_filename (folder, "002.jsonl", NULL);
  g_autofree char *second_tmp = g_build_filename (folder, "002.jsonl.tmp", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsRepository) reader = test_open_db (dir, "test.db");
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DpsScheduler) scheduler = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  DpsGeneratorManifest m1, m2;
  SchedulerWait wait = { context, 0, 1, reader, 0 };
  gint64 loaded = 0, rejected = 0, duplicates = 0;
  guint with_rows = 0;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  write_lines (first, 800, 71, 0.05, TRUE, &m1);

  g_main_context_push_thread_default (context);
  scheduler = new_folder_scheduler (repository, folder, 0.5);
  g_signal_connect (scheduler, "run-finished", G_CALLBACK (run_finished_cb), &wait);
  dps_scheduler_start (scheduler);
  g_assert_true (dps_scheduler_is_running (scheduler));

  /* The first run loads what is there. */
  g_assert_true (test_wait_for (runs_finished_cb, &wait, 60));
  wait.rows = (gint64) m1.valid;
  g_assert_true (test_wait_for (scheduler_rows_cb, &wait, 60));

  /* A file dropped between runs is loaded by the next one. */
  write_lines (second_tmp, 600, 72, 0.05, TRUE, &m2);
  g_assert_cmpint (g_rename (second_tmp, second), ==, 0);
  wait.rows = (gint64) (m1.valid + m2.valid);
  g_assert_true (test_wait_for (scheduler_rows_cb, &wait, 60));
  wait.wanted = wait.finished + 1;
  g_assert_true (test_wait_for (runs_finished_cb, &wait, 60));
  dps_scheduler_stop (scheduler);
  g_assert_false (dps_scheduler_is_running (scheduler));
  while (g_main_context_iteration (context, FALSE))
    ;

  /* One run at a time, each recorded with its checks. */
  runs = list_runs_oldest_first (reader);
  g_assert_cmpuint (runs->len, >=, 2);
  assert_runs_disjoint (runs);
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);
      g_autoptr(GHashTable) checks = NULL;

      g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
      g_assert_cmpstr (run->kind, ==, "folder");
      loaded += run->rows_loaded;
      rejected += run->rows_rejected;
      duplicates += run->rows_duplicate;
      if (run->rows_loaded == 0)
        continue;
      with_rows++;
      checks = parse_checks (run->quality_checks);
      g_assert_cmpuint (g_hash_table_size (checks), ==, 4);
      assert_check (checks, "rows_last_day", TRUE);
      assert_check (checks, "no_null_keys", TRUE);
      assert_check (checks, "reject_rate", TRUE);
      assert_check (checks, "rollups_consistent", TRUE);
    }
  g_assert_cmpuint (with_rows, >=, 2);
  g_assert_cmpint (loaded, ==, (gint64) (m1.valid + m2.valid));
  g_assert_cmpint (rejected, ==, (gint64) (m1.rejects + m2.rejects));
  g_assert_cmpint (duplicates, ==, (gint64) (m1.duplicates + m2.duplicates));

  g_clear_object (&scheduler);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_clear_object (&reader);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

static void
test_scheduler_quality_failure (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *folder = g_build_filename (dir, "queue", NULL);
  g_autofree char *file = g_build_filename (folder, "dirty.jsonl", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsRepository) reader = test_open_db (dir, "test.db");
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DpsScheduler) scheduler = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GHashTable) checks = NULL;
  DpsGeneratorManifest manifest;
  SchedulerWait wait = { context, 0, 1, reader, 0 };
  DpsRunRecord *run;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  write_lines (file, 1000, 73, 0.05, TRUE, &manifest);
  g_assert_cmpuint (manifest.rejects, >, 0);

  /* No reject allowed at all: a dirty file fails the check, and only it. */
  g_main_context_push_thread_default (context);
  scheduler = new_folder_scheduler (repository, folder, 0.0);
  g_signal_connect (scheduler, "run-finished", G_CALLBACK (run_finished_cb), &wait);
  dps_scheduler_start (scheduler);
  g_assert_true (test_wait_for (runs_finished_cb, &wait, 60));
  dps_scheduler_stop (scheduler);

  runs = list_runs_oldest_first (reader);
  g_assert_cmpuint (runs->len, >=, 1);
  run = g_ptr_array_index (runs, 0);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (run->rows_loaded, ==, (gint64) manifest.valid);
  g_assert_cmpint (run->rows_rejected, ==, (gint64) manifest.rejects);
  checks = parse_checks (run->quality_checks);
  g_assert_cmpuint (g_hash_table_size (checks), ==, 4);
  assert_check (checks, "rows_last_day", TRUE);
  assert_check (checks, "no_null_keys", TRUE);
  assert_check (checks, "reject_rate", FALSE);
  assert_check (checks, "rollups_consistent", TRUE);

  g_clear_object (&scheduler);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_clear_object (&reader);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

static void
test_scheduler_retry (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *folder = g_build_filename (dir, "queue", NULL);
  g_autofree char *file = g_build_filename (folder, "late.jsonl", NULL);
  g_autoptr(DpsRepository) repository = test_open_db (dir, "test.db");
  g_autoptr(DpsRepository) reader = test_open_db (dir, "test.db");
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DpsScheduler) scheduler = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  DpsGeneratorManifest manifest;
  SchedulerWait wait = { context, 0, 2, reader, 0 };
  guint failed = 0, succeeded = 0;

  /* The folder is missing: runs fail, and are retried. */
  g_main_context_push_thread_default (context);
  scheduler = new_folder_scheduler (repository, folder, 0.5);
  g_signal_connect (scheduler, "run-finished", G_CALLBACK (run_finished_cb), &wait);
  dps_scheduler_start (scheduler);
  g_assert_true (test_wait_for (runs_finished_cb, &wait, 60));

  /* Once it is back, the next attempt loads it. */
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  write_lines (file, 500, 74, 0, TRUE, &manifest);
  wait.rows = (gint64) manifest.valid;
  g_assert_true (test_wait_for (scheduler_rows_cb, &wait, 60));
  wait.wanted = wait.finished + 1;
  g_assert_true (test_wait_for (runs_finished_cb, &wait, 60));
  dps_scheduler_stop (scheduler);

  runs = list_runs_oldest_first (reader);
  assert_runs_disjoint (runs);
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);

      if (run->status == DPS_RUN_STATUS_FAILED)
        {
          /* Every failure comes before the first success. */
          g_assert_cmpuint (succeeded, ==, 0);
          g_assert_nonnull (run->error);
          g_assert_nonnull (strstr (run->error, folder));
          g_assert_null (run->quality_checks);
          failed++;
        }
      else
        {
          g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
          succeeded++;
        }
    }
  g_assert_cmpuint (failed, >=, 2);
  g_assert_cmpuint (succeeded, >=, 1);

  g_clear_object (&scheduler);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_clear_object (&reader);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/engine/import/inline", test_import_inline);
  g_test_add_func ("/dps/engine/import/threaded", test_import_threaded);
  g_test_add_func ("/dps/engine/import/inline-grouped", test_import_inline_grouped);
  g_test_add_func ("/dps/engine/import/threaded-grouped", test_import_threaded_grouped);
  g_test_add_func ("/dps/engine/import/commit-interval", test_commit_interval);
  g_test_add_func ("/dps/engine/cancel-resume", test_cancel_resume);
  g_test_add_func ("/dps/engine/retry/transient", test_retry_transient);
  g_test_add_func ("/dps/engine/retry/exhausted", test_retry_exhausted);
  g_test_add_func ("/dps/engine/retry/after-stop", test_retry_after_stop);
  g_test_add_func ("/dps/engine/fatal-error", test_fatal_error);
  g_test_add_func ("/dps/engine/backpressure/100k", test_backpressure_file);
  g_test_add_func ("/dps/engine/backpressure/1m", test_backpressure_million);
  g_test_add_func ("/dps/engine/generator/limit", test_generator_limit);
  g_test_add_func ("/dps/engine/generator/stop", test_generator_stop);
  g_test_add_func ("/dps/engine/folder/until-idle", test_folder_until_idle);
  g_test_add_func ("/dps/scheduler/interval", test_scheduler_interval);
  g_test_add_func ("/dps/scheduler/quality-failure", test_scheduler_quality_failure);
  g_test_add_func ("/dps/scheduler/retry", test_scheduler_retry);

  return g_test_run ();
}
