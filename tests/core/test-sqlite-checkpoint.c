/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "dps-core.h"

/* More than the WAL size that wakes the checkpoint thread (64 MiB). */
#define ROWS 160000
#define DEADLINE_SECONDS 120

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

/* While a load goes on, the checkpoint thread copies the WAL into the
 * database file: readers do not wade through an ever longer log. */
static void
test_checkpoint_during_load (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dps-checkpoint-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "load.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *uri = g_strconcat ("sqlite://", path, NULL);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsBatch) batch = dps_batch_new ();
  g_autoptr(GString) line = g_string_new (NULL);
  DpsGeneratorOptions options;
  gint64 deadline, offset = 0;
  guint32 source_id;

  g_assert_no_error (error);
  repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dps_repository_ensure_source (repository, "test:checkpoint", &source_id, &error));

  dps_generator_options_init (&options);
  options.seed = 3;
  options.rows = ROWS;
  generator = dps_generator_new (&options);
  for (guint i = 0; i < ROWS; i++)
    {
      DpsTransaction tx = { 0 };
      DpsReject reject = { 0 };
      DpsPosition position = { source_id, -1, offset, i + 1 };

      g_string_truncate (line, 0);
      dps_generator_next (generator, line, NULL);
      g_assert_true (dps_record_parser_parse (parser, line->str, line->len, line->len, &tx, &reject));
      /* Stored with their text, as records of another layout are: the
       * WAL then grows past the threshold with fewer rows. */
      tx.payload_is_canonical = FALSE;
      dps_batch_take_row (batch, &tx, &position);
      offset += line->len + 1;
      if (dps_batch_get_n_rows (batch) == 20000 || i + 1 == ROWS)
        {
          DpsBatchResult result = { 0 };

          g_assert_true (dps_repository_write_batch (repository, batch, &result, NULL, &error));
          g_assert_no_error (error);
          dps_batch_reset (batch);
        }
    }

  /* The repository is still open: only the checkpoint thread can have
   * moved pages into the database file. */
  deadline = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;
  while (file_size (path) < 16 * 1024 * 1024)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the WAL (%" G_GINT64_FORMAT " bytes) was never copied into the database file "
                 "(%" G_GINT64_FORMAT " bytes)", file_size (wal), file_size (path));
      g_usleep (G_USEC_PER_SEC / 10);
    }

  g_clear_object (&repository);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dps/sqlite/checkpoint-during-load", test_checkpoint_during_load);
  return g_test_run ();
}
