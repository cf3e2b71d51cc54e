/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"
#include "dps-chart-series.h"
#include "dps-time-chart.h"

G_BEGIN_DECLS

/* The analyses of the dashboard, in the order it shows them. */
typedef enum {
  DPS_DASHBOARD_CHART_TIMELINE,         /* amount and volume over time */
  DPS_DASHBOARD_CHART_CATEGORY,         /* amount by category */
  DPS_DASHBOARD_CHART_STATUS,           /* status share */
  DPS_DASHBOARD_CHART_CITY,             /* count by city */
  DPS_DASHBOARD_CHART_MERCHANT,         /* top 10 merchants by amount */
  DPS_DASHBOARD_CHART_PAYMENT_METHOD,   /* count by payment method */
  DPS_DASHBOARD_CHART_AMOUNT_BUCKET,    /* distribution of amounts */
  DPS_DASHBOARD_CHART_HEATMAP,          /* weekday × hour of day */
} DpsDashboardChart;
#define DPS_DASHBOARD_N_CHARTS 8

typedef enum {
  DPS_DASHBOARD_KPI_TRANSACTIONS,
  DPS_DASHBOARD_KPI_TOTAL_AMOUNT,
  DPS_DASHBOARD_KPI_AVERAGE_AMOUNT,
  DPS_DASHBOARD_KPI_APPROVAL_RATE,
  DPS_DASHBOARD_KPI_REJECTS,
} DpsDashboardKpi;
#define DPS_DASHBOARD_N_KPIS 5

/* What the KPI changes compare. */
typedef enum {
  DPS_DASHBOARD_COMPARISON_NONE,              /* no data */
  DPS_DASHBOARD_COMPARISON_PREVIOUS_PERIOD,   /* the filter's period with the one before it */
  DPS_DASHBOARD_COMPARISON_LAST_30_DAYS,      /* no period: the last 30 days of data with the 30 before */
} DpsDashboardComparisonKind;

typedef struct {
  DpsDashboardComparisonKind kind;
  gint64                     current_from;    /* [from, to), microseconds UTC */
  gint64                     current_to;
  gint64                     previous_from;
  gint64                     previous_to;
  DpsKpis                    current;
  DpsKpis                    previous;
} DpsDashboardComparison;

/* Categories and cities beyond this many are summed into "Other". */
#define DPS_DASHBOARD_MAX_BARS 12
#define DPS_DASHBOARD_TOP_MERCHANTS 10

#define DPS_TYPE_DASHBOARD_DATA (dps_dashboard_data_get_type ())
G_DECLARE_FINAL_TYPE (DpsDashboardData, dps_dashboard_data, DPS, DASHBOARD_DATA, GObject)

/* Everything one refresh of the dashboard shows, for @filter (which the
 * result keeps: pass a copy made on the main thread), with how long each
 * query took. Runs every query on the calling thread: call it from a
 * worker. Time series granularity follows the period (the filter's, or
 * the data's when it has none): up to 2 days by hour (day × hour of day
 * breakdown), up to 90 days by day, up to 2 years by week, else by month.
 * Gaps are filled with zeros. */
DpsDashboardData   *dps_dashboard_data_load            (DpsRepository      *repository,
                                                        DpsFilter          *filter,
                                                        GCancellable       *cancellable,
                                                        GError            **error);

/* The same, from @store (may be NULL) when it is loaded: one pass over
 * columns in memory for every analysis, instead of a rollup query or a
 * table scan per chart. Falls back to those when the store declines. */
DpsDashboardData   *dps_dashboard_data_load_with_store (DpsRepository    *repository,
                                                        DpsColumnStore   *store,
                                                        DpsFilter        *filter,
                                                        GCancellable     *cancellable,
                                                        GError          **error);

/* Whether the repository would scan the base table for one of the
 * dashboard's analyses of @filter: worth waiting for the store's first
 * load rather than scanning per chart. */
gboolean            dps_dashboard_data_wants_store     (DpsFilter        *filter);

DpsFilter          *dps_dashboard_data_get_filter      (DpsDashboardData   *self);
const DpsKpis      *dps_dashboard_data_get_kpis        (DpsDashboardData   *self);
const DpsDashboardComparison *
                    dps_dashboard_data_get_comparison  (DpsDashboardData   *self);
DpsChartSeries     *dps_dashboard_data_get_series      (DpsDashboardData   *self,
                                                        DpsDashboardChart   chart);
DpsTimeGranularity  dps_dashboard_data_get_granularity (DpsDashboardData   *self);
/* The span the time series covers, [from, to); both 0 when empty. */
void                dps_dashboard_data_get_time_range  (DpsDashboardData   *self,
                                                        gint64             *from,
                                                        gint64             *to);

/* Seconds spent in the queries of one chart, and in the key figures. */
double              dps_dashboard_data_get_query_time  (DpsDashboardData   *self,
                                                        DpsDashboardChart   chart);
double              dps_dashboard_data_get_kpi_time    (DpsDashboardData   *self);
/* The same in CPU time of the loading thread. */
double              dps_dashboard_data_get_query_cpu_time (DpsDashboardData *self,
                                                        DpsDashboardChart   chart);
double              dps_dashboard_data_get_kpi_cpu_time (DpsDashboardData  *self);
/* Whether the core answered a chart from its rollups. */
gboolean            dps_dashboard_data_get_from_rollup (DpsDashboardData   *self,
                                                        DpsDashboardChart   chart);

/* Whether the column store answered, and the seconds its passes took
 * (wall time; CPU time of the loading thread, which waits for the
 * second thread of the pass, in @cpu_time). */
gboolean            dps_dashboard_data_get_from_store  (DpsDashboardData   *self);
double              dps_dashboard_data_get_store_time  (DpsDashboardData   *self,
                                                        double             *cpu_time,
                                                        guint              *n_passes);

/* A key figure out of a set of KPIs (counts, euros, or a 0..1 rate). */
double              dps_dashboard_kpi_get_value        (const DpsKpis      *kpis,
                                                        DpsDashboardKpi     kpi);

G_END_DECLS
