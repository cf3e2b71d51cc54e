/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-chart.h"

G_BEGIN_DECLS

/* The class structure stays in the source file: DpsChart's is private. */
#define DPS_TYPE_HEATMAP_CHART (dps_heatmap_chart_get_type ())
GType dps_heatmap_chart_get_type (void) G_GNUC_CONST;
typedef struct _DpsHeatmapChart DpsHeatmapChart;

/* A grid of cells coloured by value: rows are the items' distinct keys
 * (labelled by their label), columns their distinct second keys
 * (labelled by label2), both in the order they first appear. Arrow keys
 * move across rows and columns; a cell's activation hands back both
 * keys. */
GtkWidget *dps_heatmap_chart_new (void);

G_END_DECLS
