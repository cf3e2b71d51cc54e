/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dps-sample-series.h"

G_BEGIN_DECLS

#define DPS_TYPE_THROUGHPUT_GRAPH (dps_throughput_graph_get_type ())
G_DECLARE_FINAL_TYPE (DpsThroughputGraph, dps_throughput_graph, DPS, THROUGHPUT_GRAPH, GtkWidget)

/* A small time series of records per second: the samples of a
 * DpsSampleSeries over the last span-seconds, newest on the right. */
GtkWidget       *dps_throughput_graph_new              (void);
DpsSampleSeries *dps_throughput_graph_get_series       (DpsThroughputGraph *self);
void             dps_throughput_graph_set_series       (DpsThroughputGraph *self,
                                                        DpsSampleSeries    *series);
guint            dps_throughput_graph_get_span_seconds (DpsThroughputGraph *self);
void             dps_throughput_graph_set_span_seconds (DpsThroughputGraph *self,
                                                        guint               seconds);

G_END_DECLS
