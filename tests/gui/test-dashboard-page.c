/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "dps-dashboard-page.h"
#include "dps-gui-test.h"
#include "dps-kpi-card.h"
#include "dps-test-db.h"

#define N_ROWS 20000
#define N_DAYS 120
/* 2026-01-05, a Monday, in microseconds. */
#define START (G_GINT64_CONSTANT (20458) * DPS_USEC_PER_DAY)
#define N_RANDOM_FILTERS 12

static const char *const categories[] = {
  "electronics", "grocery", "fashion", "travel", "restaurants", "entertainment", "health", "home",
};
static const char *const cities[] = {
  "Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier",
  "Bordeaux", "Lille",
};
static const char *const merchants[] = { "Fnac", "IKEA", "Carrefour", "SNCF", "Zara", "Nowhere" };
static const char *const searches[] = { "ar", "FNAC", "store", "e.l", "1742" };

static const DpsChartFormat kpi_formats[DPS_DASHBOARD_N_KPIS] = {
  DPS_CHART_FORMAT_COUNT, DPS_CHART_FORMAT_AMOUNT, DPS_CHART_FORMAT_AMOUNT,
  DPS_CHART_FORMAT_PERCENT, DPS_CHART_FORMAT_COUNT,
};

/* One database and one window for the whole program. */
static struct {
  DpsRepository *repository;   /* the test's own connection */
  DpsSession    *session;
  GtkWidget     *window;
  DpsDashboardPage *page;
  guint          refreshed;
  guint64        next_seed;
} world;

/* Loading. */

static void
write_batch (DpsRepository *repository,
             DpsBatch      *batch)
{
  g_autoptr(GError) error = NULL;
  DpsBatchResult result = { 0 };

  if (dps_batch_is_empty (batch))
    return;
  g_assert_true (dps_repository_write_batch (repository, batch, &result, NULL, &error));
  g_assert_no_error (error);
  dps_batch_reset (batch);
}

/* Generated lines through the parser into the database, as the engine
 * would load them: rows, rejects and duplicates. */
static void
load_generated (DpsRepository *repository,
                guint64        seed,
                guint          rows,
                gint64         start,
                guint          days)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_strdup_printf ("test:generator:%" G_GUINT64_FORMAT, seed);

  g_assert_true (dps_test_db_load (repository, source, rows, seed, start, days, 0.02, &error));
  g_assert_no_error (error);
}

static void
refreshed_cb (DpsDashboardPage *page,
              guint            *count)
{
  (*count)++;
}

static GtkWidget *
new_window (GtkWidget *child,
            int        width,
            int        height)
{
  return GTK_WIDGET (dps_gui_test_show_in_window (child, width, height));
}

static void
set_up_world (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dps_gui_test_tmp_path ("transactions.db");
  g_autofree char *uri = dps_test_db_uri (path);

  world.repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);
  g_assert_no_error (error);
  load_generated (world.repository, 42, N_ROWS, START, N_DAYS);
  world.next_seed = 43;

  world.session = dps_gui_test_open_session_at (path);
  world.page = DPS_DASHBOARD_PAGE (dps_dashboard_page_new (world.session));
  g_signal_connect (world.page, "refreshed", G_CALLBACK (refreshed_cb), &world.refreshed);
  world.window = new_window (GTK_WIDGET (world.page), 1280, 800);
  dps_gui_test_await (dps_gui_test_dashboard_settled (world.page));
}

static void
tear_down_world (void)
{
  gtk_window_destroy (GTK_WINDOW (world.window));
  dps_gui_test_drain ();
  g_clear_object (&world.session);
  g_clear_object (&world.repository);
}

/* Checks. */

static void
assert_kpis_equal (const DpsKpis *a,
                   const DpsKpis *b)
{
  g_assert_cmpint (a->total.count, ==, b->total.count);
  g_assert_cmpint (a->total.amount_cents, ==, b->total.amount_cents);
  g_assert_cmpint (a->total.approved_count, ==, b->total.approved_count);
  g_assert_cmpint (a->rejected, ==, b->rejected);
}

static DpsKpis
query_kpis (DpsFilter *filter)
{
  g_autoptr(GError) error = NULL;
  DpsKpis kpis = { 0 };

  g_assert_true (dps_repository_query_kpis (world.repository, filter, &kpis, NULL, &error));
  g_assert_no_error (error);
  return kpis;
}

static DpsBreakdown *
query (DpsFilter         *filter,
       DpsDimension       dimension,
       DpsDimension       dimension2,
       DpsBreakdownOrder  order,
       guint              limit)
{
  g_autoptr(GError) error = NULL;
  DpsBreakdown *breakdown;

  breakdown = dps_repository_query_breakdown (world.repository, filter, dimension, dimension2,
                                              order, limit, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (breakdown);
  return breakdown;
}

/* The chart shows the breakdown's groups in its order (at most 12, no
 * "Other" with the generator's 8 categories and 10 cities). */
static void
assert_series_is_breakdown (DpsChartSeries *series,
                            DpsBreakdown   *breakdown,
                            gboolean        amounts)
{
  guint n = dps_breakdown_get_n_items (breakdown);

  g_assert_cmpuint (dps_chart_series_get_n_items (series), ==, n);
  for (guint i = 0; i < n; i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);

      g_assert_cmpstr (dps_chart_series_get_key (series, i), ==, item->key);
      g_assert_cmpfloat (dps_chart_series_get_value (series, i), ==,
                         amounts ? item->agg.amount_cents / 100.0 : (double) item->agg.count);
    }
}

/* Every value of an enum in order; counts from the breakdown, 0 if absent. */
static void
assert_series_counts_by_key (DpsChartSeries *series,
                             DpsBreakdown   *breakdown,
                             guint           n_values)
{
  gint64 total = 0;

  g_assert_cmpuint (dps_chart_series_get_n_items (series), ==, n_values);
  for (guint i = 0; i < dps_breakdown_get_n_items (breakdown); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);
      int index = dps_chart_series_find (series, item->key, NULL);

      g_assert_cmpint (index, >=, 0);
      g_assert_cmpfloat (dps_chart_series_get_value (series, index), ==, (double) item->agg.count);
      total += item->agg.count;
    }
  g_assert_cmpfloat (dps_chart_series_get_total (series, FALSE), ==, (double) total);
}

static void
assert_page_matches_queries (void)
{
  DpsFilter *filter = dps_session_get_filter (world.session);
  DpsDashboardData *shown = dps_dashboard_page_get_data (world.page);
  const DpsDashboardComparison *cmp = dps_dashboard_data_get_comparison (shown);
  DpsKpis kpis = query_kpis (filter);
  g_autoptr(DpsBreakdown) by_category = query (filter, DPS_DIMENSION_CATEGORY, DPS_DIMENSION_NONE,
                                                DPS_BREAKDOWN_ORDER_AMOUNT_DESC, 0);
  g_autoptr(DpsBreakdown) by_city = query (filter, DPS_DIMENSION_CITY, DPS_DIMENSION_NONE,
                                            DPS_BREAKDOWN_ORDER_COUNT_DESC, 0);
  g_autoptr(DpsBreakdown) by_merchant = query (filter, DPS_DIMENSION_MERCHANT, DPS_DIMENSION_NONE,
                                                DPS_BREAKDOWN_ORDER_AMOUNT_DESC, 10);
  g_autoptr(DpsBreakdown) by_status = query (filter, DPS_DIMENSION_STATUS, DPS_DIMENSION_NONE,
                                              DPS_BREAKDOWN_ORDER_KEY, 0);
  g_autoptr(DpsBreakdown) by_method = query (filter, DPS_DIMENSION_PAYMENT_METHOD, DPS_DIMENSION_NONE,
                                              DPS_BREAKDOWN_ORDER_KEY, 0);
  g_autoptr(DpsBreakdown) by_bucket = query (filter, DPS_DIMENSION_AMOUNT_BUCKET, DPS_DIMENSION_NONE,
                                              DPS_BREAKDOWN_ORDER_KEY, 0);
  g_autoptr(DpsBreakdown) by_cell = query (filter, DPS_DIMENSION_WEEKDAY, DPS_DIMENSION_HOUR,
                                            DPS_BREAKDOWN_ORDER_KEY, 0);
  DpsChartSeries *timeline, *heatmap;
  gint64 from, to;

  /* Key figures, as the cards show them. */
  for (guint k = 0; k < DPS_DASHBOARD_N_KPIS; k++)
    {
      g_autofree char *expected = dps_chart_format_value (kpi_formats[k], dps_dashboard_kpi_get_value (&kpis, k));
      DpsKpiCard *card = DPS_KPI_CARD (dps_dashboard_page_get_kpi_card (world.page, k));

      g_assert_cmpstr (dps_kpi_card_get_value (card), ==, expected);
      g_assert_nonnull (dps_kpi_card_get_change (card));
      g_assert_cmpstr (dps_kpi_card_get_change (card), !=, "");
    }

  /* The comparison: the filter's period and the one before, or the last
   * 30 days of data and the 30 before. */
  dps_filter_get_period (filter, &from, &to);
  if (kpis.total.count == 0 && from == DPS_FILTER_NO_TIME && to == DPS_FILTER_NO_TIME)
    g_assert_cmpint (cmp->kind, ==, DPS_DASHBOARD_COMPARISON_NONE);
  else if (from != DPS_FILTER_NO_TIME && to != DPS_FILTER_NO_TIME)
    {
      g_autoptr(DpsFilter) before = dps_filter_copy (filter);
      DpsKpis expected;

      g_assert_cmpint (cmp->kind, ==, DPS_DASHBOARD_COMPARISON_PREVIOUS_PERIOD);
      g_assert_cmpint (cmp->previous_to, ==, from);
      g_assert_cmpint (cmp->previous_from, ==, from - (to - from));
      dps_filter_set_period (before, from - (to - from), from);
      expected = query_kpis (before);
      assert_kpis_equal (&cmp->previous, &expected);
      assert_kpis_equal (&cmp->current, &kpis);
    }
  else if (from == DPS_FILTER_NO_TIME && to == DPS_FILTER_NO_TIME)
    {
      g_autoptr(DpsFilter) last = dps_filter_copy (filter);
      g_autoptr(DpsFilter) before = dps_filter_copy (filter);
      gint64 end = (kpis.last_event / DPS_USEC_PER_DAY + 1) * DPS_USEC_PER_DAY;
      DpsKpis expected_last, expected_before;

      g_assert_cmpint (cmp->kind, ==, DPS_DASHBOARD_COMPARISON_LAST_30_DAYS);
      g_assert_cmpint (cmp->current_to, ==, end);
      g_assert_cmpint (cmp->current_from, ==, end - 30 * DPS_USEC_PER_DAY);
      dps_filter_set_period (last, end - 30 * DPS_USEC_PER_DAY, end);
      dps_filter_set_period (before, end - 60 * DPS_USEC_PER_DAY, end - 30 * DPS_USEC_PER_DAY);
      expected_last = query_kpis (last);
      expected_before = query_kpis (before);
      assert_kpis_equal (&cmp->current, &expected_last);
      assert_kpis_equal (&cmp->previous, &expected_before);
    }

  /* Each chart shows what the query API answers for the same filter. */
  assert_series_is_breakdown (dps_chart_get_series (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_CATEGORY)),
                              by_category, TRUE);
  assert_series_is_breakdown (dps_chart_get_series (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_CITY)),
                              by_city, FALSE);
  assert_series_is_breakdown (dps_chart_get_series (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_MERCHANT)),
                              by_merchant, TRUE);
  assert_series_counts_by_key (dps_chart_get_series (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_STATUS)),
                               by_status, DPS_N_STATUSES);
  assert_series_counts_by_key (dps_chart_get_series (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_PAYMENT_METHOD)),
                               by_method, DPS_N_PAYMENT_METHODS);
  assert_series_counts_by_key (dps_chart_get_series (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_AMOUNT_BUCKET)),
                               by_bucket, DPS_N_AMOUNT_BUCKETS);

  heatmap = dps_chart_get_series (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_HEATMAP));
  g_assert_cmpuint (dps_chart_series_get_n_items (heatmap), ==, 7 * 24);
  for (guint i = 0; i < dps_breakdown_get_n_items (by_cell); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (by_cell, i);
      int index = dps_chart_series_find (heatmap, item->key, item->key2);

      g_assert_cmpint (index, >=, 0);
      g_assert_cmpfloat (dps_chart_series_get_value (heatmap, index), ==, (double) item->agg.count);
    }
  g_assert_cmpfloat (dps_chart_series_get_total (heatmap, FALSE), ==, (double) kpis.total.count);

  /* Over time: every transaction falls in one point. */
  timeline = dps_chart_get_series (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_TIMELINE));
  g_assert_cmpfloat (dps_chart_series_get_total (timeline, TRUE), ==, (double) kpis.total.count);
  g_assert_cmpfloat (fabs (dps_chart_series_get_total (timeline, FALSE) - kpis.total.amount_cents / 100.0),
                     <, 0.005 + 1e-9 * kpis.total.amount_cents);
}

static void
apply_filter (DpsFilter *filter)
{
  dps_filter_assign (dps_session_get_filter (world.session), filter);
  dps_gui_test_await (dps_gui_test_dashboard_settled (world.page));
}

static DpsFilter *
random_filter (void)
{
  DpsFilter *filter = dps_filter_new ();

  dps_filter_freeze (filter);
  if (g_test_rand_double () < 0.35)
    for (int n = g_test_rand_int_range (1, 4); n > 0; n--)
      dps_filter_add_value (filter, "category", categories[g_test_rand_int_range (0, G_N_ELEMENTS (categories))]);
  if (g_test_rand_double () < 0.3)
    for (int n = g_test_rand_int_range (1, 4); n > 0; n--)
      dps_filter_add_value (filter, "city", cities[g_test_rand_int_range (0, G_N_ELEMENTS (cities))]);
  if (g_test_rand_double () < 0.2)
    for (int n = g_test_rand_int_range (1, 3); n > 0; n--)
      dps_filter_add_value (filter, "merchant", merchants[g_test_rand_int_range (0, G_N_ELEMENTS (merchants))]);
  if (g_test_rand_double () < 0.3)
    dps_filter_set_statuses (filter, g_test_rand_int_range (1, 1 << DPS_N_STATUSES));
  if (g_test_rand_double () < 0.3)
    dps_filter_set_payment_methods (filter, g_test_rand_int_range (1, 1 << DPS_N_PAYMENT_METHODS));
  if (g_test_rand_double () < 0.2)
    dps_filter_set_amount_buckets (filter, g_test_rand_int_range (1, 1 << DPS_N_AMOUNT_BUCKETS));
  if (g_test_rand_double () < 0.2)
    dps_filter_set_weekdays (filter, g_test_rand_int_range (1, 1 << 7));
  if (g_test_rand_double () < 0.2)
    dps_filter_set_hours (filter, g_test_rand_int_range (1, 1 << 24));
  if (g_test_rand_double () < 0.5)
    {
      int kind = g_test_rand_int_range (0, 4);
      gint64 day = g_test_rand_int_range (-10, N_DAYS);
      gint64 from = START + day * DPS_USEC_PER_DAY;
      gint64 length = g_test_rand_int_range (1, 80) * DPS_USEC_PER_DAY;

      switch (kind)
        {
        case 0:   /* whole days */
          dps_filter_set_period (filter, from, from + length);
          break;
        case 1:   /* hours: the base table answers */
          from += g_test_rand_int_range (0, 24) * G_GINT64_CONSTANT (3600000000);
          dps_filter_set_period (filter, from, from + g_test_rand_int_range (1, 72) * G_GINT64_CONSTANT (3600000000));
          break;
        case 2:
          dps_filter_set_period (filter, from, DPS_FILTER_NO_TIME);
          break;
        default:
          dps_filter_set_period (filter, DPS_FILTER_NO_TIME, from);
          break;
        }
    }
  if (g_test_rand_double () < 0.15)
    {
      gint64 low = g_test_rand_int_range (0, 20000);
      dps_filter_set_amount_range (filter, low, low + g_test_rand_int_range (100, 50000));
    }
  if (g_test_rand_double () < 0.15)
    dps_filter_set_search (filter, searches[g_test_rand_int_range (0, G_N_ELEMENTS (searches))]);
  dps_filter_thaw (filter);
  return filter;
}

/* Tests. */

static void
test_numbers_all (void)
{
  g_autoptr(DpsFilter) empty = dps_filter_new ();

  apply_filter (empty);
  assert_page_matches_queries ();
  g_assert_cmpint (dps_dashboard_data_get_kpis (dps_dashboard_page_get_data (world.page))->total.count,
                   >, N_ROWS * 0.9);
}

static void
test_numbers_random_filters (void)
{
  for (guint i = 0; i < N_RANDOM_FILTERS; i++)
    {
      g_autoptr(DpsFilter) filter = random_filter ();
      g_autofree char *text = dps_filter_to_string (filter);

      g_test_message ("filter %u: %s", i, text);
      apply_filter (filter);
      assert_page_matches_queries ();
    }
}

static void
test_granularity (void)
{
  struct {
    gint64             days;
    DpsTimeGranularity granularity;
    guint              points;
  } cases[] = {
    { 1, DPS_TIME_GRANULARITY_HOUR, 24 },
    { 2, DPS_TIME_GRANULARITY_HOUR, 48 },
    { 3, DPS_TIME_GRANULARITY_DAY, 3 },
    { 90, DPS_TIME_GRANULARITY_DAY, 90 },
    /* 2026-01-05 is a Monday: whole weeks. */
    { 140, DPS_TIME_GRANULARITY_WEEK, 20 },
    /* 2026-01 to 2028-12. */
    { 1092, DPS_TIME_GRANULARITY_MONTH, 36 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DpsFilter) filter = dps_filter_new ();
      DpsDashboardData *shown;
      DpsChartSeries *timeline;
      gint64 from, to;

      dps_filter_set_period (filter, START, START + cases[i].days * DPS_USEC_PER_DAY);
      apply_filter (filter);
      shown = dps_dashboard_page_get_data (world.page);
      timeline = dps_dashboard_data_get_series (shown, DPS_DASHBOARD_CHART_TIMELINE);
      g_assert_cmpint (dps_dashboard_data_get_granularity (shown), ==, cases[i].granularity);
      g_assert_cmpint (dps_time_chart_get_granularity ((DpsTimeChart *) dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_TIMELINE)),
                       ==, cases[i].granularity);
      if (cases[i].granularity == DPS_TIME_GRANULARITY_MONTH)
        g_assert_cmpuint (dps_chart_series_get_n_items (timeline), >=, cases[i].points);
      else
        g_assert_cmpuint (dps_chart_series_get_n_items (timeline), ==, cases[i].points);
      dps_dashboard_data_get_time_range (shown, &from, &to);
      g_assert_cmpint (from, <=, START);
      g_assert_cmpint (to, >=, START + cases[i].days * DPS_USEC_PER_DAY);
      assert_page_matches_queries ();
    }
}

static void
test_cross_filter (void)
{
  g_autoptr(DpsFilter) empty = dps_filter_new ();
  DpsFilter *filter = dps_session_get_filter (world.session);
  DpsChart *chart;
  DpsChartSeries *series;
  const char *const *values;
  gint64 from, to, key_from, key_to;
  const char *key;

  apply_filter (empty);

  /* A category bar. */
  chart = dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_CATEGORY);
  g_signal_emit_by_name (chart, "item-activated", "grocery", NULL);
  values = dps_filter_get_categories (filter);
  g_assert_nonnull (values);
  g_assert_cmpstr (values[0], ==, "grocery");
  g_assert_null (values[1]);
  dps_gui_test_await (dps_gui_test_dashboard_settled (world.page));
  series = dps_chart_get_series (chart);
  g_assert_cmpuint (dps_chart_series_get_n_items (series), ==, 1);
  g_assert_cmpstr (dps_chart_series_get_key (series, 0), ==, "grocery");
  assert_page_matches_queries ();

  /* A city bar and a merchant bar add to their sets. */
  g_signal_emit_by_name (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_CITY),
                         "item-activated", "Lyon", NULL);
  g_assert_cmpstr (dps_filter_get_cities (filter)[0], ==, "Lyon");
  g_signal_emit_by_name (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_MERCHANT),
                         "item-activated", "Carrefour", NULL);
  g_assert_cmpstr (dps_filter_get_merchants (filter)[0], ==, "Carrefour");

  /* A status slice, a payment method and an amount range set masks. */
  g_signal_emit_by_name (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_STATUS),
                         "item-activated", "DECLINED", NULL);
  g_assert_cmpuint (dps_filter_get_statuses (filter), ==, DPS_FILTER_MASK (DPS_STATUS_DECLINED));
  g_signal_emit_by_name (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_PAYMENT_METHOD),
                         "item-activated", "wallet", NULL);
  g_assert_cmpuint (dps_filter_get_payment_methods (filter), ==, DPS_FILTER_MASK (DPS_PAYMENT_METHOD_WALLET));
  g_signal_emit_by_name (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_AMOUNT_BUCKET),
                         "item-activated", "20-100", NULL);
  g_assert_cmpuint (dps_filter_get_amount_buckets (filter), ==, DPS_FILTER_MASK (DPS_AMOUNT_BUCKET_20_100));

  /* A heatmap cell: its weekday and its hour, in one change. */
  g_signal_emit_by_name (dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_HEATMAP),
                         "item-activated", "2", "14");
  g_assert_cmpuint (dps_filter_get_weekdays (filter), ==, 1u << 2);
  g_assert_cmpuint (dps_filter_get_hours (filter), ==, 1u << 14);
  dps_gui_test_await (dps_gui_test_dashboard_settled (world.page));
  assert_page_matches_queries ();

  /* Undo puts back the filter before the last click. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (world.page), "dashboard.undo-filter", NULL));
  g_assert_cmpuint (dps_filter_get_weekdays (filter), ==, 0);
  g_assert_cmpuint (dps_filter_get_hours (filter), ==, 0);
  g_assert_cmpuint (dps_filter_get_amount_buckets (filter), ==, DPS_FILTER_MASK (DPS_AMOUNT_BUCKET_20_100));

  /* A point in time: its bucket becomes the period. */
  apply_filter (empty);
  chart = dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_TIMELINE);
  series = dps_chart_get_series (chart);
  g_assert_cmpuint (dps_chart_series_get_n_items (series), >, 3);
  key = dps_chart_series_get_key (series, 3);
  g_assert_true (dps_time_key_to_range (dps_time_chart_get_granularity ((DpsTimeChart *) chart),
                                        key, &key_from, &key_to));
  dps_chart_activate_item (chart, 3);
  dps_filter_get_period (filter, &from, &to);
  g_assert_cmpint (from, ==, key_from);
  g_assert_cmpint (to, ==, key_to);
  dps_gui_test_await (dps_gui_test_dashboard_settled (world.page));
  assert_page_matches_queries ();
  apply_filter (empty);
}

static void
test_live_refresh (void)
{
  g_autoptr(DpsFilter) empty = dps_filter_new ();
  DpsChart *chart = dps_dashboard_page_get_chart (world.page, DPS_DASHBOARD_CHART_CATEGORY);
  DpsChartSeries *before;
  gint64 count_before;
  guint refreshes;

  apply_filter (empty);
  before = dps_chart_get_series (chart);
  count_before = dps_dashboard_data_get_kpis (dps_dashboard_page_get_data (world.page))->total.count;

  /* New rows land, and the session says so several times in a row. */
  load_generated (world.repository, world.next_seed++, 1000, START, N_DAYS);
  refreshes = world.refreshed;
  for (guint i = 0; i < 5; i++)
    dps_session_data_changed (world.session);
  g_assert_true (dps_dashboard_page_get_refreshing (world.page));
  /* The charts stay on screen until the new figures arrive. */
  g_assert_true (dps_chart_get_series (chart) == before);

  dps_gui_test_await (dps_gui_test_dashboard_settled (world.page));
  /* One refresh running, one after it for the notices that came meanwhile. */
  g_assert_cmpuint (world.refreshed - refreshes, ==, 2);
  g_assert_cmpint (dps_dashboard_data_get_kpis (dps_dashboard_page_get_data (world.page))->total.count,
                   >, count_before);
  assert_page_matches_queries ();
}

static void
test_stale_refresh_cancelled (void)
{
  g_autoptr(DpsFilter) first = dps_filter_new ();
  g_autoptr(DpsFilter) second = dps_filter_new ();
  g_autoptr(DpsFilter) empty = dps_filter_new ();
  guint refreshes;

  apply_filter (empty);
  dps_filter_add_value (first, "city", "Paris");
  dps_filter_add_value (second, "city", "Nice");
  refreshes = world.refreshed;
  dps_filter_assign (dps_session_get_filter (world.session), first);
  dps_filter_assign (dps_session_get_filter (world.session), second);
  dps_gui_test_await (dps_gui_test_dashboard_settled (world.page));

  /* Only the figures of the last filter ever reached the screen. */
  g_assert_cmpuint (world.refreshed - refreshes, ==, 1);
  g_assert_true (dps_filter_equal (dps_dashboard_data_get_filter (dps_dashboard_page_get_data (world.page)),
                                   second));
  assert_page_matches_queries ();
  apply_filter (empty);
}

static void
test_empty_states (void)
{
  g_autoptr(DpsSession) closed = dps_session_new ();
  g_autoptr(DpsSession) empty = NULL;
  GtkWidget *page, *window;
  GtkStack *stack;

  /* No database: say so. */
  page = dps_dashboard_page_new (closed);
  window = new_window (page, 800, 600);
  stack = GTK_STACK (dps_gui_test_find_widget (page, GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "no-database");
  gtk_window_destroy (GTK_WINDOW (window));

  /* An empty database: invite to load data. */
  empty = dps_gui_test_open_session ("empty.db");
  page = dps_dashboard_page_new (empty);
  window = new_window (page, 800, 600);
  dps_gui_test_await (dps_gui_test_dashboard_settled (page));
  stack = GTK_STACK (dps_gui_test_find_widget (page, GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpint (dps_dashboard_data_get_comparison (dps_dashboard_page_get_data (DPS_DASHBOARD_PAGE (page)))->kind,
                   ==, DPS_DASHBOARD_COMPARISON_NONE);
  gtk_window_destroy (GTK_WINDOW (window));
  dps_gui_test_drain ();
}

static gboolean
stack_shows_error (gpointer stack)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "error") == 0;
}

/* A database the dashboard cannot read (a summary table went missing):
 * the page says why and offers to try again, instead of claiming that
 * no database is open or spinning forever. */
static void
test_unreadable_database (void)
{
  g_autofree char *path = dps_gui_test_tmp_path ("broken.db");
  g_autoptr(DpsSession) session = dps_gui_test_open_session_at (path);
  GtkWidget *page, *window, *error_page;
  GtkStack *stack;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE rollup_status", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  page = dps_dashboard_page_new (session);
  window = new_window (page, 800, 600);
  stack = GTK_STACK (dps_gui_test_find_widget (page, GTK_TYPE_STACK));
  dps_gui_test_await (stack_shows_error (stack));
  error_page = gtk_stack_get_visible_child (stack);
  g_assert_true (ADW_IS_STATUS_PAGE (error_page));
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (error_page)), "rollup_status"));
  g_assert_null (dps_dashboard_page_get_data (DPS_DASHBOARD_PAGE (page)));
  gtk_window_destroy (GTK_WINDOW (window));
  dps_gui_test_drain ();
}

/* A database with more categories than bars, all in one day. */
static void
test_other_and_hours (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dps_gui_test_tmp_path ("other.db");
  g_autofree char *uri = dps_test_db_uri (path);
  g_autoptr(DpsRepository) repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);
  g_autoptr(DpsBatch) batch = dps_batch_new ();
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsDashboardData) data = NULL;
  DpsChartSeries *series;
  guint32 source_id;
  gint64 other = 0;

  g_assert_no_error (error);
  g_assert_true (dps_repository_ensure_source (repository, "test:other", &source_id, &error));
  for (guint i = 0; i < 15; i++)
    {
      DpsTransaction tx = { 0 };
      DpsPosition position = { source_id, -1, i * 100, i + 1 };
      g_autofree char *uuid = g_uuid_string_random ();

      g_assert_true (dps_uuid_from_string (uuid, tx.id));
      tx.event_ts = START + 10 * G_GINT64_CONSTANT (3600000000) + i * G_GINT64_CONSTANT (600000000);
      tx.user_id = 7;
      tx.amount_cents = (i + 1) * 100;
      tx.merchant = g_strdup_printf ("Shop %u", i);
      tx.category = g_strdup_printf ("c%02u", i);
      tx.city = g_strdup ("Paris");
      tx.status = DPS_STATUS_APPROVED;
      tx.payment_method = DPS_PAYMENT_METHOD_CARD;
      strcpy (tx.currency, "EUR");
      tx.payload = g_strdup ("{}");
      dps_transaction_enrich (&tx);
      dps_batch_take_row (batch, &tx, &position);
      if (i < 4)
        other += (i + 1) * 100;
    }
  write_batch (repository, batch);

  data = dps_dashboard_data_load (repository, filter, NULL, &error);
  g_assert_no_error (error);

  /* The 11 largest, then the rest summed into a bar without a key. */
  series = dps_dashboard_data_get_series (data, DPS_DASHBOARD_CHART_CATEGORY);
  g_assert_cmpuint (dps_chart_series_get_n_items (series), ==, DPS_DASHBOARD_MAX_BARS);
  g_assert_cmpstr (dps_chart_series_get_key (series, 0), ==, "c14");
  g_assert_null (dps_chart_series_get_key (series, DPS_DASHBOARD_MAX_BARS - 1));
  g_assert_cmpfloat (dps_chart_series_get_value (series, DPS_DASHBOARD_MAX_BARS - 1), ==, other / 100.0);
  g_assert_cmpfloat (dps_chart_series_get_total (series, FALSE), ==, 120 * 100 / 100.0);

  /* Ten minutes apart from 10:00: hours 10, 11 and 12 of one day, shown
   * by hour over that whole day (the rollups know the data's days). */
  g_assert_cmpint (dps_dashboard_data_get_granularity (data), ==, DPS_TIME_GRANULARITY_HOUR);
  series = dps_dashboard_data_get_series (data, DPS_DASHBOARD_CHART_TIMELINE);
  g_assert_cmpuint (dps_chart_series_get_n_items (series), ==, 24);
  g_assert_cmpstr (dps_chart_series_get_key (series, 0), ==, "2026-01-05T00");
  g_assert_cmpstr (dps_chart_series_get_key (series, 10), ==, "2026-01-05T10");
  g_assert_cmpfloat (dps_chart_series_get_value2 (series, 9), ==, 0);
  g_assert_cmpfloat (dps_chart_series_get_value2 (series, 10), ==, 6);
  g_assert_cmpfloat (dps_chart_series_get_value2 (series, 11), ==, 6);
  g_assert_cmpfloat (dps_chart_series_get_value2 (series, 12), ==, 3);
  g_assert_cmpfloat (dps_chart_series_get_value (series, 10), ==, (1 + 2 + 3 + 4 + 5 + 6));
  g_assert_cmpfloat (dps_chart_series_get_total (series, TRUE), ==, 15);

  /* Monday 10:00 holds six of them. */
  series = dps_dashboard_data_get_series (data, DPS_DASHBOARD_CHART_HEATMAP);
  g_assert_cmpfloat (dps_chart_series_get_value (series, dps_chart_series_find (series, "0", "10")), ==, 6);
  g_assert_cmpfloat (dps_chart_series_get_value (series, dps_chart_series_find (series, "6", "10")), ==, 0);
}

/* Saves a screenshot of @window; returns the luminance near a corner,
 * outside the cards. */
static double
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  g_autoptr(GdkTexture) texture = dps_gui_test_render (window);
  g_autofree char *path = dps_gui_test_save_texture (texture, name);
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *pixels = g_malloc ((gsize) width * height * 4);
  const guint8 *pixel;

  g_assert_cmpint (width, >, 100);
  /* B, G, R, A bytes. */
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  pixel = pixels + (gsize) 4 * width * 4 + 4 * 4;
  return (0.2126 * pixel[2] + 0.7152 * pixel[1] + 0.0722 * pixel[0]) / 255.0;
}

/* A fresh page (no toasts left by other tests) in a window of this size. */
static void
screenshot_page (int         width,
                 int         height,
                 const char *light_name,
                 const char *dark_name)
{
  DpsDashboardPage *page = DPS_DASHBOARD_PAGE (dps_dashboard_page_new (world.session));
  GtkWidget *window;
  double light, dark;

  dps_gui_test_set_dark (FALSE);
  window = new_window (GTK_WIDGET (page), width, height);
  dps_gui_test_await (dps_gui_test_dashboard_settled (page));
  light = save_screenshot (window, light_name);

  dps_gui_test_set_dark (TRUE);
  dark = save_screenshot (window, dark_name);
  dps_gui_test_set_dark (FALSE);

  g_assert_cmpfloat (light, >, 0.8);
  g_assert_cmpfloat (dark, <, 0.3);
  gtk_window_destroy (GTK_WINDOW (window));
  dps_gui_test_drain ();
}

static void
test_screenshots (void)
{
  g_autoptr(DpsFilter) empty = dps_filter_new ();

  apply_filter (empty);
  screenshot_page (1280, 800, "dashboard-light", "dashboard-dark");
  screenshot_page (800, 800, "dashboard-light-800", "dashboard-dark-800");
  /* Most cards at once, as tall as the display allows. */
  screenshot_page (1280, 1024, "dashboard-light-1024", "dashboard-dark-1024");
}

int
main (int    argc,
      char **argv)
{
  int status;

  dps_gui_test_init (&argc, &argv);
  dps_gui_test_set_dark (FALSE);
  set_up_world ();

  g_test_add_func ("/dps/dashboard/numbers/all", test_numbers_all);
  g_test_add_func ("/dps/dashboard/unreadable-database", test_unreadable_database);
  g_test_add_func ("/dps/dashboard/numbers/random-filters", test_numbers_random_filters);
  g_test_add_func ("/dps/dashboard/granularity", test_granularity);
  g_test_add_func ("/dps/dashboard/cross-filter", test_cross_filter);
  g_test_add_func ("/dps/dashboard/live-refresh", test_live_refresh);
  g_test_add_func ("/dps/dashboard/stale-refresh-cancelled", test_stale_refresh_cancelled);
  g_test_add_func ("/dps/dashboard/empty-states", test_empty_states);
  g_test_add_func ("/dps/dashboard/other-and-hours", test_other_and_hours);
  g_test_add_func ("/dps/dashboard/screenshots", test_screenshots);

  status = g_test_run ();
  tear_down_world ();
  return status;
}
