/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-folder-source.h"
#include "dps-source-private.h"

G_DECLARE_FINAL_TYPE (DpsFolderSource, dps_folder_source, DPS, FOLDER_SOURCE, DpsSource)
#include "dps-tailed-file.h"

#define RESCAN_US (G_USEC_PER_SEC / 2)

struct _DpsFolderSource
{
  DpsSource      parent_instance;

  char          *path;
  gsize          max_line_length;

  /* Source thread only, except lag (under lock). */
  GMutex         lock;
  DpsRepository *repository;     /* borrowed between open and close */
  GPtrArray     *files;          /* DpsTailedFile*, sorted by name */
  GHashTable    *known;          /* file name → TRUE */
  gint64         last_scan;      /* monotonic */
};

G_DEFINE_FINAL_TYPE (DpsFolderSource, dps_folder_source, DPS_TYPE_SOURCE)

static gboolean
is_jsonl_name (const char *name)
{
  return name[0] != '.' &&
         (g_str_has_suffix (name, ".jsonl") || g_str_has_suffix (name, ".ndjson") ||
          g_str_has_suffix (name, ".json"));
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  DpsTailedFile *x = *(DpsTailedFile **) a;
  DpsTailedFile *y = *(DpsTailedFile **) b;

  return strcmp (dps_tailed_file_get_path (x), dps_tailed_file_get_path (y));
}

/* Adds files that appeared since the last scan. */
static gboolean
scan (DpsFolderSource  *self,
      GError          **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;
  gboolean added = FALSE;

  self->last_scan = g_get_monotonic_time ();
  dir = g_dir_open (self->path, 0, &local_error);
  if (dir == NULL)
    {
      int code = g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                 ? DPS_SOURCE_ERROR_NOT_FOUND : DPS_SOURCE_ERROR_UNREADABLE;

      g_set_error (error, DPS_SOURCE_ERROR, code, _("Cannot read the folder “%s”: %s"),
                   self->path, local_error->message);
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file_path = NULL;
      DpsTailedFile *file;
      g_autoptr(GError) open_error = NULL;

      if (!is_jsonl_name (name) || g_hash_table_contains (self->known, name))
        continue;
      file_path = g_build_filename (self->path, name, NULL);
      if (!g_file_test (file_path, G_FILE_TEST_IS_REGULAR))
        continue;

      file = dps_tailed_file_new (file_path, TRUE, self->max_line_length);
      if (!dps_tailed_file_open (file, self->repository, &open_error))
        {
          /* Vanished between listing and opening: try at the next scan. */
          dps_tailed_file_free (file);
          if (g_error_matches (open_error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&open_error));
          return FALSE;
        }
      g_hash_table_add (self->known, g_strdup (name));
      g_ptr_array_add (self->files, file);
      added = TRUE;
    }

  if (added)
    g_ptr_array_sort (self->files, compare_files);
  return TRUE;
}

static gboolean
dps_folder_source_open (DpsSource      *source,
                        DpsRepository  *repository,
                        GCancellable   *cancellable,
                        GError        **error)
{
  DpsFolderSource *self = DPS_FOLDER_SOURCE (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (!g_file_test (self->path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_NOT_FOUND,
                   _("“%s” is not a folder"), self->path);
      return FALSE;
    }
  self->repository = repository;
  g_ptr_array_set_size (self->files, 0);
  g_hash_table_remove_all (self->known);
  return scan (self, error);
}

static DpsSourceStatus
dps_folder_source_read (DpsSource     *source,
                        DpsChunk      *chunk,
                        guint          max_lines,
                        GCancellable  *cancellable,
                        GError       **error)
{
  DpsFolderSource *self = DPS_FOLDER_SOURCE (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (g_get_monotonic_time () - self->last_scan >= RESCAN_US && !scan (self, error))
    return DPS_SOURCE_FAILED;

  /* One file per chunk keeps each chunk's checkpoint about one file. */
  for (guint i = 0; i < self->files->len; )
    {
      DpsTailedFile *file = g_ptr_array_index (self->files, i);
      DpsSourceStatus status = dps_tailed_file_read (file, chunk, max_lines, cancellable, error);

      if (status != DPS_SOURCE_IDLE)
        return status;
      if (dps_tailed_file_is_gone (file))
        {
          /* Removed from the folder and read to its end: let it go (its
           * space is freed), and take a new file of that name as new. */
          g_autofree char *name = g_path_get_basename (dps_tailed_file_get_path (file));

          g_hash_table_remove (self->known, name);
          g_ptr_array_remove_index (self->files, i);
          continue;
        }
      i++;
    }
  return DPS_SOURCE_IDLE;
}

static gint64
dps_folder_source_get_lag (DpsSource *source)
{
  DpsFolderSource *self = DPS_FOLDER_SOURCE (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  gint64 lag = 0;

  for (guint i = 0; i < self->files->len; i++)
    lag += MAX (dps_tailed_file_get_lag (g_ptr_array_index (self->files, i)), (gint64) 0);
  return lag;
}

static void
dps_folder_source_close (DpsSource *source)
{
  DpsFolderSource *self = DPS_FOLDER_SOURCE (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  g_ptr_array_set_size (self->files, 0);
  g_hash_table_remove_all (self->known);
  self->repository = NULL;
}

static void
dps_folder_source_finalize (GObject *object)
{
  DpsFolderSource *self = DPS_FOLDER_SOURCE (object);

  g_ptr_array_unref (self->files);
  g_hash_table_unref (self->known);
  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dps_folder_source_parent_class)->finalize (object);
}

static void
dps_folder_source_class_init (DpsFolderSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsSourceClass *source_class = DPS_SOURCE_CLASS (klass);

  object_class->finalize = dps_folder_source_finalize;

  source_class->kind = "folder";
  source_class->open = dps_folder_source_open;
  source_class->read = dps_folder_source_read;
  source_class->get_lag = dps_folder_source_get_lag;
  source_class->close = dps_folder_source_close;
}

static void
dps_folder_source_init (DpsFolderSource *self)
{
  g_mutex_init (&self->lock);
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_tailed_file_free);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

DpsSource *
dps_folder_source_new (const char *path,
                       gsize       max_line_length,
                       guint       poll_interval_ms)
{
  DpsFolderSource *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DPS_TYPE_FOLDER_SOURCE, NULL);
  self->path = g_canonicalize_filename (path, NULL);
  self->max_line_length = max_line_length;
  dps_source_set_description (DPS_SOURCE (self), self->path);
  dps_source_set_poll_interval (DPS_SOURCE (self), poll_interval_ms);
  return DPS_SOURCE (self);
}
