/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dps-chart-private.h"
#include "dps-donut-chart.h"

#define POP_OUT 5.0

G_DECLARE_FINAL_TYPE (DpsDonutChart, dps_donut_chart, DPS, DONUT_CHART, DpsChart)

struct _DpsDonutChart
{
  DpsChart parent_instance;
};

G_DEFINE_FINAL_TYPE (DpsDonutChart, dps_donut_chart, DPS_TYPE_CHART)

/* The share of each positive value; the others have none. Sums are taken
 * over values scaled by the largest, so that huge values cannot overflow. */
static double *
compute_shares (DpsChartSeries *series)
{
  guint n = dps_chart_series_get_n_items (series);
  double *shares = g_new0 (double, MAX (n, 1u));
  double largest = 0.0, total = 0.0;

  for (guint i = 0; i < n; i++)
    largest = MAX (largest, dps_chart_series_get_value (series, i));
  if (!(largest > 0.0))
    return shares;
  for (guint i = 0; i < n; i++)
    total += MAX (dps_chart_series_get_value (series, i), 0.0) / largest;
  for (guint i = 0; i < n; i++)
    {
      double share = MAX (dps_chart_series_get_value (series, i), 0.0) / largest / total;
      shares[i] = isfinite (share) ? CLAMP (share, 0.0, 1.0) : 0.0;
    }
  return shares;
}

static double
share_of (DpsChartSeries *series,
          guint           index)
{
  g_autofree double *shares = compute_shares (series);

  return index < dps_chart_series_get_n_items (series) ? shares[index] : 0.0;
}

static double
positive_total (DpsChartSeries *series)
{
  double total = 0.0;

  for (guint i = 0; i < dps_chart_series_get_n_items (series); i++)
    total += MAX (dps_chart_series_get_value (series, i), 0.0);
  return total;
}

static void
draw_legend (DpsChartRenderer *r,
             const double     *shares,
             double            x,
             double            y,
             double            width,
             double            height)
{
  DpsChartSeries *series = r->series;
  guint n = dps_chart_series_get_n_items (series);
  double line = dps_chart_renderer_line_height (r, DPS_CHART_FONT_SMALL);
  double row = line + 4.0, swatch = round (line * 0.7);
  guint shown = 0, positives = 0, capacity;

  for (guint i = 0; i < n; i++)
    if (dps_chart_series_get_value (series, i) > 0.0)
      positives++;
  capacity = (guint) MAX (0.0, floor (height / row));
  if (capacity == 0 || width < swatch + 16.0)
    return;
  /* When not all fit, the last row says how many are left out. */
  if (positives > capacity)
    capacity = capacity > 1 ? capacity - 1 : 0;

  /* Centred vertically beside the ring. */
  y += MAX (0.0, (height - MIN (positives, capacity + (positives > capacity ? 1 : 0)) * row) / 2.0);

  for (guint i = 0; i < n && shown < capacity; i++)
    {
      double value = dps_chart_series_get_value (series, i);
      gboolean highlighted = (int) i == r->highlight;
      g_autofree char *share = NULL;
      g_autoptr(PangoLayout) share_layout = NULL;
      g_autoptr(PangoLayout) label_layout = NULL;
      double share_w, ry = y + shown * row;

      if (value <= 0.0)
        continue;

      if (highlighted)
        {
          gdk_cairo_set_source_rgba (r->cr, &r->hover);
          dps_chart_rounded_rect (r->cr, x - 4.0, ry, width + 4.0, row, 4.0);
          cairo_fill (r->cr);
        }

      share = dps_chart_format_compact (DPS_CHART_FORMAT_PERCENT, shares[i]);
      share_layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, share, 0);
      dps_chart_layout_get_size (share_layout, &share_w, NULL);

      gdk_cairo_set_source_rgba (r->cr, dps_chart_renderer_color (r, i));
      dps_chart_rounded_rect (r->cr, x, ry + (row - swatch) / 2.0, swatch, swatch, 2.0);
      cairo_fill (r->cr);

      label_layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL,
                                                dps_chart_series_get_label (series, i),
                                                width - swatch - 6.0 - share_w - 8.0);
      dps_chart_renderer_show (r, label_layout, x + swatch + 6.0, ry + row / 2.0, 0.0, 0.5,
                               &r->foreground);
      dps_chart_renderer_show (r, share_layout, x + width, ry + row / 2.0, 1.0, 0.5,
                               highlighted ? &r->foreground : &r->dim);

      dps_chart_renderer_add_rect (r, i, x - 4.0, ry, width + 4.0, row);
      shown++;
    }

  if (positives > shown)
    {
      g_autofree char *more = NULL;
      g_autoptr(PangoLayout) layout = NULL;

      /* Translators: the last line of a chart legend that could not list everything. */
      more = g_strdup_printf (ngettext ("%u more", "%u more", positives - shown), positives - shown);
      layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, more, width);
      dps_chart_renderer_show (r, layout, x, y + shown * row + row / 2.0, 0.0, 0.5, &r->dim);
    }
}

static void
dps_donut_chart_draw (DpsChart         *chart,
                      DpsChartRenderer *r)
{
  DpsChartSeries *series = r->series;
  DpsChartFormat format = dps_chart_series_get_format (series);
  guint n = dps_chart_series_get_n_items (series);
  double total = positive_total (series);
  g_autofree double *shares = compute_shares (series);
  double area_x, area_y, area_w, area_h, legend_x, legend_y, legend_w, legend_h;
  double cx, cy, radius, inner, angle;
  double line = dps_chart_renderer_line_height (r, DPS_CHART_FONT_SMALL);

  if (!(total > 0.0))
    {
      dps_chart_renderer_draw_message (r, _("No data"));
      return;
    }

  area_x = DPS_CHART_PADDING;
  area_y = DPS_CHART_PADDING;
  area_w = r->width - 2 * DPS_CHART_PADDING;
  area_h = r->height - 2 * DPS_CHART_PADDING;
  if (r->width >= r->height * 1.25)
    {
      /* Legend on the right. */
      legend_w = MIN (area_w * 0.5, 220.0);
      area_w -= legend_w + 12.0;
      legend_x = area_x + area_w + 12.0;
      legend_y = area_y;
      legend_h = area_h;
    }
  else
    {
      /* Legend under the ring, a few rows. */
      legend_h = MIN (area_h * 0.4, (line + 4.0) * MIN (n, 5u));
      area_h -= legend_h + 8.0;
      legend_x = area_x + 4.0;
      legend_y = area_y + area_h + 8.0;
      legend_w = area_w - 4.0;
    }

  cx = area_x + area_w / 2.0;
  cy = area_y + area_h / 2.0;
  radius = MIN (area_w, area_h) / 2.0 - POP_OUT;
  inner = radius * 0.62;

  if (radius >= 8.0)
    {
      angle = -G_PI / 2.0;
      for (guint i = 0; i < n; i++)
        {
          double value = dps_chart_series_get_value (series, i);
          double sweep, outer;

          if (value <= 0.0)
            continue;
          sweep = 2 * G_PI * shares[i];
          outer = (int) i == r->highlight ? radius + POP_OUT : radius;

          cairo_new_path (r->cr);
          cairo_arc (r->cr, cx, cy, outer, angle, angle + sweep);
          cairo_arc_negative (r->cr, cx, cy, inner, angle + sweep, angle);
          cairo_close_path (r->cr);
          gdk_cairo_set_source_rgba (r->cr, dps_chart_renderer_color (r, i));
          cairo_fill_preserve (r->cr);
          /* A thin gap between slices, in the card's colour. */
          if (sweep < 2 * G_PI - 1e-6)
            {
              gdk_cairo_set_source_rgba (r->cr, &r->background);
              cairo_set_line_width (r->cr, 1.5);
              cairo_stroke (r->cr);
            }
          else
            cairo_new_path (r->cr);

          dps_chart_renderer_add_sector (r, i, cx, cy, inner, radius + POP_OUT, angle, angle + sweep);
          angle += sweep;
        }

      /* The middle: the total, or the highlighted slice. */
      if (inner >= 24.0)
        {
          g_autofree char *value = NULL;
          g_autoptr(PangoLayout) value_layout = NULL;
          g_autoptr(PangoLayout) caption_layout = NULL;
          const char *caption;
          double value_h;

          if (r->highlight >= 0 && dps_chart_series_get_value (series, r->highlight) > 0.0)
            {
              value = dps_chart_format_compact (DPS_CHART_FORMAT_PERCENT,
                                                shares[r->highlight]);
              caption = dps_chart_series_get_label (series, r->highlight);
            }
          else
            {
              value = dps_chart_format_compact (format, total);
              /* Translators: under the sum of a donut chart's slices. */
              caption = _("Total");
            }
          value_layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_LARGE, value, inner * 1.7);
          caption_layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, caption, inner * 1.5);
          dps_chart_layout_get_size (value_layout, NULL, &value_h);
          dps_chart_renderer_show (r, value_layout, cx, cy + 2.0, 0.5, 1.0, &r->foreground);
          dps_chart_renderer_show (r, caption_layout, cx, cy + 2.0, 0.5, 0.0, &r->dim);
        }
    }

  draw_legend (r, shares, legend_x, legend_y, legend_w, legend_h);
}

static int
dps_donut_chart_navigate (DpsChart         *chart,
                          int               current,
                          GtkDirectionType  direction)
{
  DpsChartSeries *series = dps_chart_get_series (chart);
  int n = series != NULL ? (int) dps_chart_series_get_n_items (series) : 0;
  int step = direction == GTK_DIR_LEFT || direction == GTK_DIR_UP ||
             direction == GTK_DIR_TAB_BACKWARD ? -1 : 1;

  /* Only slices that are drawn. */
  for (int i = current < 0 ? (step > 0 ? 0 : n - 1) : current + step; i >= 0 && i < n; i += step)
    if (dps_chart_series_get_value (series, (guint) i) > 0.0)
      return i;
  return current;
}

static char *
dps_donut_chart_describe_item (DpsChart *chart,
                               guint     index)
{
  DpsChartSeries *series = dps_chart_get_series (chart);
  double value;
  g_autofree char *value_text = NULL;
  g_autofree char *share = NULL;

  if (series == NULL || index >= dps_chart_series_get_n_items (series))
    return NULL;
  value = dps_chart_series_get_value (series, index);
  value_text = dps_chart_format_value (dps_chart_series_get_format (series), value);
  share = dps_chart_format_value (DPS_CHART_FORMAT_PERCENT, share_of (series, index));
  /* Translators: a donut slice: its label, value and share: "APPROVED: 1,234 (75.0%)". */
  return g_strdup_printf (_("%s: %s (%s)"), dps_chart_series_get_label (series, index), value_text, share);
}

static void
dps_donut_chart_class_init (DpsDonutChartClass *klass)
{
  DpsChartClass *chart_class = DPS_CHART_CLASS (klass);

  chart_class->draw = dps_donut_chart_draw;
  chart_class->navigate = dps_donut_chart_navigate;
  chart_class->describe_item = dps_donut_chart_describe_item;
}

static void
dps_donut_chart_init (DpsDonutChart *self)
{
}

GtkWidget *
dps_donut_chart_new (void)
{
  return g_object_new (DPS_TYPE_DONUT_CHART, NULL);
}
