/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "engine-test-util.h"

/* `dps ingest` killed with SIGKILL at random moments, over and over, then
 * resumed: the database ends up exactly as one clean run leaves it. */

#define LINES 200000
#define BATCH_ROWS 2000
#define COMMIT_ROWS 4000
#define MIN_KILLS 24

static const char *
dps_cli (void)
{
  const char *path = g_getenv ("DPS_CLI");

  g_assert_nonnull (path);
  return path;
}

/* Where the last ingest wrote its standard error: shown when a run
 * fails by itself, so a rare failure says why. */
static char *stderr_path;

static GSubprocess *
spawn_ingest (const char *db,
              const char *file)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat ("sqlite://", db, NULL);
  GSubprocess *process;

  if (stderr_path == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (db);

      stderr_path = g_build_filename (dir, "ingest-stderr.txt", NULL);
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  /* Small batches: commits are frequent, so kills land in every part of
   * the load, commits included. Two batches commit together, each
   * written alone, so kills also land between a batch written and its
   * commit. */
  process = g_subprocess_launcher_spawn (launcher, &error, dps_cli (), "ingest", "--db", uri,
                                         "--batch-rows", G_STRINGIFY (BATCH_ROWS),
                                         "--commit-rows", G_STRINGIFY (COMMIT_ROWS),
                                         "--backlog-rows", G_STRINGIFY (BATCH_ROWS), "--threads", "2",
                                         "--max-line-length", "4096", file, NULL);
  g_assert_no_error (error);
  return process;
}

/* Fails with what the ingest said when it did not exit with status 0. */
static void
assert_exited_cleanly (GSubprocess *process)
{
  g_autofree char *said = NULL;

  if (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0)
    return;
  g_file_get_contents (stderr_path, &said, NULL, NULL);
  g_error ("dps ingest %s %d: %s", g_subprocess_get_if_exited (process) ? "exited with status" : "died of signal",
           g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                : g_subprocess_get_term_sig (process),
           said != NULL ? said : "(no message)");
}

static void
ingest_to_the_end (const char *db,
                   const char *file)
{
  g_autoptr(GSubprocess) process = spawn_ingest (db, file);
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  assert_exited_cleanly (process);
}

static DpsRepository *
open_db (const char *path)
{
  g_autoptr(GError) error = NULL;
  DpsRepository *repository = dps_repository_open (path, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);

  g_assert_no_error (error);
  return repository;
}

/* Lines committed so far, as the checkpoint says; 0 before the database
 * and its schema exist. Read through a connection that never migrates. */
typedef struct {
  char          *db;
  char          *key;
  DpsRepository *repository;
} Progress;

static gint64
committed_lines (Progress *progress)
{
  g_autoptr(DpsCheckpoint) checkpoint = NULL;

  if (progress->repository == NULL)
    {
      if (!g_file_test (progress->db, G_FILE_TEST_EXISTS))
        return 0;
      progress->repository = dps_repository_open (progress->db, DPS_REPOSITORY_FLAGS_NO_MIGRATE,
                                                  NULL, NULL);
      if (progress->repository == NULL)
        return 0;
    }
  if (!dps_repository_load_checkpoint (progress->repository, progress->key, -1, &checkpoint, NULL) ||
      checkpoint == NULL)
    return 0;
  return checkpoint->line;
}

static void
wait_for_lines (Progress    *progress,
                GSubprocess *process,
                gint64       lines)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (committed_lines (progress) < lines && g_get_monotonic_time () < deadline)
    {
      /* A process that ended by itself is seen by the caller. */
      if (g_subprocess_get_identifier (process) == NULL)
        return;
      g_usleep (2000);
    }
}

static void
test_kill_and_resume (void)
{
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *file = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autofree char *clean_db = g_build_filename (dir, "clean.db", NULL);
  g_autofree char *crash_db = g_build_filename (dir, "crash.db", NULL);
  g_autoptr(DpsRepository) clean = NULL;
  g_autoptr(DpsRepository) crashed = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261130);
  g_autoptr(GPtrArray) runs = NULL;
  DpsGeneratorManifest manifest;
  TestSnapshot expected, actual;
  gint64 started, clean_us, batch_us;
  Progress progress = { NULL, NULL, NULL };
  gint64 loaded = 0, rejected = 0, duplicates = 0;
  guint kills = 0, attempts = 0, interrupted = 0;

  test_generate_file (file, LINES, 97, 0.05, FALSE, &manifest);

  /* One clean run: the reference, and how long a whole load takes. */
  started = g_get_monotonic_time ();
  ingest_to_the_end (clean_db, file);
  clean_us = g_get_monotonic_time () - started;
  clean = open_db (clean_db);
  test_snapshot (clean, &expected);
  test_assert_snapshot_is_manifest (&expected, &manifest);

  /* Some kills come at a random time after the start (while it opens or
   * migrates the database, or reads its first batch); most come once the
   * load went one or two batches further, a random part of a batch later:
   * anywhere in reading, parsing and committing the next one. Each run
   * goes only a little further, so the import is far from complete when
   * the kills are over (a completed import would start over). */
  batch_us = clean_us * BATCH_ROWS / LINES;
  g_test_message ("clean run: %.2f s, about %.0f ms a batch",
                  (double) clean_us / G_USEC_PER_SEC, (double) batch_us / 1000);
  progress.db = crash_db;
  progress.key = g_strconcat ("file:", file, NULL);

  while (kills < MIN_KILLS)
    {
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      gint64 before = committed_lines (&progress);

      process = spawn_ingest (crash_db, file);
      attempts++;
      if (g_rand_int_range (rand, 0, 4) == 0)
        g_usleep ((gulong) g_rand_int_range (rand, 0, 200000));
      else
        {
          wait_for_lines (&progress, process, before + g_rand_int_range (rand, 1, 3) * BATCH_ROWS);
          /* Anywhere in the next commit's batches. */
          g_usleep ((gulong) g_rand_double_range (rand, 0, (double) batch_us * COMMIT_ROWS / BATCH_ROWS));
        }
      g_subprocess_send_signal (process, SIGKILL);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (process))
        {
          g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
          kills++;
          continue;
        }

      /* It finished before the signal: the import is complete. */
      assert_exited_cleanly (process);
      g_test_message ("the import completed after %u kills", kills);
      break;
    }
  g_test_message ("%u attempts, %u kills, %" G_GINT64_FORMAT " lines committed meanwhile",
                  attempts, kills, committed_lines (&progress));
  g_assert_cmpint (committed_lines (&progress), <, LINES);
  g_clear_object (&progress.repository);
  g_assert_cmpuint (kills, >=, MIN_KILLS);

  /* Resumed to the end. */
  ingest_to_the_end (crash_db, file);
  crashed = open_db (crash_db);
  test_snapshot (crashed, &actual);
  test_assert_snapshots_equal (&actual, &expected);
  test_assert_snapshot_is_manifest (&actual, &manifest);

  /* Every committed batch was counted by exactly one run, however it
   * ended; killed runs were found and marked interrupted. */
  runs = dps_repository_list_runs (crashed, 0, NULL);
  g_assert_nonnull (runs);
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);

      loaded += run->rows_loaded;
      rejected += run->rows_rejected;
      duplicates += run->rows_duplicate;
      if (i == 0)
        g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
      else
        {
          g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_INTERRUPTED);
          interrupted++;
        }
    }
  {
    guint with_commits = 0;

    for (guint i = 1; i < runs->len; i++)
      if (((DpsRunRecord *) g_ptr_array_index (runs, i))->rows_read > 0)
        with_commits++;
    g_test_message ("%u killed runs were recorded, %u of them after committing batches; "
                    "the last run loaded %" G_GINT64_FORMAT " of %" G_GUINT64_FORMAT " rows",
                    interrupted, with_commits,
                    ((DpsRunRecord *) g_ptr_array_index (runs, 0))->rows_loaded, manifest.valid);
    g_assert_cmpuint (with_commits, >, 0);
  }
  g_assert_cmpuint (interrupted, <=, kills);
  g_assert_cmpuint (interrupted, >, 0);
  g_assert_cmpint (loaded, ==, (gint64) manifest.valid);
  g_assert_cmpint (rejected, ==, (gint64) manifest.rejects);
  g_assert_cmpint (duplicates, ==, (gint64) manifest.duplicates);

  test_snapshot_clear (&expected);
  test_snapshot_clear (&actual);
  g_clear_object (&clean);
  g_clear_object (&crashed);
  g_free (progress.key);
  dps_test_tmpdir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/crash/kill-and-resume", test_kill_and_resume);

  return g_test_run ();
}
