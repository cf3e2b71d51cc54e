/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-chart.h"

G_BEGIN_DECLS

#define DPS_TYPE_CHART_CARD (dps_chart_card_get_type ())
G_DECLARE_FINAL_TYPE (DpsChartCard, dps_chart_card, DPS, CHART_CARD, GtkWidget)

/* A chart on a card, under its title, with a menu to export it as PNG,
 * SVG or PDF at a chosen size, or its data as CSV ("card.export" with
 * the format's name). Results show as toasts in the nearest
 * AdwToastOverlay. */
GtkWidget  *dps_chart_card_new          (const char   *title,
                                         DpsChart     *chart);
DpsChart   *dps_chart_card_get_chart    (DpsChartCard *self);
void        dps_chart_card_set_chart    (DpsChartCard *self,
                                         DpsChart     *chart);
const char *dps_chart_card_get_title    (DpsChartCard *self);
void        dps_chart_card_set_title    (DpsChartCard *self,
                                         const char   *title);
void        dps_chart_card_set_subtitle (DpsChartCard *self,
                                         const char   *subtitle);
/* The file name offered when exporting in @format ("Amount by category.png"). */
char       *dps_chart_card_dup_file_name (DpsChartCard        *self,
                                          DpsChartExportFormat  format);

G_END_DECLS
