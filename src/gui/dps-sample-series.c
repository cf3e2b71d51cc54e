/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include "dps-sample-series.h"

typedef struct {
  gint64 time;
  double value;
} Sample;

struct _DpsSampleSeries
{
  GObject  parent_instance;

  Sample  *samples;      /* ring of capacity */
  guint    capacity;
  guint    first;        /* index of the oldest */
  guint    n;
};

G_DEFINE_FINAL_TYPE (DpsSampleSeries, dps_sample_series, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
dps_sample_series_finalize (GObject *object)
{
  DpsSampleSeries *self = DPS_SAMPLE_SERIES (object);

  g_free (self->samples);

  G_OBJECT_CLASS (dps_sample_series_parent_class)->finalize (object);
}

static void
dps_sample_series_class_init (DpsSampleSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_sample_series_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
dps_sample_series_init (DpsSampleSeries *self)
{
}

DpsSampleSeries *
dps_sample_series_new (guint capacity)
{
  DpsSampleSeries *self;

  g_return_val_if_fail (capacity > 0, NULL);

  self = g_object_new (DPS_TYPE_SAMPLE_SERIES, NULL);
  self->capacity = capacity;
  self->samples = g_new0 (Sample, capacity);
  return self;
}

guint
dps_sample_series_get_capacity (DpsSampleSeries *self)
{
  g_return_val_if_fail (DPS_IS_SAMPLE_SERIES (self), 0);
  return self->capacity;
}

void
dps_sample_series_push (DpsSampleSeries *self,
                        gint64           time,
                        double           value)
{
  Sample *sample;

  g_return_if_fail (DPS_IS_SAMPLE_SERIES (self));

  if (self->n < self->capacity)
    sample = &self->samples[(self->first + self->n++) % self->capacity];
  else
    {
      sample = &self->samples[self->first];
      self->first = (self->first + 1) % self->capacity;
    }
  sample->time = time;
  sample->value = value;
  g_signal_emit (self, signals[CHANGED], 0);
}

void
dps_sample_series_clear (DpsSampleSeries *self)
{
  g_return_if_fail (DPS_IS_SAMPLE_SERIES (self));

  self->first = 0;
  self->n = 0;
  g_signal_emit (self, signals[CHANGED], 0);
}

guint
dps_sample_series_get_n_samples (DpsSampleSeries *self)
{
  g_return_val_if_fail (DPS_IS_SAMPLE_SERIES (self), 0);
  return self->n;
}

void
dps_sample_series_get_sample (DpsSampleSeries *self,
                              guint            index,
                              gint64          *time,
                              double          *value)
{
  const Sample *sample;

  g_return_if_fail (DPS_IS_SAMPLE_SERIES (self));
  g_return_if_fail (index < self->n);

  sample = &self->samples[(self->first + index) % self->capacity];
  if (time != NULL)
    *time = sample->time;
  if (value != NULL)
    *value = sample->value;
}

double
dps_sample_series_get_max (DpsSampleSeries *self)
{
  double max = 0;

  g_return_val_if_fail (DPS_IS_SAMPLE_SERIES (self), 0);

  for (guint i = 0; i < self->n; i++)
    max = MAX (max, self->samples[(self->first + i) % self->capacity].value);
  return max;
}

double
dps_sample_series_get_last (DpsSampleSeries *self)
{
  g_return_val_if_fail (DPS_IS_SAMPLE_SERIES (self), 0);

  if (self->n == 0)
    return 0;
  return self->samples[(self->first + self->n - 1) % self->capacity].value;
}
