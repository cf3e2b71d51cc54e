/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <math.h>

#include "dps-chart-private.h"
#include "dps-histogram-chart.h"

G_DECLARE_FINAL_TYPE (DpsHistogramChart, dps_histogram_chart, DPS, HISTOGRAM_CHART, DpsChart)

struct _DpsHistogramChart
{
  DpsChart        parent_instance;

  /* Owned. */
  GArray         *edges;          /* double: boundaries between buckets */
  DpsChartFormat  edge_format;
};

G_DEFINE_FINAL_TYPE (DpsHistogramChart, dps_histogram_chart, DPS_TYPE_CHART)

static void
dps_histogram_chart_draw (DpsChart         *chart,
                          DpsChartRenderer *r)
{
  DpsHistogramChart *self = DPS_HISTOGRAM_CHART (chart);
  DpsChartSeries *series = r->series;
  DpsChartFormat format = dps_chart_series_get_format (series);
  guint n = dps_chart_series_get_n_items (series);
  double small = dps_chart_renderer_line_height (r, DPS_CHART_FONT_SMALL);
  double vmin, vmax, lo, hi, total = 0.0, top, bottom, plot_x, plot_w, plot_h, slot, zero_y, gap;
  double widest_share = 0.0, widest_label = 0.0;
  gboolean with_edges = self->edges->len + 1 == n;
  gboolean show_shares, show_labels = TRUE;
  guint every = 1;
  DpsChartScale scale;
  graphene_rect_t plot;

  dps_chart_series_get_range (series, FALSE, &vmin, &vmax);
  lo = MIN (vmin, 0.0);
  hi = MAX (vmax, 0.0);
  for (guint i = 0; i < n; i++)
    total += MAX (dps_chart_series_get_value (series, i), 0.0);

  top = DPS_CHART_PADDING + small;
  bottom = DPS_CHART_PADDING + small + 4.0;
  plot_h = r->height - top - bottom;
  if (plot_h < 16.0)
    {
      show_labels = FALSE;
      bottom = DPS_CHART_PADDING;
      plot_h = r->height - top - bottom;
    }
  if (plot_h < 4.0)
    return;

  dps_chart_scale_init (&scale, lo, hi, (guint) CLAMP (plot_h / (2.5 * small), 2.0, 8.0),
                        format == DPS_CHART_FORMAT_COUNT);
  plot_x = DPS_CHART_PADDING + dps_chart_renderer_measure_axis (r, &scale, format) + 6.0;
  plot_w = r->width - plot_x - DPS_CHART_PADDING;
  if (plot_w < 4.0)
    return;
  slot = plot_w / n;
  gap = slot >= 6.0 ? 1.0 : 0.0;

  for (guint i = 0; i < n; i++)
    {
      double value = dps_chart_series_get_value (series, i);
      g_autofree char *share = dps_chart_format_compact (DPS_CHART_FORMAT_PERCENT,
                                                         total > 0.0 ? MAX (value, 0.0) / total : 0.0);

      widest_share = MAX (widest_share, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, share));
      if (!with_edges)
        widest_label = MAX (widest_label,
                            dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL,
                                                           dps_chart_series_get_label (series, i)));
    }
  for (guint i = 0; with_edges && i < self->edges->len; i++)
    {
      g_autofree char *text = dps_chart_format_compact (self->edge_format,
                                                        g_array_index (self->edges, double, i));
      widest_label = MAX (widest_label, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, text));
    }
  show_shares = total > 0.0 && widest_share <= slot - 2.0;
  if (widest_label > slot - 4.0)
    every = (guint) ceil ((widest_label + 4.0) / slot);

  plot = GRAPHENE_RECT_INIT (plot_x, top, plot_w, plot_h);
  dps_chart_renderer_draw_axis (r, &scale, format, &plot, FALSE, TRUE);
  zero_y = dps_chart_scale_map (&scale, 0.0, top + plot_h, top);

  for (guint i = 0; i < n; i++)
    {
      double value = dps_chart_series_get_value (series, i);
      double x = plot_x + slot * i;
      double y = dps_chart_scale_map (&scale, value, top + plot_h, top);
      double bar_top, bar_h;
      gboolean highlighted = (int) i == r->highlight;
      const GdkRGBA *text_color = highlighted ? &r->foreground : &r->dim;

      if (highlighted)
        dps_chart_renderer_fill_hover (r, x, top, slot, plot_h);
      dps_chart_bar_span (GTK_ORIENTATION_VERTICAL, value, zero_y, y, &bar_top, &bar_h);
      gdk_cairo_set_source_rgba (r->cr, highlighted ? &r->accent_strong : &r->accent);
      cairo_rectangle (r->cr, x + gap / 2.0, bar_top, MAX (slot - gap, 0.5), bar_h);
      cairo_fill (r->cr);

      if (show_shares && value > 0.0)
        {
          g_autofree char *share = dps_chart_format_compact (DPS_CHART_FORMAT_PERCENT, value / total);
          g_autoptr(PangoLayout) layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, share, 0);

          dps_chart_renderer_show (r, layout, x + slot / 2.0, bar_top - 2.0, 0.5, 1.0, text_color);
        }

      if (show_labels && !with_edges && i % every == 0)
        {
          g_autoptr(PangoLayout) layout =
            dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, dps_chart_series_get_label (series, i),
                                       slot * every - 4.0);
          dps_chart_renderer_show (r, layout, x + slot / 2.0, top + plot_h + 4.0, 0.5, 0.0, text_color);
        }

      dps_chart_renderer_add_rect (r, i, x, top, slot, plot_h);
    }

  /* Boundaries between the buckets, with a tick each. */
  for (guint i = 0; show_labels && with_edges && i < self->edges->len; i++)
    {
      double x = round (plot_x + slot * (i + 1)) + 0.5;
      g_autofree char *text = NULL;
      g_autoptr(PangoLayout) layout = NULL;

      if ((i + 1) % every != 0)
        continue;
      text = dps_chart_format_compact (self->edge_format, g_array_index (self->edges, double, i));
      layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, text, 0);
      gdk_cairo_set_source_rgba (r->cr, &r->grid);
      cairo_set_line_width (r->cr, 1.0);
      cairo_move_to (r->cr, x, top + plot_h);
      cairo_line_to (r->cr, x, top + plot_h + 3.0);
      cairo_stroke (r->cr);
      dps_chart_renderer_show (r, layout, x, top + plot_h + 4.0, 0.5, 0.0, &r->dim);
    }
}

static void
dps_histogram_chart_finalize (GObject *object)
{
  DpsHistogramChart *self = DPS_HISTOGRAM_CHART (object);

  g_array_unref (self->edges);

  G_OBJECT_CLASS (dps_histogram_chart_parent_class)->finalize (object);
}

static void
dps_histogram_chart_class_init (DpsHistogramChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsChartClass *chart_class = DPS_CHART_CLASS (klass);

  object_class->finalize = dps_histogram_chart_finalize;
  chart_class->draw = dps_histogram_chart_draw;
}

static void
dps_histogram_chart_init (DpsHistogramChart *self)
{
  self->edges = g_array_new (FALSE, FALSE, sizeof (double));
  self->edge_format = DPS_CHART_FORMAT_COUNT;
}

GtkWidget *
dps_histogram_chart_new (void)
{
  return g_object_new (DPS_TYPE_HISTOGRAM_CHART, NULL);
}

void
dps_histogram_chart_set_edges (DpsHistogramChart *self,
                               const double      *edges,
                               guint              n_edges,
                               DpsChartFormat     format)
{
  g_return_if_fail (DPS_IS_HISTOGRAM_CHART (self));
  g_return_if_fail (edges != NULL || n_edges == 0);

  g_array_set_size (self->edges, 0);
  for (guint i = 0; i < n_edges; i++)
    {
      double edge = isfinite (edges[i]) ? edges[i] : 0.0;
      g_array_append_val (self->edges, edge);
    }
  self->edge_format = format;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
