/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <math.h>

#include "dps-bar-chart.h"
#include "dps-chart-private.h"

#define SIN_45 0.70710678118654752

G_DECLARE_FINAL_TYPE (DpsBarChart, dps_bar_chart, DPS, BAR_CHART, DpsChart)

struct _DpsBarChart
{
  DpsChart        parent_instance;

  GtkOrientation  orientation;    /* the direction the bars grow in */
};

enum {
  PROP_0,
  PROP_ORIENTATION,
};

G_DEFINE_FINAL_TYPE_WITH_CODE (DpsBarChart, dps_bar_chart, DPS_TYPE_CHART,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_ORIENTABLE, NULL))

typedef enum {
  LABELS_NONE,
  LABELS_FLAT,
  LABELS_TURNED,
} LabelMode;

static guint
ticks_for_length (double length,
                  double spacing)
{
  return (guint) CLAMP (length / spacing, 2.0, 8.0);
}

/* A bar with its far end rounded. */
static void
bar_path (cairo_t  *cr,
          double    x,
          double    y,
          double    width,
          double    height,
          double    radius,
          GtkPositionType end)
{
  radius = MIN (radius, MIN (width, height) / 2.0);
  if (radius < 0.5)
    {
      cairo_rectangle (cr, x, y, width, height);
      return;
    }
  cairo_new_sub_path (cr);
  switch (end)
    {
    case GTK_POS_TOP:
      cairo_move_to (cr, x, y + height);
      cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
      cairo_arc (cr, x + width - radius, y + radius, radius, 3 * G_PI / 2, 2 * G_PI);
      cairo_line_to (cr, x + width, y + height);
      break;
    case GTK_POS_BOTTOM:
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + width, y);
      cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
      cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
      break;
    case GTK_POS_RIGHT:
      cairo_move_to (cr, x, y);
      cairo_arc (cr, x + width - radius, y + radius, radius, 3 * G_PI / 2, 2 * G_PI);
      cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
      cairo_line_to (cr, x, y + height);
      break;
    case GTK_POS_LEFT:
    default:
      cairo_move_to (cr, x + width, y);
      cairo_line_to (cr, x + width, y + height);
      cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
      cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
      break;
    }
  cairo_close_path (cr);
}

static void
draw_columns (DpsBarChart      *self,
              DpsChartRenderer *r)
{
  DpsChartSeries *series = r->series;
  DpsChartFormat format = dps_chart_series_get_format (series);
  guint n = dps_chart_series_get_n_items (series);
  double small = dps_chart_renderer_line_height (r, DPS_CHART_FONT_SMALL);
  double vmin, vmax, lo, hi, top, bottom, plot_x, plot_w, plot_h, slot, zero_y, bar_w;
  double widest = 0.0, widest_value = 0.0, turned_length = 0.0;
  gboolean show_values;
  LabelMode mode;
  guint every = 1;
  DpsChartScale scale;
  graphene_rect_t plot;

  dps_chart_series_get_range (series, FALSE, &vmin, &vmax);
  lo = MIN (vmin, 0.0);
  hi = MAX (vmax, 0.0);

  /* Value labels above (or under) the bars need a line of room. */
  top = DPS_CHART_PADDING + small;
  bottom = DPS_CHART_PADDING;

  /* A first scale for the axis width, before the labels take their room. */
  plot_h = r->height - top - bottom - small - 4.0;
  dps_chart_scale_init (&scale, lo, hi, ticks_for_length (plot_h, 2.5 * small),
                        format == DPS_CHART_FORMAT_COUNT);
  plot_x = DPS_CHART_PADDING + dps_chart_renderer_measure_axis (r, &scale, format) + 6.0;
  plot_w = r->width - plot_x - DPS_CHART_PADDING;
  if (plot_w < 4.0 || plot_h < 4.0)
    return;
  slot = plot_w / n;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = dps_chart_format_compact (format, dps_chart_series_get_value (series, i));

      widest = MAX (widest, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL,
                                                            dps_chart_series_get_label (series, i)));
      widest_value = MAX (widest_value, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, value));
    }
  show_values = widest_value <= slot - 2.0;

  if (widest <= slot - 4.0)
    {
      mode = LABELS_FLAT;
      bottom += small + 4.0;
    }
  else
    {
      /* Turned labels take at most a third of the height. */
      mode = LABELS_TURNED;
      turned_length = MIN (widest, r->height * 0.3 / SIN_45);
      every = (guint) ceil (small * 1.1 / slot);
      bottom += (turned_length + small) * SIN_45 + 4.0;
    }
  plot_h = r->height - top - bottom;
  if (plot_h < 16.0)
    {
      mode = LABELS_NONE;
      bottom = DPS_CHART_PADDING;
      plot_h = r->height - top - bottom;
    }
  if (plot_h < 4.0)
    return;

  dps_chart_scale_init (&scale, lo, hi, ticks_for_length (plot_h, 2.5 * small),
                        format == DPS_CHART_FORMAT_COUNT);
  plot = GRAPHENE_RECT_INIT (plot_x, top, plot_w, plot_h);
  dps_chart_renderer_draw_axis (r, &scale, format, &plot, FALSE, TRUE);

  zero_y = dps_chart_scale_map (&scale, 0.0, top + plot_h, top);
  bar_w = slot >= 4.0 ? MIN (slot * 0.7, 64.0) : slot;

  for (guint i = 0; i < n; i++)
    {
      double value = dps_chart_series_get_value (series, i);
      double x = plot_x + slot * i;
      double y = dps_chart_scale_map (&scale, value, top + plot_h, top);
      double bar_top, bar_h;
      gboolean highlighted = (int) i == r->highlight;

      if (highlighted)
        dps_chart_renderer_fill_hover (r, x, top, slot, plot_h);
      dps_chart_bar_span (GTK_ORIENTATION_VERTICAL, value, zero_y, y, &bar_top, &bar_h);
      gdk_cairo_set_source_rgba (r->cr, highlighted ? &r->accent_strong : &r->accent);
      bar_path (r->cr, x + (slot - bar_w) / 2.0, bar_top, bar_w, bar_h, MIN (4.0, bar_w / 4.0),
                value >= 0.0 ? GTK_POS_TOP : GTK_POS_BOTTOM);
      cairo_fill (r->cr);

      if (show_values)
        {
          g_autofree char *text = dps_chart_format_compact (format, value);
          g_autoptr(PangoLayout) layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, text, 0);

          if (value >= 0.0)
            dps_chart_renderer_show (r, layout, x + slot / 2.0, bar_top - 2.0, 0.5, 1.0,
                                     highlighted ? &r->foreground : &r->dim);
          else
            dps_chart_renderer_show (r, layout, x + slot / 2.0,
                                     MIN (bar_top + bar_h + 2.0, top + plot_h - small), 0.5, 0.0,
                                     highlighted ? &r->foreground : &r->dim);
        }

      if (mode != LABELS_NONE && i % every == 0)
        {
          const char *label = dps_chart_series_get_label (series, i);
          const GdkRGBA *color = highlighted ? &r->foreground : &r->dim;

          if (mode == LABELS_FLAT)
            {
              g_autoptr(PangoLayout) layout =
                dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, label, slot - 2.0);
              dps_chart_renderer_show (r, layout, x + slot / 2.0, top + plot_h + 4.0, 0.5, 0.0, color);
            }
          else
            {
              g_autoptr(PangoLayout) layout =
                dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, label, turned_length);
              dps_chart_renderer_show_rotated (r, layout, x + slot / 2.0 + small * 0.3,
                                               top + plot_h + 6.0, -G_PI / 4.0, color);
            }
        }

      dps_chart_renderer_add_rect (r, i, x, top, slot, plot_h);
    }
}

static void
draw_bars (DpsBarChart      *self,
           DpsChartRenderer *r)
{
  DpsChartSeries *series = r->series;
  DpsChartFormat format = dps_chart_series_get_format (series);
  guint n = dps_chart_series_get_n_items (series);
  double small = dps_chart_renderer_line_height (r, DPS_CHART_FONT_SMALL);
  double vmin, vmax, lo, hi, label_w, widest = 0.0, widest_value = 0.0, value_room;
  double plot_x, plot_y, plot_w, plot_h, row, bar_h, zero_x, tick_w;
  g_autofree char *lo_text = NULL;
  g_autofree char *hi_text = NULL;
  gboolean show_values;
  guint every;
  DpsChartScale scale;
  graphene_rect_t plot;

  dps_chart_series_get_range (series, FALSE, &vmin, &vmax);
  lo = MIN (vmin, 0.0);
  hi = MAX (vmax, 0.0);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = dps_chart_format_compact (format, dps_chart_series_get_value (series, i));

      widest = MAX (widest, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL,
                                                            dps_chart_series_get_label (series, i)));
      widest_value = MAX (widest_value, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, value));
    }

  plot_y = DPS_CHART_PADDING;
  plot_h = r->height - plot_y - DPS_CHART_PADDING - small - 4.0;
  if (plot_h < 4.0)
    return;
  row = plot_h / n;
  every = row >= small ? 1 : (guint) ceil (small / row);
  show_values = row >= small * 0.9;

  label_w = MIN (widest, r->width * 0.35);
  value_room = show_values ? widest_value + 6.0 : 0.0;
  plot_x = DPS_CHART_PADDING + label_w + 8.0 + (lo < 0.0 ? value_room : 0.0);
  plot_w = r->width - plot_x - DPS_CHART_PADDING - (hi > 0.0 ? value_room : 0.0);
  if (plot_w < 8.0)
    {
      /* Narrow: the bars first, then labels in what is left. */
      show_values = FALSE;
      label_w = MAX (0.0, r->width * 0.3 - 8.0);
      plot_x = DPS_CHART_PADDING + label_w + 8.0;
      plot_w = r->width - plot_x - DPS_CHART_PADDING;
      if (plot_w < 4.0)
        return;
    }

  lo_text = dps_chart_format_compact (format, lo);
  hi_text = dps_chart_format_compact (format, hi);
  tick_w = MAX (dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, lo_text),
                dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, hi_text)) + 16.0;
  dps_chart_scale_init (&scale, lo, hi, (guint) CLAMP (plot_w / tick_w, 2.0, 6.0),
                        format == DPS_CHART_FORMAT_COUNT);
  plot = GRAPHENE_RECT_INIT (plot_x, plot_y, plot_w, plot_h);
  dps_chart_renderer_draw_axis_x (r, &scale, format, &plot);

  zero_x = dps_chart_scale_map (&scale, 0.0, plot_x, plot_x + plot_w);
  bar_h = MIN (row * 0.7, 28.0);
  if (row < 3.0)
    bar_h = row;

  for (guint i = 0; i < n; i++)
    {
      double value = dps_chart_series_get_value (series, i);
      double y = plot_y + row * i;
      double end = dps_chart_scale_map (&scale, value, plot_x, plot_x + plot_w);
      double bar_x, bar_w;
      gboolean highlighted = (int) i == r->highlight;
      const GdkRGBA *text_color = highlighted ? &r->foreground : &r->dim;

      if (highlighted)
        dps_chart_renderer_fill_hover (r, 0, y, r->width, row);
      dps_chart_bar_span (GTK_ORIENTATION_HORIZONTAL, value, zero_x, end, &bar_x, &bar_w);
      gdk_cairo_set_source_rgba (r->cr, highlighted ? &r->accent_strong : &r->accent);
      bar_path (r->cr, bar_x, y + (row - bar_h) / 2.0, bar_w, bar_h, MIN (4.0, bar_h / 4.0),
                value >= 0.0 ? GTK_POS_RIGHT : GTK_POS_LEFT);
      cairo_fill (r->cr);

      if (i % every == 0 && label_w >= 8.0)
        {
          g_autoptr(PangoLayout) layout =
            dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL,
                                       dps_chart_series_get_label (series, i), label_w);
          dps_chart_renderer_show (r, layout, DPS_CHART_PADDING + label_w, y + row / 2.0,
                                   1.0, 0.5, text_color);
        }

      if (show_values)
        {
          g_autofree char *text = dps_chart_format_compact (format, value);
          g_autoptr(PangoLayout) layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, text, 0);

          if (value >= 0.0)
            dps_chart_renderer_show (r, layout, bar_x + bar_w + 4.0, y + row / 2.0, 0.0, 0.5, text_color);
          else
            dps_chart_renderer_show (r, layout, bar_x - 4.0, y + row / 2.0, 1.0, 0.5, text_color);
        }

      dps_chart_renderer_add_rect (r, i, 0, y, r->width, row);
    }
}

static void
dps_bar_chart_draw (DpsChart         *chart,
                    DpsChartRenderer *r)
{
  DpsBarChart *self = DPS_BAR_CHART (chart);

  if (self->orientation == GTK_ORIENTATION_VERTICAL)
    draw_columns (self, r);
  else
    draw_bars (self, r);
}

static void
dps_bar_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DpsBarChart *self = DPS_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_ORIENTATION:
      g_value_set_enum (value, self->orientation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_bar_chart_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DpsBarChart *self = DPS_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_ORIENTATION:
      if (self->orientation != (GtkOrientation) g_value_get_enum (value))
        {
          self->orientation = g_value_get_enum (value);
          gtk_widget_queue_draw (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_bar_chart_class_init (DpsBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsChartClass *chart_class = DPS_CHART_CLASS (klass);

  object_class->get_property = dps_bar_chart_get_property;
  object_class->set_property = dps_bar_chart_set_property;

  chart_class->draw = dps_bar_chart_draw;

  g_object_class_override_property (object_class, PROP_ORIENTATION, "orientation");
}

static void
dps_bar_chart_init (DpsBarChart *self)
{
  self->orientation = GTK_ORIENTATION_VERTICAL;
}

GtkWidget *
dps_bar_chart_new (GtkOrientation orientation)
{
  return g_object_new (DPS_TYPE_BAR_CHART, "orientation", orientation, NULL);
}
