/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Dashboard's figures through the column store are those of the
 * repository's SQL, chart by chart, for filters no rollup answers. */
#include "config.h"

#include "dps-dashboard-data.h"
#include "dps-test-db.h"

#define N_ROWS 8000
/* 2025-11-03, a Monday */
#define START (G_GINT64_CONSTANT (1762128000) * G_USEC_PER_SEC)
#define HOUR  (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

typedef struct {
  char          *dir;
  char          *path;
  DpsRepository *repository;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = dps_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "dashboard.db", NULL);
  f->repository = dps_test_db_create (f->path, N_ROWS, 3, START, 120, &error);
  g_assert_no_error (error);
  g_assert_true (dps_test_db_load (f->repository, "dirty.jsonl", 1000, 4, START, 120, 0.05, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->repository);
  dps_test_tmpdir_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
assert_same_kpis (const DpsKpis *a,
                  const DpsKpis *b)
{
  g_assert_cmpint (a->total.count, ==, b->total.count);
  g_assert_cmpint (a->total.amount_cents, ==, b->total.amount_cents);
  g_assert_cmpint (a->total.approved_count, ==, b->total.approved_count);
  g_assert_cmpint (a->total.approved_cents, ==, b->total.approved_cents);
  g_assert_cmpint (a->rejected, ==, b->rejected);
  g_assert_cmpint (a->duplicates, ==, b->duplicates);
}

static void
assert_same_data (DpsDashboardData *sql,
                  DpsDashboardData *store)
{
  const DpsDashboardComparison *x = dps_dashboard_data_get_comparison (sql);
  const DpsDashboardComparison *y = dps_dashboard_data_get_comparison (store);
  gint64 from_a, to_a, from_b, to_b;

  assert_same_kpis (dps_dashboard_data_get_kpis (sql), dps_dashboard_data_get_kpis (store));
  g_assert_cmpint (x->kind, ==, y->kind);
  g_assert_cmpint (x->previous_from, ==, y->previous_from);
  g_assert_cmpint (x->previous_to, ==, y->previous_to);
  assert_same_kpis (&x->current, &y->current);
  assert_same_kpis (&x->previous, &y->previous);
  g_assert_cmpint (dps_dashboard_data_get_granularity (sql), ==,
                   dps_dashboard_data_get_granularity (store));
  dps_dashboard_data_get_time_range (sql, &from_a, &to_a);
  dps_dashboard_data_get_time_range (store, &from_b, &to_b);
  g_assert_cmpint (from_a, ==, from_b);
  g_assert_cmpint (to_a, ==, to_b);

  for (guint c = 0; c < DPS_DASHBOARD_N_CHARTS; c++)
    {
      DpsChartSeries *a = dps_dashboard_data_get_series (sql, c);
      DpsChartSeries *b = dps_dashboard_data_get_series (store, c);

      g_assert_cmpuint (dps_chart_series_get_n_items (a), ==, dps_chart_series_get_n_items (b));
      for (guint i = 0; i < dps_chart_series_get_n_items (a); i++)
        {
          g_assert_cmpstr (dps_chart_series_get_key (a, i), ==, dps_chart_series_get_key (b, i));
          g_assert_cmpstr (dps_chart_series_get_key2 (a, i), ==, dps_chart_series_get_key2 (b, i));
          g_assert_cmpfloat (dps_chart_series_get_value (a, i), ==, dps_chart_series_get_value (b, i));
          g_assert_cmpfloat (dps_chart_series_get_value2 (a, i), ==, dps_chart_series_get_value2 (b, i));
        }
    }
}

static void
build_search (DpsFilter *filter)
{
  dps_filter_set_search (filter, "a");
}

static void
build_amount (DpsFilter *filter)
{
  dps_filter_set_amount_range (filter, 2000, 25000);
}

/* A period of 30 hours, not on day bounds: hours on the timeline. */
static void
build_hours (DpsFilter *filter)
{
  dps_filter_set_period (filter, START + 40 * DPS_USEC_PER_DAY + 7 * HOUR,
                         START + 41 * DPS_USEC_PER_DAY + 13 * HOUR);
}

/* Open at one end, unaligned: the comparison ends where the data does. */
static void
build_open_period (DpsFilter *filter)
{
  dps_filter_set_period (filter, START + 70 * DPS_USEC_PER_DAY + 1, DPS_FILTER_NO_TIME);
  dps_filter_set_statuses (filter, DPS_FILTER_MASK (DPS_STATUS_APPROVED));
}

static void
build_city_heatmap (DpsFilter *filter)
{
  dps_filter_set_weekdays (filter, DPS_FILTER_MASK (1) | DPS_FILTER_MASK (4));
  dps_filter_set_hours (filter, DPS_FILTER_MASK (9) | DPS_FILTER_MASK (18));
}

static void (*const builders[]) (DpsFilter *filter) = {
  build_search, build_amount, build_hours, build_open_period, build_city_heatmap,
};

static void
test_same_figures (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(DpsColumnStore) store = dps_column_store_new (f->path);
  g_autoptr(GError) error = NULL;

  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (builders); i++)
    {
      g_autoptr(DpsFilter) filter = dps_filter_new ();
      g_autoptr(DpsDashboardData) sql = NULL;
      g_autoptr(DpsDashboardData) through_store = NULL;

      builders[i] (filter);
      g_assert_true (dps_dashboard_data_wants_store (filter));
      sql = dps_dashboard_data_load (f->repository, filter, NULL, &error);
      g_assert_no_error (error);
      through_store = dps_dashboard_data_load_with_store (f->repository, store, filter, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (dps_dashboard_data_get_from_store (sql));
      g_assert_true (dps_dashboard_data_get_from_store (through_store));
      g_assert_cmpint (dps_dashboard_data_get_kpis (through_store)->total.count, >, 0);
      assert_same_data (sql, through_store);
    }
}

/* Filters the rollups could answer: through a loaded store too, with
 * the same figures; without a store, from the rollups. */
static void
test_rollup_filters (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(DpsColumnStore) store = dps_column_store_new (f->path);
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsDashboardData) sql = NULL;
  g_autoptr(DpsDashboardData) through_store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);
  dps_filter_set_statuses (filter, DPS_FILTER_MASK (DPS_STATUS_DECLINED));
  dps_filter_add_value (filter, "category", "grocery");
  g_assert_false (dps_dashboard_data_wants_store (filter));
  sql = dps_dashboard_data_load (f->repository, filter, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (dps_dashboard_data_get_from_store (sql));
  g_assert_true (dps_dashboard_data_get_from_rollup (sql, DPS_DASHBOARD_CHART_CATEGORY));
  through_store = dps_dashboard_data_load_with_store (f->repository, store, filter, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dps_dashboard_data_get_from_store (through_store));
  g_assert_cmpint (dps_dashboard_data_get_kpis (through_store)->total.count, >, 0);
  assert_same_data (sql, through_store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/dps/dashboard/store/same-figures", Fixture, NULL, fixture_set_up, test_same_figures,
              fixture_tear_down);
  g_test_add ("/dps/dashboard/store/rollup-filters", Fixture, NULL, fixture_set_up, test_rollup_filters,
              fixture_tear_down);
  return g_test_run ();
}
