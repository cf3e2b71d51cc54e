/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-chart.h"

G_BEGIN_DECLS

/* The length of one point of a time series. */
typedef enum {
  DPS_TIME_GRANULARITY_HOUR,
  DPS_TIME_GRANULARITY_DAY,
  DPS_TIME_GRANULARITY_WEEK,
  DPS_TIME_GRANULARITY_MONTH,
} DpsTimeGranularity;

GType      dps_time_granularity_get_type  (void) G_GNUC_CONST;
#define DPS_TYPE_TIME_GRANULARITY (dps_time_granularity_get_type ())

/* Keys of time series items, all UTC: the start of the bucket as
 * "2026-11-20T14" (hour), "2026-11-20" (day; week: its Monday) or
 * "2026-11" (month). */
char      *dps_time_key_for_instant       (DpsTimeGranularity  granularity,
                                           gint64              usec);
/* The bucket [*from, *to) a key stands for, in microseconds UTC. */
gboolean   dps_time_key_to_range          (DpsTimeGranularity  granularity,
                                           const char         *key,
                                           gint64             *from,
                                           gint64             *to);

/* The class structure stays in the source file: DpsChart's is private. */
#define DPS_TYPE_TIME_CHART (dps_time_chart_get_type ())
GType dps_time_chart_get_type (void) G_GNUC_CONST;
typedef struct _DpsTimeChart DpsTimeChart;

/* Evenly spaced points in time, one per item (the caller fills gaps), as
 * a filled area for the values on the left axis and, when the series has
 * second values, a line on the right axis. Item keys are time keys of the
 * chart's granularity: the axis labels come from them. */
GtkWidget          *dps_time_chart_new             (void);
DpsTimeGranularity  dps_time_chart_get_granularity (DpsTimeChart       *self);
void                dps_time_chart_set_granularity (DpsTimeChart       *self,
                                                    DpsTimeGranularity  granularity);

G_END_DECLS
