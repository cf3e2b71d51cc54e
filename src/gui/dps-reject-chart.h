/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dps-core.h"

G_BEGIN_DECLS

#define DPS_TYPE_REJECT_CHART (dps_reject_chart_get_type ())
G_DECLARE_FINAL_TYPE (DpsRejectChart, dps_reject_chart, DPS, REJECT_CHART, GtkWidget)

/* Rejects by reason as horizontal bars, largest first; reasons without
 * rejects are left out. Clicking a bar emits "reason-activated". */
GtkWidget *dps_reject_chart_new       (void);
/* @counts has DPS_N_REJECT_REASONS entries. */
void       dps_reject_chart_set_counts (DpsRejectChart *self,
                                        const gint64   *counts);
gint64     dps_reject_chart_get_count  (DpsRejectChart *self,
                                        DpsRejectReason reason);
gint64     dps_reject_chart_get_total  (DpsRejectChart *self);
/* The reason drawn stronger than the others (a filter); -1 for none. */
void       dps_reject_chart_set_highlight (DpsRejectChart *self,
                                        int             reason);

G_END_DECLS
