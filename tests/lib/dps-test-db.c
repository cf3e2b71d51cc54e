/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dps-test-db.h"

#define BATCH_ROWS 50000

static gboolean
flush_batch (DpsRepository  *repository,
             DpsBatch       *batch,
             GError        **error)
{
  gboolean ok;

  if (dps_batch_is_empty (batch))
    return TRUE;
  ok = dps_repository_write_batch (repository, batch, NULL, NULL, error);
  dps_batch_reset (batch);
  return ok;
}

gboolean
dps_test_db_load (DpsRepository  *repository,
                  const char     *source_name,
                  guint64         rows,
                  guint64         seed,
                  gint64          start,
                  guint           days,
                  double          dirty_ratio,
                  GError        **error)
{
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsBatch) batch = dps_batch_new ();
  g_autoptr(GString) line = g_string_new (NULL);
  DpsGeneratorOptions options;
  guint32 source_id;
  gint64 offset = 0;

  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), FALSE);
  g_return_val_if_fail (source_name != NULL, FALSE);

  if (!dps_repository_ensure_source (repository, source_name, &source_id, error))
    return FALSE;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.start = start;
  options.days = days;
  options.dirty_ratio = dirty_ratio;
  generator = dps_generator_new (&options);

  for (guint64 i = 0; i < rows; i++)
    {
      DpsTransaction tx = { 0 };
      DpsReject reject = { 0 };
      DpsPosition position = { source_id, -1, offset, (gint64) i + 1 };

      g_string_truncate (line, 0);
      dps_generator_next (generator, line, NULL);
      if (dps_record_parser_parse (parser, line->str, line->len, line->len, &tx, &reject))
        dps_batch_take_row (batch, &tx, &position);
      else
        {
          reject.position = position;
          dps_batch_take_reject (batch, &reject);
        }
      offset += (gint64) line->len + 1;
      if (dps_batch_get_n_rows (batch) + dps_batch_get_n_rejects (batch) >= BATCH_ROWS &&
          !flush_batch (repository, batch, error))
        return FALSE;
    }
  return flush_batch (repository, batch, error);
}

DpsRepository *
dps_test_db_create (const char  *path,
                    guint64      rows,
                    guint64      seed,
                    gint64       start,
                    guint        days,
                    GError     **error)
{
  g_autofree char *uri = dps_test_db_uri (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(DpsRepository) repository = NULL;

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, error);
  if (repository == NULL ||
      !dps_test_db_load (repository, "test:generator", rows, seed, start, days, 0.0, error))
    return NULL;
  return g_steal_pointer (&repository);
}

gboolean
dps_test_db_write_jsonl (const char                 *path,
                         const DpsGeneratorOptions  *options,
                         DpsGeneratorManifest       *manifest,
                         GError                    **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(DpsGenerator) generator = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (options != NULL && options->rows > 0, FALSE);

  file = g_file_new_for_path (path);
  stream = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, error);
  if (stream == NULL)
    return FALSE;
  generator = dps_generator_new (options);
  if (!dps_generator_write (generator, G_OUTPUT_STREAM (stream), 0, NULL, NULL, NULL, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error))
    return FALSE;
  if (manifest != NULL)
    *manifest = *dps_generator_get_manifest (generator);
  return TRUE;
}

gboolean
dps_test_db_insert_line (DpsRepository  *repository,
                         const char     *json,
                         GError        **error)
{
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsBatch) batch = dps_batch_new ();
  DpsTransaction tx = { 0 };
  DpsReject reject = { 0 };
  DpsPosition position = DPS_POSITION_INIT;
  DpsBatchResult result;

  if (!dps_record_parser_parse (parser, json, strlen (json), strlen (json), &tx, &reject))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line rejected: %s", reject.detail);
      dps_reject_clear (&reject);
      return FALSE;
    }
  dps_batch_take_row (batch, &tx, &position);
  if (!dps_repository_write_batch (repository, batch, &result, NULL, error))
    return FALSE;
  if (result.loaded != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "line not loaded (duplicate id?)");
      return FALSE;
    }
  return TRUE;
}

guint64
dps_test_db_rows_from_env (guint64 fallback)
{
  const char *text = g_getenv ("DPS_TEST_ROWS");
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    return fallback;
  return value;
}

char *
dps_test_db_uri (const char *path)
{
  return g_strconcat ("sqlite://", path, NULL);
}

char *
dps_test_tmpdir_new (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("dps-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                               NULL, NULL);

  if (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        remove_tree (child);
    }
  g_file_delete (file, NULL, NULL);
}

void
dps_test_tmpdir_remove (const char *path)
{
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  remove_tree (file);
}

GPtrArray *
dps_test_db_parsed_rows (guint   n,
                         guint   days,
                         guint64 seed)
{
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(GString) line = g_string_new (NULL);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_transaction_free);
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = n;
  options.start = G_GINT64_CONSTANT (1767225600000000);   /* 2026-01-01 */
  options.days = days;
  generator = dps_generator_new (&options);
  for (guint i = 0; i < n; i++)
    {
      DpsTransaction tx = { 0 };
      DpsReject reject = { 0 };

      g_string_truncate (line, 0);
      dps_generator_next (generator, line, NULL);
      g_assert_true (dps_record_parser_parse (parser, line->str, line->len, line->len, &tx, &reject));
      g_ptr_array_add (rows, dps_transaction_copy (&tx));
      dps_transaction_clear (&tx);
    }
  return rows;
}
