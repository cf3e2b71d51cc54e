/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"

G_BEGIN_DECLS

#define DPS_TYPE_TRANSACTION_ITEM (dps_transaction_item_get_type ())
G_DECLARE_FINAL_TYPE (DpsTransactionItem, dps_transaction_item, DPS, TRANSACTION_ITEM, GObject)

/* One row of the transaction table. A model hands out an item before its
 * page is read (a placeholder: no row yet) and fills it in place when the
 * page arrives, notifying "row" and "loaded", so the item a view holds
 * stays the one it shows and selects. Main thread only. */
DpsTransactionItem *dps_transaction_item_new          (void);
/* Takes @row. */
DpsTransactionItem *dps_transaction_item_new_for_row  (DpsRow             *row);
/* NULL while loading. */
const DpsRow       *dps_transaction_item_get_row      (DpsTransactionItem *self);
gboolean            dps_transaction_item_is_loaded    (DpsTransactionItem *self);
/* Takes @row (NULL makes the item a placeholder again). */
void                dps_transaction_item_set_row      (DpsTransactionItem *self,
                                                       DpsRow             *row);

G_END_DECLS
