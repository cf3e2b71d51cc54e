/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dps-chart-series.h"

G_BEGIN_DECLS

typedef enum {
  DPS_CHART_EXPORT_PNG,
  DPS_CHART_EXPORT_SVG,
  DPS_CHART_EXPORT_PDF,
  DPS_CHART_EXPORT_CSV,     /* the data, not the picture */
} DpsChartExportFormat;

GType        dps_chart_export_format_get_type      (void) G_GNUC_CONST;
#define DPS_TYPE_CHART_EXPORT_FORMAT (dps_chart_export_format_get_type ())
/* "png", "svg", "pdf", "csv" */
const char  *dps_chart_export_format_to_string     (DpsChartExportFormat  format);
gboolean     dps_chart_export_format_from_string   (const char           *text,
                                                    DpsChartExportFormat *out);

#define DPS_TYPE_CHART (dps_chart_get_type ())
G_DECLARE_DERIVABLE_TYPE (DpsChart, dps_chart, DPS, CHART, GtkWidget)

/* The base of every chart: it holds the series, draws through its kind's
 * draw function with colours and fonts from the current style, tracks the
 * highlighted item (pointer or keyboard), shows a tooltip with the exact
 * value, emits "item-activated" on a click or Enter, and keeps an
 * accessible description of the data. Subclasses are in
 * dps-chart-private.h. */

DpsChartSeries *dps_chart_get_series       (DpsChart              *self);
void            dps_chart_set_series       (DpsChart              *self,
                                            DpsChartSeries        *series);
/* What the chart shows ("Amount by category"): its accessible name and
 * the exported document's title. */
const char     *dps_chart_get_title        (DpsChart              *self);
void            dps_chart_set_title        (DpsChart              *self,
                                            const char            *title);
/* -1 when nothing is highlighted. */
int             dps_chart_get_highlight    (DpsChart              *self);
void            dps_chart_set_highlight    (DpsChart              *self,
                                            int                    index);
/* Emits "item-activated" for an item that has a key. */
void            dps_chart_activate_item    (DpsChart              *self,
                                            guint                  index);
/* The index of the item under a point of the widget as last drawn, or -1. */
int             dps_chart_get_item_at      (DpsChart              *self,
                                            double                 x,
                                            double                 y);
/* Where an item's hit area lies when the chart is drawn at this size. */
gboolean        dps_chart_get_item_bounds  (DpsChart              *self,
                                            guint                  index,
                                            int                    width,
                                            int                    height,
                                            graphene_rect_t       *bounds);
/* One item for people: "grocery: €1,234.56". */
char           *dps_chart_describe_item    (DpsChart              *self,
                                            guint                  index);
/* The text summary given to assistive technologies. */
char           *dps_chart_dup_summary      (DpsChart              *self);

/* Draws the whole chart, background included, onto @cr at this size (in
 * @cr's user units): the same drawing as on screen, for export and tests. */
void            dps_chart_render           (DpsChart              *self,
                                            cairo_t               *cr,
                                            int                    width,
                                            int                    height);

/* Writes the chart at @width × @height (PNG pixels, SVG/PDF points) or its
 * data (CSV) to @file. The picture is drawn on the calling thread; the
 * file is written on a worker, under a temporary name renamed at the end,
 * so a failed export leaves no file behind. */
void            dps_chart_export_async     (DpsChart              *self,
                                            DpsChartExportFormat   format,
                                            GFile                 *file,
                                            int                    width,
                                            int                    height,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
gboolean        dps_chart_export_finish    (DpsChart              *self,
                                            GAsyncResult          *result,
                                            GError               **error);

G_END_DECLS
