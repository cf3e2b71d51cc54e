/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How the values of a series read. */
typedef enum {
  DPS_CHART_FORMAT_COUNT,     /* whole numbers: "12,345" */
  DPS_CHART_FORMAT_AMOUNT,    /* euros: "€1,234.56" */
  DPS_CHART_FORMAT_PERCENT,   /* fractions shown as percentages: 0.123 → "12.3%" */
} DpsChartFormat;

GType dps_chart_format_get_type (void) G_GNUC_CONST;
#define DPS_TYPE_CHART_FORMAT (dps_chart_format_get_type ())

/* The exact value in the user's locale, for labels and tooltips. */
char *dps_chart_format_value    (DpsChartFormat  format,
                                 double          value);
/* A short form for axes and bar ends: "1.2M", "€35k", "12%". */
char *dps_chart_format_compact  (DpsChartFormat  format,
                                 double          value);

#define DPS_TYPE_CHART_SERIES (dps_chart_series_get_type ())
G_DECLARE_FINAL_TYPE (DpsChartSeries, dps_chart_series, DPS, CHART_SERIES, GObject)

/* The data a chart draws, apart from the chart: items in drawing order,
 * each with a key (what a click hands back; NULL for an item that stands
 * for several, like "Other"), a label for people, a value and an optional
 * second value. Two-keyed items (a heatmap cell) also have key2 and
 * label2. Built on any thread, then left unchanged once handed to a
 * chart. Non-finite values are stored as 0. */
DpsChartSeries *dps_chart_series_new              (const char      *title,
                                                   DpsChartFormat   format);
/* Gives every item a second value, read with @format. */
void            dps_chart_series_set_second       (DpsChartSeries  *self,
                                                   const char      *title,
                                                   DpsChartFormat   format);
/* What the keys are ("Category"): the first column of a CSV export. */
void            dps_chart_series_set_key_titles   (DpsChartSeries  *self,
                                                   const char      *key_title,
                                                   const char      *key2_title);

guint           dps_chart_series_add              (DpsChartSeries  *self,
                                                   const char      *key,
                                                   const char      *label,
                                                   double           value);
guint           dps_chart_series_add_full         (DpsChartSeries  *self,
                                                   const char      *key,
                                                   const char      *key2,
                                                   const char      *label,
                                                   const char      *label2,
                                                   double           value,
                                                   double           value2);

const char     *dps_chart_series_get_title        (DpsChartSeries  *self);
DpsChartFormat  dps_chart_series_get_format       (DpsChartSeries  *self);
gboolean        dps_chart_series_has_second       (DpsChartSeries  *self);
const char     *dps_chart_series_get_second_title (DpsChartSeries  *self);
DpsChartFormat  dps_chart_series_get_second_format(DpsChartSeries  *self);

guint           dps_chart_series_get_n_items      (DpsChartSeries  *self);
const char     *dps_chart_series_get_key          (DpsChartSeries  *self,
                                                   guint            index);
const char     *dps_chart_series_get_key2         (DpsChartSeries  *self,
                                                   guint            index);
const char     *dps_chart_series_get_label        (DpsChartSeries  *self,
                                                   guint            index);
const char     *dps_chart_series_get_label2       (DpsChartSeries  *self,
                                                   guint            index);
double          dps_chart_series_get_value        (DpsChartSeries  *self,
                                                   guint            index);
double          dps_chart_series_get_value2       (DpsChartSeries  *self,
                                                   guint            index);
/* The index of the item with these keys, or -1. */
int             dps_chart_series_find             (DpsChartSeries  *self,
                                                   const char      *key,
                                                   const char      *key2);

/* Smallest and largest value (or second value); 0 and 0 when empty. */
void            dps_chart_series_get_range        (DpsChartSeries  *self,
                                                   gboolean         second,
                                                   double          *min,
                                                   double          *max);
/* Sum of the values (or second values). */
double          dps_chart_series_get_total        (DpsChartSeries  *self,
                                                   gboolean         second);

/* The items as CSV (standard preset, C-locale numbers, a header row):
 * key, [key2,] label, [label2,] value, [value2]. Blocking. */
gboolean        dps_chart_series_write_csv        (DpsChartSeries  *self,
                                                   GOutputStream   *stream,
                                                   GCancellable    *cancellable,
                                                   GError         **error);

G_END_DECLS
