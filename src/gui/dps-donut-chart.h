/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-chart.h"

G_BEGIN_DECLS

/* The class structure stays in the source file: DpsChart's is private. */
#define DPS_TYPE_DONUT_CHART (dps_donut_chart_get_type ())
GType dps_donut_chart_get_type (void) G_GNUC_CONST;
typedef struct _DpsDonutChart DpsDonutChart;

/* Shares of a whole: one slice per item with a positive value (others are
 * left out), the total in the middle, a legend with each share beside
 * the ring (or under it when the chart is tall). */
GtkWidget *dps_donut_chart_new (void);

G_END_DECLS
