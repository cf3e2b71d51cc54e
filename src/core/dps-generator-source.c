/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dps-generator-source.h"
#include "dps-source-private.h"

G_DECLARE_FINAL_TYPE (DpsGeneratorSource, dps_generator_source, DPS, GENERATOR_SOURCE, DpsSource)

struct _DpsGeneratorSource
{
  DpsSource     parent_instance;

  /* Source thread only. */
  DpsGenerator *generator;
  GString      *line;
  double        rate;
  guint64       limit;          /* 0 = unbounded */
  guint64       emitted;
  gint64        started;        /* monotonic, at the first read */
  guint32       source_id;
};

G_DEFINE_FINAL_TYPE (DpsGeneratorSource, dps_generator_source, DPS_TYPE_SOURCE)

static gboolean
dps_generator_source_open (DpsSource      *source,
                           DpsRepository  *repository,
                           GCancellable   *cancellable,
                           GError        **error)
{
  DpsGeneratorSource *self = DPS_GENERATOR_SOURCE (source);

  return dps_repository_ensure_source (repository, "generator", &self->source_id, error);
}

static DpsSourceStatus
dps_generator_source_read (DpsSource     *source,
                           DpsChunk      *chunk,
                           guint          max_lines,
                           GCancellable  *cancellable,
                           GError       **error)
{
  DpsGeneratorSource *self = DPS_GENERATOR_SOURCE (source);
  guint64 due = max_lines;

  if (self->limit > 0 && self->emitted >= self->limit)
    return DPS_SOURCE_END;

  if (self->started == 0)
    self->started = g_get_monotonic_time ();

  if (self->rate > 0)
    {
      /* Lines due since the start: the schedule catches up after stalls
       * instead of drifting. */
      double elapsed = (double) (g_get_monotonic_time () - self->started) / G_USEC_PER_SEC;
      guint64 target = (guint64) (elapsed * self->rate) + 1;

      due = target > self->emitted ? MIN (target - self->emitted, (guint64) max_lines) : 0;
    }
  if (self->limit > 0)
    due = MIN (due, self->limit - self->emitted);
  if (due == 0)
    return DPS_SOURCE_IDLE;

  for (guint64 i = 0; i < due; i++)
    {
      DpsPosition position = { self->source_id, -1, (gint64) self->emitted, -1 };
      DpsRejectReason reason;

      g_string_truncate (self->line, 0);
      dps_generator_next (self->generator, self->line, &reason);
      dps_chunk_add_line (chunk, self->line->str, self->line->len, self->line->len, &position);
      chunk->bytes += self->line->len + 1;
      self->emitted++;
    }
  return DPS_SOURCE_DATA;
}

static gint64
dps_generator_source_get_lag (DpsSource *source)
{
  /* Lines are made on demand: nothing waits behind the reader. */
  return 0;
}

static void
dps_generator_source_finalize (GObject *object)
{
  DpsGeneratorSource *self = DPS_GENERATOR_SOURCE (object);

  g_clear_object (&self->generator);
  g_string_free (self->line, TRUE);

  G_OBJECT_CLASS (dps_generator_source_parent_class)->finalize (object);
}

static void
dps_generator_source_class_init (DpsGeneratorSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsSourceClass *source_class = DPS_SOURCE_CLASS (klass);

  object_class->finalize = dps_generator_source_finalize;

  source_class->kind = "generator";
  source_class->open = dps_generator_source_open;
  source_class->read = dps_generator_source_read;
  source_class->get_lag = dps_generator_source_get_lag;
}

static void
dps_generator_source_init (DpsGeneratorSource *self)
{
  self->line = g_string_sized_new (512);
}

DpsSource *
dps_generator_source_new (const DpsGeneratorOptions *options,
                          double                     rate)
{
  DpsGeneratorSource *self;
  g_autofree char *description = NULL;

  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (DPS_TYPE_GENERATOR_SOURCE, NULL);
  self->generator = dps_generator_new (options);
  self->rate = MAX (rate, 0.0);
  self->limit = options->rows;
  if (rate > 0)
    description = g_strdup_printf (_("Generator, %.0f events/s"), rate);
  else
    description = g_strdup (_("Generator"));
  dps_source_set_description (DPS_SOURCE (self), description);
  /* Short waits keep a steady rate without spinning. */
  dps_source_set_poll_interval (DPS_SOURCE (self),
                                rate > 0 ? (guint) CLAMP (1000.0 / rate, 10.0, 100.0) : 10);
  return DPS_SOURCE (self);
}
