/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dps-core.h"

G_BEGIN_DECLS

#define DPS_TYPE_REJECT_TIMELINE (dps_reject_timeline_get_type ())
G_DECLARE_FINAL_TYPE (DpsRejectTimeline, dps_reject_timeline, DPS, REJECT_TIMELINE, GtkWidget)

/* Rejects per day as stacked columns, one colour per reason (the same
 * as the bar chart's); days without rejects between the first and the
 * last are drawn empty. */
GtkWidget *dps_reject_timeline_new        (void);
/* The result of dps_repository_reject_series(): key = day
 * ("2026-11-20"), key2 = reason code, agg.count; NULL for none. */
void       dps_reject_timeline_set_series (DpsRejectTimeline *self,
                                           DpsBreakdown      *series);
guint      dps_reject_timeline_get_n_days (DpsRejectTimeline *self);
gint64     dps_reject_timeline_get_total  (DpsRejectTimeline *self);

G_END_DECLS
