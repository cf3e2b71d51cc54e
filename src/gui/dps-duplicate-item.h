/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-core.h"

G_BEGIN_DECLS

#define DPS_TYPE_DUPLICATE_ITEM (dps_duplicate_item_get_type ())
G_DECLARE_FINAL_TYPE (DpsDuplicateItem, dps_duplicate_item, DPS, DUPLICATE_ITEM, GObject)

/* A transaction id that arrived more than once, for the duplicates table. */
DpsDuplicateItem       *dps_duplicate_item_new      (DpsDuplicateInfo *info);   /* takes it */
const DpsDuplicateInfo *dps_duplicate_item_get_info (DpsDuplicateItem *self);

G_END_DECLS
