/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "dps-format.h"
#include "dps-gui-style.h"
#include "dps-reject-chart.h"

#define ROW_HEIGHT 22.0
#define BAR_HEIGHT 14.0
#define PADDING    4.0

struct _DpsRejectChart
{
  GtkWidget  parent_instance;

  gint64     counts[DPS_N_REJECT_REASONS];
  guint      order[DPS_N_REJECT_REASONS];   /* reasons with rejects, largest first */
  guint      n_shown;
  int        highlight;
  char      *description;
};

G_DEFINE_FINAL_TYPE (DpsRejectChart, dps_reject_chart, GTK_TYPE_WIDGET)

enum {
  REASON_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
total (DpsRejectChart *self)
{
  gint64 sum = 0;

  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    sum += self->counts[i];
  return sum;
}

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             gboolean    numeric)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  if (numeric)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

static double
label_column_width (DpsRejectChart *self,
                    double          width)
{
  int widest = 0;

  for (guint i = 0; i < self->n_shown; i++)
    {
      g_autoptr(PangoLayout) layout = make_layout (GTK_WIDGET (self),
                                                   dps_reject_reason_get_label (self->order[i]), FALSE);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      widest = MAX (widest, w);
    }
  return MIN ((double) widest + 12, width * 0.45);
}

static void
update_description (DpsRejectChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->n_shown == 0)
    g_string_append (text, _("No rejects in this period"));
  else
    {
      g_string_append (text, _("Rejects by reason:"));
      for (guint i = 0; i < self->n_shown; i++)
        {
          g_autofree char *count = dps_format_count (self->counts[self->order[i]]);

          g_string_append_printf (text, "%s %s %s", i > 0 ? "," : "",
                                  dps_reject_reason_get_label (self->order[i]), count);
        }
    }
  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description, -1);
}

static int
row_at (DpsRejectChart *self,
        double          y)
{
  int row = (int) floor ((y - PADDING) / ROW_HEIGHT);

  return row >= 0 && (guint) row < self->n_shown ? (int) self->order[row] : -1;
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            DpsRejectChart  *self)
{
  int reason = row_at (self, y);

  if (reason >= 0)
    g_signal_emit (self, signals[REASON_ACTIVATED], 0, (guint) reason);
}

static gboolean
dps_reject_chart_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard,
                                GtkTooltip *tooltip)
{
  DpsRejectChart *self = DPS_REJECT_CHART (widget);
  int reason = row_at (self, y);
  g_autofree char *count = NULL;
  g_autofree char *share = NULL;
  g_autofree char *text = NULL;

  if (reason < 0)
    return FALSE;
  count = dps_format_count (self->counts[reason]);
  share = dps_format_share (self->counts[reason], total (self));
  /* TRANSLATORS: tooltip of a bar: reason, count and share of the rejects */
  text = g_strdup_printf (_("%s: %s (%s of the rejects)"), dps_reject_reason_get_label (reason), count, share);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
dps_reject_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  DpsRejectChart *self = DPS_REJECT_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double label_width, count_width = 0, bar_left, bar_right;
  gint64 max = 0;
  GdkRGBA fg;
  cairo_t *cr;

  dps_gui_style_get_foreground (widget, &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->n_shown == 0)
    {
      g_autoptr(PangoLayout) layout = make_layout (widget, _("No rejects in this period"), FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_move_to (cr, (width - w) / 2, (height - h) / 2);
      dps_gui_style_set_source (cr, &fg, 0.55);
      pango_cairo_show_layout (cr, layout);
      cairo_destroy (cr);
      return;
    }

  for (guint i = 0; i < self->n_shown; i++)
    {
      g_autofree char *count = dps_format_count (self->counts[self->order[i]]);
      g_autoptr(PangoLayout) layout = make_layout (widget, count, TRUE);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      count_width = MAX (count_width, w);
      max = MAX (max, self->counts[self->order[i]]);
    }
  label_width = label_column_width (self, width);
  bar_left = label_width;
  bar_right = MAX (width - count_width - 8, bar_left + 10);

  for (guint i = 0; i < self->n_shown; i++)
    {
      DpsRejectReason reason = self->order[i];
      double y = PADDING + i * ROW_HEIGHT;
      double bar = max > 0 ? (bar_right - bar_left) * (double) self->counts[reason] / (double) max : 0;
      gboolean dimmed = self->highlight >= 0 && self->highlight != (int) reason;
      g_autofree char *count = dps_format_count (self->counts[reason]);
      g_autoptr(PangoLayout) label = make_layout (widget, dps_reject_reason_get_label (reason), FALSE);
      g_autoptr(PangoLayout) number = make_layout (widget, count, TRUE);
      GdkRGBA color;
      int h;

      dps_gui_style_reason_color (reason, &color);
      pango_layout_set_width (label, (int) ((label_width - 8) * PANGO_SCALE));
      pango_layout_set_ellipsize (label, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (label, NULL, &h);
      cairo_move_to (cr, 0, y + (ROW_HEIGHT - h) / 2);
      dps_gui_style_set_source (cr, &fg, dimmed ? 0.5 : 1.0);
      pango_cairo_show_layout (cr, label);

      cairo_rectangle (cr, bar_left, y + (ROW_HEIGHT - BAR_HEIGHT) / 2, MAX (bar, 2.0), BAR_HEIGHT);
      dps_gui_style_set_source (cr, &color, dimmed ? 0.35 : 1.0);
      cairo_fill (cr);

      pango_layout_get_pixel_size (number, NULL, &h);
      cairo_move_to (cr, bar_left + MAX (bar, 2.0) + 6, y + (ROW_HEIGHT - h) / 2);
      dps_gui_style_set_source (cr, &fg, dimmed ? 0.5 : 0.85);
      pango_cairo_show_layout (cr, number);
    }
  cairo_destroy (cr);
}

static void
dps_reject_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  DpsRejectChart *self = DPS_REJECT_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 360;
    }
  else
    {
      *minimum = (int) (2 * PADDING + MAX (self->n_shown, 2u) * ROW_HEIGHT);
      *natural = *minimum;
    }
}

static void
dps_reject_chart_finalize (GObject *object)
{
  DpsRejectChart *self = DPS_REJECT_CHART (object);

  g_free (self->description);

  G_OBJECT_CLASS (dps_reject_chart_parent_class)->finalize (object);
}

static void
dps_reject_chart_class_init (DpsRejectChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = dps_reject_chart_finalize;
  widget_class->snapshot = dps_reject_chart_snapshot;
  widget_class->measure = dps_reject_chart_measure;
  widget_class->query_tooltip = dps_reject_chart_query_tooltip;

  /**
   * DpsRejectChart::reason-activated:
   * @reason: the DpsRejectReason of the clicked bar
   */
  signals[REASON_ACTIVATED] = g_signal_new ("reason-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "rejectchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dps_reject_chart_init (DpsRejectChart *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->highlight = -1;
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  update_description (self);
}

GtkWidget *
dps_reject_chart_new (void)
{
  return g_object_new (DPS_TYPE_REJECT_CHART, NULL);
}

void
dps_reject_chart_set_counts (DpsRejectChart *self,
                             const gint64   *counts)
{
  g_return_if_fail (DPS_IS_REJECT_CHART (self));
  g_return_if_fail (counts != NULL);

  memcpy (self->counts, counts, sizeof self->counts);
  self->n_shown = 0;
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    if (counts[i] > 0)
      self->order[self->n_shown++] = i;
  /* Largest first; equal counts in reason order. */
  for (guint i = 1; i < self->n_shown; i++)
    for (guint j = i; j > 0 && counts[self->order[j]] > counts[self->order[j - 1]]; j--)
      {
        guint swap = self->order[j];

        self->order[j] = self->order[j - 1];
        self->order[j - 1] = swap;
      }
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gint64
dps_reject_chart_get_count (DpsRejectChart  *self,
                            DpsRejectReason  reason)
{
  g_return_val_if_fail (DPS_IS_REJECT_CHART (self), 0);
  g_return_val_if_fail ((guint) reason < DPS_N_REJECT_REASONS, 0);
  return self->counts[reason];
}

gint64
dps_reject_chart_get_total (DpsRejectChart *self)
{
  g_return_val_if_fail (DPS_IS_REJECT_CHART (self), 0);
  return total (self);
}

void
dps_reject_chart_set_highlight (DpsRejectChart *self,
                                int             reason)
{
  g_return_if_fail (DPS_IS_REJECT_CHART (self));
  g_return_if_fail (reason >= -1 && reason < DPS_N_REJECT_REASONS);

  if (self->highlight == reason)
    return;
  self->highlight = reason;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
