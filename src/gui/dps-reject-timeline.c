/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dps-format.h"
#include "dps-gui-style.h"
#include "dps-reject-timeline.h"

#define MAX_DAYS     3660    /* ten years of columns at most */
#define AXIS_HEIGHT  20.0
#define TOP_MARGIN   18.0

typedef struct {
  gint64 counts[DPS_N_REJECT_REASONS];
  gint64 total;
} Day;

struct _DpsRejectTimeline
{
  GtkWidget  parent_instance;

  GArray    *days;            /* Day, from first_day */
  gint32     first_day;
  gint64     max_total;
  gint64     total;
  char      *description;
};

G_DEFINE_FINAL_TYPE (DpsRejectTimeline, dps_reject_timeline, GTK_TYPE_WIDGET)

static int
day_at (DpsRejectTimeline *self,
        double             x)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  int index;

  if (self->days->len == 0 || width <= 0)
    return -1;
  index = (int) floor (x / (width / self->days->len));
  return index >= 0 && (guint) index < self->days->len ? index : -1;
}

static void
update_description (DpsRejectTimeline *self)
{
  g_autofree char *text = NULL;

  if (self->days->len == 0)
    text = g_strdup (_("No rejects in this period"));
  else
    {
      g_autofree char *first = dps_format_date (self->first_day);
      g_autofree char *last = dps_format_date (self->first_day + (gint32) self->days->len - 1);
      g_autofree char *count = dps_format_count (self->total);
      g_autofree char *peak = dps_format_count (self->max_total);

      /* TRANSLATORS: read out by screen readers for the rejects-per-day chart */
      text = g_strdup_printf (_("Rejects per day from %s to %s: %s in all, at most %s in a day"),
                              first, last, count, peak);
    }
  g_free (self->description);
  self->description = g_steal_pointer (&text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description, -1);
}

static gboolean
dps_reject_timeline_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard,
                                   GtkTooltip *tooltip)
{
  DpsRejectTimeline *self = DPS_REJECT_TIMELINE (widget);
  int index = day_at (self, x);
  g_autoptr(GString) text = NULL;
  g_autofree char *date = NULL;
  g_autofree char *count = NULL;
  const Day *day;

  if (index < 0)
    return FALSE;
  day = &g_array_index (self->days, Day, index);
  date = dps_format_date (self->first_day + index);
  count = dps_format_count (day->total);
  text = g_string_new (NULL);
  /* TRANSLATORS: tooltip of a day's column: the date and its rejects */
  g_string_append_printf (text, _("%s: %s rejects"), date, count);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    if (day->counts[i] > 0)
      {
        g_autofree char *n = dps_format_count (day->counts[i]);

        g_string_append_printf (text, "\n%s: %s", dps_reject_reason_get_label (i), n);
      }
  gtk_tooltip_set_text (tooltip, text->str);
  return TRUE;
}

static void
dps_reject_timeline_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  DpsRejectTimeline *self = DPS_REJECT_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot_bottom = height - AXIS_HEIGHT, plot_height = plot_bottom - TOP_MARGIN;
  double column, gap;
  GdkRGBA fg;
  cairo_t *cr;

  dps_gui_style_get_foreground (widget, &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->days->len == 0 || self->max_total == 0)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("No rejects in this period"));
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_move_to (cr, (width - w) / 2, (height - h) / 2);
      dps_gui_style_set_source (cr, &fg, 0.55);
      pango_cairo_show_layout (cr, layout);
      cairo_destroy (cr);
      return;
    }

  column = width / self->days->len;
  gap = column > 6 ? MIN (column * 0.2, 6.0) : 0;

  for (guint d = 0; d < self->days->len; d++)
    {
      const Day *day = &g_array_index (self->days, Day, d);
      double x = d * column + gap / 2, y = plot_bottom;

      for (guint r = 0; r < DPS_N_REJECT_REASONS; r++)
        {
          double h;
          GdkRGBA color;

          if (day->counts[r] == 0)
            continue;
          h = plot_height * (double) day->counts[r] / (double) self->max_total;
          dps_gui_style_reason_color (r, &color);
          cairo_rectangle (cr, x, y - h, MAX (column - gap, 1.0), h);
          dps_gui_style_set_source (cr, &color, 1.0);
          cairo_fill (cr);
          y -= h;
        }
    }

  /* Axis: the zero line, the first and last days, the tallest column. */
  dps_gui_style_set_source (cr, &fg, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, floor (plot_bottom) + 0.5);
  cairo_line_to (cr, width, floor (plot_bottom) + 0.5);
  cairo_stroke (cr);
  {
    g_autofree char *first = dps_format_date (self->first_day);
    g_autofree char *last = dps_format_date (self->first_day + (gint32) self->days->len - 1);
    g_autofree char *peak = dps_format_count (self->max_total);

    dps_gui_style_draw_text (widget, cr, first, 0, plot_bottom + 2, 0, 0, &fg, 0.6);
    if (self->days->len > 1)
      dps_gui_style_draw_text (widget, cr, last, width, plot_bottom + 2, 1, 0, &fg, 0.6);
    dps_gui_style_draw_text (widget, cr, peak, 0, 0, 0, 0, &fg, 0.6);
  }
  cairo_destroy (cr);
}

static void
dps_reject_timeline_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 360;
    }
  else
    {
      *minimum = 100;
      *natural = 160;
    }
}

static void
dps_reject_timeline_finalize (GObject *object)
{
  DpsRejectTimeline *self = DPS_REJECT_TIMELINE (object);

  g_clear_pointer (&self->days, g_array_unref);
  g_free (self->description);

  G_OBJECT_CLASS (dps_reject_timeline_parent_class)->finalize (object);
}

static void
dps_reject_timeline_class_init (DpsRejectTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = dps_reject_timeline_finalize;
  widget_class->snapshot = dps_reject_timeline_snapshot;
  widget_class->measure = dps_reject_timeline_measure;
  widget_class->query_tooltip = dps_reject_timeline_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "rejecttimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dps_reject_timeline_init (DpsRejectTimeline *self)
{
  self->days = g_array_new (FALSE, TRUE, sizeof (Day));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  update_description (self);
}

GtkWidget *
dps_reject_timeline_new (void)
{
  return g_object_new (DPS_TYPE_REJECT_TIMELINE, NULL);
}

void
dps_reject_timeline_set_series (DpsRejectTimeline *self,
                                DpsBreakdown      *series)
{
  gint32 first = G_MAXINT32, last = G_MININT32;
  guint n = series != NULL ? dps_breakdown_get_n_items (series) : 0;

  g_return_if_fail (DPS_IS_REJECT_TIMELINE (self));

  g_array_set_size (self->days, 0);
  self->max_total = 0;
  self->total = 0;

  for (guint i = 0; i < n; i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (series, i);
      gint32 day;

      if (dps_parse_date (item->key, &day))
        {
          first = MIN (first, day);
          last = MAX (last, day);
        }
    }
  if (first <= last)
    {
      /* A very long period keeps its most recent days. */
      first = MAX (first, last - MAX_DAYS + 1);
      self->first_day = first;
      g_array_set_size (self->days, (guint) (last - first + 1));
      for (guint i = 0; i < n; i++)
        {
          const DpsBreakdownItem *item = dps_breakdown_get_item (series, i);
          DpsRejectReason reason;
          gint32 day;
          Day *slot;

          if (!dps_parse_date (item->key, &day) || day < first ||
              !dps_reject_reason_from_string (item->key2, &reason))
            continue;
          slot = &g_array_index (self->days, Day, day - first);
          slot->counts[reason] += item->agg.count;
          slot->total += item->agg.count;
          self->total += item->agg.count;
        }
      for (guint d = 0; d < self->days->len; d++)
        self->max_total = MAX (self->max_total, g_array_index (self->days, Day, d).total);
    }
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
dps_reject_timeline_get_n_days (DpsRejectTimeline *self)
{
  g_return_val_if_fail (DPS_IS_REJECT_TIMELINE (self), 0);
  return self->days->len;
}

gint64
dps_reject_timeline_get_total (DpsRejectTimeline *self)
{
  g_return_val_if_fail (DPS_IS_REJECT_TIMELINE (self), 0);
  return self->total;
}
