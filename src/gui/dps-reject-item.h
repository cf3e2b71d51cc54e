/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-core.h"

G_BEGIN_DECLS

#define DPS_TYPE_REJECT_ITEM (dps_reject_item_get_type ())
G_DECLARE_FINAL_TYPE (DpsRejectItem, dps_reject_item, DPS, REJECT_ITEM, GObject)

/* One rejected record of the table, with its texts ready for the cells. */
DpsRejectItem         *dps_reject_item_new           (DpsStoredReject *reject);   /* takes it */
const DpsStoredReject *dps_reject_item_get_reject    (DpsRejectItem   *self);
gint64                 dps_reject_item_get_id        (DpsRejectItem   *self);
/* "line 12 · byte 345", "partition 0 · offset 12", or "–". */
char                  *dps_reject_item_dup_position  (DpsRejectItem   *self);
/* The source key made readable: "file:/a/b.jsonl" → "/a/b.jsonl". */
const char            *dps_reject_item_get_source    (DpsRejectItem   *self);

G_END_DECLS
