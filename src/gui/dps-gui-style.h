/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dps-core.h"

G_BEGIN_DECLS

/* Colours of the drawn widgets, taken from the style so that the dark
 * scheme and high contrast come out right. */

/* The widget's text colour. */
void     dps_gui_style_get_foreground (GtkWidget       *widget,
                                       GdkRGBA         *out);
/* A named colour of the style sheet ("accent_color", "success_color",
 * "warning_color", "error_color", "card_bg_color"…), or @fallback. */
void     dps_gui_style_lookup_color   (GtkWidget       *widget,
                                       const char      *name,
                                       const char      *fallback,
                                       GdkRGBA         *out);
/* TRUE when the text is light on a dark background. */
gboolean dps_gui_style_is_dark        (GtkWidget       *widget);
/* One colour per reject reason, the same in every chart. */
void     dps_gui_style_reason_color   (DpsRejectReason  reason,
                                       GdkRGBA         *out);
/* Cairo source from @color with its alpha multiplied by @alpha. */
void     dps_gui_style_set_source     (cairo_t         *cr,
                                       const GdkRGBA   *color,
                                       double           alpha);
/* Draws @text in @widget's font with its left edge at @x less @xalign
 * of its width (0 left, 1 right) and its top at @y less @yalign of its
 * height (0 top, 0.5 centred), in @color times @alpha. */
void     dps_gui_style_draw_text      (GtkWidget       *widget,
                                       cairo_t         *cr,
                                       const char      *text,
                                       double           x,
                                       double           y,
                                       double           xalign,
                                       double           yalign,
                                       const GdkRGBA   *color,
                                       double           alpha);

G_END_DECLS
