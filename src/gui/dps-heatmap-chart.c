/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <math.h>

#include "dps-chart-private.h"
#include "dps-heatmap-chart.h"

/* The layout of the cells, worked out once per series. */
typedef struct {
  DpsChartSeries *series;       /* owned, to know when to rebuild */
  guint           n_rows;
  guint           n_cols;
  GArray         *row_items;    /* guint: an item of each row, for its label */
  GArray         *col_items;    /* guint: an item of each column */
  GArray         *item_row;     /* guint per item */
  GArray         *item_col;
  GArray         *cells;        /* int per cell (row-major): item index or -1 */
} Grid;

G_DECLARE_FINAL_TYPE (DpsHeatmapChart, dps_heatmap_chart, DPS, HEATMAP_CHART, DpsChart)

struct _DpsHeatmapChart
{
  DpsChart parent_instance;

  Grid     grid;
};

G_DEFINE_FINAL_TYPE (DpsHeatmapChart, dps_heatmap_chart, DPS_TYPE_CHART)

static const guint label_steps[] = { 1, 2, 3, 4, 6, 8, 12, 24 };

static void
grid_clear (Grid *grid)
{
  g_clear_object (&grid->series);
  g_clear_pointer (&grid->row_items, g_array_unref);
  g_clear_pointer (&grid->col_items, g_array_unref);
  g_clear_pointer (&grid->item_row, g_array_unref);
  g_clear_pointer (&grid->item_col, g_array_unref);
  g_clear_pointer (&grid->cells, g_array_unref);
  grid->n_rows = grid->n_cols = 0;
}

static guint
intern_key (GHashTable *table,
            GArray     *firsts,
            const char *key,
            guint       item)
{
  gpointer position;

  if (g_hash_table_lookup_extended (table, key != NULL ? key : "", NULL, &position))
    return GPOINTER_TO_UINT (position);
  g_hash_table_insert (table, (gpointer) (key != NULL ? key : ""), GUINT_TO_POINTER (firsts->len));
  g_array_append_val (firsts, item);
  return firsts->len - 1;
}

static Grid *
get_grid (DpsHeatmapChart *self,
          DpsChartSeries  *series)
{
  Grid *grid = &self->grid;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GHashTable) cols = NULL;
  guint n;

  if (grid->series == series)
    return grid;

  grid_clear (grid);
  if (series == NULL)
    return grid;

  grid->series = g_object_ref (series);
  n = dps_chart_series_get_n_items (series);
  rows = g_hash_table_new (g_str_hash, g_str_equal);
  cols = g_hash_table_new (g_str_hash, g_str_equal);
  grid->row_items = g_array_new (FALSE, FALSE, sizeof (guint));
  grid->col_items = g_array_new (FALSE, FALSE, sizeof (guint));
  grid->item_row = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  grid->item_col = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);

  for (guint i = 0; i < n; i++)
    {
      guint row = intern_key (rows, grid->row_items, dps_chart_series_get_key (series, i), i);
      guint col = intern_key (cols, grid->col_items, dps_chart_series_get_key2 (series, i), i);

      g_array_append_val (grid->item_row, row);
      g_array_append_val (grid->item_col, col);
    }
  grid->n_rows = grid->row_items->len;
  grid->n_cols = grid->col_items->len;

  grid->cells = g_array_sized_new (FALSE, FALSE, sizeof (int), grid->n_rows * grid->n_cols);
  g_array_set_size (grid->cells, grid->n_rows * grid->n_cols);
  for (guint c = 0; c < grid->cells->len; c++)
    g_array_index (grid->cells, int, c) = -1;
  for (guint i = 0; i < n; i++)
    {
      guint row = g_array_index (grid->item_row, guint, i);
      guint col = g_array_index (grid->item_col, guint, i);

      g_array_index (grid->cells, int, row * grid->n_cols + col) = (int) i;
    }
  return grid;
}

static guint
step_for (double needed)
{
  guint step;

  for (guint i = 0; i < G_N_ELEMENTS (label_steps); i++)
    if (label_steps[i] >= needed)
      return label_steps[i];
  step = label_steps[G_N_ELEMENTS (label_steps) - 1];
  while (step < needed && step < G_MAXUINT / 2)
    step *= 2;
  return step;
}

static void
cell_color (DpsChartRenderer *r,
            double            t,
            GdkRGBA          *out)
{
  GdkRGBA low;

  dps_chart_rgba_mix (&r->background, &r->accent, r->dark ? 0.12 : 0.08, &low);
  dps_chart_rgba_mix (&low, &r->accent_strong, t, out);
}

static void
dps_heatmap_chart_draw (DpsChart         *chart,
                        DpsChartRenderer *r)
{
  DpsHeatmapChart *self = DPS_HEATMAP_CHART (chart);
  DpsChartSeries *series = r->series;
  DpsChartFormat format = dps_chart_series_get_format (series);
  Grid *grid = get_grid (self, series);
  double small = dps_chart_renderer_line_height (r, DPS_CHART_FONT_SMALL);
  double vmin, vmax, lo, hi, widest_row = 0.0, widest_col = 0.0, label_w, legend_h;
  double plot_x, plot_y, plot_w, plot_h, cell_w, cell_h, gap;
  gboolean show_cols = TRUE;
  guint row_every, col_every;

  dps_chart_series_get_range (series, FALSE, &vmin, &vmax);
  lo = MIN (vmin, 0.0);
  hi = vmax;
  if (!(hi > lo))
    hi = lo + 1.0;

  for (guint row = 0; row < grid->n_rows; row++)
    widest_row = MAX (widest_row,
                      dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL,
                                                     dps_chart_series_get_label (series,
                                                       g_array_index (grid->row_items, guint, row))));
  for (guint col = 0; col < grid->n_cols; col++)
    {
      const char *label = dps_chart_series_get_label2 (series, g_array_index (grid->col_items, guint, col));
      widest_col = MAX (widest_col, dps_chart_renderer_text_width (r, DPS_CHART_FONT_SMALL, label));
    }

  /* The colour scale, top right: low value, gradient, high value. */
  legend_h = 0.0;
  if (r->height > 6 * small)
    {
      g_autofree char *lo_text = dps_chart_format_compact (format, lo);
      g_autofree char *hi_text = dps_chart_format_compact (format, vmax);
      g_autoptr(PangoLayout) lo_layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, lo_text, 0);
      g_autoptr(PangoLayout) hi_layout = dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, hi_text, 0);
      double lo_w, hi_w, ramp_w = MIN (96.0, r->width * 0.25);
      double right = r->width - DPS_CHART_PADDING;
      double y = DPS_CHART_PADDING + small / 2.0;
      cairo_pattern_t *ramp;
      GdkRGBA low, high;

      dps_chart_layout_get_size (lo_layout, &lo_w, NULL);
      dps_chart_layout_get_size (hi_layout, &hi_w, NULL);
      if (lo_w + hi_w + ramp_w + 12.0 < r->width - 2 * DPS_CHART_PADDING)
        {
          cell_color (r, 0.0, &low);
          cell_color (r, 1.0, &high);
          ramp = cairo_pattern_create_linear (right - hi_w - 6.0 - ramp_w, 0, right - hi_w - 6.0, 0);
          cairo_pattern_add_color_stop_rgba (ramp, 0, low.red, low.green, low.blue, low.alpha);
          cairo_pattern_add_color_stop_rgba (ramp, 1, high.red, high.green, high.blue, high.alpha);
          cairo_set_source (r->cr, ramp);
          dps_chart_rounded_rect (r->cr, right - hi_w - 6.0 - ramp_w, y - small * 0.3,
                                  ramp_w, small * 0.6, 2.0);
          cairo_fill (r->cr);
          cairo_pattern_destroy (ramp);
          dps_chart_renderer_show (r, hi_layout, right, y, 1.0, 0.5, &r->dim);
          dps_chart_renderer_show (r, lo_layout, right - hi_w - 12.0 - ramp_w, y, 1.0, 0.5, &r->dim);
          legend_h = small + 6.0;
        }
    }

  label_w = MIN (widest_row, r->width * 0.25);
  plot_x = DPS_CHART_PADDING + label_w + 6.0;
  plot_y = DPS_CHART_PADDING + legend_h;
  plot_w = r->width - plot_x - DPS_CHART_PADDING;
  plot_h = r->height - plot_y - DPS_CHART_PADDING - small - 4.0;
  if (plot_h < 3.0 * grid->n_rows)
    {
      show_cols = FALSE;
      plot_h = r->height - plot_y - DPS_CHART_PADDING;
    }
  if (plot_w < 2.0 || plot_h < 2.0 || grid->n_rows == 0 || grid->n_cols == 0)
    return;

  cell_w = plot_w / grid->n_cols;
  cell_h = plot_h / grid->n_rows;
  gap = cell_w >= 8.0 && cell_h >= 8.0 ? 2.0 : 0.0;

  for (guint c = 0; c < grid->cells->len; c++)
    {
      int index = g_array_index (grid->cells, int, c);
      double x = plot_x + (c % grid->n_cols) * cell_w;
      double y = plot_y + (c / grid->n_cols) * cell_h;
      GdkRGBA color;

      if (index < 0)
        continue;
      cell_color (r, (dps_chart_series_get_value (series, index) - lo) / (hi - lo), &color);
      gdk_cairo_set_source_rgba (r->cr, &color);
      dps_chart_rounded_rect (r->cr, x + gap / 2.0, y + gap / 2.0,
                              MAX (cell_w - gap, 0.5), MAX (cell_h - gap, 0.5), gap > 0.0 ? 2.0 : 0.0);
      cairo_fill (r->cr);
      dps_chart_renderer_add_rect (r, (guint) index, x, y, cell_w, cell_h);
    }

  if (r->highlight >= 0 && (guint) r->highlight < grid->item_row->len)
    {
      guint row = g_array_index (grid->item_row, guint, r->highlight);
      guint col = g_array_index (grid->item_col, guint, r->highlight);

      gdk_cairo_set_source_rgba (r->cr, &r->foreground);
      cairo_set_line_width (r->cr, 2.0);
      dps_chart_rounded_rect (r->cr, plot_x + col * cell_w + 1.0, plot_y + row * cell_h + 1.0,
                              MAX (cell_w - 2.0, 1.0), MAX (cell_h - 2.0, 1.0), 2.0);
      cairo_stroke (r->cr);
    }

  row_every = (guint) ceil (small * 1.05 / cell_h);
  for (guint row = 0; label_w >= 8.0 && row < grid->n_rows; row += MAX (row_every, 1u))
    {
      guint item = g_array_index (grid->row_items, guint, row);
      g_autoptr(PangoLayout) layout =
        dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, dps_chart_series_get_label (series, item), label_w);
      gboolean current = r->highlight >= 0 &&
                         g_array_index (grid->item_row, guint, r->highlight) == row;

      dps_chart_renderer_show (r, layout, plot_x - 6.0, plot_y + (row + 0.5) * cell_h, 1.0, 0.5,
                               current ? &r->foreground : &r->dim);
    }

  col_every = step_for ((widest_col + 6.0) / cell_w);
  for (guint col = 0; show_cols && col < grid->n_cols; col += col_every)
    {
      guint item = g_array_index (grid->col_items, guint, col);
      g_autoptr(PangoLayout) layout =
        dps_chart_renderer_layout (r, DPS_CHART_FONT_SMALL, dps_chart_series_get_label2 (series, item),
                                   cell_w * col_every);
      gboolean current = r->highlight >= 0 &&
                         g_array_index (grid->item_col, guint, r->highlight) == col;

      dps_chart_renderer_show (r, layout, plot_x + (col + 0.5) * cell_w, plot_y + plot_h + 4.0, 0.5, 0.0,
                               current ? &r->foreground : &r->dim);
    }
}

static int
dps_heatmap_chart_navigate (DpsChart         *chart,
                            int               current,
                            GtkDirectionType  direction)
{
  DpsHeatmapChart *self = DPS_HEATMAP_CHART (chart);
  Grid *grid = get_grid (self, dps_chart_get_series (chart));
  int row, col, drow = 0, dcol = 0;

  if (grid->series == NULL || grid->item_row->len == 0)
    return -1;
  if (current < 0 || (guint) current >= grid->item_row->len)
    return 0;

  row = (int) g_array_index (grid->item_row, guint, current);
  col = (int) g_array_index (grid->item_col, guint, current);
  switch (direction)
    {
    case GTK_DIR_UP:
      drow = -1;
      break;
    case GTK_DIR_DOWN:
      drow = 1;
      break;
    case GTK_DIR_LEFT:
    case GTK_DIR_TAB_BACKWARD:
      dcol = -1;
      break;
    case GTK_DIR_RIGHT:
    case GTK_DIR_TAB_FORWARD:
    default:
      dcol = 1;
      break;
    }

  /* The next cell that has an item, in that direction. */
  for (row += drow, col += dcol;
       row >= 0 && col >= 0 && (guint) row < grid->n_rows && (guint) col < grid->n_cols;
       row += drow, col += dcol)
    {
      int index = g_array_index (grid->cells, int, (guint) row * grid->n_cols + (guint) col);

      if (index >= 0)
        return index;
    }
  return current;
}

static void
dps_heatmap_chart_dispose (GObject *object)
{
  DpsHeatmapChart *self = DPS_HEATMAP_CHART (object);

  grid_clear (&self->grid);

  G_OBJECT_CLASS (dps_heatmap_chart_parent_class)->dispose (object);
}

static void
dps_heatmap_chart_class_init (DpsHeatmapChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsChartClass *chart_class = DPS_CHART_CLASS (klass);

  object_class->dispose = dps_heatmap_chart_dispose;
  chart_class->draw = dps_heatmap_chart_draw;
  chart_class->navigate = dps_heatmap_chart_navigate;
}

static void
dps_heatmap_chart_init (DpsHeatmapChart *self)
{
}

GtkWidget *
dps_heatmap_chart_new (void)
{
  return g_object_new (DPS_TYPE_HEATMAP_CHART, NULL);
}
