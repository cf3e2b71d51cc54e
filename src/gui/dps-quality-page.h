/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-reject-export.h"
#include "dps-session.h"

G_BEGIN_DECLS

#define DPS_TYPE_QUALITY_PAGE (dps_quality_page_get_type ())
G_DECLARE_FINAL_TYPE (DpsQualityPage, dps_quality_page, DPS, QUALITY_PAGE, AdwBin)

/* The Data Quality view, for the period of the session's filter: rejects
 * by reason and per day, the reject rate, the rejected records (paged,
 * filtered by reason, raw text in full beside them) and the ids that
 * arrived more than once. Its commands are the "quality." actions:
 *   quality.export-jsonl (s)  save the listed rejects, raw; "" asks where
 *   quality.export-csv (s)    the same as CSV
 *   quality.cancel-export
 *   quality.refresh */
GtkWidget  *dps_quality_page_new               (DpsSession     *session);
/* The "quality" actions above, for a window to insert beside its own. */
GActionGroup *dps_quality_page_get_action_group (DpsQualityPage *self);
DpsSession *dps_quality_page_get_session       (DpsQualityPage *self);
/* Reads every figure again (on a worker). */
void        dps_quality_page_refresh           (DpsQualityPage *self);
/* TRUE while figures are being read. */
gboolean    dps_quality_page_get_refreshing    (DpsQualityPage *self);
/* Rejects of @reason in the period, as the chart shows them. */
gint64      dps_quality_page_get_reason_count  (DpsQualityPage *self,
                                                DpsRejectReason reason);
/* Rows loaded in the period, for the reject rate. */
gint64      dps_quality_page_get_loaded        (DpsQualityPage *self);
/* The listed rejects (DpsRejectItem), paged from the database. */
GListModel *dps_quality_page_get_rejects       (DpsQualityPage *self);
/* Ids seen more than once (DpsDuplicateItem), most arrivals first. */
GListModel *dps_quality_page_get_duplicates    (DpsQualityPage *self);
/* Lists only the rejects of @reason; -1 for every reason. */
void        dps_quality_page_set_reason_filter (DpsQualityPage *self,
                                                int             reason);
int         dps_quality_page_get_reason_filter (DpsQualityPage *self);

G_END_DECLS
