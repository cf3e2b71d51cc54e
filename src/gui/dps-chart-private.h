/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For chart kinds only: the virtual functions of DpsChart and the drawing
 * helpers they share (fonts, colours, axes, legends, hit areas). */

#include "dps-chart.h"

G_BEGIN_DECLS

#define DPS_CHART_N_COLORS 10
#define DPS_CHART_PADDING 8.0

typedef enum {
  DPS_CHART_FONT_NORMAL,
  DPS_CHART_FONT_SMALL,
  DPS_CHART_FONT_BOLD,
  DPS_CHART_FONT_LARGE,
  DPS_CHART_N_FONTS
} DpsChartFont;

/* Where an item can be pointed at: a rectangle, or a ring sector whose
 * angles run clockwise from a0 to a1 (radians, cairo's convention). */
typedef struct {
  guint    index;
  gboolean sector;
  double   x, y, width, height;
  double   cx, cy, r0, r1, a0, a1;
} DpsChartRegion;

/* Everything one drawing needs; lives for one render. */
typedef struct {
  cairo_t              *cr;
  double                width;
  double                height;
  DpsChartSeries       *series;        /* never NULL or empty in draw() */
  int                   highlight;     /* item index, or -1 */
  gboolean              dark;

  GdkRGBA               background;    /* opaque */
  GdkRGBA               foreground;
  GdkRGBA               dim;           /* secondary text */
  GdkRGBA               grid;          /* grid lines and axes */
  GdkRGBA               hover;         /* behind the highlighted item */
  GdkRGBA               accent;        /* single-series marks */
  GdkRGBA               accent_strong; /* the highlighted mark */
  GdkRGBA               palette[DPS_CHART_N_COLORS];

  PangoContext         *pango;
  PangoFontDescription *fonts[DPS_CHART_N_FONTS];

  GArray               *regions;       /* DpsChartRegion; NULL when not wanted */
} DpsChartRenderer;

/* An axis of values: from min to max by step, n_ticks ticks. */
typedef struct {
  double min;
  double max;
  double step;
  guint  n_ticks;
} DpsChartScale;

typedef struct {
  const char *label;
  GdkRGBA     color;
  gboolean    line;        /* a line sample instead of a square */
} DpsChartLegendEntry;

struct _DpsChartClass
{
  GtkWidgetClass parent_class;

  /* Draws the non-empty series of @renderer within its size, adding hit
   * regions when renderer->regions is set. */
  void   (*draw)          (DpsChart          *self,
                           DpsChartRenderer  *renderer);
  /* The item the arrow key @direction moves to from @current (-1 when
   * nothing is highlighted); the default walks the items in order. */
  int    (*navigate)      (DpsChart          *self,
                           int                current,
                           GtkDirectionType   direction);
  char  *(*describe_item) (DpsChart          *self,
                           guint              index);

  gpointer padding[8];
};

/* Text. */
PangoLayout *dps_chart_renderer_layout        (DpsChartRenderer       *r,
                                               DpsChartFont            font,
                                               const char             *text,
                                               double                  max_width);
void         dps_chart_layout_get_size        (PangoLayout            *layout,
                                               double                 *width,
                                               double                 *height);
double       dps_chart_renderer_line_height   (DpsChartRenderer       *r,
                                               DpsChartFont            font);
double       dps_chart_renderer_text_width    (DpsChartRenderer       *r,
                                               DpsChartFont            font,
                                               const char             *text);
/* Draws @layout with its point (xalign, yalign) of its box at (x, y). */
void         dps_chart_renderer_show          (DpsChartRenderer       *r,
                                               PangoLayout            *layout,
                                               double                  x,
                                               double                  y,
                                               double                  xalign,
                                               double                  yalign,
                                               const GdkRGBA          *color);
/* The same, turned by @angle radians around (x, y); the anchor is the
 * end of the text (xalign 1) at mid-height. */
void         dps_chart_renderer_show_rotated  (DpsChartRenderer       *r,
                                               PangoLayout            *layout,
                                               double                  x,
                                               double                  y,
                                               double                  angle,
                                               const GdkRGBA          *color);
void         dps_chart_renderer_draw_message  (DpsChartRenderer       *r,
                                               const char             *message);

/* Colours. */
void         dps_chart_rgba_mix               (const GdkRGBA          *a,
                                               const GdkRGBA          *b,
                                               double                  t,
                                               GdkRGBA                *out);
const GdkRGBA *
             dps_chart_renderer_color         (DpsChartRenderer       *r,
                                               guint                   index);

/* Axes. */
void         dps_chart_scale_init             (DpsChartScale          *scale,
                                               double                  min,
                                               double                  max,
                                               guint                   max_ticks,
                                               gboolean                integers);
double       dps_chart_scale_tick             (const DpsChartScale    *scale,
                                               guint                   i);
/* Maps @value of the scale onto [@from, @to] (pixels, either direction). */
double       dps_chart_scale_map              (const DpsChartScale    *scale,
                                               double                  value,
                                               double                  from,
                                               double                  to);
char        *dps_chart_format_scaled          (DpsChartFormat          format,
                                               double                  value,
                                               double                  magnitude,
                                               double                  step);
char        *dps_chart_scale_format_tick      (const DpsChartScale    *scale,
                                               DpsChartFormat          format,
                                               guint                   i);
double       dps_chart_renderer_measure_axis  (DpsChartRenderer       *r,
                                               const DpsChartScale    *scale,
                                               DpsChartFormat          format);
/* Vertical value axis beside @plot, with grid lines across it. */
void         dps_chart_renderer_draw_axis     (DpsChartRenderer       *r,
                                               const DpsChartScale    *scale,
                                               DpsChartFormat          format,
                                               const graphene_rect_t  *plot,
                                               gboolean                right,
                                               gboolean                grid);
/* Horizontal value axis under @plot, with vertical grid lines. */
void         dps_chart_renderer_draw_axis_x   (DpsChartRenderer       *r,
                                               const DpsChartScale    *scale,
                                               DpsChartFormat          format,
                                               const graphene_rect_t  *plot);

/* One row of legend entries from (x, y), wrapped within @max_width;
 * returns the height used. Draws only when @draw. */
double       dps_chart_renderer_legend        (DpsChartRenderer       *r,
                                               const DpsChartLegendEntry *entries,
                                               guint                   n_entries,
                                               double                  x,
                                               double                  y,
                                               double                  max_width,
                                               gboolean                draw);

/* Hit areas. */
void         dps_chart_renderer_add_rect      (DpsChartRenderer       *r,
                                               guint                   index,
                                               double                  x,
                                               double                  y,
                                               double                  width,
                                               double                  height);
void         dps_chart_renderer_add_sector    (DpsChartRenderer       *r,
                                               guint                   index,
                                               double                  cx,
                                               double                  cy,
                                               double                  r0,
                                               double                  r1,
                                               double                  a0,
                                               double                  a1);

/* Bars. The band behind a highlighted item. */
void         dps_chart_renderer_fill_hover    (DpsChartRenderer       *r,
                                               double                  x,
                                               double                  y,
                                               double                  width,
                                               double                  height);
/* Where a bar of @value from the axis at @zero to @end (pixels) starts
 * and how long it is: one that is not 0 stays a pixel long at least, on
 * its side of the axis (up for a vertical bar, right for a horizontal
 * one, when positive). */
void         dps_chart_bar_span               (GtkOrientation          orientation,
                                               double                  value,
                                               double                  zero,
                                               double                  end,
                                               double                 *start,
                                               double                 *length);

/* A path of a rectangle with rounded corners (radius clamped to fit). */
void         dps_chart_rounded_rect           (cairo_t                *cr,
                                               double                  x,
                                               double                  y,
                                               double                  width,
                                               double                  height,
                                               double                  radius);

G_END_DECLS
