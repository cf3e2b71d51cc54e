/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-chart.h"

G_BEGIN_DECLS

/* The class structure stays in the source file: DpsChart's is private. */
#define DPS_TYPE_HISTOGRAM_CHART (dps_histogram_chart_get_type ())
GType dps_histogram_chart_get_type (void) G_GNUC_CONST;
typedef struct _DpsHistogramChart DpsHistogramChart;

/* Adjacent columns, one per bucket of a distribution, each with its share
 * of the total above it. With edges set (one fewer than the buckets), the
 * axis marks the boundaries between buckets; otherwise each column has its
 * label under it. */
GtkWidget *dps_histogram_chart_new       (void);
void       dps_histogram_chart_set_edges (DpsHistogramChart *self,
                                          const double      *edges,
                                          guint              n_edges,
                                          DpsChartFormat     format);

G_END_DECLS
