/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "dps-chart-private.h"
#include "dps-time-chart.h"
#include "dps-transaction.h"

#define USEC_PER_HOUR G_GINT64_CONSTANT (3600000000)
#define USEC_PER_DAY  G_GINT64_CONSTANT (86400000000)

G_DECLARE_FINAL_TYPE (DpsTimeChart, dps_time_chart, DPS, TIME_CHART, DpsChart)

struct _DpsTimeChart
{
  DpsChart            parent_instance;

  DpsTimeGranularity  granularity;
};

G_DEFINE_FINAL_TYPE (DpsTimeChart, dps_time_chart, DPS_TYPE_CHART)

G_DEFINE_ENUM_TYPE (DpsTimeGranularity, dps_time_granularity,
  G_DEFINE_ENUM_VALUE (DPS_TIME_GRANULARITY_HOUR, "hour"),
  G_DEFINE_ENUM_VALUE (DPS_TIME_GRANULARITY_DAY, "day"),
  G_DEFINE_ENUM_VALUE (DPS_TIME_GRANULARITY_WEEK, "week"),
  G_DEFINE_ENUM_VALUE (DPS_TIME_GRANULARITY_MONTH, "month"))

enum {
  PROP_0,
  PROP_GRANULARITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Labels every so many points, in steps that read naturally. */
static const guint hour_steps[] = { 1, 2, 3, 6, 12, 24, 48, 72, 168 };
static const guint day_steps[] = { 1, 2, 7, 14, 28, 56, 91, 182, 364 };
static const guint week_steps[] = { 1, 2, 4, 8, 13, 26, 52, 104 };
static const guint month_steps[] = { 1, 2, 3, 6, 12, 24, 60, 120 };

char *
dps_time_key_for_instant (DpsTimeGranularity granularity,
                          gint64             usec)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 seconds = dps_floor_div (usec, G_USEC_PER_SEC);

  dt = g_date_time_new_from_unix_utc (seconds);
  if (dt == NULL)
    return NULL;

  switch (granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      return g_date_time_format (dt, "%Y-%m-%dT%H");
    case DPS_TIME_GRANULARITY_WEEK:
      {
        g_autoptr(GDateTime) monday = g_date_time_add_days (dt, 1 - g_date_time_get_day_of_week (dt));
        return g_date_time_format (monday, "%Y-%m-%d");
      }
    case DPS_TIME_GRANULARITY_MONTH:
      return g_date_time_format (dt, "%Y-%m");
    case DPS_TIME_GRANULARITY_DAY:
    default:
      return g_date_time_format (dt, "%Y-%m-%d");
    }
}

static GDateTime *
key_to_date_time (DpsTimeGranularity  granularity,
                  const char         *key)
{
  int year = 0, month = 0, day = 1, hour = 0;
  char tail;

  if (key == NULL)
    return NULL;
  switch (granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      if (sscanf (key, "%4d-%2d-%2dT%2d%c", &year, &month, &day, &hour, &tail) != 4)
        return NULL;
      break;
    case DPS_TIME_GRANULARITY_MONTH:
      if (sscanf (key, "%4d-%2d%c", &year, &month, &tail) != 2)
        return NULL;
      break;
    case DPS_TIME_GRANULARITY_DAY:
    case DPS_TIME_GRANULARITY_WEEK:
    default:
      if (sscanf (key, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3)
        return NULL;
      break;
    }
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour < 0 || hour > 23)
    return NULL;
  return g_date_time_new_utc (year, month, day, hour, 0, 0);
}

gboolean
dps_time_key_to_range (DpsTimeGranularity  granularity,
                       const char         *key,
                       gint64             *from,
                       gint64             *to)
{
  g_autoptr(GDateTime) start = key_to_date_time (granularity, key);
  g_autoptr(GDateTime) end = NULL;

  if (start == NULL)
    return FALSE;
  switch (granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      end = g_date_time_add_hours (start, 1);
      break;
    case DPS_TIME_GRANULARITY_WEEK:
      end = g_date_time_add_weeks (start, 1);
      break;
    case DPS_TIME_GRANULARITY_MONTH:
      end = g_date_time_add_months (start, 1);
      break;
    case DPS_TIME_GRANULARITY_DAY:
    default:
      end = g_date_time_add_days (start, 1);
      break;
    }
  if (end == NULL)
    return FALSE;
  *from = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  *to = g_date_time_to_unix (end) * G_USEC_PER_SEC;
  return TRUE;
}

/* The text under a point of the axis. */
static char *
tick_text (DpsTimeGranularity  granularity,
           const char         *key)
{
  g_autoptr(GDateTime) dt = key_to_date_time (granularity, key);

  if (dt == NULL)
    return g_strdup (key != NULL ? key : "");
  switch (granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      if (g_date_time_get_hour (dt) != 0)
        /* Translators: an hour on a time axis (strftime format); French "%H h". */
        return g_date_time_format (dt, C_("time axis", "%H:00"));
      /* Translators: a day on a time axis (strftime format): "20 Nov". */
      return g_date_time_format (dt, C_("time axis", "%-d %b"));
    case DPS_TIME_GRANULARITY_MONTH:
      /* Translators: a month on a time axis (strftime format): "Nov 2026". */
      return g_date_time_format (dt, C_("time axis", "%b %Y"));
    case DPS_TIME_GRANULARITY_DAY:
    case DPS_TIME_GRANULARITY_WEEK:
    default:
      return g_date_time_format (dt, C_("time axis", "%-d %b"));
    }
}

/* Where labels may go: at points whose position in time is a multiple
 * of the step, so they stay put as data arrives. */
static gint64
point_ordinal (DpsTimeGranularity  granularity,
               const char         *key,
               guint               index)
{
  gint64 from, to;

  if (!dps_time_key_to_range (granularity, key, &from, &to))
    return index;
  switch (granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      return dps_floor_div (from, USEC_PER_HOUR);
    case DPS_TIME_GRANULARITY_DAY:
      /* Monday-aligned, so that weekly steps fall on Mondays. */
      return dps_floor_div (from, USEC_PER_DAY) + 3;
    case DPS_TIME_GRANULARITY_WEEK:
      return dps_floor_div (dps_floor_div (from, USEC_PER_DAY) + 3, 7);
    case DPS_TIME_GRANULARITY_MONTH:
    default:
      {
        g_autoptr(GDateTime) dt = key_to_date_time (granularity, key);
        return dt != NULL ? (gint64) g_date_time_get_year (dt) * 12 + g_date_time_get_month (dt) - 1
                          : (gint64) index;
      }
    }
}

static guint
label_step (DpsTimeGranularity granularity,
            double             needed)
{
  const guint *steps;
  guint n, step;

  switch (granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      steps = hour_steps;
      n = G_N_ELEMENTS (hour_steps);
      break;
    case DPS_TIME_GRANULARITY_WEEK:
      steps = week_steps;
      n = G_N_ELEMENTS (week_steps);
      break;
    case DPS_TIME_GRANULARITY_MONTH:
      steps = month_steps;
      n = G_N_ELEMENTS (month_steps);
      break;
    case DPS_TIME_GRANULARITY_DAY:
    default:
      steps = day_steps;
      n = G_N_ELEMENTS (day_steps);
      break;
    }
  for (guint i = 0; i < n; i++)
    if (steps[i] >= needed)
      return steps[i];
  step = steps[n - 1];
  while (step < needed && step < G_MAXUINT / 2)
    step *= 2;
  return step;
}

static void
trace (DpsChartRenderer    *r,
       DpsChartSeries      *series,
       gboolean             second,
       const DpsChartScale *scale,
       double               plot_x,
       double               slot,
       double               top,
       double               bottom)
{
  guint n = dps_chart_series_get_n_items (series);

  for (guint i = 0; i < n; i++)
    {
      double v = second ? dps_chart_series_get_value2 (series, i) : dps_chart_series_get_value (series, i);
      double x = plot_x + slot * (i + 0.5);
      double y = dps_chart_scale_map (scale, v, bottom, top);

      if (i == 0)
        cairo_move_to (r->cr, x, y);
      else
        cairo_line_to (r->cr, x, y);
    }
}

static void
dot (DpsChartRenderer *r,
     double            x,
     double            y,
     double            radius,
     const GdkRGBA    *color)
{
  cairo_new_path (r->cr);
  cairo_arc (r->cr, x, y, radius + 1.5, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (r->cr, &r->background);
  cairo_fill (r->cr);
  cairo_arc (r->cr, x, y, radius, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (r->cr, color);
  cairo_fill (r->cr);
}

static void
dps_time_chart_draw (DpsChart         *chart,
                     DpsChartRenderer *r)
{
  DpsTimeChart *self = DPS_TIME_CHART (chart);
  DpsChartSeries *series = r->series;
  DpsChartFormat format = dps_chart_series_get_format (series);
  DpsChartFormat format2 = dps_chart_series_get_second_format (series);
  gboolean second = dps_chart_series_has_second (series);
  guint n = dps_chart_series_get_n_items (series);
  double small = dps_chart_renderer_line_height (r, DPS_CHART_FONT_SMALL);
  double vmin, vmax, top, bottom, plot_x, plot_w, plot_h, plot_bottom, slot, legend_h = 0.0;
  double axis2_w = 0.0, widest_tick = 0.0, zero_y;
  const GdkRGBA *color1 = dps_chart_renderer_color (r, 0);
  const GdkRGBA *color2 = dps_chart_renderer_color (r, 1);
  DpsChartScale scale1, scale2;
  graphene_rect_t plot;
  GdkRGBA fill;
  guint every;
  gboolean show_labels = TRUE;

  if (second)
    {
      DpsChartLegendEntry entries[] = {
        { dps_chart_series_get_title (series), *color1, FALSE },
        { dps_chart_series_get_second_title (series), *color2, TRUE },
      };

      legend_h = dps_chart_renderer_legend (r, entries, G_N_ELEMENTS (entries), DPS_CHART_PADDING,
                                            DPS_CHART_PADDING, r->width - 2 * DPS_CHART_PADDING, FALSE);
      if (legend_h + 4 * small < r->height)
        dps_chart_renderer_legend (r, entries, G_N_ELEMENTS (entries), DPS_CHART_PADDING,
                                   DPS_CHART_PADDING, r->width - 2 * DPS_CHART_PADDING, TRUE);
      else
        legend_h = 0.0;
    }

  top = DPS_CHART_PADDING + (legend_h > 0.0 ? legend_h + 6.0 : 0.0) + small / 2.0;
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
  plot_bottom = top + plot_h;

  dps_chart_series_get_range (series, FALSE, &vmin, &vmax);
  dps_chart_scale_init (&scale1, MIN (vmin, 0.0), MAX (vmax, 0.0),
                        (guint) CLAMP (plot_h / (2.5 * small), 2.0, 8.0),
                        format == DPS_CHART_FORMAT_COUNT);
  plot_x = DPS_CHART_PADDING + dps_chart_renderer_measure_axis (r, &scale1, format) + 6.0;
  if (second)
    {
      dps_chart_series_get_range (series, TRUE, &vmin, &vmax);
      dps_chart_scale_init (&scale2, MIN (vmin, 0.0), MAX (vmax, 0.0), scale1.n_ticks,
                            format2 == DPS_CHART_FORMAT_COUNT);
      axis2_w = dps_chart_renderer_measure_axis (r, &scale2, format2) + 6.0;
    }
  plot_w = r->width - plot_x - DPS_CHART_PADDING - axis2_w;
  if (plot_w < 4.0)
    return;
  slot = plot_w / n;

  plot = GRAPHENE_RECT_INIT (plot_x, top, plot_w, plot_h);
  dps_chart_renderer_draw_axis (r, &scale1, format, &plot, FALSE, TRUE);
  if (second)
    dps_chart_renderer_draw_axis (r, &scale2, format2, &plot, TRUE, FALSE);

  /* The highlighted point's column, under the marks. */
  if (r->highlight >= 0)
    {
      double x = plot_x + slot * (r->highlight + 0.5);

      dps_chart_renderer_fill_hover (r, plot_x + slot * r->highlight, top, slot, plot_h);
      gdk_cairo_set_source_rgba (r->cr, &r->grid);
      cairo_set_line_width (r->cr, 1.0);
      cairo_move_to (r->cr, round (x) + 0.5, top);
      cairo_line_to (r->cr, round (x) + 0.5, plot_bottom);
      cairo_stroke (r->cr);
    }

  /* The area of the first values. */
  zero_y = dps_chart_scale_map (&scale1, 0.0, plot_bottom, top);
  fill = *color1;
  fill.alpha = r->dark ? 0.3f : 0.22f;
  cairo_set_line_join (r->cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (r->cr, CAIRO_LINE_CAP_ROUND);
  if (n == 1)
    {
      double x = plot_x + slot * 0.5;
      double y = dps_chart_scale_map (&scale1, dps_chart_series_get_value (series, 0), plot_bottom, top);

      gdk_cairo_set_source_rgba (r->cr, color1);
      cairo_set_line_width (r->cr, 2.0);
      cairo_move_to (r->cr, x, zero_y);
      cairo_line_to (r->cr, x, y);
      cairo_stroke (r->cr);
      dot (r, x, y, 3.5, color1);
    }
  else
    {
      trace (r, series, FALSE, &scale1, plot_x, slot, top, plot_bottom);
      cairo_line_to (r->cr, plot_x + slot * (n - 0.5), zero_y);
      cairo_line_to (r->cr, plot_x + slot * 0.5, zero_y);
      cairo_close_path (r->cr);
      gdk_cairo_set_source_rgba (r->cr, &fill);
      cairo_fill (r->cr);

      trace (r, series, FALSE, &scale1, plot_x, slot, top, plot_bottom);
      gdk_cairo_set_source_rgba (r->cr, color1);
      cairo_set_line_width (r->cr, 2.0);
      cairo_stroke (r->cr);
    }

  if (second)
    {
      if (n == 1)
        dot (r, plot_x + slot * 0.5,
             dps_chart_scale_map (&scale2, dps_chart_series_get_value2 (series, 0), plot_bottom, top),
             3.5, color2);
      else
        {
          trace (r, series, TRUE, &scale2, plot_x, slot, top, plot_bottom);
          gdk_cairo_set_source_rgba (r->cr, color2);
          cairo_set_line_width (r->cr, 2.0);
          cairo_stroke (r->cr);
        }
    }

  if (r->highlight >= 0)
    {
      double x = plot_x + slot * (r->highlight + 0.5);

      dot (r, x, dps_chart_scale_map (&scale1, dps_chart_series_get_value (series, r->highlight),
                                      plot_bottom, top), 4.0, color1);
      if (second)
        dot (r, x, dps_chart_scale_map (&scale2, dps_chart_series_get_value2 (series, r->highlight),
                                        plot_bottom, top), 4.0, color2);
    }

  /* Time labels: measure a few, they are all alike. */
  for (guint i = 0; show_labels && i < n; i += MAX (1u, n / 8))
    {
      g_autofree char *text = tick_text (self->granularity, dps_chart_series_get_key (series, i));
      widest_tick = MAX (widest_tick, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, text));
    }
  every = label_step (self->granularity, (widest_tick * 1.1 + 12.0) / slot);
  for (guint i = 0; show_labels && i < n; i++)
    {
      const char *key = dps_chart_series_get_key (series, i);
      g_autofree char *text = NULL;
      g_autoptr(PangoLayout) layout = NULL;
      double x = plot_x + slot * (i + 0.5), w;
      gint64 ordinal = point_ordinal (self->granularity, key, i);

      if (ordinal % every != 0)
        continue;
      text = tick_text (self->granularity, key);
      layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, text, 0);
      dps_chart_layout_get_size (layout, &w, NULL);
      gdk_cairo_set_source_rgba (r->cr, &r->grid);
      cairo_set_line_width (r->cr, 1.0);
      cairo_move_to (r->cr, round (x) + 0.5, plot_bottom);
      cairo_line_to (r->cr, round (x) + 0.5, plot_bottom + 3.0);
      cairo_stroke (r->cr);
      x = CLAMP (x, w / 2.0 + 1.0, r->width - w / 2.0 - 1.0);
      dps_chart_renderer_show (r, layout, x, plot_bottom + 4.0, 0.5, 0.0,
                               (int) i == r->highlight ? &r->foreground : &r->dim);
    }

  for (guint i = 0; i < n; i++)
    dps_chart_renderer_add_rect (r, i, plot_x + slot * i, top, slot, plot_h);
}

static void
dps_time_chart_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DpsTimeChart *self = DPS_TIME_CHART (object);

  switch (prop_id)
    {
    case PROP_GRANULARITY:
      g_value_set_enum (value, self->granularity);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_time_chart_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DpsTimeChart *self = DPS_TIME_CHART (object);

  switch (prop_id)
    {
    case PROP_GRANULARITY:
      dps_time_chart_set_granularity (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_time_chart_class_init (DpsTimeChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsChartClass *chart_class = DPS_CHART_CLASS (klass);

  object_class->get_property = dps_time_chart_get_property;
  object_class->set_property = dps_time_chart_set_property;

  chart_class->draw = dps_time_chart_draw;

  properties[PROP_GRANULARITY] =
    g_param_spec_enum ("granularity", NULL, NULL, DPS_TYPE_TIME_GRANULARITY,
                       DPS_TIME_GRANULARITY_DAY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dps_time_chart_init (DpsTimeChart *self)
{
  self->granularity = DPS_TIME_GRANULARITY_DAY;
}

GtkWidget *
dps_time_chart_new (void)
{
  return g_object_new (DPS_TYPE_TIME_CHART, NULL);
}

DpsTimeGranularity
dps_time_chart_get_granularity (DpsTimeChart *self)
{
  g_return_val_if_fail (DPS_IS_TIME_CHART (self), DPS_TIME_GRANULARITY_DAY);
  return self->granularity;
}

void
dps_time_chart_set_granularity (DpsTimeChart       *self,
                                DpsTimeGranularity  granularity)
{
  g_return_if_fail (DPS_IS_TIME_CHART (self));

  if (self->granularity == granularity)
    return;
  self->granularity = granularity;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRANULARITY]);
}
