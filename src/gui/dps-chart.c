/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <adwaita.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "dps-chart-private.h"

/* Items spelled out in the accessible description. */
#define SUMMARY_MAX_ITEMS 12

typedef struct
{
  /* Owned. */
  DpsChartSeries *series;
  char           *title;
  GArray         *regions;        /* DpsChartRegion of the last frame drawn */

  int             highlight;
} DpsChartPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DpsChart, dps_chart, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (DpsChartExportFormat, dps_chart_export_format,
  G_DEFINE_ENUM_VALUE (DPS_CHART_EXPORT_PNG, "png"),
  G_DEFINE_ENUM_VALUE (DPS_CHART_EXPORT_SVG, "svg"),
  G_DEFINE_ENUM_VALUE (DPS_CHART_EXPORT_PDF, "pdf"),
  G_DEFINE_ENUM_VALUE (DPS_CHART_EXPORT_CSV, "csv"))

enum {
  PROP_0,
  PROP_SERIES,
  PROP_TITLE,
  PROP_HIGHLIGHT,
  N_PROPS
};

enum {
  ITEM_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *const export_format_names[] = { "png", "svg", "pdf", "csv" };

/* GNOME palette tones that read on a light card, and on a dark one. */
static const char *const light_palette[DPS_CHART_N_COLORS] = {
  "#3584e4", "#ff7800", "#2ec27e", "#9141ac", "#e01b24",
  "#e5a50a", "#986a44", "#2190a4", "#c061cb", "#77767b",
};
static const char *const dark_palette[DPS_CHART_N_COLORS] = {
  "#62a0ea", "#ffa348", "#57e389", "#c061cb", "#f66151",
  "#f8e45c", "#cdab8f", "#5bc8dd", "#dc8add", "#c0bfbc",
};

typedef struct {
  DpsChartExportFormat  format;
  GFile                *file;
  cairo_surface_t      *picture;   /* recording of the chart, or NULL for CSV */
  DpsChartSeries       *series;    /* for CSV */
  char                 *title;
  int                   width;
  int                   height;
} ExportJob;

typedef struct {
  GOutputStream *stream;
  GCancellable  *cancellable;
  GError        *error;
} StreamClosure;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_object (&job->file);
  g_clear_pointer (&job->picture, cairo_surface_destroy);
  g_clear_object (&job->series);
  g_free (job->title);
  g_free (job);
}

/* Colours, fonts and text. */

static gboolean
lookup_color (GtkWidget  *widget,
              const char *name,
              GdkRGBA    *out)
{
  gboolean found;

  /* Named colours of the style sheet (libadwaita's): the way to reach
   * them on GTK 4.8, deprecated but still there in later versions. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  found = gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, out);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return found;
}

static void
composite_over (const GdkRGBA *top,
                const GdkRGBA *bottom,
                GdkRGBA       *out)
{
  float a = top->alpha;

  out->red = top->red * a + bottom->red * (1.0f - a);
  out->green = top->green * a + bottom->green * (1.0f - a);
  out->blue = top->blue * a + bottom->blue * (1.0f - a);
  out->alpha = 1.0f;
}

static void
with_alpha (const GdkRGBA *color,
            double         factor,
            GdkRGBA       *out)
{
  *out = *color;
  out->alpha = (float) (color->alpha * factor);
}

static void
scale_font (PangoFontDescription *desc,
            double                factor)
{
  int size = pango_font_description_get_size (desc);

  if (size <= 0)
    size = 10 * PANGO_SCALE;
  size = (int) lround (size * factor);
  if (pango_font_description_get_size_is_absolute (desc))
    pango_font_description_set_absolute_size (desc, size);
  else
    pango_font_description_set_size (desc, size);
}

static void
renderer_init (DpsChart         *self,
               DpsChartRenderer *r,
               cairo_t          *cr,
               double            width,
               double            height)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  PangoContext *widget_context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *base = pango_context_get_font_description (widget_context);
  const cairo_font_options_t *options;
  GdkRGBA window_bg, card_bg;
  double resolution;

  memset (r, 0, sizeof *r);
  r->cr = cr;
  r->width = width;
  r->height = height;
  r->series = priv->series;
  r->highlight = priv->highlight;
  r->dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  if (!lookup_color (widget, "window_bg_color", &window_bg))
    gdk_rgba_parse (&window_bg, r->dark ? "#242424" : "#fafafa");
  if (!lookup_color (widget, "card_bg_color", &card_bg))
    gdk_rgba_parse (&card_bg, r->dark ? "rgba(255,255,255,0.08)" : "#ffffff");
  composite_over (&card_bg, &window_bg, &r->background);
  if (!lookup_color (widget, "card_fg_color", &r->foreground) &&
      !lookup_color (widget, "window_fg_color", &r->foreground))
    gdk_rgba_parse (&r->foreground, r->dark ? "#ffffff" : "rgba(0,0,0,0.8)");
  with_alpha (&r->foreground, 0.6, &r->dim);
  with_alpha (&r->foreground, 0.12, &r->grid);
  with_alpha (&r->foreground, 0.07, &r->hover);
  gdk_rgba_parse (&r->accent, r->dark ? "#62a0ea" : "#3584e4");
  gdk_rgba_parse (&r->accent_strong, r->dark ? "#99c1f1" : "#1a5fb4");
  for (guint i = 0; i < DPS_CHART_N_COLORS; i++)
    gdk_rgba_parse (&r->palette[i], r->dark ? dark_palette[i] : light_palette[i]);

  /* Text as the widget would draw it: its font, resolution and options. */
  r->pango = pango_cairo_create_context (cr);
  options = pango_cairo_context_get_font_options (widget_context);
  if (options != NULL)
    pango_cairo_context_set_font_options (r->pango, options);
  resolution = pango_cairo_context_get_resolution (widget_context);
  pango_cairo_context_set_resolution (r->pango, resolution > 0 ? resolution : 96.0);
  pango_context_set_language (r->pango, pango_context_get_language (widget_context));
  pango_context_set_base_dir (r->pango, pango_context_get_base_dir (widget_context));

  for (guint i = 0; i < DPS_CHART_N_FONTS; i++)
    r->fonts[i] = base != NULL ? pango_font_description_copy (base)
                               : pango_font_description_from_string ("Sans 10");
  scale_font (r->fonts[DPS_CHART_FONT_SMALL], 0.85);
  pango_font_description_set_weight (r->fonts[DPS_CHART_FONT_BOLD], PANGO_WEIGHT_BOLD);
  scale_font (r->fonts[DPS_CHART_FONT_LARGE], 1.45);
  pango_font_description_set_weight (r->fonts[DPS_CHART_FONT_LARGE], PANGO_WEIGHT_BOLD);
}

static void
renderer_clear (DpsChartRenderer *r)
{
  g_clear_object (&r->pango);
  for (guint i = 0; i < DPS_CHART_N_FONTS; i++)
    g_clear_pointer (&r->fonts[i], pango_font_description_free);
}

PangoLayout *
dps_chart_renderer_layout (DpsChartRenderer *r,
                           DpsChartFont      font,
                           const char       *text,
                           double            max_width)
{
  PangoLayout *layout = pango_layout_new (r->pango);

  pango_layout_set_font_description (layout, r->fonts[font]);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) MAX (1.0, max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

void
dps_chart_layout_get_size (PangoLayout *layout,
                           double      *width,
                           double      *height)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = (double) logical.width / PANGO_SCALE;
  if (height != NULL)
    *height = (double) logical.height / PANGO_SCALE;
}

double
dps_chart_renderer_line_height (DpsChartRenderer *r,
                                DpsChartFont      font)
{
  g_autoptr(PangoLayout) layout = dps_chart_renderer_layout (r, font, "Ag", 0);
  double height;

  dps_chart_layout_get_size (layout, NULL, &height);
  return height;
}

double
dps_chart_renderer_text_width (DpsChartRenderer *r,
                               DpsChartFont      font,
                               const char       *text)
{
  g_autoptr(PangoLayout) layout = dps_chart_renderer_layout (r, font, text, 0);
  double width;

  dps_chart_layout_get_size (layout, &width, NULL);
  return width;
}

void
dps_chart_renderer_show (DpsChartRenderer *r,
                         PangoLayout      *layout,
                         double            x,
                         double            y,
                         double            xalign,
                         double            yalign,
                         const GdkRGBA    *color)
{
  PangoRectangle logical;
  double w, h;

  pango_layout_get_extents (layout, NULL, &logical);
  w = (double) logical.width / PANGO_SCALE;
  h = (double) logical.height / PANGO_SCALE;
  cairo_move_to (r->cr,
                 round (x - w * xalign) - (double) logical.x / PANGO_SCALE,
                 round (y - h * yalign) - (double) logical.y / PANGO_SCALE);
  gdk_cairo_set_source_rgba (r->cr, color);
  pango_cairo_show_layout (r->cr, layout);
}

void
dps_chart_renderer_show_rotated (DpsChartRenderer *r,
                                 PangoLayout      *layout,
                                 double            x,
                                 double            y,
                                 double            angle,
                                 const GdkRGBA    *color)
{
  double w, h;

  dps_chart_layout_get_size (layout, &w, &h);
  cairo_save (r->cr);
  cairo_translate (r->cr, x, y);
  cairo_rotate (r->cr, angle);
  cairo_move_to (r->cr, -w, -h / 2.0);
  gdk_cairo_set_source_rgba (r->cr, color);
  pango_cairo_show_layout (r->cr, layout);
  cairo_restore (r->cr);
}

void
dps_chart_renderer_draw_message (DpsChartRenderer *r,
                                 const char       *message)
{
  g_autoptr(PangoLayout) layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_NORMAL, message,
                                                             r->width - 2 * DPS_CHART_PADDING);

  dps_chart_renderer_show (r, layout, r->width / 2.0, r->height / 2.0, 0.5, 0.5, &r->dim);
}

void
dps_chart_rgba_mix (const GdkRGBA *a,
                    const GdkRGBA *b,
                    double         t,
                    GdkRGBA       *out)
{
  float u = (float) CLAMP (t, 0.0, 1.0);

  out->red = a->red + (b->red - a->red) * u;
  out->green = a->green + (b->green - a->green) * u;
  out->blue = a->blue + (b->blue - a->blue) * u;
  out->alpha = a->alpha + (b->alpha - a->alpha) * u;
}

const GdkRGBA *
dps_chart_renderer_color (DpsChartRenderer *r,
                          guint             index)
{
  return &r->palette[index % DPS_CHART_N_COLORS];
}

void
dps_chart_rounded_rect (cairo_t *cr,
                        double   x,
                        double   y,
                        double   width,
                        double   height,
                        double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2.0);
  if (radius <= 0.0)
    {
      cairo_rectangle (cr, x, y, width, height);
      return;
    }
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

void
dps_chart_renderer_fill_hover (DpsChartRenderer *r,
                               double            x,
                               double            y,
                               double            width,
                               double            height)
{
  gdk_cairo_set_source_rgba (r->cr, &r->hover);
  cairo_rectangle (r->cr, x, y, width, height);
  cairo_fill (r->cr);
}

void
dps_chart_bar_span (GtkOrientation  orientation,
                    double          value,
                    double          zero,
                    double          end,
                    double         *start,
                    double         *length)
{
  /* Pixels grow down and right: positive bars go up or right. */
  gboolean toward_smaller = (value > 0.0) == (orientation == GTK_ORIENTATION_VERTICAL);

  *start = MIN (end, zero);
  *length = fabs (end - zero);
  if (value != 0.0 && *length < 1.0)
    {
      *length = 1.0;
      *start = toward_smaller ? zero - 1.0 : zero;
    }
}

/* Axes. */

void
dps_chart_scale_init (DpsChartScale *scale,
                      double         min,
                      double         max,
                      guint          max_ticks,
                      gboolean       integers)
{
  double range, raw, magnitude, norm, nice, step, n;

  if (!isfinite (min))
    min = 0.0;
  if (!isfinite (max))
    max = 0.0;
  if (min > max)
    {
      double t = min;
      min = max;
      max = t;
    }
  if (max_ticks < 2)
    max_ticks = 2;

  /* A flat range gets room around it, from zero. */
  if (max - min <= fabs (max) * 1e-12)
    {
      if (max > 0.0)
        min = 0.0;
      else if (max < 0.0)
        max = 0.0;
      else
        max = 1.0;
    }

  range = max - min;
  raw = range / (max_ticks - 1);
  magnitude = pow (10.0, floor (log10 (raw)));
  norm = raw / magnitude;
  if (norm <= 1.0)
    nice = 1.0;
  else if (norm <= 2.0)
    nice = 2.0;
  else if (norm <= 2.5)
    nice = magnitude == 1.0 && integers ? 5.0 : 2.5;
  else if (norm <= 5.0)
    nice = 5.0;
  else
    nice = 10.0;
  step = nice * magnitude;
  if (integers && step < 1.0)
    step = 1.0;

  scale->min = floor (min / step + 1e-9) * step;
  scale->max = ceil (max / step - 1e-9) * step;
  n = round ((scale->max - scale->min) / step) + 1.0;
  if (!isfinite (n) || n < 2.0 || n > 64.0 || !(scale->max > scale->min))
    {
      /* Too large for steps to add up exactly: the ends will do. */
      scale->min = min;
      scale->max = max;
      scale->step = range;
      scale->n_ticks = 2;
      return;
    }
  scale->step = step;
  scale->n_ticks = (guint) n;
}

double
dps_chart_scale_tick (const DpsChartScale *scale,
                      guint                i)
{
  if (i + 1 >= scale->n_ticks)
    return scale->max;
  return scale->min + scale->step * i;
}

double
dps_chart_scale_map (const DpsChartScale *scale,
                     double               value,
                     double               from,
                     double               to)
{
  double t;

  if (!(scale->max > scale->min))
    return from;
  t = (value - scale->min) / (scale->max - scale->min);
  if (!isfinite (t))
    t = 0.0;
  return from + (to - from) * CLAMP (t, -0.05, 1.05);
}

char *
dps_chart_scale_format_tick (const DpsChartScale *scale,
                             DpsChartFormat       format,
                             guint                i)
{
  double magnitude = MAX (fabs (scale->min), fabs (scale->max));

  return dps_chart_format_scaled (format, dps_chart_scale_tick (scale, i), magnitude, scale->step);
}

double
dps_chart_renderer_measure_axis (DpsChartRenderer    *r,
                                 const DpsChartScale *scale,
                                 DpsChartFormat       format)
{
  double widest = 0.0;

  for (guint i = 0; i < scale->n_ticks; i++)
    {
      g_autofree char *text = dps_chart_scale_format_tick (scale, format, i);
      widest = MAX (widest, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, text));
    }
  return widest;
}

static void
grid_line (DpsChartRenderer *r,
           double            x0,
           double            y0,
           double            x1,
           double            y1,
           gboolean          strong)
{
  GdkRGBA color = r->grid;

  if (strong)
    color.alpha = MIN (1.0f, color.alpha * 2.5f);
  cairo_save (r->cr);
  cairo_set_line_width (r->cr, 1.0);
  gdk_cairo_set_source_rgba (r->cr, &color);
  cairo_move_to (r->cr, x0, y0);
  cairo_line_to (r->cr, x1, y1);
  cairo_stroke (r->cr);
  cairo_restore (r->cr);
}

void
dps_chart_renderer_draw_axis (DpsChartRenderer      *r,
                              const DpsChartScale   *scale,
                              DpsChartFormat         format,
                              const graphene_rect_t *plot,
                              gboolean               right,
                              gboolean               grid)
{
  double top = plot->origin.y, bottom = plot->origin.y + plot->size.height;
  double left = plot->origin.x, end = plot->origin.x + plot->size.width;

  for (guint i = 0; i < scale->n_ticks; i++)
    {
      double value = dps_chart_scale_tick (scale, i);
      double y = round (dps_chart_scale_map (scale, value, bottom, top)) + 0.5;
      g_autofree char *text = dps_chart_scale_format_tick (scale, format, i);
      g_autoptr(PangoLayout) layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, text, 0);

      if (grid)
        grid_line (r, left, y, end, y, value == 0.0);
      dps_chart_renderer_show (r, layout, right ? end + 6.0 : left - 6.0, y,
                               right ? 0.0 : 1.0, 0.5, &r->dim);
    }
}

void
dps_chart_renderer_draw_axis_x (DpsChartRenderer      *r,
                                const DpsChartScale   *scale,
                                DpsChartFormat         format,
                                const graphene_rect_t *plot)
{
  double left = plot->origin.x, end = plot->origin.x + plot->size.width;
  double top = plot->origin.y, bottom = plot->origin.y + plot->size.height;

  for (guint i = 0; i < scale->n_ticks; i++)
    {
      double value = dps_chart_scale_tick (scale, i);
      double x = round (dps_chart_scale_map (scale, value, left, end)) + 0.5;
      g_autofree char *text = dps_chart_scale_format_tick (scale, format, i);
      g_autoptr(PangoLayout) layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, text, 0);
      double w;

      grid_line (r, x, top, x, bottom, value == 0.0);
      dps_chart_layout_get_size (layout, &w, NULL);
      /* Keep the end labels inside the chart. */
      x = CLAMP (x, w / 2.0 + 1.0, r->width - w / 2.0 - 1.0);
      dps_chart_renderer_show (r, layout, x, bottom + 4.0, 0.5, 0.0, &r->dim);
    }
}

double
dps_chart_renderer_legend (DpsChartRenderer          *r,
                           const DpsChartLegendEntry *entries,
                           guint                      n_entries,
                           double                     x,
                           double                     y,
                           double                     max_width,
                           gboolean                   draw)
{
  double line = dps_chart_renderer_line_height (r, DPS_CHART_FONT_SMALL);
  double swatch = round (line * 0.7);
  double cx = x, cy = y;

  if (n_entries == 0 || max_width <= swatch)
    return 0.0;

  for (guint i = 0; i < n_entries; i++)
    {
      g_autoptr(PangoLayout) layout =
        dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, entries[i].label,
                                   max_width - swatch - 4.0);
      double w;

      dps_chart_layout_get_size (layout, &w, NULL);
      if (cx > x && cx + swatch + 4.0 + w > x + max_width)
        {
          cx = x;
          cy += line + 2.0;
        }
      if (draw)
        {
          gdk_cairo_set_source_rgba (r->cr, &entries[i].color);
          if (entries[i].line)
            {
              cairo_set_line_width (r->cr, 2.0);
              cairo_move_to (r->cr, cx, cy + line / 2.0);
              cairo_line_to (r->cr, cx + swatch, cy + line / 2.0);
              cairo_stroke (r->cr);
            }
          else
            {
              dps_chart_rounded_rect (r->cr, cx, cy + (line - swatch) / 2.0, swatch, swatch, 2.0);
              cairo_fill (r->cr);
            }
          dps_chart_renderer_show (r, layout, cx + swatch + 4.0, cy, 0.0, 0.0, &r->foreground);
        }
      cx += swatch + 4.0 + w + 12.0;
    }
  return cy + line - y;
}

void
dps_chart_renderer_add_rect (DpsChartRenderer *r,
                             guint             index,
                             double            x,
                             double            y,
                             double            width,
                             double            height)
{
  DpsChartRegion region = { 0 };

  if (r->regions == NULL)
    return;
  region.index = index;
  region.x = x;
  region.y = y;
  region.width = width;
  region.height = height;
  g_array_append_val (r->regions, region);
}

void
dps_chart_renderer_add_sector (DpsChartRenderer *r,
                               guint             index,
                               double            cx,
                               double            cy,
                               double            r0,
                               double            r1,
                               double            a0,
                               double            a1)
{
  DpsChartRegion region = { 0 };

  if (r->regions == NULL)
    return;
  region.index = index;
  region.sector = TRUE;
  region.cx = cx;
  region.cy = cy;
  region.r0 = r0;
  region.r1 = r1;
  region.a0 = a0;
  region.a1 = a1;
  region.x = cx - r1;
  region.y = cy - r1;
  region.width = region.height = 2 * r1;
  g_array_append_val (r->regions, region);
}

static gboolean
region_contains (const DpsChartRegion *region,
                 double                x,
                 double                y)
{
  double dx, dy, distance, angle;

  if (!region->sector)
    return x >= region->x && x < region->x + region->width &&
           y >= region->y && y < region->y + region->height;

  dx = x - region->cx;
  dy = y - region->cy;
  distance = sqrt (dx * dx + dy * dy);
  if (distance < region->r0 || distance > region->r1)
    return FALSE;
  angle = atan2 (dy, dx);
  while (angle < region->a0)
    angle += 2 * G_PI;
  while (angle >= region->a0 + 2 * G_PI)
    angle -= 2 * G_PI;
  return angle < region->a1;
}

static const DpsChartRegion *
find_region (GArray *regions,
             double  x,
             double  y)
{
  /* Later regions are drawn over earlier ones. */
  for (guint i = regions->len; i > 0; i--)
    {
      const DpsChartRegion *region = &g_array_index (regions, DpsChartRegion, i - 1);

      if (region_contains (region, x, y))
        return region;
    }
  return NULL;
}

/* Drawing. */

static void
render_chart (DpsChart *self,
              cairo_t  *cr,
              double    width,
              double    height,
              gboolean  background,
              gboolean  focus_ring,
              GArray   *regions)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  DpsChartRenderer r;

  if (!(width >= 1.0) || !(height >= 1.0))
    return;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);

  renderer_init (self, &r, cr, width, height);
  r.regions = regions;

  if (background)
    {
      gdk_cairo_set_source_rgba (cr, &r.background);
      cairo_paint (cr);
    }

  if (priv->series == NULL || dps_chart_series_get_n_items (priv->series) == 0)
    dps_chart_renderer_draw_message (&r, _("No data"));
  else if (width >= 2 * DPS_CHART_PADDING && height >= 2 * DPS_CHART_PADDING)
    {
      cairo_save (cr);
      DPS_CHART_GET_CLASS (self)->draw (self, &r);
      cairo_restore (cr);
    }

  if (focus_ring)
    {
      GdkRGBA ring = r.accent;

      ring.alpha = 0.5f;
      gdk_cairo_set_source_rgba (cr, &ring);
      cairo_set_line_width (cr, 2.0);
      dps_chart_rounded_rect (cr, 1.0, 1.0, width - 2.0, height - 2.0, 6.0);
      cairo_stroke (cr);
    }

  renderer_clear (&r);
  cairo_restore (cr);
}

static int
default_navigate (DpsChart         *self,
                  int               current,
                  GtkDirectionType  direction)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  int n = priv->series != NULL ? (int) dps_chart_series_get_n_items (priv->series) : 0;

  if (n == 0)
    return -1;
  if (current < 0)
    return 0;
  switch (direction)
    {
    case GTK_DIR_LEFT:
    case GTK_DIR_UP:
    case GTK_DIR_TAB_BACKWARD:
      return MAX (current - 1, 0);
    case GTK_DIR_RIGHT:
    case GTK_DIR_DOWN:
    case GTK_DIR_TAB_FORWARD:
    default:
      return MIN (current + 1, n - 1);
    }
}

static char *
default_describe_item (DpsChart *self,
                       guint     index)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  DpsChartSeries *series = priv->series;
  g_autofree char *label = NULL;
  g_autofree char *value = NULL;

  if (series == NULL || index >= dps_chart_series_get_n_items (series))
    return NULL;

  if (dps_chart_series_get_label2 (series, index) != NULL)
    /* Translators: an item of a chart with two keys: "Monday, 14:00". */
    label = g_strdup_printf (_("%s, %s"), dps_chart_series_get_label (series, index),
                             dps_chart_series_get_label2 (series, index));
  else
    label = g_strdup (dps_chart_series_get_label (series, index));
  value = dps_chart_format_value (dps_chart_series_get_format (series),
                                  dps_chart_series_get_value (series, index));

  if (dps_chart_series_has_second (series))
    {
      g_autofree char *value2 = dps_chart_format_value (dps_chart_series_get_second_format (series),
                                                        dps_chart_series_get_value2 (series, index));

      /* Translators: a chart item with two measures: "Monday: €1,234.56, Transactions: 42". */
      return g_strdup_printf (_("%s: %s, %s: %s"), label, value,
                              dps_chart_series_get_second_title (series), value2);
    }
  /* Translators: a chart item and its value: "grocery: €1,234.56". */
  return g_strdup_printf (_("%s: %s"), label, value);
}

static void
update_accessible_description (DpsChart *self)
{
  g_autofree char *summary = dps_chart_dup_summary (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary,
                                  -1);
}

static void
update_actions (DpsChart *self)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  gboolean has_items = priv->series != NULL && dps_chart_series_get_n_items (priv->series) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.move", has_items);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.first-item", has_items);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.last-item", has_items);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.activate-item", has_items);
}

/* Callbacks. */

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DpsChart                 *self)
{
  int index = dps_chart_get_item_at (self, x, y);

  if (index >= 0 || !gtk_widget_has_focus (GTK_WIDGET (self)))
    dps_chart_set_highlight (self, index);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          DpsChart                 *self)
{
  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    dps_chart_set_highlight (self, -1);
}

static void
focus_leave_cb (GtkEventControllerFocus *controller,
                DpsChart                *self)
{
  dps_chart_set_highlight (self, -1);
}

static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             DpsChart        *self)
{
  int index = dps_chart_get_item_at (self, x, y);

  if (index < 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  dps_chart_set_highlight (self, index);
  dps_chart_activate_item (self, (guint) index);
}

static void
style_changed_cb (DpsChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DpsChart *self = DPS_CHART (widget);
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  GtkDirectionType direction = (GtkDirectionType) g_variant_get_int32 (parameter);

  dps_chart_set_highlight (self, DPS_CHART_GET_CLASS (self)->navigate (self, priv->highlight,
                                                                         direction));
}

static void
first_item_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  dps_chart_set_highlight (DPS_CHART (widget), 0);
}

static void
last_item_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DpsChart *self = DPS_CHART (widget);
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  if (priv->series != NULL)
    dps_chart_set_highlight (self, (int) dps_chart_series_get_n_items (priv->series) - 1);
}

static void
activate_item_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DpsChart *self = DPS_CHART (widget);
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  if (priv->highlight >= 0)
    dps_chart_activate_item (self, (guint) priv->highlight);
}

/* Overrides. */

static void
dps_chart_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  DpsChart *self = DPS_CHART (widget);
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  g_array_set_size (priv->regions, 0);
  if (width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The card behind shows through: no background of our own. */
  render_chart (self, cr, width, height, FALSE, gtk_widget_has_visible_focus (widget),
                priv->regions);
  cairo_destroy (cr);
}

static void
dps_chart_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Three cards side by side in 1280 pixels, two in 800. */
      *minimum = 160;
      *natural = 320;
    }
  else
    {
      *minimum = 120;
      *natural = 240;
    }
}

static gboolean
dps_chart_query_tooltip (GtkWidget  *widget,
                         int         x,
                         int         y,
                         gboolean    keyboard_mode,
                         GtkTooltip *tooltip)
{
  DpsChart *self = DPS_CHART (widget);
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  g_autofree char *text = NULL;
  const DpsChartRegion *region = NULL;
  int index;

  if (keyboard_mode)
    index = priv->highlight;
  else
    {
      region = find_region (priv->regions, x, y);
      index = region != NULL ? (int) region->index : -1;
    }
  if (index < 0)
    return FALSE;

  text = dps_chart_describe_item (self, (guint) index);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  if (region != NULL)
    {
      GdkRectangle area = {
        (int) floor (region->x), (int) floor (region->y),
        (int) ceil (region->width), (int) ceil (region->height),
      };
      /* A sector's box is too coarse: ask again on every move there. */
      if (!region->sector)
        gtk_tooltip_set_tip_area (tooltip, &area);
    }
  return TRUE;
}

static void
dps_chart_system_setting_changed (GtkWidget         *widget,
                                  GtkSystemSetting   setting)
{
  GTK_WIDGET_CLASS (dps_chart_parent_class)->system_setting_changed (widget, setting);
  gtk_widget_queue_draw (widget);
}

static void
dps_chart_dispose (GObject *object)
{
  DpsChart *self = DPS_CHART (object);
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  g_clear_object (&priv->series);

  G_OBJECT_CLASS (dps_chart_parent_class)->dispose (object);
}

static void
dps_chart_finalize (GObject *object)
{
  DpsChart *self = DPS_CHART (object);
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  g_free (priv->title);
  g_array_unref (priv->regions);

  G_OBJECT_CLASS (dps_chart_parent_class)->finalize (object);
}

static void
dps_chart_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DpsChart *self = DPS_CHART (object);
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SERIES:
      g_value_set_object (value, priv->series);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_HIGHLIGHT:
      g_value_set_int (value, priv->highlight);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_chart_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DpsChart *self = DPS_CHART (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      dps_chart_set_series (self, g_value_get_object (value));
      break;
    case PROP_TITLE:
      dps_chart_set_title (self, g_value_get_string (value));
      break;
    case PROP_HIGHLIGHT:
      dps_chart_set_highlight (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_chart_class_init (DpsChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const guint arrows[][2] = {
    { GDK_KEY_Left, GTK_DIR_LEFT }, { GDK_KEY_KP_Left, GTK_DIR_LEFT },
    { GDK_KEY_Right, GTK_DIR_RIGHT }, { GDK_KEY_KP_Right, GTK_DIR_RIGHT },
    { GDK_KEY_Up, GTK_DIR_UP }, { GDK_KEY_KP_Up, GTK_DIR_UP },
    { GDK_KEY_Down, GTK_DIR_DOWN }, { GDK_KEY_KP_Down, GTK_DIR_DOWN },
  };

  object_class->dispose = dps_chart_dispose;
  object_class->finalize = dps_chart_finalize;
  object_class->get_property = dps_chart_get_property;
  object_class->set_property = dps_chart_set_property;

  widget_class->snapshot = dps_chart_snapshot;
  widget_class->measure = dps_chart_measure;
  widget_class->query_tooltip = dps_chart_query_tooltip;
  widget_class->system_setting_changed = dps_chart_system_setting_changed;

  klass->navigate = default_navigate;
  klass->describe_item = default_describe_item;

  properties[PROP_SERIES] =
    g_param_spec_object ("series", NULL, NULL, DPS_TYPE_CHART_SERIES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHT] =
    g_param_spec_int ("highlight", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpsChart::item-activated:
   * @key: the item's key
   * @key2: (nullable): its second key (a heatmap cell's column)
   *
   * A bar, slice or cell was clicked, or Enter pressed on it.
   */
  signals[ITEM_ACTIVATED] = g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "chart.move", "i", move_action);
  gtk_widget_class_install_action (widget_class, "chart.first-item", NULL, first_item_action);
  gtk_widget_class_install_action (widget_class, "chart.last-item", NULL, last_item_action);
  gtk_widget_class_install_action (widget_class, "chart.activate-item", NULL, activate_item_action);

  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    gtk_widget_class_add_binding_action (widget_class, arrows[i][0], 0,
                                         "chart.move", "i", (gint32) arrows[i][1]);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "chart.first-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Home, 0, "chart.first-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "chart.last-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_End, 0, "chart.last-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "chart.activate-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "chart.activate-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_ISO_Enter, 0, "chart.activate-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "chart.activate-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Space, 0, "chart.activate-item", NULL);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dps_chart_init (DpsChart *self)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;

  priv->highlight = -1;
  priv->regions = g_array_new (FALSE, FALSE, sizeof (DpsChartRegion));

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);

  update_actions (self);
  update_accessible_description (self);
}

/* Public API. */

const char *
dps_chart_export_format_to_string (DpsChartExportFormat format)
{
  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (export_format_names), NULL);
  return export_format_names[format];
}

gboolean
dps_chart_export_format_from_string (const char           *text,
                                     DpsChartExportFormat *out)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (export_format_names); i++)
    if (g_ascii_strcasecmp (text, export_format_names[i]) == 0)
      {
        *out = (DpsChartExportFormat) i;
        return TRUE;
      }
  return FALSE;
}

DpsChartSeries *
dps_chart_get_series (DpsChart *self)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  g_return_val_if_fail (DPS_IS_CHART (self), NULL);
  return priv->series;
}

void
dps_chart_set_series (DpsChart       *self,
                      DpsChartSeries *series)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  int highlight;

  g_return_if_fail (DPS_IS_CHART (self));
  g_return_if_fail (series == NULL || DPS_IS_CHART_SERIES (series));

  if (!g_set_object (&priv->series, series))
    return;

  /* A refresh keeps the highlight where the keyboard or pointer left it. */
  highlight = priv->highlight;
  if (series == NULL || highlight >= (int) dps_chart_series_get_n_items (series))
    dps_chart_set_highlight (self, -1);

  update_actions (self);
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES]);
}

const char *
dps_chart_get_title (DpsChart *self)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  g_return_val_if_fail (DPS_IS_CHART (self), NULL);
  return priv->title;
}

void
dps_chart_set_title (DpsChart   *self,
                     const char *title)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  g_return_if_fail (DPS_IS_CHART (self));

  if (g_strcmp0 (priv->title, title) == 0)
    return;
  g_free (priv->title);
  priv->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title != NULL ? title : "",
                                  -1);
  update_accessible_description (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

int
dps_chart_get_highlight (DpsChart *self)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);

  g_return_val_if_fail (DPS_IS_CHART (self), -1);
  return priv->highlight;
}

void
dps_chart_set_highlight (DpsChart *self,
                         int       index)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  int n;

  g_return_if_fail (DPS_IS_CHART (self));

  n = priv->series != NULL ? (int) dps_chart_series_get_n_items (priv->series) : 0;
  if (index < 0 || index >= n)
    index = -1;
  if (priv->highlight == index)
    return;
  priv->highlight = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHT]);
}

void
dps_chart_activate_item (DpsChart *self,
                         guint     index)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  const char *key;

  g_return_if_fail (DPS_IS_CHART (self));

  if (priv->series == NULL || index >= dps_chart_series_get_n_items (priv->series))
    return;
  key = dps_chart_series_get_key (priv->series, index);
  /* "Other" and similar stand for many values: nothing to filter on. */
  if (key == NULL)
    return;
  g_signal_emit (self, signals[ITEM_ACTIVATED], 0, key,
                 dps_chart_series_get_key2 (priv->series, index));
}

int
dps_chart_get_item_at (DpsChart *self,
                       double    x,
                       double    y)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  const DpsChartRegion *region;

  g_return_val_if_fail (DPS_IS_CHART (self), -1);

  region = find_region (priv->regions, x, y);
  return region != NULL ? (int) region->index : -1;
}

gboolean
dps_chart_get_item_bounds (DpsChart        *self,
                           guint            index,
                           int              width,
                           int              height,
                           graphene_rect_t *bounds)
{
  g_autoptr(GArray) regions = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean found = FALSE;

  g_return_val_if_fail (DPS_IS_CHART (self), FALSE);
  g_return_val_if_fail (bounds != NULL, FALSE);

  regions = g_array_new (FALSE, FALSE, sizeof (DpsChartRegion));
  surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cr = cairo_create (surface);
  render_chart (self, cr, width, height, FALSE, FALSE, regions);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  for (guint i = 0; i < regions->len; i++)
    {
      const DpsChartRegion *region = &g_array_index (regions, DpsChartRegion, i);
      graphene_rect_t rect;

      if (region->index != index)
        continue;
      graphene_rect_init (&rect, region->x, region->y, region->width, region->height);
      if (found)
        graphene_rect_union (bounds, &rect, bounds);
      else
        *bounds = rect;
      found = TRUE;
    }
  return found;
}

char *
dps_chart_describe_item (DpsChart *self,
                         guint     index)
{
  g_return_val_if_fail (DPS_IS_CHART (self), NULL);
  return DPS_CHART_GET_CLASS (self)->describe_item (self, index);
}

char *
dps_chart_dup_summary (DpsChart *self)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  g_autoptr(GString) items = g_string_new (NULL);
  const char *title;
  guint n;

  g_return_val_if_fail (DPS_IS_CHART (self), NULL);

  title = priv->title != NULL ? priv->title : _("Chart");
  n = priv->series != NULL ? dps_chart_series_get_n_items (priv->series) : 0;
  if (n == 0)
    /* Translators: the accessible description of an empty chart; %s is its title. */
    return g_strdup_printf (_("%s: no data."), title);

  for (guint i = 0; i < MIN (n, SUMMARY_MAX_ITEMS); i++)
    {
      g_autofree char *item = dps_chart_describe_item (self, i);

      if (i > 0)
        /* Translators: separates the items listed in a chart's description. */
        g_string_append (items, _("; "));
      g_string_append (items, item);
    }
  if (n > SUMMARY_MAX_ITEMS)
    {
      g_autofree char *more = NULL;

      /* Translators: ends the list of a chart's items when some were left out. */
      more = g_strdup_printf (ngettext ("; and %u more", "; and %u more", n - SUMMARY_MAX_ITEMS),
                              n - SUMMARY_MAX_ITEMS);
      g_string_append (items, more);
    }

  /* Translators: the accessible description of a chart: its title, the
   * number of items, then the items with their values. */
  return g_strdup_printf (ngettext ("%s, %u item: %s.", "%s, %u items: %s.", n),
                          title, n, items->str);
}

void
dps_chart_render (DpsChart *self,
                  cairo_t  *cr,
                  int       width,
                  int       height)
{
  g_return_if_fail (DPS_IS_CHART (self));
  g_return_if_fail (cr != NULL);

  render_chart (self, cr, width, height, TRUE, FALSE, NULL);
}

/* Export. */

static cairo_status_t
write_stream_cb (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  StreamClosure *sc = closure;

  if (sc->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (sc->stream, data, length, NULL, sc->cancellable, &sc->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
check_surface (cairo_surface_t  *surface,
               StreamClosure    *sc,
               GError          **error)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (sc->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&sc->error));
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not draw the chart: %s"), cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_picture (ExportJob      *job,
               GOutputStream  *stream,
               GCancellable   *cancellable,
               GError        **error)
{
  StreamClosure sc = { stream, cancellable, NULL };
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  cairo_t *cr;
  gboolean ok;

  switch (job->format)
    {
    case DPS_CHART_EXPORT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, job->width, job->height);
      break;
    case DPS_CHART_EXPORT_SVG:
      surface = cairo_svg_surface_create_for_stream (write_stream_cb, &sc, job->width, job->height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PT);
      break;
    case DPS_CHART_EXPORT_PDF:
      surface = cairo_pdf_surface_create_for_stream (write_stream_cb, &sc, job->width, job->height);
      if (job->title != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, job->title);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Data Pipeline Streaming");
      break;
    case DPS_CHART_EXPORT_CSV:
    default:
      g_assert_not_reached ();
    }

  cr = cairo_create (surface);
  cairo_set_source_surface (cr, job->picture, 0, 0);
  cairo_paint (cr);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (job->format == DPS_CHART_EXPORT_PNG && status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, write_stream_cb, &sc);
  cairo_surface_finish (surface);

  if (status != CAIRO_STATUS_SUCCESS && sc.error == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not draw the chart: %s"), cairo_status_to_string (status));
      g_clear_error (&sc.error);
      cairo_surface_destroy (surface);
      return FALSE;
    }
  ok = check_surface (surface, &sc, error);
  g_clear_error (&sc.error);
  cairo_surface_destroy (surface);
  return ok;
}

/* A file beside the target, private to this export until renamed. */
static GFileOutputStream *
create_temporary (GFile         *target,
                  GFile        **out_file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (target);
  g_autofree char *basename = g_file_get_basename (target);

  if (parent == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                           _("Cannot write a file at the root of the file system"));
      return NULL;
    }

  for (guint attempt = 0; ; attempt++)
    {
      g_autofree char *name = g_strdup_printf (".%s.%08x.part", basename, g_random_int ());
      g_autoptr(GFile) file = g_file_get_child (parent, name);
      g_autoptr(GError) local_error = NULL;
      GFileOutputStream *stream;

      stream = g_file_create (file, G_FILE_CREATE_NONE, cancellable, &local_error);
      if (stream != NULL)
        {
          *out_file = g_steal_pointer (&file);
          return stream;
        }
      if (attempt >= 8 || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GFile) temporary = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  GError *error = NULL;
  gboolean ok;

  stream = create_temporary (job->file, &temporary, cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->format == DPS_CHART_EXPORT_CSV)
    ok = dps_chart_series_write_csv (job->series, G_OUTPUT_STREAM (stream), cancellable, &error);
  else
    ok = write_picture (job, G_OUTPUT_STREAM (stream), cancellable, &error);

  if (ok)
    ok = g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error);
  else
    g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);

  if (ok)
    ok = g_file_move (temporary, job->file, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                      cancellable, NULL, NULL, &error);
  if (!ok)
    {
      g_file_delete (temporary, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
dps_chart_export_async (DpsChart             *self,
                        DpsChartExportFormat  format,
                        GFile                *file,
                        int                   width,
                        int                   height,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  DpsChartPrivate *priv = dps_chart_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (DPS_IS_CHART (self));
  g_return_if_fail ((guint) format < G_N_ELEMENTS (export_format_names));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_chart_export_async);

  job = g_new0 (ExportJob, 1);
  job->format = format;
  job->file = g_object_ref (file);
  job->title = g_strdup (priv->title);
  job->width = width;
  job->height = height;
  g_task_set_task_data (task, job, export_job_free);

  if (format == DPS_CHART_EXPORT_CSV)
    {
      job->series = priv->series != NULL ? g_object_ref (priv->series)
                                          : dps_chart_series_new (priv->title, DPS_CHART_FORMAT_COUNT);
    }
  else
    {
      cairo_rectangle_t extents = { 0, 0, width, height };
      cairo_t *cr;

      if (width < 1 || height < 1 || width > 32767 || height > 32767)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("An image must be between 1 and 32,767 pixels wide and high"));
          return;
        }
      /* Drawing needs the widget's style and fonts: record it here, and
       * let the worker replay it into the file's surface. */
      job->picture = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &extents);
      cr = cairo_create (job->picture);
      dps_chart_render (self, cr, width, height);
      cairo_destroy (cr);
    }

  g_task_run_in_thread (task, export_in_thread);
}

gboolean
dps_chart_export_finish (DpsChart      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (DPS_IS_CHART (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
