/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "dps-bar-chart.h"
#include "dps-donut-chart.h"
#include "dps-heatmap-chart.h"
#include "dps-histogram-chart.h"
#include "dps-time-chart.h"
#include "dps-gui-test.h"

/* Reference images (compared by dps_gui_test_assert_reference ()). */
#define REFERENCE_WIDTH 360
#define REFERENCE_HEIGHT 240

typedef enum {
  KIND_BARS,
  KIND_HORIZONTAL_BARS,
  KIND_TIME,
  KIND_DONUT,
  KIND_HISTOGRAM,
  KIND_HEATMAP,
  N_KINDS
} Kind;

static const char *const kind_names[N_KINDS] = {
  "bars", "horizontal-bars", "time", "donut", "histogram", "heatmap",
};

typedef enum {
  EDGE_EMPTY,
  EDGE_SINGLE,
  EDGE_HUGE,
  EDGE_NEGATIVE,
  EDGE_LONG_LABELS,
  EDGE_MANY,
  EDGE_ZEROS,
  N_EDGES
} Edge;

static const char *const edge_names[N_EDGES] = {
  "empty", "single", "huge", "negative", "long-labels", "many", "zeros",
};

typedef DpsGuiTestPixel Pixel;

/* Helpers. */

static GtkWidget *
new_chart (Kind kind)
{
  GtkWidget *chart = NULL;
  static const double edges[] = { 20, 100, 250, 500 };

  switch (kind)
    {
    case KIND_BARS:
      chart = dps_bar_chart_new (GTK_ORIENTATION_VERTICAL);
      break;
    case KIND_HORIZONTAL_BARS:
      chart = dps_bar_chart_new (GTK_ORIENTATION_HORIZONTAL);
      break;
    case KIND_TIME:
      chart = dps_time_chart_new ();
      break;
    case KIND_DONUT:
      chart = dps_donut_chart_new ();
      break;
    case KIND_HISTOGRAM:
      chart = dps_histogram_chart_new ();
      dps_histogram_chart_set_edges ((DpsHistogramChart *) chart, edges, G_N_ELEMENTS (edges),
                                     DPS_CHART_FORMAT_AMOUNT);
      break;
    case KIND_HEATMAP:
      chart = dps_heatmap_chart_new ();
      break;
    case N_KINDS:
    default:
      g_assert_not_reached ();
    }
  return g_object_ref_sink (chart);
}

static char *
day_key (guint i)
{
  /* Days from 2026-01-05, a Monday. */
  return dps_time_key_for_instant (DPS_TIME_GRANULARITY_DAY,
                                   (G_GINT64_CONSTANT (20458) + i) * G_GINT64_CONSTANT (86400000000));
}

/* A series shaped for @kind: time keys for time charts, a grid for heatmaps. */
static void
add_item (DpsChartSeries *series,
          Kind            kind,
          guint           i,
          const char     *label,
          double          value)
{
  if (kind == KIND_TIME)
    {
      g_autofree char *key = day_key (i);
      dps_chart_series_add_full (series, key, NULL, label != NULL ? label : key, NULL,
                                 value, value / 10.0);
    }
  else if (kind == KIND_HEATMAP)
    {
      char key[16], key2[16];

      g_snprintf (key, sizeof key, "%u", i / 24);
      g_snprintf (key2, sizeof key2, "%u", i % 24);
      dps_chart_series_add_full (series, key, key2, label != NULL ? label : key, key2, value, 0.0);
    }
  else
    {
      char key[16];

      g_snprintf (key, sizeof key, "k%u", i);
      dps_chart_series_add (series, key, label != NULL ? label : key, value);
    }
}

static DpsChartSeries *
reference_series (Kind kind)
{
  DpsChartSeries *series;
  static const char *const categories[] = {
    "grocery", "restaurants", "fashion", "home", "health", "travel",
  };
  static const double amounts[] = { 1250.5, 980, 2400, 610.25, 300, 1800 };

  switch (kind)
    {
    case KIND_TIME:
      series = dps_chart_series_new ("Amount", DPS_CHART_FORMAT_AMOUNT);
      dps_chart_series_set_second (series, "Transactions", DPS_CHART_FORMAT_COUNT);
      for (guint i = 0; i < 28; i++)
        {
          g_autofree char *key = day_key (i);
          dps_chart_series_add_full (series, key, NULL, key, NULL,
                                     1000 + 400 * sin (i / 3.0) + 20 * i, 40 + 12 * cos (i / 4.0));
        }
      return series;

    case KIND_DONUT:
      series = dps_chart_series_new ("Transactions", DPS_CHART_FORMAT_COUNT);
      dps_chart_series_add (series, "APPROVED", "Approved", 750);
      dps_chart_series_add (series, "DECLINED", "Declined", 100);
      dps_chart_series_add (series, "PENDING", "Pending", 100);
      dps_chart_series_add (series, "REFUNDED", "Refunded", 50);
      return series;

    case KIND_HISTOGRAM:
      series = dps_chart_series_new ("Transactions", DPS_CHART_FORMAT_COUNT);
      dps_chart_series_add (series, "<20", "Under €20", 300);
      dps_chart_series_add (series, "20-100", "€20 to €100", 500);
      dps_chart_series_add (series, "100-250", "€100 to €250", 150);
      dps_chart_series_add (series, "250-500", "€250 to €500", 40);
      dps_chart_series_add (series, ">=500", "€500 and more", 10);
      return series;

    case KIND_HEATMAP:
      series = dps_chart_series_new ("Transactions", DPS_CHART_FORMAT_COUNT);
      for (guint i = 0; i < 7 * 24; i++)
        {
          static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
          add_item (series, kind, i, days[i / 24], (i / 24 + 1) * 10 + 60 * sin ((i % 24) / 24.0 * G_PI));
        }
      return series;

    case KIND_BARS:
    case KIND_HORIZONTAL_BARS:
    default:
      series = dps_chart_series_new ("Amount", DPS_CHART_FORMAT_AMOUNT);
      for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
        dps_chart_series_add (series, categories[i], categories[i], amounts[i]);
      return series;
    }
}

static DpsChartSeries *
edge_series (Kind kind,
             Edge edge)
{
  DpsChartSeries *series = dps_chart_series_new ("Values", DPS_CHART_FORMAT_AMOUNT);
  static const double huge[] = { 1e15, 3e17, 1e300, 5, -1e300, DBL_MAX, -DBL_MAX, 1e-300 };
  static const double negative[] = { -50, 30, -5, 0, -0.001 };
  g_autoptr(GString) long_label = g_string_new (NULL);

  if (kind == KIND_TIME)
    dps_chart_series_set_second (series, "Count", DPS_CHART_FORMAT_COUNT);

  switch (edge)
    {
    case EDGE_EMPTY:
      break;
    case EDGE_SINGLE:
      add_item (series, kind, 0, NULL, 42.0);
      break;
    case EDGE_HUGE:
      for (guint i = 0; i < G_N_ELEMENTS (huge); i++)
        add_item (series, kind, i, NULL, huge[i]);
      add_item (series, kind, G_N_ELEMENTS (huge), NULL, NAN);
      add_item (series, kind, G_N_ELEMENTS (huge) + 1, NULL, INFINITY);
      break;
    case EDGE_NEGATIVE:
      for (guint i = 0; i < G_N_ELEMENTS (negative); i++)
        add_item (series, kind, i, NULL, negative[i]);
      break;
    case EDGE_LONG_LABELS:
      for (guint i = 0; i < 40; i++)
        g_string_append (long_label, "Établissement très long ");
      g_string_append (long_label, "\nwith a line break and مرحبا");
      for (guint i = 0; i < 6; i++)
        add_item (series, kind, i, long_label->str, 10.0 * (i + 1));
      break;
    case EDGE_MANY:
      for (guint i = 0; i < 1000; i++)
        add_item (series, kind, i, NULL, (i * 7919) % 1000);
      break;
    case EDGE_ZEROS:
      for (guint i = 0; i < 5; i++)
        add_item (series, kind, i, NULL, 0.0);
      break;
    case N_EDGES:
    default:
      g_assert_not_reached ();
    }
  return series;
}

static cairo_surface_t *
render (GtkWidget *chart,
        int        width,
        int        height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  dps_chart_render (DPS_CHART (chart), cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

static Pixel
parse_pixel (const char *spec)
{
  GdkRGBA rgba;
  Pixel p;

  g_assert_true (gdk_rgba_parse (&rgba, spec));
  p.r = (guint8) lround (rgba.red * 255);
  p.g = (guint8) lround (rgba.green * 255);
  p.b = (guint8) lround (rgba.blue * 255);
  p.a = 255;
  return p;
}

static double
luminance (Pixel p)
{
  return (0.2126 * p.r + 0.7152 * p.g + 0.0722 * p.b) / 255.0;
}

static void
item_center (GtkWidget *chart,
             guint      index,
             int        width,
             int        height,
             graphene_rect_t *bounds)
{
  g_assert_true (dps_chart_get_item_bounds (DPS_CHART (chart), index, width, height, bounds));
}

/* Bar pixels in a column, from the baseline up, in the colour found just
 * above the baseline. */
static int
bar_height (cairo_surface_t       *surface,
            const graphene_rect_t *column)
{
  int x = (int) (column->origin.x + column->size.width / 2);
  int y = (int) (column->origin.y + column->size.height) - 2;
  Pixel color = dps_gui_test_pixel_at (surface, x, y);
  int height = 0;

  while (y >= 0 && dps_gui_test_pixel_distance (dps_gui_test_pixel_at (surface, x, y), color) <= 24)
    {
      height++;
      y--;
    }
  return height + 1;
}

/* Tests. */

static void
test_bar_heights (void)
{
  g_autoptr(GtkWidget) chart = new_chart (KIND_BARS);
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Amount", DPS_CHART_FORMAT_AMOUNT);
  static const double values[] = { 10, 20, 40, 80 };
  cairo_surface_t *surface;
  int heights[G_N_ELEMENTS (values)];
  Pixel accent = parse_pixel ("#3584e4");

  dps_gui_test_set_dark (FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    add_item (series, KIND_BARS, i, NULL, values[i]);
  dps_chart_set_series (DPS_CHART (chart), series);
  surface = render (chart, 400, 300);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      graphene_rect_t column;

      item_center (chart, i, 400, 300, &column);
      heights[i] = bar_height (surface, &column);
      /* Bars are drawn in the accent colour. */
      g_assert_cmpint (dps_gui_test_pixel_distance (dps_gui_test_pixel_at (surface, (int) (column.origin.x + column.size.width / 2),
                                           (int) (column.origin.y + column.size.height) - 2),
                                 accent), <=, 8);
    }
  g_assert_cmpint (heights[3], >, 150);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      double expected = heights[3] * values[i] / values[3];
      g_assert_cmpfloat (fabs (heights[i] - expected), <=, 2.5);
    }
  cairo_surface_destroy (surface);
}

static void
test_bar_lengths_horizontal (void)
{
  g_autoptr(GtkWidget) chart = new_chart (KIND_HORIZONTAL_BARS);
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Count", DPS_CHART_FORMAT_COUNT);
  static const double values[] = { 300, 150, 75, 600 };
  Pixel accent = parse_pixel ("#3584e4");
  cairo_surface_t *surface;
  int lengths[G_N_ELEMENTS (values)];

  dps_gui_test_set_dark (FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    add_item (series, KIND_HORIZONTAL_BARS, i, NULL, values[i]);
  dps_chart_set_series (DPS_CHART (chart), series);
  surface = render (chart, 500, 300);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      graphene_rect_t row;
      int y, count = 0;

      item_center (chart, i, 500, 300, &row);
      y = (int) (row.origin.y + row.size.height / 2);
      for (int x = 0; x < 500; x++)
        if (dps_gui_test_pixel_distance (dps_gui_test_pixel_at (surface, x, y), accent) <= 24)
          count++;
      lengths[i] = count;
    }
  g_assert_cmpint (lengths[3], >, 200);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_cmpfloat (fabs (lengths[i] - lengths[3] * values[i] / values[3]), <=, 2.5);
  cairo_surface_destroy (surface);
}

static void
test_histogram_heights (void)
{
  g_autoptr(GtkWidget) chart = new_chart (KIND_HISTOGRAM);
  g_autoptr(DpsChartSeries) series = reference_series (KIND_HISTOGRAM);
  cairo_surface_t *surface;
  int tallest = 0;
  double top_value = 0;
  int heights[5];

  dps_gui_test_set_dark (FALSE);
  dps_chart_set_series (DPS_CHART (chart), series);
  surface = render (chart, 400, 300);
  for (guint i = 0; i < 5; i++)
    {
      graphene_rect_t column;

      item_center (chart, i, 400, 300, &column);
      heights[i] = bar_height (surface, &column);
      if (heights[i] > tallest)
        {
          tallest = heights[i];
          top_value = dps_chart_series_get_value (series, i);
        }
    }
  g_assert_cmpfloat (top_value, ==, 500);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpfloat (fabs (heights[i] - tallest * dps_chart_series_get_value (series, i) / top_value),
                       <=, 2.5);
  cairo_surface_destroy (surface);
}

static void
test_highlight (void)
{
  for (Kind kind = 0; kind < N_KINDS; kind++)
    {
      g_autoptr(GtkWidget) chart = new_chart (kind);
      g_autoptr(DpsChartSeries) series = reference_series (kind);
      cairo_surface_t *plain, *highlighted;
      graphene_rect_t bounds;
      guint index = kind == KIND_HEATMAP ? 30 : 2;
      int x, y, differing = 0;

      dps_gui_test_set_dark (FALSE);
      dps_chart_set_series (DPS_CHART (chart), series);
      plain = render (chart, 400, 300);
      dps_chart_set_highlight (DPS_CHART (chart), (int) index);
      g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (chart)), ==, index);
      highlighted = render (chart, 400, 300);

      /* The highlighted item's area looks different; the rest of the
       * first item's does not (except the donut's centre and legend). */
      item_center (chart, index, 400, 300, &bounds);
      for (y = (int) bounds.origin.y; y < (int) (bounds.origin.y + bounds.size.height); y++)
        for (x = (int) bounds.origin.x; x < (int) (bounds.origin.x + bounds.size.width); x++)
          if (x >= 0 && y >= 0 && x < 400 && y < 300 &&
              dps_gui_test_pixel_distance (dps_gui_test_pixel_at (plain, x, y), dps_gui_test_pixel_at (highlighted, x, y)) > 16)
            differing++;
      g_test_message ("%s: %d pixels differ", kind_names[kind], differing);
      g_assert_cmpint (differing, >, 10);

      dps_chart_set_highlight (DPS_CHART (chart), 100000);
      g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (chart)), ==, -1);

      cairo_surface_destroy (plain);
      cairo_surface_destroy (highlighted);
    }
}

static void
test_dark_background (void)
{
  for (Kind kind = 0; kind < N_KINDS; kind++)
    {
      g_autoptr(GtkWidget) chart = new_chart (kind);
      g_autoptr(DpsChartSeries) series = reference_series (kind);
      cairo_surface_t *light, *dark;

      dps_chart_set_series (DPS_CHART (chart), series);
      dps_gui_test_set_dark (FALSE);
      light = render (chart, 300, 200);
      dps_gui_test_set_dark (TRUE);
      dark = render (chart, 300, 200);
      dps_gui_test_set_dark (FALSE);

      g_assert_cmpfloat (luminance (dps_gui_test_pixel_at (light, 1, 1)), >, 0.85);
      g_assert_cmpfloat (luminance (dps_gui_test_pixel_at (dark, 1, 1)), <, 0.3);
      g_assert_cmpint (dps_gui_test_pixel_at (dark, 1, 1).a, ==, 255);
      cairo_surface_destroy (light);
      cairo_surface_destroy (dark);
    }
}

static void
test_donut_slices (void)
{
  g_autoptr(GtkWidget) chart = new_chart (KIND_DONUT);
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Count", DPS_CHART_FORMAT_COUNT);
  /* Clockwise from the top: a quarter, a quarter, a half. */
  static const double values[] = { 1, 1, 2 };
  static const double mid_angles[] = { -G_PI / 4, G_PI / 4, G_PI };
  static const char *const colors[] = { "#3584e4", "#ff7800", "#2ec27e" };
  graphene_rect_t bounds;
  cairo_surface_t *surface;
  double cx, cy, outer, radius;

  dps_gui_test_set_dark (FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    add_item (series, KIND_DONUT, i, NULL, values[i]);
  dps_chart_set_series (DPS_CHART (chart), series);
  surface = render (chart, 400, 300);

  /* The union of a slice's hit areas includes its legend row: the ring's
   * box is the sector's, found from the half slice. */
  item_center (chart, 2, 400, 300, &bounds);
  cx = bounds.origin.x + bounds.size.height / 2;
  cy = bounds.origin.y + bounds.size.height / 2;
  outer = bounds.size.height / 2 - 5;
  radius = outer * (1 + 0.62) / 2;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      Pixel p = dps_gui_test_pixel_at (surface, (int) (cx + radius * cos (mid_angles[i])),
                          (int) (cy + radius * sin (mid_angles[i])));
      g_assert_cmpint (dps_gui_test_pixel_distance (p, parse_pixel (colors[i])), <=, 8);
    }
  cairo_surface_destroy (surface);
}

static void
test_heatmap_scale (void)
{
  g_autoptr(GtkWidget) chart = new_chart (KIND_HEATMAP);
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Count", DPS_CHART_FORMAT_COUNT);
  graphene_rect_t low_cell, high_cell;
  cairo_surface_t *surface;
  Pixel low, high;

  for (guint i = 0; i < 2 * 24; i++)
    add_item (series, KIND_HEATMAP, i, NULL, i == 5 ? 100 : i == 40 ? 0 : 50);
  dps_chart_set_series (DPS_CHART (chart), series);

  dps_gui_test_set_dark (FALSE);
  surface = render (chart, 480, 200);
  item_center (chart, 5, 480, 200, &high_cell);
  item_center (chart, 40, 480, 200, &low_cell);
  high = dps_gui_test_pixel_at (surface, (int) (high_cell.origin.x + high_cell.size.width / 2),
                   (int) (high_cell.origin.y + high_cell.size.height / 2));
  low = dps_gui_test_pixel_at (surface, (int) (low_cell.origin.x + low_cell.size.width / 2),
                  (int) (low_cell.origin.y + low_cell.size.height / 2));
  /* Light style: more is darker. */
  g_assert_cmpfloat (luminance (high), <, luminance (low) - 0.3);
  cairo_surface_destroy (surface);

  dps_gui_test_set_dark (TRUE);
  surface = render (chart, 480, 200);
  high = dps_gui_test_pixel_at (surface, (int) (high_cell.origin.x + high_cell.size.width / 2),
                   (int) (high_cell.origin.y + high_cell.size.height / 2));
  low = dps_gui_test_pixel_at (surface, (int) (low_cell.origin.x + low_cell.size.width / 2),
                  (int) (low_cell.origin.y + low_cell.size.height / 2));
  /* Dark style: more is lighter. */
  g_assert_cmpfloat (luminance (high), >, luminance (low) + 0.3);
  cairo_surface_destroy (surface);
  dps_gui_test_set_dark (FALSE);
}

static int
first_ink (cairo_surface_t *surface,
           int              x,
           int              from_y,
           int              to_y)
{
  Pixel background = dps_gui_test_pixel_at (surface, 0, 0);

  for (int y = from_y; y < to_y; y++)
    if (dps_gui_test_pixel_distance (dps_gui_test_pixel_at (surface, x, y), background) > 40)
      return y;
  return to_y;
}

static void
test_time_series_shape (void)
{
  g_autoptr(GtkWidget) chart = new_chart (KIND_TIME);
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Amount", DPS_CHART_FORMAT_AMOUNT);
  graphene_rect_t first, middle, last;
  cairo_surface_t *surface;
  int y_first, y_middle, y_last;

  /* Rising: 0, 50, 100. */
  for (guint i = 0; i < 21; i++)
    add_item (series, KIND_TIME, i, NULL, i * 5.0);
  dps_chart_set_series (DPS_CHART (chart), series);
  dps_gui_test_set_dark (FALSE);
  surface = render (chart, 400, 300);
  item_center (chart, 0, 400, 300, &first);
  item_center (chart, 10, 400, 300, &middle);
  item_center (chart, 20, 400, 300, &last);

  /* The area's top edge, in the middle of each point's slot (past the
   * grid lines at the top). */
  y_first = first_ink (surface, (int) (first.origin.x + first.size.width / 2),
                       (int) first.origin.y + 2, (int) (first.origin.y + first.size.height));
  y_middle = first_ink (surface, (int) (middle.origin.x + middle.size.width / 2),
                        (int) middle.origin.y + 2, (int) (middle.origin.y + middle.size.height));
  y_last = first_ink (surface, (int) (last.origin.x + last.size.width / 2),
                      (int) last.origin.y + 2, (int) (last.origin.y + last.size.height));
  g_assert_cmpint (y_last, <, y_middle);
  g_assert_cmpint (y_middle, <, y_first);
  /* Linear: the middle point half-way up. */
  g_assert_cmpint (ABS ((y_first - y_middle) - (y_middle - y_last)), <=, 3);
  cairo_surface_destroy (surface);
}

static void
record_activation_cb (DpsChart   *chart,
                      const char *key,
                      const char *key2,
                      GPtrArray  *log)
{
  g_ptr_array_add (log, g_strdup_printf ("%s/%s", key, key2 != NULL ? key2 : "-"));
}

static void
test_keyboard (void)
{
  g_autoptr(GtkWidget) bars = new_chart (KIND_BARS);
  g_autoptr(GtkWidget) heatmap = new_chart (KIND_HEATMAP);
  g_autoptr(GtkWidget) donut = new_chart (KIND_DONUT);
  g_autoptr(DpsChartSeries) series = reference_series (KIND_BARS);
  g_autoptr(DpsChartSeries) grid = reference_series (KIND_HEATMAP);
  g_autoptr(DpsChartSeries) shares = dps_chart_series_new ("Count", DPS_CHART_FORMAT_COUNT);
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);

  dps_chart_set_series (DPS_CHART (bars), series);
  g_signal_connect (bars, "item-activated", G_CALLBACK (record_activation_cb), log);

  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, -1);
  g_assert_true (gtk_widget_activate_action (bars, "chart.move", "i", GTK_DIR_RIGHT));
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, 0);
  gtk_widget_activate_action (bars, "chart.move", "i", GTK_DIR_RIGHT);
  gtk_widget_activate_action (bars, "chart.move", "i", GTK_DIR_DOWN);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, 2);
  gtk_widget_activate_action (bars, "chart.move", "i", GTK_DIR_LEFT);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, 1);
  gtk_widget_activate_action (bars, "chart.activate-item", NULL);
  gtk_widget_activate_action (bars, "chart.last-item", NULL);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, 5);
  gtk_widget_activate_action (bars, "chart.move", "i", GTK_DIR_RIGHT);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, 5);
  gtk_widget_activate_action (bars, "chart.activate-item", NULL);
  gtk_widget_activate_action (bars, "chart.first-item", NULL);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, 0);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "restaurants/-");
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "travel/-");

  /* Without items, there is nothing to move to. */
  dps_chart_set_series (DPS_CHART (bars), NULL);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, -1);
  gtk_widget_activate_action (bars, "chart.activate-item", NULL);
  gtk_widget_activate_action (bars, "chart.move", "i", GTK_DIR_RIGHT);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (bars)), ==, -1);
  g_assert_cmpuint (log->len, ==, 2);

  /* A heatmap moves by rows and columns, and hands back both keys. */
  dps_chart_set_series (DPS_CHART (heatmap), grid);
  g_signal_connect (heatmap, "item-activated", G_CALLBACK (record_activation_cb), log);
  gtk_widget_activate_action (heatmap, "chart.move", "i", GTK_DIR_RIGHT);
  gtk_widget_activate_action (heatmap, "chart.move", "i", GTK_DIR_RIGHT);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (heatmap)), ==, 1);
  gtk_widget_activate_action (heatmap, "chart.move", "i", GTK_DIR_DOWN);
  gtk_widget_activate_action (heatmap, "chart.move", "i", GTK_DIR_DOWN);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (heatmap)), ==, 2 * 24 + 1);
  gtk_widget_activate_action (heatmap, "chart.move", "i", GTK_DIR_UP);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (heatmap)), ==, 24 + 1);
  gtk_widget_activate_action (heatmap, "chart.activate-item", NULL);
  g_assert_cmpstr (g_ptr_array_index (log, 2), ==, "1/1");

  /* A donut skips the slices it does not draw. */
  dps_chart_series_add (shares, "a", "A", 10);
  dps_chart_series_add (shares, "b", "B", 0);
  dps_chart_series_add (shares, "c", "C", 5);
  dps_chart_set_series (DPS_CHART (donut), shares);
  gtk_widget_activate_action (donut, "chart.move", "i", GTK_DIR_RIGHT);
  gtk_widget_activate_action (donut, "chart.move", "i", GTK_DIR_RIGHT);
  g_assert_cmpint (dps_chart_get_highlight (DPS_CHART (donut)), ==, 2);
}

static void
test_activation_needs_key (void)
{
  g_autoptr(GtkWidget) chart = new_chart (KIND_BARS);
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Count", DPS_CHART_FORMAT_COUNT);
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);

  dps_chart_series_add (series, "paris", "Paris", 10);
  dps_chart_series_add (series, NULL, "Other", 5);
  dps_chart_set_series (DPS_CHART (chart), series);
  g_signal_connect (chart, "item-activated", G_CALLBACK (record_activation_cb), log);
  dps_chart_activate_item (DPS_CHART (chart), 1);
  dps_chart_activate_item (DPS_CHART (chart), 7);
  g_assert_cmpuint (log->len, ==, 0);
  dps_chart_activate_item (DPS_CHART (chart), 0);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "paris/-");
}

static void
test_summary (void)
{
  g_autoptr(GtkWidget) chart = new_chart (KIND_BARS);
  g_autoptr(GtkWidget) donut = new_chart (KIND_DONUT);
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Amount", DPS_CHART_FORMAT_AMOUNT);
  g_autoptr(DpsChartSeries) many = dps_chart_series_new ("Count", DPS_CHART_FORMAT_COUNT);
  g_autoptr(DpsChartSeries) shares = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *long_summary = NULL;
  g_autofree char *slice = NULL;

  dps_chart_set_title (DPS_CHART (chart), "Amount by category");
  empty = dps_chart_dup_summary (DPS_CHART (chart));
  g_assert_cmpstr (empty, ==, "Amount by category: no data.");

  dps_chart_series_add (series, "grocery", "grocery", 1234.5);
  dps_chart_series_add (series, "travel", "travel", -20);
  dps_chart_set_series (DPS_CHART (chart), series);
  summary = dps_chart_dup_summary (DPS_CHART (chart));
  g_assert_cmpstr (summary, ==, "Amount by category, 2 items: grocery: €1,234.50; travel: -€20.00.");

  for (guint i = 0; i < 20; i++)
    add_item (many, KIND_BARS, i, NULL, i);
  dps_chart_set_series (DPS_CHART (chart), many);
  long_summary = dps_chart_dup_summary (DPS_CHART (chart));
  g_assert_true (g_str_has_prefix (long_summary, "Amount by category, 20 items: k0: 0; k1: 1;"));
  g_assert_true (g_str_has_suffix (long_summary, "k11: 11; and 8 more."));

  shares = reference_series (KIND_DONUT);
  dps_chart_set_series (DPS_CHART (donut), shares);
  slice = dps_chart_describe_item (DPS_CHART (donut), 0);
  g_assert_cmpstr (slice, ==, "Approved: 750 (75.0%)");
}

static void
test_format (void)
{
  g_autofree char *amount = dps_chart_format_value (DPS_CHART_FORMAT_AMOUNT, 1234.5);
  g_autofree char *negative = dps_chart_format_value (DPS_CHART_FORMAT_AMOUNT, -12);
  g_autofree char *count = dps_chart_format_value (DPS_CHART_FORMAT_COUNT, 1234567);
  g_autofree char *percent = dps_chart_format_value (DPS_CHART_FORMAT_PERCENT, 0.1234);
  g_autofree char *nan = dps_chart_format_value (DPS_CHART_FORMAT_COUNT, NAN);
  g_autofree char *millions = dps_chart_format_compact (DPS_CHART_FORMAT_COUNT, 1500000);
  g_autofree char *thousands = dps_chart_format_compact (DPS_CHART_FORMAT_AMOUNT, 35000);
  g_autofree char *small = dps_chart_format_compact (DPS_CHART_FORMAT_AMOUNT, 950);
  g_autofree char *zero = dps_chart_format_compact (DPS_CHART_FORMAT_AMOUNT, 0);
  g_autofree char *huge = dps_chart_format_compact (DPS_CHART_FORMAT_COUNT, 3e17);

  g_assert_cmpstr (amount, ==, "€1,234.50");
  g_assert_cmpstr (negative, ==, "-€12.00");
  g_assert_cmpstr (count, ==, "1,234,567");
  g_assert_cmpstr (percent, ==, "12.3%");
  g_assert_cmpstr (nan, ==, "0");
  g_assert_cmpstr (millions, ==, "1.5M");
  g_assert_cmpstr (thousands, ==, "€35k");
  g_assert_cmpstr (small, ==, "€950");
  g_assert_cmpstr (zero, ==, "€0");
  g_assert_cmpstr (huge, ==, "3e+17");

  /* In en_US.UTF-8, as gtk_test_init () sets it; the other locales'
   * digits, units and symbol positions: test-format. */
}

static void
test_reference (gconstpointer data)
{
  Kind kind = GPOINTER_TO_UINT (data) & 0xff;
  gboolean dark = (GPOINTER_TO_UINT (data) & 0x100) != 0;
  g_autoptr(GtkWidget) chart = new_chart (kind);
  g_autoptr(DpsChartSeries) series = reference_series (kind);
  g_autofree char *name = g_strdup_printf ("%s%s", kind_names[kind], dark ? "-dark" : "");
  cairo_surface_t *surface;

  dps_chart_set_series (DPS_CHART (chart), series);
  dps_chart_set_highlight (DPS_CHART (chart), kind == KIND_HEATMAP ? 30 : 1);
  dps_gui_test_set_dark (dark);
  surface = render (chart, REFERENCE_WIDTH, REFERENCE_HEIGHT);
  dps_gui_test_set_dark (FALSE);
  dps_gui_test_assert_reference (surface, name);
  cairo_surface_destroy (surface);
}

/* Edge cases draw without a warning (G_DEBUG=fatal-warnings), without
 * cairo errors (NaN coordinates), at any size. */
static void
test_edge (gconstpointer data)
{
  Kind kind = GPOINTER_TO_UINT (data) & 0xff;
  Edge edge = GPOINTER_TO_UINT (data) >> 8;
  g_autoptr(GtkWidget) chart = new_chart (kind);
  g_autoptr(DpsChartSeries) series = edge_series (kind, edge);
  static const int sizes[][2] = {
    { 360, 240 }, { 1600, 900 }, { 120, 80 }, { 40, 30 }, { 16, 16 }, { 1, 1 }, { 2000, 60 }, { 60, 900 },
  };
  guint n = dps_chart_series_get_n_items (series);

  dps_chart_set_series (DPS_CHART (chart), series);
  for (guint dark = 0; dark < 2; dark++)
    {
      dps_gui_test_set_dark (dark);
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        for (int highlight = -1; highlight < (n > 0 ? 2 : 0); highlight++)
          {
            cairo_surface_t *surface;

            dps_chart_set_highlight (DPS_CHART (chart), highlight == 1 ? (int) n - 1 : highlight);
            surface = render (chart, sizes[s][0], sizes[s][1]);
            cairo_surface_destroy (surface);
          }
    }
  dps_gui_test_set_dark (FALSE);

  /* Non-finite values are stored as zero. */
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (isfinite (dps_chart_series_get_value (series, i)));
      g_assert_true (isfinite (dps_chart_series_get_value2 (series, i)));
    }
  for (guint i = 0; i < MIN (n, 3u); i++)
    {
      g_autofree char *description = dps_chart_describe_item (DPS_CHART (chart), i);
      g_assert_nonnull (description);
    }
  {
    g_autofree char *summary = dps_chart_dup_summary (DPS_CHART (chart));
    g_assert_nonnull (summary);
  }
}

static void
test_time_keys (void)
{
  gint64 from, to;
  g_autofree char *hour = dps_time_key_for_instant (DPS_TIME_GRANULARITY_HOUR,
                                                    G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC);
  g_autofree char *week = dps_time_key_for_instant (DPS_TIME_GRANULARITY_WEEK,
                                                    G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC);
  g_autofree char *month = dps_time_key_for_instant (DPS_TIME_GRANULARITY_MONTH,
                                                     G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC);

  /* 2026-11-20T13:45:12Z, a Friday. */
  g_assert_cmpstr (hour, ==, "2026-11-20T13");
  g_assert_cmpstr (week, ==, "2026-11-16");
  g_assert_cmpstr (month, ==, "2026-11");

  g_assert_true (dps_time_key_to_range (DPS_TIME_GRANULARITY_HOUR, hour, &from, &to));
  g_assert_cmpint (to - from, ==, G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC);
  g_assert_cmpint (from, ==, G_GINT64_CONSTANT (1795179600) * G_USEC_PER_SEC);
  g_assert_true (dps_time_key_to_range (DPS_TIME_GRANULARITY_WEEK, week, &from, &to));
  g_assert_cmpint (to - from, ==, 7 * G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC);
  g_assert_true (dps_time_key_to_range (DPS_TIME_GRANULARITY_MONTH, month, &from, &to));
  g_assert_cmpint (to - from, ==, 30 * G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC);
  g_assert_false (dps_time_key_to_range (DPS_TIME_GRANULARITY_DAY, "2026-13-01", &from, &to));
  g_assert_false (dps_time_key_to_range (DPS_TIME_GRANULARITY_DAY, "yesterday", &from, &to));
  g_assert_false (dps_time_key_to_range (DPS_TIME_GRANULARITY_DAY, NULL, &from, &to));
}

int
main (int    argc,
      char **argv)
{
  dps_gui_test_init (&argc, &argv);
  dps_gui_test_set_dark (FALSE);

  g_test_add_func ("/dps/chart/format", test_format);
  g_test_add_func ("/dps/chart/time-keys", test_time_keys);
  g_test_add_func ("/dps/chart/bars/heights", test_bar_heights);
  g_test_add_func ("/dps/chart/horizontal-bars/lengths", test_bar_lengths_horizontal);
  g_test_add_func ("/dps/chart/histogram/heights", test_histogram_heights);
  g_test_add_func ("/dps/chart/donut/slices", test_donut_slices);
  g_test_add_func ("/dps/chart/heatmap/scale", test_heatmap_scale);
  g_test_add_func ("/dps/chart/time/shape", test_time_series_shape);
  g_test_add_func ("/dps/chart/highlight", test_highlight);
  g_test_add_func ("/dps/chart/dark-background", test_dark_background);
  g_test_add_func ("/dps/chart/keyboard", test_keyboard);
  g_test_add_func ("/dps/chart/activation-needs-key", test_activation_needs_key);
  g_test_add_func ("/dps/chart/summary", test_summary);

  for (Kind kind = 0; kind < N_KINDS; kind++)
    {
      g_autofree char *light = g_strdup_printf ("/dps/chart/reference/%s", kind_names[kind]);
      g_autofree char *dark = g_strdup_printf ("/dps/chart/reference/%s-dark", kind_names[kind]);

      g_test_add_data_func (light, GUINT_TO_POINTER (kind), test_reference);
      g_test_add_data_func (dark, GUINT_TO_POINTER (kind | 0x100), test_reference);
      for (Edge edge = 0; edge < N_EDGES; edge++)
        {
          g_autofree char *path = g_strdup_printf ("/dps/chart/edge/%s/%s", kind_names[kind], edge_names[edge]);
          g_test_add_data_func (path, GUINT_TO_POINTER (kind | (edge << 8)), test_edge);
        }
    }

  return g_test_run ();
}
