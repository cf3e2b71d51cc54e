/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dps-chart.h"
#include "dps-dashboard-data.h"
#include "dps-session.h"

G_BEGIN_DECLS

#define DPS_TYPE_DASHBOARD_PAGE (dps_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (DpsDashboardPage, dps_dashboard_page, DPS, DASHBOARD_PAGE, GtkWidget)

/* The Dashboard view: key figures with their change against a comparison
 * period, and charts of the session's filtered transactions. It follows
 * the session's filter and "data-changed" (queries on a worker with a
 * reader connection of its own; the charts on screen stay until the new
 * figures arrive; overlapping refreshes are merged, stale ones
 * cancelled). Clicking a bar, slice or cell adds its value to the
 * filter. Actions: "dashboard.refresh", "dashboard.undo-filter". */
GtkWidget        *dps_dashboard_page_new            (DpsSession        *session);
DpsSession       *dps_dashboard_page_get_session    (DpsDashboardPage  *self);

/* What is on screen: the figures of the last refresh (NULL before the
 * first), the chart of an analysis, the card of a key figure. */
DpsDashboardData *dps_dashboard_page_get_data       (DpsDashboardPage  *self);
DpsChart         *dps_dashboard_page_get_chart      (DpsDashboardPage  *self,
                                                     DpsDashboardChart  chart);
GtkWidget        *dps_dashboard_page_get_kpi_card   (DpsDashboardPage  *self,
                                                     DpsDashboardKpi    kpi);
/* TRUE while a refresh runs or waits to run. */
gboolean          dps_dashboard_page_get_refreshing (DpsDashboardPage  *self);

G_END_DECLS
