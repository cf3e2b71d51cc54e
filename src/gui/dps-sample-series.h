/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DPS_TYPE_SAMPLE_SERIES (dps_sample_series_get_type ())
G_DECLARE_FINAL_TYPE (DpsSampleSeries, dps_sample_series, DPS, SAMPLE_SERIES, GObject)

/* The last @capacity samples of a value over time (a ring): what the
 * throughput graph draws. "changed" follows every push or clear. */
DpsSampleSeries *dps_sample_series_new            (guint            capacity);
guint            dps_sample_series_get_capacity   (DpsSampleSeries *self);
/* @time in microseconds, never decreasing. */
void             dps_sample_series_push           (DpsSampleSeries *self,
                                                   gint64           time,
                                                   double           value);
void             dps_sample_series_clear          (DpsSampleSeries *self);
guint            dps_sample_series_get_n_samples  (DpsSampleSeries *self);
/* @index 0 is the oldest sample held. */
void             dps_sample_series_get_sample     (DpsSampleSeries *self,
                                                   guint            index,
                                                   gint64          *time,
                                                   double          *value);
/* Largest value held, 0 when empty. */
double           dps_sample_series_get_max        (DpsSampleSeries *self);
/* Newest value, 0 when empty. */
double           dps_sample_series_get_last       (DpsSampleSeries *self);

G_END_DECLS
