/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <time.h>

#include "dps-dashboard-data.h"
#include "dps-format.h"

#define USEC_PER_HOUR G_GINT64_CONSTANT (3600000000)
#define COMPARISON_DAYS 30
/* Beyond this a period is wider than anything worth plotting point by
 * point: the time series then spans the data only. */
#define MAX_PLOTTED_SPAN (DPS_USEC_PER_DAY * 3660)

struct _DpsDashboardData
{
  GObject                 parent_instance;

  /* Owned. */
  DpsFilter              *filter;
  DpsChartSeries         *series[DPS_DASHBOARD_N_CHARTS];

  DpsKpis                 kpis;
  DpsDashboardComparison  comparison;
  DpsTimeGranularity      granularity;
  gint64                  time_from;
  gint64                  time_to;
  double                  query_time[DPS_DASHBOARD_N_CHARTS];
  double                  query_cpu_time[DPS_DASHBOARD_N_CHARTS];
  gboolean                from_rollup[DPS_DASHBOARD_N_CHARTS];
  double                  kpi_time;
  double                  kpi_cpu_time;

  /* Set when the column store answers: no rollup could, so one pass
   * over the columns replaces a table scan per chart. */
  DpsColumnStore         *store;
  DpsColumnStoreAnswer   *answer;
  double                  store_time;
  double                  store_cpu_time;
  guint                   store_passes;
};

G_DEFINE_FINAL_TYPE (DpsDashboardData, dps_dashboard_data, G_TYPE_OBJECT)

/* CPU seconds of the calling thread: unlike wall time, not inflated by
 * other programs on a busy machine. */
static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0.0;
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static double
euros (gint64 cents)
{
  return (double) cents / 100.0;
}

/* One pass of the column store over @filter, timed. */
static DpsColumnStoreAnswer *
store_pass (DpsDashboardData  *self,
            DpsFilter         *filter,
            GCancellable      *cancellable,
            GError           **error)
{
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_seconds ();
  DpsColumnStoreAnswer *answer;

  answer = dps_column_store_query (self->store, filter, cancellable, error);
  self->store_time += (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  self->store_cpu_time += thread_cpu_seconds () - cpu_start;
  self->store_passes++;
  return answer;
}

gboolean
dps_dashboard_data_wants_store (DpsFilter *filter)
{
  static const DpsDimension pairs[][2] = {
    { DPS_DIMENSION_NONE, DPS_DIMENSION_NONE },
    { DPS_DIMENSION_DAY, DPS_DIMENSION_NONE },
    { DPS_DIMENSION_DAY, DPS_DIMENSION_HOUR },
    { DPS_DIMENSION_CATEGORY, DPS_DIMENSION_NONE },
    { DPS_DIMENSION_STATUS, DPS_DIMENSION_NONE },
    { DPS_DIMENSION_CITY, DPS_DIMENSION_NONE },
    { DPS_DIMENSION_MERCHANT, DPS_DIMENSION_NONE },
    { DPS_DIMENSION_PAYMENT_METHOD, DPS_DIMENSION_NONE },
    { DPS_DIMENSION_AMOUNT_BUCKET, DPS_DIMENSION_NONE },
    { DPS_DIMENSION_WEEKDAY, DPS_DIMENSION_HOUR },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    if (dps_column_store_filter_needs_scan (filter, pairs[i][0], pairs[i][1]))
      return TRUE;
  return FALSE;
}

/* Runs one breakdown and records its time and whether a rollup answered. */
static DpsBreakdown *
timed_breakdown (DpsDashboardData   *self,
                 DpsDashboardChart   chart,
                 DpsRepository      *repository,
                 DpsFilter          *filter,
                 DpsDimension        dimension,
                 DpsDimension        dimension2,
                 DpsBreakdownOrder   order,
                 guint               limit,
                 GCancellable       *cancellable,
                 GError            **error)
{
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_seconds ();
  DpsBreakdown *breakdown;

  if (self->answer != NULL && filter == self->filter)
    {
      breakdown = dps_column_store_answer_get_breakdown (self->answer, dimension, dimension2,
                                                         order, limit);
      if (breakdown != NULL)
        {
          self->query_time[chart] += (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
          self->query_cpu_time[chart] += thread_cpu_seconds () - cpu_start;
          self->from_rollup[chart] = FALSE;
          return breakdown;
        }
    }
  breakdown = dps_repository_query_breakdown (repository, filter, dimension, dimension2,
                                              order, limit, cancellable, error);
  self->query_time[chart] += (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  self->query_cpu_time[chart] += thread_cpu_seconds () - cpu_start;
  if (breakdown != NULL)
    self->from_rollup[chart] = breakdown->from_rollup;
  return breakdown;
}

static gboolean
timed_kpis (DpsDashboardData  *self,
            DpsRepository     *repository,
            DpsFilter         *filter,
            DpsKpis           *kpis,
            GCancellable      *cancellable,
            GError           **error)
{
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_seconds ();
  gboolean ok;

  memset (kpis, 0, sizeof *kpis);
  kpis->first_event = kpis->last_event = G_MININT64;
  if (self->answer != NULL && filter == self->filter)
    {
      dps_column_store_answer_get_kpis (self->answer, kpis);
      ok = TRUE;
    }
  else if (self->store != NULL)
    {
      g_autoptr(DpsColumnStoreAnswer) answer = NULL;

      /* Another period of the same filter (the comparison): a pass of
       * its own, still quicker than the scan. */
      answer = store_pass (self, filter, cancellable, error);
      ok = answer != NULL;
      if (ok)
        dps_column_store_answer_get_kpis (answer, kpis);
    }
  else
    ok = dps_repository_query_kpis (repository, filter, kpis, cancellable, error);
  self->kpi_time += (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  self->kpi_cpu_time += thread_cpu_seconds () - cpu_start;
  return ok;
}

/* Categories or cities: the largest ones, then the rest as "Other". */
static DpsChartSeries *
top_series (DpsBreakdown   *breakdown,
            const char     *key_title,
            gboolean        by_amount)
{
  DpsChartSeries *series;
  DpsAggregate other = { 0 };
  guint n = dps_breakdown_get_n_items (breakdown);
  guint shown = n > DPS_DASHBOARD_MAX_BARS ? DPS_DASHBOARD_MAX_BARS - 1 : n;

  if (by_amount)
    series = dps_chart_series_new (_("Amount"), DPS_CHART_FORMAT_AMOUNT);
  else
    series = dps_chart_series_new (_("Transactions"), DPS_CHART_FORMAT_COUNT);
  dps_chart_series_set_key_titles (series, key_title, NULL);

  for (guint i = 0; i < n; i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);

      if (i < shown)
        dps_chart_series_add (series, item->key, item->key,
                              by_amount ? euros (item->agg.amount_cents) : (double) item->agg.count);
      else
        {
          other.count += item->agg.count;
          other.amount_cents += item->agg.amount_cents;
        }
    }
  if (n > shown)
    /* Translators: a bar that sums the smaller categories or cities. */
    dps_chart_series_add (series, NULL, C_("chart item", "Other"),
                          by_amount ? euros (other.amount_cents) : (double) other.count);
  return series;
}

/* Statuses, payment methods, buckets: every value in its natural order,
 * zero when absent. */
static DpsChartSeries *
enum_series (DpsBreakdown      *breakdown,
             const char        *key_title,
             guint              n_values,
             const char *     (*to_string) (guint value),
             const char *     (*to_label) (guint value))
{
  DpsChartSeries *series = dps_chart_series_new (_("Transactions"), DPS_CHART_FORMAT_COUNT);

  dps_chart_series_set_key_titles (series, key_title, NULL);
  for (guint v = 0; v < n_values; v++)
    {
      const char *key = to_string (v);
      gint64 count = 0;

      for (guint i = 0; i < dps_breakdown_get_n_items (breakdown); i++)
        {
          const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);

          if (g_strcmp0 (item->key, key) == 0)
            count += item->agg.count;
        }
      dps_chart_series_add (series, key, to_label (v), (double) count);
    }
  return series;
}

static const char *
status_to_string (guint value)
{
  return dps_status_to_string ((DpsStatus) value);
}

static const char *
status_label (guint value)
{
  return dps_format_status_label ((DpsStatus) value);
}

static const char *
payment_method_to_string (guint value)
{
  return dps_payment_method_to_string ((DpsPaymentMethod) value);
}

static const char *
payment_method_label (guint value)
{
  return dps_format_payment_method_label ((DpsPaymentMethod) value);
}

static const char *
bucket_to_string (guint value)
{
  return dps_amount_bucket_to_string ((DpsAmountBucket) value);
}

static const char *
bucket_label (guint value)
{
  return dps_format_amount_bucket_label ((DpsAmountBucket) value);
}

static char *
time_label (DpsTimeGranularity  granularity,
            gint64              from)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (dps_floor_div (from, G_USEC_PER_SEC));

  if (dt == NULL)
    return g_strdup ("");
  switch (granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      /* Translators: one hour of a time series (strftime format, UTC). */
      return g_date_time_format (dt, _("%a %-d %b %Y, %H:00"));
    case DPS_TIME_GRANULARITY_WEEK:
      {
        g_autofree char *day = g_date_time_format (dt, _("%-d %b %Y"));
        /* Translators: one week of a time series; %s is its Monday ("16 Nov 2026"). */
        return g_strdup_printf (_("Week of %s"), day);
      }
    case DPS_TIME_GRANULARITY_MONTH:
      /* Translators: one month of a time series (strftime format). */
      return g_date_time_format (dt, _("%B %Y"));
    case DPS_TIME_GRANULARITY_DAY:
    default:
      /* Translators: one day of a time series (strftime format). */
      return g_date_time_format (dt, _("%a %-d %b %Y"));
    }
}

static DpsTimeGranularity
granularity_for_span (gint64 span)
{
  if (span <= 2 * DPS_USEC_PER_DAY)
    return DPS_TIME_GRANULARITY_HOUR;
  if (span <= 90 * DPS_USEC_PER_DAY)
    return DPS_TIME_GRANULARITY_DAY;
  if (span <= 731 * DPS_USEC_PER_DAY)
    return DPS_TIME_GRANULARITY_WEEK;
  return DPS_TIME_GRANULARITY_MONTH;
}

/* The span to plot: the filter's period, completed by the data's. */
static gboolean
time_span (DpsFilter     *filter,
           const DpsKpis *kpis,
           gint64        *from,
           gint64        *to)
{
  gint64 period_from, period_to;
  gboolean has_data = kpis->total.count > 0 && kpis->first_event != G_MININT64;

  dps_filter_get_period (filter, &period_from, &period_to);
  if (period_from != DPS_FILTER_NO_TIME && period_to != DPS_FILTER_NO_TIME &&
      period_to - period_from <= MAX_PLOTTED_SPAN)
    {
      *from = period_from;
      *to = period_to;
      return period_to > period_from;
    }
  if (!has_data)
    return FALSE;
  *from = kpis->first_event;
  *to = kpis->last_event + 1;
  if (period_from != DPS_FILTER_NO_TIME)
    *from = MAX (*from, period_from);
  if (period_to != DPS_FILTER_NO_TIME)
    *to = MIN (*to, period_to);
  return *to > *from;
}

static gboolean
load_timeline (DpsDashboardData  *self,
               DpsRepository     *repository,
               GCancellable      *cancellable,
               GError           **error)
{
  g_autoptr(DpsBreakdown) breakdown = NULL;
  g_autoptr(GHashTable) by_key = NULL;
  DpsChartSeries *series;
  DpsDimension dimension;
  gint64 from, to, bucket;
  guint guard = 0;

  series = dps_chart_series_new (_("Amount"), DPS_CHART_FORMAT_AMOUNT);
  dps_chart_series_set_second (series, _("Transactions"), DPS_CHART_FORMAT_COUNT);
  dps_chart_series_set_key_titles (series, _("Period"), NULL);
  self->series[DPS_DASHBOARD_CHART_TIMELINE] = series;

  if (!time_span (self->filter, &self->kpis, &from, &to))
    return TRUE;

  self->granularity = granularity_for_span (to - from);
  switch (self->granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      dimension = DPS_DIMENSION_DAY;
      break;
    case DPS_TIME_GRANULARITY_WEEK:
      dimension = DPS_DIMENSION_WEEK;
      break;
    case DPS_TIME_GRANULARITY_MONTH:
      dimension = DPS_DIMENSION_MONTH;
      break;
    case DPS_TIME_GRANULARITY_DAY:
    default:
      dimension = DPS_DIMENSION_DAY;
      break;
    }

  /* Hours come from day × hour of day: the core has no hour-of-time
   * dimension, and the hourly rollup answers this pair. */
  if (self->answer != NULL && self->granularity == DPS_TIME_GRANULARITY_HOUR)
    {
      g_autoptr(DpsBreakdown) hourly = NULL;

      hourly = dps_column_store_answer_get_breakdown (self->answer, DPS_DIMENSION_DAY,
                                                      DPS_DIMENSION_HOUR, DPS_BREAKDOWN_ORDER_KEY, 0);
      if (hourly == NULL)
        {
          /* The pass kept days only (the data spans years): the span
           * holds every matching row, so a pass over it alone gives the
           * same rows, by hour. */
          g_autoptr(DpsFilter) narrowed = dps_filter_copy (self->filter);
          g_autoptr(DpsColumnStoreAnswer) answer = NULL;

          dps_filter_set_period (narrowed, from, to);
          answer = store_pass (self, narrowed, cancellable, error);
          if (answer == NULL)
            return FALSE;
          breakdown = dps_column_store_answer_get_breakdown (answer, DPS_DIMENSION_DAY,
                                                             DPS_DIMENSION_HOUR,
                                                             DPS_BREAKDOWN_ORDER_KEY, 0);
        }
    }
  if (breakdown == NULL)
    breakdown = timed_breakdown (self, DPS_DASHBOARD_CHART_TIMELINE, repository, self->filter,
                                 dimension,
                                 self->granularity == DPS_TIME_GRANULARITY_HOUR ? DPS_DIMENSION_HOUR
                                                                                : DPS_DIMENSION_NONE,
                                 DPS_BREAKDOWN_ORDER_KEY, 0, cancellable, error);
  if (breakdown == NULL)
    return FALSE;

  by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < dps_breakdown_get_n_items (breakdown); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);
      char *key;

      if (self->granularity == DPS_TIME_GRANULARITY_HOUR)
        {
          gint32 day;

          if (!dps_parse_date (item->key, &day))
            continue;
          key = dps_time_key_for_instant (DPS_TIME_GRANULARITY_HOUR,
                                          day * DPS_USEC_PER_DAY +
                                          g_ascii_strtoll (item->key2, NULL, 10) * USEC_PER_HOUR);
        }
      else
        key = g_strdup (item->key);
      if (key != NULL)
        g_hash_table_insert (by_key, key, (gpointer) &item->agg);
    }

  /* One point per bucket of the span, empty ones included. */
  {
    g_autofree char *first = dps_time_key_for_instant (self->granularity, from);
    gint64 next;

    if (first == NULL || !dps_time_key_to_range (self->granularity, first, &bucket, &next))
      return TRUE;
  }
  self->time_from = bucket;
  while (bucket < to && guard++ < 100000)
    {
      g_autofree char *key = dps_time_key_for_instant (self->granularity, bucket);
      g_autofree char *label = time_label (self->granularity, bucket);
      const DpsAggregate *agg;
      gint64 start, end;

      if (key == NULL || !dps_time_key_to_range (self->granularity, key, &start, &end))
        break;
      agg = g_hash_table_lookup (by_key, key);
      dps_chart_series_add_full (series, key, NULL, label, NULL,
                                 agg != NULL ? euros (agg->amount_cents) : 0.0,
                                 agg != NULL ? (double) agg->count : 0.0);
      bucket = end;
    }
  self->time_to = bucket;
  return TRUE;
}

static gboolean
load_heatmap (DpsDashboardData  *self,
              DpsRepository     *repository,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(DpsBreakdown) breakdown = NULL;
  gint64 counts[7][24] = { { 0 } };
  DpsChartSeries *series;

  breakdown = timed_breakdown (self, DPS_DASHBOARD_CHART_HEATMAP, repository, self->filter,
                               DPS_DIMENSION_WEEKDAY, DPS_DIMENSION_HOUR,
                               DPS_BREAKDOWN_ORDER_KEY, 0, cancellable, error);
  if (breakdown == NULL)
    return FALSE;

  for (guint i = 0; i < dps_breakdown_get_n_items (breakdown); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);
      gint64 weekday = g_ascii_strtoll (item->key, NULL, 10);
      gint64 hour = g_ascii_strtoll (item->key2, NULL, 10);

      if (weekday >= 0 && weekday < 7 && hour >= 0 && hour < 24)
        counts[weekday][hour] += item->agg.count;
    }

  series = dps_chart_series_new (_("Transactions"), DPS_CHART_FORMAT_COUNT);
  dps_chart_series_set_key_titles (series, _("Weekday"), _("Hour"));
  for (guint weekday = 0; weekday < 7; weekday++)
    for (guint hour = 0; hour < 24; hour++)
      {
        char key[4], key2[4];
        g_autofree char *hour_label = NULL;

        g_snprintf (key, sizeof key, "%u", weekday);
        g_snprintf (key2, sizeof key2, "%u", hour);
        /* Translators: an hour of the day (UTC) in the heatmap: "14:00"; French "%u h". */
        hour_label = g_strdup_printf (C_("hour of day", "%u:00"), hour);
        dps_chart_series_add_full (series, key, key2, dps_format_weekday_label (weekday), hour_label,
                                   (double) counts[weekday][hour], 0.0);
      }
  self->series[DPS_DASHBOARD_CHART_HEATMAP] = series;
  return TRUE;
}

static gboolean
load_comparison (DpsDashboardData  *self,
                 DpsRepository     *repository,
                 GCancellable      *cancellable,
                 GError           **error)
{
  DpsDashboardComparison *cmp = &self->comparison;
  g_autoptr(DpsFilter) window = NULL;
  gint64 from, to, span;

  dps_filter_get_period (self->filter, &from, &to);
  if (from == DPS_FILTER_NO_TIME && to == DPS_FILTER_NO_TIME)
    {
      gint64 end_day;

      if (self->kpis.total.count == 0 || self->kpis.last_event == G_MININT64)
        return TRUE;
      /* Whole UTC days, so that the rollups can answer. */
      end_day = dps_floor_div (self->kpis.last_event, DPS_USEC_PER_DAY) + 1;
      cmp->kind = DPS_DASHBOARD_COMPARISON_LAST_30_DAYS;
      cmp->current_to = end_day * DPS_USEC_PER_DAY;
      cmp->current_from = cmp->current_to - COMPARISON_DAYS * DPS_USEC_PER_DAY;
      cmp->previous_to = cmp->current_from;
      cmp->previous_from = cmp->previous_to - COMPARISON_DAYS * DPS_USEC_PER_DAY;

      window = dps_filter_copy (self->filter);
      dps_filter_set_period (window, cmp->current_from, cmp->current_to);
      if (!timed_kpis (self, repository, window, &cmp->current, cancellable, error))
        return FALSE;
    }
  else
    {
      /* A one-sided period ends where the data does. */
      if (from == DPS_FILTER_NO_TIME || to == DPS_FILTER_NO_TIME)
        {
          if (self->kpis.total.count == 0 || self->kpis.first_event == G_MININT64)
            return TRUE;
          if (from == DPS_FILTER_NO_TIME)
            from = dps_floor_div (self->kpis.first_event, DPS_USEC_PER_DAY) * DPS_USEC_PER_DAY;
          if (to == DPS_FILTER_NO_TIME)
            to = (dps_floor_div (self->kpis.last_event, DPS_USEC_PER_DAY) + 1) * DPS_USEC_PER_DAY;
          if (to <= from)
            return TRUE;
        }
      span = to - from;
      cmp->kind = DPS_DASHBOARD_COMPARISON_PREVIOUS_PERIOD;
      cmp->current_from = from;
      cmp->current_to = to;
      cmp->previous_to = from;
      cmp->previous_from = from - span;
      cmp->current = self->kpis;
      window = dps_filter_copy (self->filter);
    }

  dps_filter_set_period (window, cmp->previous_from, cmp->previous_to);
  return timed_kpis (self, repository, window, &cmp->previous, cancellable, error);
}

static void
dps_dashboard_data_dispose (GObject *object)
{
  DpsDashboardData *self = DPS_DASHBOARD_DATA (object);

  g_clear_object (&self->filter);
  for (guint i = 0; i < DPS_DASHBOARD_N_CHARTS; i++)
    g_clear_object (&self->series[i]);
  g_clear_object (&self->store);
  g_clear_pointer (&self->answer, dps_column_store_answer_free);

  G_OBJECT_CLASS (dps_dashboard_data_parent_class)->dispose (object);
}

static void
dps_dashboard_data_class_init (DpsDashboardDataClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dps_dashboard_data_dispose;
}

static void
dps_dashboard_data_init (DpsDashboardData *self)
{
  self->granularity = DPS_TIME_GRANULARITY_DAY;
  self->kpis.first_event = self->kpis.last_event = G_MININT64;
}

DpsDashboardData *
dps_dashboard_data_load (DpsRepository  *repository,
                         DpsFilter      *filter,
                         GCancellable   *cancellable,
                         GError        **error)
{
  return dps_dashboard_data_load_with_store (repository, NULL, filter, cancellable, error);
}

DpsDashboardData *
dps_dashboard_data_load_with_store (DpsRepository   *repository,
                                    DpsColumnStore  *store,
                                    DpsFilter       *filter,
                                    GCancellable    *cancellable,
                                    GError         **error)
{
  g_autoptr(DpsDashboardData) self = NULL;
  g_autoptr(DpsBreakdown) categories = NULL;
  g_autoptr(DpsBreakdown) cities = NULL;
  g_autoptr(DpsBreakdown) statuses = NULL;
  g_autoptr(DpsBreakdown) merchants = NULL;
  g_autoptr(DpsBreakdown) methods = NULL;
  g_autoptr(DpsBreakdown) buckets = NULL;
  DpsChartSeries *series;

  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), NULL);
  g_return_val_if_fail (store == NULL || DPS_IS_COLUMN_STORE (store), NULL);
  g_return_val_if_fail (DPS_IS_FILTER (filter), NULL);

  self = g_object_new (DPS_TYPE_DASHBOARD_DATA, NULL);
  self->filter = g_object_ref (filter);

  /* A loaded store answers every filter: one pass over 10M rows takes
   * tens of milliseconds, where the wider rollups take hundreds. Until
   * it is loaded, rollups answer what they can. */
  if (store != NULL && dps_column_store_is_ready (store))
    {
      g_autoptr(GError) local_error = NULL;

      self->store = g_object_ref (store);
      self->answer = store_pass (self, filter, cancellable, &local_error);
      if (self->answer == NULL)
        {
          g_clear_object (&self->store);
          if (!g_error_matches (local_error, DPS_COLUMN_STORE_ERROR, DPS_COLUMN_STORE_ERROR_UNSUPPORTED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
    }

  if (!timed_kpis (self, repository, filter, &self->kpis, cancellable, error) ||
      !load_comparison (self, repository, cancellable, error) ||
      !load_timeline (self, repository, cancellable, error))
    return NULL;

  categories = timed_breakdown (self, DPS_DASHBOARD_CHART_CATEGORY, repository, filter,
                                DPS_DIMENSION_CATEGORY, DPS_DIMENSION_NONE,
                                DPS_BREAKDOWN_ORDER_AMOUNT_DESC, 0, cancellable, error);
  if (categories == NULL)
    return NULL;
  self->series[DPS_DASHBOARD_CHART_CATEGORY] = top_series (categories, _("Category"), TRUE);

  statuses = timed_breakdown (self, DPS_DASHBOARD_CHART_STATUS, repository, filter,
                              DPS_DIMENSION_STATUS, DPS_DIMENSION_NONE,
                              DPS_BREAKDOWN_ORDER_KEY, 0, cancellable, error);
  if (statuses == NULL)
    return NULL;
  self->series[DPS_DASHBOARD_CHART_STATUS] =
    enum_series (statuses, _("Status"), DPS_N_STATUSES, status_to_string, status_label);

  cities = timed_breakdown (self, DPS_DASHBOARD_CHART_CITY, repository, filter,
                            DPS_DIMENSION_CITY, DPS_DIMENSION_NONE,
                            DPS_BREAKDOWN_ORDER_COUNT_DESC, 0, cancellable, error);
  if (cities == NULL)
    return NULL;
  self->series[DPS_DASHBOARD_CHART_CITY] = top_series (cities, _("City"), FALSE);

  merchants = timed_breakdown (self, DPS_DASHBOARD_CHART_MERCHANT, repository, filter,
                               DPS_DIMENSION_MERCHANT, DPS_DIMENSION_NONE,
                               DPS_BREAKDOWN_ORDER_AMOUNT_DESC, DPS_DASHBOARD_TOP_MERCHANTS,
                               cancellable, error);
  if (merchants == NULL)
    return NULL;
  series = dps_chart_series_new (_("Amount"), DPS_CHART_FORMAT_AMOUNT);
  dps_chart_series_set_key_titles (series, _("Merchant"), NULL);
  for (guint i = 0; i < dps_breakdown_get_n_items (merchants); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (merchants, i);
      dps_chart_series_add (series, item->key, item->key, euros (item->agg.amount_cents));
    }
  self->series[DPS_DASHBOARD_CHART_MERCHANT] = series;

  methods = timed_breakdown (self, DPS_DASHBOARD_CHART_PAYMENT_METHOD, repository, filter,
                             DPS_DIMENSION_PAYMENT_METHOD, DPS_DIMENSION_NONE,
                             DPS_BREAKDOWN_ORDER_KEY, 0, cancellable, error);
  if (methods == NULL)
    return NULL;
  self->series[DPS_DASHBOARD_CHART_PAYMENT_METHOD] =
    enum_series (methods, _("Payment Method"), DPS_N_PAYMENT_METHODS, payment_method_to_string,
                 payment_method_label);

  buckets = timed_breakdown (self, DPS_DASHBOARD_CHART_AMOUNT_BUCKET, repository, filter,
                             DPS_DIMENSION_AMOUNT_BUCKET, DPS_DIMENSION_NONE,
                             DPS_BREAKDOWN_ORDER_KEY, 0, cancellable, error);
  if (buckets == NULL)
    return NULL;
  self->series[DPS_DASHBOARD_CHART_AMOUNT_BUCKET] =
    enum_series (buckets, _("Amount Range"), DPS_N_AMOUNT_BUCKETS, bucket_to_string, bucket_label);

  if (!load_heatmap (self, repository, cancellable, error))
    return NULL;

  return g_steal_pointer (&self);
}

DpsFilter *
dps_dashboard_data_get_filter (DpsDashboardData *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), NULL);
  return self->filter;
}

const DpsKpis *
dps_dashboard_data_get_kpis (DpsDashboardData *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), NULL);
  return &self->kpis;
}

const DpsDashboardComparison *
dps_dashboard_data_get_comparison (DpsDashboardData *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), NULL);
  return &self->comparison;
}

DpsChartSeries *
dps_dashboard_data_get_series (DpsDashboardData  *self,
                               DpsDashboardChart  chart)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), NULL);
  g_return_val_if_fail ((guint) chart < DPS_DASHBOARD_N_CHARTS, NULL);
  return self->series[chart];
}

DpsTimeGranularity
dps_dashboard_data_get_granularity (DpsDashboardData *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), DPS_TIME_GRANULARITY_DAY);
  return self->granularity;
}

void
dps_dashboard_data_get_time_range (DpsDashboardData *self,
                                   gint64           *from,
                                   gint64           *to)
{
  g_return_if_fail (DPS_IS_DASHBOARD_DATA (self));
  if (from != NULL)
    *from = self->time_from;
  if (to != NULL)
    *to = self->time_to;
}

double
dps_dashboard_data_get_query_time (DpsDashboardData  *self,
                                   DpsDashboardChart  chart)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), 0.0);
  g_return_val_if_fail ((guint) chart < DPS_DASHBOARD_N_CHARTS, 0.0);
  return self->query_time[chart];
}

double
dps_dashboard_data_get_kpi_time (DpsDashboardData *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), 0.0);
  return self->kpi_time;
}

double
dps_dashboard_data_get_query_cpu_time (DpsDashboardData  *self,
                                       DpsDashboardChart  chart)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), 0.0);
  g_return_val_if_fail ((guint) chart < DPS_DASHBOARD_N_CHARTS, 0.0);
  return self->query_cpu_time[chart];
}

double
dps_dashboard_data_get_kpi_cpu_time (DpsDashboardData *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), 0.0);
  return self->kpi_cpu_time;
}

gboolean
dps_dashboard_data_get_from_rollup (DpsDashboardData  *self,
                                    DpsDashboardChart  chart)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), FALSE);
  g_return_val_if_fail ((guint) chart < DPS_DASHBOARD_N_CHARTS, FALSE);
  return self->from_rollup[chart];
}

gboolean
dps_dashboard_data_get_from_store (DpsDashboardData *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), FALSE);
  return self->store_passes > 0 && self->answer != NULL;
}

double
dps_dashboard_data_get_store_time (DpsDashboardData *self,
                                   double           *cpu_time,
                                   guint            *n_passes)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_DATA (self), 0.0);
  if (cpu_time != NULL)
    *cpu_time = self->store_cpu_time;
  if (n_passes != NULL)
    *n_passes = self->store_passes;
  return self->store_time;
}

double
dps_dashboard_kpi_get_value (const DpsKpis   *kpis,
                             DpsDashboardKpi  kpi)
{
  g_return_val_if_fail (kpis != NULL, 0.0);

  switch (kpi)
    {
    case DPS_DASHBOARD_KPI_TRANSACTIONS:
      return (double) kpis->total.count;
    case DPS_DASHBOARD_KPI_TOTAL_AMOUNT:
      return euros (kpis->total.amount_cents);
    case DPS_DASHBOARD_KPI_AVERAGE_AMOUNT:
      return dps_aggregate_get_average (&kpis->total);
    case DPS_DASHBOARD_KPI_APPROVAL_RATE:
      return dps_aggregate_get_approval_rate (&kpis->total);
    case DPS_DASHBOARD_KPI_REJECTS:
      return (double) kpis->rejected;
    default:
      g_return_val_if_reached (0.0);
    }
}
