/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-chart.h"

G_BEGIN_DECLS

/* The class structure stays in the source file: DpsChart's is private. */
#define DPS_TYPE_BAR_CHART (dps_bar_chart_get_type ())
GType dps_bar_chart_get_type (void) G_GNUC_CONST;
typedef struct _DpsBarChart DpsBarChart;

/* One bar per item, from zero (negative values go the other way):
 * vertical columns with labels under them (turned when they do not fit),
 * or horizontal bars with labels beside them and values at their ends.
 * The orientation is GtkOrientable's "orientation" (vertical columns by
 * default). */
GtkWidget *dps_bar_chart_new (GtkOrientation orientation);

G_END_DECLS
