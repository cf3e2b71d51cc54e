/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-session.h"

G_BEGIN_DECLS

#define DPS_TYPE_REJECT_LIST (dps_reject_list_get_type ())
G_DECLARE_FINAL_TYPE (DpsRejectList, dps_reject_list, DPS, REJECT_LIST, GObject)

/* The rejected records of a query as a list model (DpsRejectItem),
 * oldest first, read from the session's database a page at a time on a
 * worker: keyset paging on the reject id, the next page asked for when
 * the view nears the end of what is loaded. */
DpsRejectList *dps_reject_list_new          (DpsSession           *session);
/* Starts again with @query (its after_id and limit are ignored). */
void           dps_reject_list_set_query    (DpsRejectList        *self,
                                             const DpsRejectQuery *query);
void           dps_reject_list_get_query    (DpsRejectList        *self,
                                             DpsRejectQuery       *query);
/* Reads the next page if there may be one (after new data landed). */
void           dps_reject_list_load_more    (DpsRejectList        *self);
gboolean       dps_reject_list_get_loading  (DpsRejectList        *self);
/* TRUE once the last page read came back short: everything is loaded. */
gboolean       dps_reject_list_get_complete (DpsRejectList        *self);

G_END_DECLS
