/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dps-format.h"
#include "dps-gui-style.h"
#include "dps-throughput-graph.h"

struct _DpsThroughputGraph
{
  GtkWidget        parent_instance;

  /* Owned. */
  DpsSampleSeries *series;
  char            *description;   /* last accessible description */

  guint            span_seconds;
};

G_DEFINE_FINAL_TYPE (DpsThroughputGraph, dps_throughput_graph, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERIES,
  PROP_SPAN_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A round scale top above @max: 1, 2, 5 × 10^n. */
static double
nice_ceiling (double max)
{
  double magnitude, step;

  if (max <= 1)
    return 1;
  magnitude = pow (10, floor (log10 (max)));
  step = max / magnitude;
  if (step <= 1)
    return magnitude;
  if (step <= 2)
    return 2 * magnitude;
  if (step <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

static void
update_description (DpsThroughputGraph *self)
{
  g_autofree char *current = NULL;
  g_autofree char *peak = NULL;
  g_autofree char *text = NULL;

  if (self->series == NULL || dps_sample_series_get_n_samples (self->series) == 0)
    text = g_strdup (_("No throughput measured yet"));
  else
    {
      current = dps_format_rate (dps_sample_series_get_last (self->series));
      peak = dps_format_rate (dps_sample_series_get_max (self->series));
      text = g_strdup_printf (_("Throughput now %s, peak %s over the last %u minutes"),
                              current, peak, self->span_seconds / 60);
    }
  if (g_strcmp0 (text, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_steal_pointer (&text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description, -1);
}

static void
series_changed_cb (DpsSampleSeries    *series,
                   DpsThroughputGraph *self)
{
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
dps_throughput_graph_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  DpsThroughputGraph *self = DPS_THROUGHPUT_GRAPH (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  g_autofree char *top_text = NULL;
  GdkRGBA fg, accent;
  double left = 0, right = width, top = 8, bottom = height - 18;
  double top_value, span_us;
  gint64 newest;
  guint n;
  cairo_t *cr;

  if (width < 20 || height < 30)
    return;

  dps_gui_style_get_foreground (widget, &fg);
  dps_gui_style_lookup_color (widget, "accent_color", "#3584e4", &accent);
  n = self->series != NULL ? dps_sample_series_get_n_samples (self->series) : 0;
  top_value = nice_ceiling (n > 0 ? dps_sample_series_get_max (self->series) : 0);
  span_us = (double) self->span_seconds * G_USEC_PER_SEC;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, 1);

  /* Frame: the top of the scale and the zero line. */
  dps_gui_style_set_source (cr, &fg, 0.12);
  cairo_move_to (cr, left, floor (top) + 0.5);
  cairo_line_to (cr, right, floor (top) + 0.5);
  cairo_stroke (cr);
  dps_gui_style_set_source (cr, &fg, 0.3);
  cairo_move_to (cr, left, floor (bottom) + 0.5);
  cairo_line_to (cr, right, floor (bottom) + 0.5);
  cairo_stroke (cr);

  if (n > 0)
    {
      dps_sample_series_get_sample (self->series, n - 1, &newest, NULL);

      /* The values, as a line over a light area. */
      for (int pass = 0; pass < 2; pass++)
        {
          gboolean started = FALSE;
          double first_x = right, x = right;

          for (guint i = 0; i < n; i++)
            {
              gint64 time;
              double value, y;

              dps_sample_series_get_sample (self->series, i, &time, &value);
              if ((double) (newest - time) > span_us)
                continue;
              x = right - (double) (newest - time) / span_us * (right - left);
              y = bottom - value / top_value * (bottom - top);
              if (!started)
                {
                  first_x = x;
                  cairo_move_to (cr, x, y);
                  started = TRUE;
                }
              else
                cairo_line_to (cr, x, y);
            }
          if (pass == 0)
            {
              cairo_line_to (cr, x, bottom);
              cairo_line_to (cr, first_x, bottom);
              cairo_close_path (cr);
              dps_gui_style_set_source (cr, &accent, 0.2);
              cairo_fill (cr);
            }
          else
            {
              cairo_set_line_width (cr, 1.5);
              cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
              dps_gui_style_set_source (cr, &accent, 1.0);
              cairo_stroke (cr);
            }
        }
    }

  top_text = dps_format_rate (top_value);
  {
    GdkRGBA dim = fg;
    g_autofree char *ago = g_strdup_printf (_("%u min ago"), self->span_seconds / 60);

    dim.alpha *= 0.6f;
    dps_gui_style_draw_text (widget, cr, top_text, left + 2, top + 8, 0, 0.5, &dim, 1);
    dps_gui_style_draw_text (widget, cr, ago, left, height - 8, 0, 0.5, &dim, 1);
    dps_gui_style_draw_text (widget, cr, _("now"), right, height - 8, 1, 0.5, &dim, 1);
  }
  cairo_destroy (cr);
}

static void
dps_throughput_graph_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 320;
    }
  else
    {
      *minimum = 60;
      *natural = 90;
    }
}

static void
dps_throughput_graph_dispose (GObject *object)
{
  DpsThroughputGraph *self = DPS_THROUGHPUT_GRAPH (object);

  dps_throughput_graph_set_series (self, NULL);

  G_OBJECT_CLASS (dps_throughput_graph_parent_class)->dispose (object);
}

static void
dps_throughput_graph_finalize (GObject *object)
{
  DpsThroughputGraph *self = DPS_THROUGHPUT_GRAPH (object);

  g_free (self->description);

  G_OBJECT_CLASS (dps_throughput_graph_parent_class)->finalize (object);
}

static void
dps_throughput_graph_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DpsThroughputGraph *self = DPS_THROUGHPUT_GRAPH (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      g_value_set_object (value, self->series);
      break;
    case PROP_SPAN_SECONDS:
      g_value_set_uint (value, self->span_seconds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_throughput_graph_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DpsThroughputGraph *self = DPS_THROUGHPUT_GRAPH (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      dps_throughput_graph_set_series (self, g_value_get_object (value));
      break;
    case PROP_SPAN_SECONDS:
      dps_throughput_graph_set_span_seconds (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_throughput_graph_class_init (DpsThroughputGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_throughput_graph_dispose;
  object_class->finalize = dps_throughput_graph_finalize;
  object_class->get_property = dps_throughput_graph_get_property;
  object_class->set_property = dps_throughput_graph_set_property;

  widget_class->snapshot = dps_throughput_graph_snapshot;
  widget_class->measure = dps_throughput_graph_measure;

  properties[PROP_SERIES] =
    g_param_spec_object ("series", NULL, NULL, DPS_TYPE_SAMPLE_SERIES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPAN_SECONDS] =
    g_param_spec_uint ("span-seconds", NULL, NULL, 10, 24 * 3600, 300,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "throughputgraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dps_throughput_graph_init (DpsThroughputGraph *self)
{
  self->span_seconds = 300;
  update_description (self);
}

GtkWidget *
dps_throughput_graph_new (void)
{
  return g_object_new (DPS_TYPE_THROUGHPUT_GRAPH, NULL);
}

DpsSampleSeries *
dps_throughput_graph_get_series (DpsThroughputGraph *self)
{
  g_return_val_if_fail (DPS_IS_THROUGHPUT_GRAPH (self), NULL);
  return self->series;
}

void
dps_throughput_graph_set_series (DpsThroughputGraph *self,
                                 DpsSampleSeries    *series)
{
  g_return_if_fail (DPS_IS_THROUGHPUT_GRAPH (self));
  g_return_if_fail (series == NULL || DPS_IS_SAMPLE_SERIES (series));

  if (self->series == series)
    return;
  if (self->series != NULL)
    g_signal_handlers_disconnect_by_func (self->series, series_changed_cb, self);
  g_set_object (&self->series, series);
  if (series != NULL)
    g_signal_connect (series, "changed", G_CALLBACK (series_changed_cb), self);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES]);
}

guint
dps_throughput_graph_get_span_seconds (DpsThroughputGraph *self)
{
  g_return_val_if_fail (DPS_IS_THROUGHPUT_GRAPH (self), 0);
  return self->span_seconds;
}

void
dps_throughput_graph_set_span_seconds (DpsThroughputGraph *self,
                                       guint               seconds)
{
  g_return_if_fail (DPS_IS_THROUGHPUT_GRAPH (self));

  seconds = CLAMP (seconds, 10u, 24u * 3600u);
  if (seconds == self->span_seconds)
    return;
  self->span_seconds = seconds;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN_SECONDS]);
}
