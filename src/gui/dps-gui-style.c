/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include "dps-gui-style.h"

void
dps_gui_style_get_foreground (GtkWidget *widget,
                              GdkRGBA   *out)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), out);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

void
dps_gui_style_lookup_color (GtkWidget  *widget,
                            const char *name,
                            const char *fallback,
                            GdkRGBA    *out)
{
  gboolean found;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  found = gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, out);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (!found && !gdk_rgba_parse (out, fallback))
    *out = (GdkRGBA) { 0.5f, 0.5f, 0.5f, 1.0f };
}

gboolean
dps_gui_style_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  dps_gui_style_get_foreground (widget, &fg);
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

void
dps_gui_style_reason_color (DpsRejectReason  reason,
                            GdkRGBA         *out)
{
  /* The GNOME palette's middle tones read on light and dark alike. */
  static const char *const palette[DPS_N_REJECT_REASONS] = {
    "#e01b24",   /* malformed JSON: red 3 */
    "#ff7800",   /* not an object: orange 3 */
    "#f5c211",   /* missing field: yellow 5 */
    "#9141ac",   /* wrong type: purple 3 */
    "#3584e4",   /* out of range: blue 3 */
    "#2ec27e",   /* unknown value: green 4 */
    "#986a44",   /* invalid UUID: brown 3 */
    "#c061cb",   /* invalid timestamp: purple 2 */
    "#62a0ea",   /* invalid UTF-8: blue 2 */
    "#a51d2d",   /* line too long: red 5 */
    "#77767b",   /* duplicate: dark 1 */
  };

  g_return_if_fail ((guint) reason < DPS_N_REJECT_REASONS);
  gdk_rgba_parse (out, palette[reason]);
}

void
dps_gui_style_set_source (cairo_t       *cr,
                          const GdkRGBA *color,
                          double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

void
dps_gui_style_draw_text (GtkWidget     *widget,
                         cairo_t       *cr,
                         const char    *text,
                         double         x,
                         double         y,
                         double         xalign,
                         double         yalign,
                         const GdkRGBA *color,
                         double         alpha)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, x - xalign * width, y - yalign * height);
  dps_gui_style_set_source (cr, color, alpha);
  pango_cairo_show_layout (cr, layout);
}
