/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include "dps-file-source.h"
#include "dps-source-private.h"

G_DECLARE_FINAL_TYPE (DpsFileSource, dps_file_source, DPS, FILE_SOURCE, DpsSource)
#include "dps-tailed-file.h"

struct _DpsFileSource
{
  DpsSource      parent_instance;

  /* Used by the source thread only, except the lag (read under lock). */
  DpsTailedFile *file;
  gboolean       follow;
  GMutex         lock;          /* guards file against get_lag during close */
};

G_DEFINE_FINAL_TYPE (DpsFileSource, dps_file_source, DPS_TYPE_SOURCE)

static gboolean
dps_file_source_open (DpsSource      *source,
                      DpsRepository  *repository,
                      GCancellable   *cancellable,
                      GError        **error)
{
  DpsFileSource *self = DPS_FILE_SOURCE (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return dps_tailed_file_open (self->file, repository, error);
}

static DpsSourceStatus
dps_file_source_read (DpsSource     *source,
                      DpsChunk      *chunk,
                      guint          max_lines,
                      GCancellable  *cancellable,
                      GError       **error)
{
  DpsFileSource *self = DPS_FILE_SOURCE (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return dps_tailed_file_read (self->file, chunk, max_lines, cancellable, error);
}

static gint64
dps_file_source_get_lag (DpsSource *source)
{
  DpsFileSource *self = DPS_FILE_SOURCE (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return dps_tailed_file_get_lag (self->file);
}

static void
dps_file_source_close (DpsSource *source)
{
  DpsFileSource *self = DPS_FILE_SOURCE (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  dps_tailed_file_close (self->file);
}

static void
dps_file_source_finalize (GObject *object)
{
  DpsFileSource *self = DPS_FILE_SOURCE (object);

  dps_tailed_file_free (self->file);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dps_file_source_parent_class)->finalize (object);
}

static void
dps_file_source_class_init (DpsFileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsSourceClass *source_class = DPS_SOURCE_CLASS (klass);

  object_class->finalize = dps_file_source_finalize;

  source_class->kind = "import";
  source_class->open = dps_file_source_open;
  source_class->read = dps_file_source_read;
  source_class->get_lag = dps_file_source_get_lag;
  source_class->close = dps_file_source_close;
}

static void
dps_file_source_init (DpsFileSource *self)
{
  g_mutex_init (&self->lock);
}

DpsSource *
dps_file_source_new (const char *path,
                     gboolean    follow,
                     gsize       max_line_length,
                     guint       poll_interval_ms)
{
  DpsFileSource *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DPS_TYPE_FILE_SOURCE, NULL);
  self->follow = follow;
  self->file = dps_tailed_file_new (path, follow, max_line_length);
  dps_source_set_kind (DPS_SOURCE (self), follow ? "follow" : "import");
  dps_source_set_description (DPS_SOURCE (self), dps_tailed_file_get_path (self->file));
  dps_source_set_poll_interval (DPS_SOURCE (self), poll_interval_ms);
  return DPS_SOURCE (self);
}
