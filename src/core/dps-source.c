/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include <string.h>

#include "dps-source-private.h"

typedef struct
{
  GMutex  lock;             /* guards description and status_text */
  char   *description;
  char   *status_text;
  const char *kind;         /* static string; NULL = the class's */
  guint   poll_interval;
} DpsSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DpsSource, dps_source, G_TYPE_OBJECT)
G_DEFINE_QUARK (dps-source-error-quark, dps_source_error)

DpsChunk *
dps_chunk_new (void)
{
  DpsChunk *self = g_new0 (DpsChunk, 1);

  self->data = g_byte_array_sized_new (256 * 1024);
  self->lines = g_array_sized_new (FALSE, FALSE, sizeof (DpsRawLine), 1024);
  self->checkpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_checkpoint_free);
  return self;
}

void
dps_chunk_free (DpsChunk *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->data);
  g_array_unref (self->lines);
  g_ptr_array_unref (self->checkpoints);
  g_free (self);
}

void
dps_chunk_reset (DpsChunk *self)
{
  g_byte_array_set_size (self->data, 0);
  g_array_set_size (self->lines, 0);
  g_ptr_array_set_size (self->checkpoints, 0);
  self->bytes = 0;
  self->seq = 0;
}

void
dps_chunk_add_line (DpsChunk          *self,
                    const char        *data,
                    gsize              length,
                    gsize              full_length,
                    const DpsPosition *position)
{
  DpsRawLine line;

  line.start = self->data->len;
  line.length = length;
  line.full_length = full_length;
  line.position = *position;
  g_byte_array_append (self->data, (const guint8 *) data, (guint) length);
  g_array_append_val (self->lines, line);
}

void
dps_chunk_set_checkpoint (DpsChunk            *self,
                          const DpsCheckpoint *checkpoint)
{
  for (guint i = 0; i < self->checkpoints->len; i++)
    {
      DpsCheckpoint *old = g_ptr_array_index (self->checkpoints, i);

      if (old->partition == checkpoint->partition &&
          g_strcmp0 (old->source_key, checkpoint->source_key) == 0)
        {
          g_ptr_array_index (self->checkpoints, i) = dps_checkpoint_copy (checkpoint);
          dps_checkpoint_free (old);
          return;
        }
    }
  g_ptr_array_add (self->checkpoints, dps_checkpoint_copy (checkpoint));
}

static void
dps_source_finalize (GObject *object)
{
  DpsSource *self = DPS_SOURCE (object);
  DpsSourcePrivate *priv = dps_source_get_instance_private (self);

  g_mutex_clear (&priv->lock);
  g_free (priv->description);
  g_free (priv->status_text);

  G_OBJECT_CLASS (dps_source_parent_class)->finalize (object);
}

static gint64
dps_source_real_get_lag (DpsSource *self)
{
  return -1;
}

static void
dps_source_real_committed (DpsSource       *self,
                           const GPtrArray *checkpoints)
{
}

static void
dps_source_real_close (DpsSource *self)
{
}

static void
dps_source_class_init (DpsSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_source_finalize;

  klass->kind = "import";
  klass->get_lag = dps_source_real_get_lag;
  klass->committed = dps_source_real_committed;
  klass->close = dps_source_real_close;
}

static void
dps_source_init (DpsSource *self)
{
  DpsSourcePrivate *priv = dps_source_get_instance_private (self);

  g_mutex_init (&priv->lock);
  priv->poll_interval = 250;
}

const char *
dps_source_get_kind (DpsSource *self)
{
  DpsSourcePrivate *priv;

  g_return_val_if_fail (DPS_IS_SOURCE (self), NULL);
  priv = dps_source_get_instance_private (self);
  return priv->kind != NULL ? priv->kind : DPS_SOURCE_GET_CLASS (self)->kind;
}

void
dps_source_set_kind (DpsSource  *self,
                     const char *kind)
{
  DpsSourcePrivate *priv = dps_source_get_instance_private (self);

  priv->kind = g_intern_string (kind);
}

const char *
dps_source_get_description (DpsSource *self)
{
  DpsSourcePrivate *priv;
  const char *description;

  g_return_val_if_fail (DPS_IS_SOURCE (self), NULL);
  priv = dps_source_get_instance_private (self);
  g_mutex_lock (&priv->lock);
  /* Set once while opening; the string lives as long as the source. */
  description = priv->description != NULL ? priv->description : "";
  g_mutex_unlock (&priv->lock);
  return description;
}

void
dps_source_set_description (DpsSource  *self,
                            const char *description)
{
  DpsSourcePrivate *priv = dps_source_get_instance_private (self);

  g_mutex_lock (&priv->lock);
  g_free (priv->description);
  priv->description = g_strdup (description);
  g_mutex_unlock (&priv->lock);
}

char *
dps_source_dup_status_text (DpsSource *self)
{
  DpsSourcePrivate *priv;
  char *text;

  g_return_val_if_fail (DPS_IS_SOURCE (self), NULL);
  priv = dps_source_get_instance_private (self);
  g_mutex_lock (&priv->lock);
  text = g_strdup (priv->status_text);
  g_mutex_unlock (&priv->lock);
  return text;
}

void
dps_source_set_status_text (DpsSource  *self,
                            const char *text)
{
  DpsSourcePrivate *priv = dps_source_get_instance_private (self);

  g_mutex_lock (&priv->lock);
  if (g_strcmp0 (priv->status_text, text) != 0)
    {
      g_free (priv->status_text);
      priv->status_text = g_strdup (text);
    }
  g_mutex_unlock (&priv->lock);
}

guint
dps_source_get_poll_interval (DpsSource *self)
{
  DpsSourcePrivate *priv;

  g_return_val_if_fail (DPS_IS_SOURCE (self), 250);
  priv = dps_source_get_instance_private (self);
  return priv->poll_interval;
}

void
dps_source_set_poll_interval (DpsSource *self,
                              guint      milliseconds)
{
  DpsSourcePrivate *priv = dps_source_get_instance_private (self);

  priv->poll_interval = MAX (milliseconds, 10u);
}

gboolean
dps_source_open (DpsSource      *self,
                 DpsRepository  *repository,
                 GCancellable   *cancellable,
                 GError        **error)
{
  g_return_val_if_fail (DPS_IS_SOURCE (self), FALSE);
  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), FALSE);
  return DPS_SOURCE_GET_CLASS (self)->open (self, repository, cancellable, error);
}

DpsSourceStatus
dps_source_read (DpsSource     *self,
                 DpsChunk      *chunk,
                 guint          max_lines,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_return_val_if_fail (DPS_IS_SOURCE (self), DPS_SOURCE_FAILED);
  g_return_val_if_fail (chunk != NULL, DPS_SOURCE_FAILED);
  return DPS_SOURCE_GET_CLASS (self)->read (self, chunk, MAX (max_lines, 1u), cancellable, error);
}

gint64
dps_source_get_lag (DpsSource *self)
{
  g_return_val_if_fail (DPS_IS_SOURCE (self), -1);
  return DPS_SOURCE_GET_CLASS (self)->get_lag (self);
}

void
dps_source_committed (DpsSource       *self,
                      const GPtrArray *checkpoints)
{
  g_return_if_fail (DPS_IS_SOURCE (self));
  DPS_SOURCE_GET_CLASS (self)->committed (self, checkpoints);
}

void
dps_source_close (DpsSource *self)
{
  g_return_if_fail (DPS_IS_SOURCE (self));
  DPS_SOURCE_GET_CLASS (self)->close (self);
}
