/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-core.h"
#include "dps-transaction-item.h"

G_BEGIN_DECLS

#define DPS_TYPE_TRANSACTION_MODEL (dps_transaction_model_get_type ())
G_DECLARE_FINAL_TYPE (DpsTransactionModel, dps_transaction_model, DPS, TRANSACTION_MODEL, GObject)

/* A GListModel of DpsTransactionItem over every row matching a filter, in
 * a sort order, read from the database a page at a time on a worker
 * thread. Items of pages not read yet are placeholders filled in place
 * (see DpsTransactionItem); a bounded LRU cache of pages keeps memory
 * flat whatever the row count. Main thread only, except where noted. */
DpsTransactionModel *dps_transaction_model_new             (DpsRepository        *reader);

/* Reads @filter (copied) in @sort order on the worker: replaces every
 * item with the first page ("reset" is emitted after items-changed), then
 * counts and adds the rest (items-changed at the end, "counted"). */
void                 dps_transaction_model_set_query       (DpsTransactionModel  *self,
                                                            DpsFilter            *filter,
                                                            const DpsSort        *sort);
/* The filter and sort the items follow now. Do not modify the filter. */
DpsFilter           *dps_transaction_model_get_filter      (DpsTransactionModel  *self);
void                 dps_transaction_model_get_sort        (DpsTransactionModel  *self,
                                                            DpsSort              *sort);
/* Whether a count, page or refresh is being read or waits to be. */
gboolean             dps_transaction_model_is_busy         (DpsTransactionModel  *self);
/* FALSE while the items are the first page of a query not counted yet. */
gboolean             dps_transaction_model_is_counted      (DpsTransactionModel  *self);
/* The key figures of the whole listing, read with its count (the same
 * statement, so they always agree with n_items); FALSE until then.
 * "kpis-changed" tells when they change. */
gboolean             dps_transaction_model_get_kpis        (DpsTransactionModel  *self,
                                                            DpsKpis              *kpis);
/* The rows per page (depends on the sort). */
guint                dps_transaction_model_get_page_size   (DpsTransactionModel  *self);

/* New data may have landed: counts again and changes as little as it can.
 * Rows added after the last or before the first keep every item (and a
 * selection model's selection, which follows the insertion); other
 * changes replace every item. @keep_rows (DpsRow*, may be NULL) are rows a
 * view wants to find again after such a replacement. */
void                 dps_transaction_model_refresh_async   (DpsTransactionModel  *self,
                                                            GPtrArray            *keep_rows,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
/* @out_positions: (out) (optional): when every item was replaced, the
 * new position of each kept row (G_MAXUINT: not found); otherwise empty. */
gboolean             dps_transaction_model_refresh_finish  (DpsTransactionModel  *self,
                                                            GAsyncResult         *result,
                                                            GArray              **out_positions,
                                                            GError              **error);

typedef struct {
  guint start;
  guint n_items;
} DpsPositionRange;

/* Blocking (call it from a worker, on a connection of its own): calls
 * @func for the rows at the positions of @ranges (sorted, apart) in the
 * listing of @filter in @sort order, in that order. Reads the gaps
 * between ranges, skipping far ones with an offset. */
gboolean             dps_transaction_model_read_ranges     (DpsRepository        *repository,
                                                            DpsFilter            *filter,
                                                            const DpsSort        *sort,
                                                            const DpsPositionRange *ranges,
                                                            guint                 n_ranges,
                                                            DpsRowFunc            func,
                                                            gpointer              user_data,
                                                            GCancellable         *cancellable,
                                                            GError              **error);

G_END_DECLS
