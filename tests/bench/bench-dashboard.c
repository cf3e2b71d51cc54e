/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How long the dashboard takes to refresh after a filter change, split
 * into query time (per analysis, and whether a rollup answered) and draw
 * time per chart at 600 × 400.
 *
 * DPS_BENCH_ROWS   rows to generate (default 1,000,000)
 * DPS_BENCH_DB     a SQLite file to keep: reused when it already holds at
 *                  least that many rows (10M rows take minutes to load)
 * DPS_BENCH_QUERY_ROUNDS  rounds after the first for the median (default 3;
 *                  0 keeps only the first, SQL scans take minutes at 10M rows)
 *
 * Then the same refreshes through the column store (filters no rollup
 * answers take one pass over the columns in memory), with the store's
 * load time and memory.
 *
 * Drawing and the page's own refresh need a display (xvfb-run -a meson
 * test -C build --benchmark --suite gui); without one only the queries
 * are measured. */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <time.h>

#include "dps-bar-chart.h"
#include "dps-dashboard-data.h"
#include "dps-dashboard-page.h"
#include "dps-donut-chart.h"
#include "dps-gui-test.h"
#include "dps-heatmap-chart.h"
#include "dps-histogram-chart.h"
#include "dps-test-db.h"
#include "dps-time-chart.h"

#define DAYS 365
/* 2025-01-06, a Monday. */
#define START (G_GINT64_CONSTANT (20094) * DPS_USEC_PER_DAY)
#define QUERY_ROUNDS_MAX 9
#define DRAW_ROUNDS 50
#define DRAW_WIDTH 600
#define DRAW_HEIGHT 400

static const char *const chart_names[DPS_DASHBOARD_N_CHARTS] = {
  "timeline", "category", "status", "city", "merchant", "payment", "buckets", "heatmap",
};

typedef struct {
  const char *name;
  void      (*build) (DpsFilter *filter);
} FilterCase;

static void
build_all (DpsFilter *filter)
{
}

static void
build_last_30_days (DpsFilter *filter)
{
  gint64 end = START + DAYS * DPS_USEC_PER_DAY;

  dps_filter_set_period (filter, end - 30 * DPS_USEC_PER_DAY, end);
}

static void
build_category_status (DpsFilter *filter)
{
  dps_filter_add_value (filter, "category", "grocery");
  dps_filter_add_value (filter, "category", "travel");
  dps_filter_set_statuses (filter, DPS_FILTER_MASK (DPS_STATUS_APPROVED) |
                                   DPS_FILTER_MASK (DPS_STATUS_DECLINED));
}

static void
build_city (DpsFilter *filter)
{
  dps_filter_add_value (filter, "city", "Paris");
}

static void
build_heatmap_cell (DpsFilter *filter)
{
  dps_filter_set_weekdays (filter, DPS_FILTER_MASK (2));
  dps_filter_set_hours (filter, DPS_FILTER_MASK (14));
}

static void
build_merchant_search (DpsFilter *filter)
{
  dps_filter_set_search (filter, "ar");
}

static void
build_amount_range (DpsFilter *filter)
{
  dps_filter_set_amount_range (filter, 10000, 25000);
}

static void
build_last_36_hours (DpsFilter *filter)
{
  gint64 end = START + DAYS * DPS_USEC_PER_DAY - 5 * G_GINT64_CONSTANT (3600000000);

  dps_filter_set_period (filter, end - 36 * G_GINT64_CONSTANT (3600000000), end);
}

static const FilterCase filter_cases[] = {
  { "all data", build_all },
  { "last 30 days", build_last_30_days },
  { "2 categories + 2 statuses", build_category_status },
  { "city = Paris", build_city },
  { "weekday x hour cell", build_heatmap_cell },
  { "search \"ar\"", build_merchant_search },
  { "amount 100-250 EUR", build_amount_range },
  { "last 36 hours (unaligned)", build_last_36_hours },
};

static guint query_rounds = 3;

static double
ms_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static gint64
count_rows (DpsRepository *repository)
{
  g_autoptr(GError) error = NULL;
  DpsRepositoryInfo info = { 0 };
  gint64 rows;

  if (!dps_repository_get_info (repository, &info, &error))
    g_error ("%s", error->message);
  rows = info.rows;
  dps_repository_info_clear (&info);
  return rows;
}

static void
generate (const char *uri,
          guint64     rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) writer = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  DpsGeneratorOptions options;
  DpsEngineOptions engine_options;
  DpsEngineMetrics metrics;
  gint64 start = g_get_monotonic_time ();

  writer = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);
  if (writer == NULL)
    g_error ("%s", error->message);

  dps_generator_options_init (&options);
  /* Topping up a kept database: other ids than the rows already there. */
  options.seed = 1 + (guint64) count_rows (writer);
  options.rows = rows - (guint64) count_rows (writer);
  options.start = START;
  options.days = DAYS;
  source = dps_generator_source_new (&options, 0);
  dps_engine_options_init (&engine_options);
  engine_options.stop_when_idle = TRUE;
  engine = dps_engine_new (writer, source, &engine_options);

  g_print ("Loading %" G_GUINT64_FORMAT " generated rows…\n", options.rows);
  if (!dps_engine_run (engine, NULL, &error))
    g_error ("%s", error->message);
  dps_engine_get_metrics (engine, &metrics);
  g_print ("Loaded %" G_GINT64_FORMAT " rows in %.1f s (%.0f rows/s)\n\n",
           metrics.rows_loaded, ms_since (start) / 1000.0,
           metrics.rows_loaded / (ms_since (start) / 1000.0));
}

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static DpsDashboardData *
load (DpsRepository  *repository,
      DpsColumnStore *store,
      DpsFilter      *filter,
      double         *elapsed_ms,
      double         *cpu_ms)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_ms ();
  DpsDashboardData *data;

  data = dps_dashboard_data_load_with_store (repository, store, filter, NULL, &error);
  *elapsed_ms = ms_since (start);
  *cpu_ms = thread_cpu_ms () - cpu_start;
  if (data == NULL)
    g_error ("%s", error->message);
  return data;
}

static void
print_header (const char *what)
{
  g_print ("%s\n", what);
  g_print ("%-27s %8s %8s %7s", "filter", "first", "median", "kpis");
  for (guint c = 0; c < DPS_DASHBOARD_N_CHARTS; c++)
    g_print (" %10s", chart_names[c]);
  g_print ("\n");
}

static DpsDashboardData *
bench_queries (DpsRepository  *repository,
               DpsColumnStore *store)
{
  DpsDashboardData *all = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  double wall_first[G_N_ELEMENTS (filter_cases)], wall_median[G_N_ELEMENTS (filter_cases)];
  double cpu_first[G_N_ELEMENTS (filter_cases)], cpu_median[G_N_ELEMENTS (filter_cases)];
  const char *title = store != NULL
    ? "With the column store: wall time (ms; S = one pass over the columns, R = rollup)"
    : "Queries, wall time (ms; R = answered from a rollup, B = base table)";

  for (guint f = 0; f < G_N_ELEMENTS (filter_cases); f++)
    {
      g_autoptr(DpsFilter) filter = dps_filter_new ();
      DpsDashboardData *data;
      double wall[QUERY_ROUNDS_MAX + 1], cpu[QUERY_ROUNDS_MAX + 1];
      guint rounds = 0;

      filter_cases[f].build (filter);
      data = load (repository, store, filter, &wall_first[f], &cpu_first[f]);
      wall[rounds] = wall_first[f];
      cpu[rounds++] = cpu_first[f];
      for (guint r = 0; r < query_rounds; r++)
        {
          g_clear_object (&data);
          data = load (repository, store, filter, &wall[rounds], &cpu[rounds]);
          rounds++;
        }
      /* The first run counts only when it is the only one. */
      if (rounds > 1)
        {
          qsort (wall + 1, rounds - 1, sizeof (double), compare_doubles);
          qsort (cpu + 1, rounds - 1, sizeof (double), compare_doubles);
          wall_median[f] = wall[1 + (rounds - 1) / 2];
          cpu_median[f] = cpu[1 + (rounds - 1) / 2];
        }
      else
        {
          wall_median[f] = wall[0];
          cpu_median[f] = cpu[0];
        }
      g_ptr_array_add (results, data);
      if (f == 0)
        all = g_object_ref (data);
    }

  /* Wall time is what a person waits on this machine; CPU time is the
   * work itself, whatever else the machine runs. */
  for (guint pass = 0; pass < 2; pass++)
    {
      print_header (pass == 0 ? title : "CPU time of the loading thread (ms)");
      for (guint f = 0; f < G_N_ELEMENTS (filter_cases); f++)
        {
          DpsDashboardData *data = g_ptr_array_index (results, f);

          g_print ("%-27s %8.1f %8.1f %7.1f", filter_cases[f].name,
                   pass == 0 ? wall_first[f] : cpu_first[f],
                   pass == 0 ? wall_median[f] : cpu_median[f],
                   (pass == 0 ? dps_dashboard_data_get_kpi_time (data)
                              : dps_dashboard_data_get_kpi_cpu_time (data)) * 1000);
          for (guint c = 0; c < DPS_DASHBOARD_N_CHARTS; c++)
            g_print (" %8.1f %c",
                     (pass == 0 ? dps_dashboard_data_get_query_time (data, c)
                                : dps_dashboard_data_get_query_cpu_time (data, c)) * 1000,
                     dps_dashboard_data_get_from_store (data) ? 'S'
                     : dps_dashboard_data_get_from_rollup (data, c) ? 'R' : 'B');
          g_print ("   (%" G_GINT64_FORMAT " rows)\n", dps_dashboard_data_get_kpis (data)->total.count);
        }
      g_print ("\n");
    }

  if (store != NULL)
    {
      g_print ("The column store's passes (ms; the filter's, then the comparison period's;\n"
               "CPU of the calling thread, which runs one half while a second thread runs the other)\n");
      g_print ("%-27s %7s %9s %9s\n", "filter", "passes", "wall/pass", "CPU/pass");
      for (guint f = 0; f < G_N_ELEMENTS (filter_cases); f++)
        {
          DpsDashboardData *data = g_ptr_array_index (results, f);
          double cpu = 0.0, wall;
          guint passes = 0;

          wall = dps_dashboard_data_get_store_time (data, &cpu, &passes);
          if (passes == 0)
            g_print ("%-27s %7s\n", filter_cases[f].name, "rollups");
          else
            g_print ("%-27s %7u %9.1f %9.1f\n", filter_cases[f].name, passes,
                     wall * 1000 / passes, cpu * 1000 / passes);
        }
      g_print ("\n");
    }
  return all;
}

/* Resident memory of the process, in bytes. */
static guint64
rss_bytes (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + 6, NULL, 10) * 1024;
}

static DpsColumnStore *
bench_store_load (const char *path)
{
  g_autoptr(GError) error = NULL;
  DpsColumnStore *store = dps_column_store_new (path);
  guint64 rss_before = rss_bytes (), rss_after, n;
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_ms ();
  double wall, cpu, sync_ms;

  if (!dps_column_store_sync (store, NULL, &error))
    g_error ("%s", error->message);
  wall = ms_since (start);
  cpu = thread_cpu_ms () - cpu_start;
  rss_after = rss_bytes ();
  n = dps_column_store_get_n_rows (store);
  if (!dps_column_store_is_ready (store))
    {
      g_autofree char *reason = dps_column_store_dup_unsupported_reason (store);

      g_error ("The column store cannot answer: %s", reason);
    }
  start = g_get_monotonic_time ();
  if (!dps_column_store_sync (store, NULL, &error))
    g_error ("%s", error->message);
  sync_ms = ms_since (start);

  g_print ("Column store: %" G_GUINT64_FORMAT " rows loaded in %.1f s wall, %.1f s CPU "
           "(%.0f rows/s); a sync with nothing new: %.1f ms\n",
           n, wall / 1000, cpu / 1000, n / (wall / 1000), sync_ms);
  g_print ("  memory: %.1f MB held (%.1f bytes/row); process RSS %.1f MB -> %.1f MB (+%.1f MB, %.1f bytes/row)\n\n",
           dps_column_store_get_memory_size (store) / 1e6,
           (double) dps_column_store_get_memory_size (store) / MAX (n, 1),
           rss_before / 1e6, rss_after / 1e6, ((double) rss_after - rss_before) / 1e6,
           ((double) rss_after - rss_before) / MAX (n, 1));
  return store;
}

static GtkWidget *
chart_for (DpsDashboardChart  chart,
           DpsDashboardData  *data)
{
  static const double edges[] = { 20, 100, 250, 500 };
  GtkWidget *widget;

  switch (chart)
    {
    case DPS_DASHBOARD_CHART_TIMELINE:
      widget = dps_time_chart_new ();
      dps_time_chart_set_granularity ((DpsTimeChart *) widget, dps_dashboard_data_get_granularity (data));
      break;
    case DPS_DASHBOARD_CHART_STATUS:
      widget = dps_donut_chart_new ();
      break;
    case DPS_DASHBOARD_CHART_CITY:
    case DPS_DASHBOARD_CHART_MERCHANT:
      widget = dps_bar_chart_new (GTK_ORIENTATION_HORIZONTAL);
      break;
    case DPS_DASHBOARD_CHART_AMOUNT_BUCKET:
      widget = dps_histogram_chart_new ();
      dps_histogram_chart_set_edges ((DpsHistogramChart *) widget, edges, G_N_ELEMENTS (edges),
                                     DPS_CHART_FORMAT_AMOUNT);
      break;
    case DPS_DASHBOARD_CHART_HEATMAP:
      widget = dps_heatmap_chart_new ();
      break;
    case DPS_DASHBOARD_CHART_CATEGORY:
    case DPS_DASHBOARD_CHART_PAYMENT_METHOD:
    default:
      widget = dps_bar_chart_new (GTK_ORIENTATION_VERTICAL);
      break;
    }
  g_object_ref_sink (widget);
  dps_chart_set_series (DPS_CHART (widget), dps_dashboard_data_get_series (data, chart));
  return widget;
}

static void
bench_drawing (DpsDashboardData *data)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, DRAW_WIDTH, DRAW_HEIGHT);
  double total = 0.0, cpu_total = 0.0;

  g_print ("Drawing at %d x %d (ms per chart, mean of %d, highlight on)\n",
           DRAW_WIDTH, DRAW_HEIGHT, DRAW_ROUNDS);
  for (guint c = 0; c < DPS_DASHBOARD_N_CHARTS; c++)
    {
      g_autoptr(GtkWidget) chart = chart_for (c, data);
      gint64 start;
      double mean;

      double cpu_start, cpu_mean;

      dps_chart_set_highlight (DPS_CHART (chart), 1);
      start = g_get_monotonic_time ();
      cpu_start = thread_cpu_ms ();
      for (guint r = 0; r < DRAW_ROUNDS; r++)
        {
          cairo_t *cr = cairo_create (surface);
          dps_chart_render (DPS_CHART (chart), cr, DRAW_WIDTH, DRAW_HEIGHT);
          cairo_destroy (cr);
        }
      mean = ms_since (start) / DRAW_ROUNDS;
      cpu_mean = (thread_cpu_ms () - cpu_start) / DRAW_ROUNDS;
      total += mean;
      cpu_total += cpu_mean;
      g_print ("  %-10s %6.2f wall %6.2f CPU  (%u items)\n", chart_names[c], mean, cpu_mean,
               dps_chart_series_get_n_items (dps_dashboard_data_get_series (data, c)));
    }
  g_print ("  %-10s %6.2f wall %6.2f CPU\n\n", "all", total, cpu_total);
  cairo_surface_destroy (surface);
}

static void
bench_page (const char *path)
{
  g_autoptr(DpsSession) session = dps_gui_test_open_session_at (path);
  GtkWidget *page = dps_dashboard_page_new (session);
  GtkWindow *window = dps_gui_test_show_in_window (page, 1280, 800);

  dps_gui_test_await (dps_gui_test_dashboard_settled (page));
  {
    /* The page loads the column store on a thread as the database
     * opens; a filter no rollup answers waits for it the first time. */
    g_autoptr(DpsFilter) filter = dps_filter_new ();
    gint64 start = g_get_monotonic_time ();

    dps_filter_set_amount_range (filter, 1, DPS_FILTER_NO_AMOUNT);
    dps_filter_assign (dps_session_get_filter (session), filter);
    dps_gui_test_await (dps_gui_test_dashboard_settled (page));
    g_print ("The page: first filter needing the column store (waits for its load): %.1f ms, RSS %.1f MB\n",
             ms_since (start), rss_bytes () / 1e6);
  }
  g_print ("The page: filter change to new figures on screen (ms), then to the next frame painted\n");
  for (guint f = 0; f < G_N_ELEMENTS (filter_cases); f++)
    {
      g_autoptr(DpsFilter) filter = dps_filter_new ();
      gint64 start;
      double refreshed;

      filter_cases[f].build (filter);
      start = g_get_monotonic_time ();
      dps_filter_assign (dps_session_get_filter (session), filter);
      if (dps_filter_is_empty (filter) && f == 0)
        {
          /* Already showing everything: ask for a refresh. */
          gtk_widget_activate_action (page, "dashboard.refresh", NULL);
        }
      dps_gui_test_await (dps_gui_test_dashboard_settled (page));
      refreshed = ms_since (start);
      g_assert_true (dps_gui_test_wait_for_frame (GTK_WIDGET (window)));
      g_print ("  %-27s %8.1f %8.1f\n", filter_cases[f].name, refreshed, ms_since (start));
    }
  g_print ("\n");
  gtk_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) reader = NULL;
  g_autoptr(DpsDashboardData) all = NULL;
  g_autoptr(DpsDashboardData) all_with_store = NULL;
  g_autoptr(DpsColumnStore) store = NULL;
  const char *rounds_text = g_getenv ("DPS_BENCH_QUERY_ROUNDS");
  const char *rows_text = g_getenv ("DPS_BENCH_ROWS");
  const char *kept = g_getenv ("DPS_BENCH_DB");
  guint64 rows = rows_text != NULL ? g_ascii_strtoull (rows_text, NULL, 10) : 1000000;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  gboolean display;

  /* A database not kept lives in the harness's private folder, which
   * goes at exit. */
  display = dps_gui_test_init_for_bench ();
  path = kept != NULL && *kept != '\0' ? g_strdup (kept) : dps_gui_test_tmp_path ("bench.db");
  uri = dps_test_db_uri (path);

  reader = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);
  if (reader == NULL)
    g_error ("%s", error->message);
  if ((guint64) count_rows (reader) < rows)
    generate (uri, rows);
  g_print ("Database: %s, %" G_GINT64_FORMAT " rows over %d days\n\n", path, count_rows (reader), DAYS);

  if (rounds_text != NULL)
    query_rounds = MIN ((guint) g_ascii_strtoull (rounds_text, NULL, 10), QUERY_ROUNDS_MAX);

  all = bench_queries (reader, NULL);
  store = bench_store_load (path);
  all_with_store = bench_queries (reader, store);
  g_clear_object (&store);
  g_print ("Process RSS after dropping the column store: %.1f MB\n\n", rss_bytes () / 1e6);
  if (display)
    {
      bench_drawing (all);
      bench_page (path);
    }
  else
    g_print ("No display: drawing and the page were not measured (run under xvfb-run).\n");
  return 0;
}
