/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-session.h"
#include "dps-transaction-model.h"

G_BEGIN_DECLS

#define DPS_TYPE_TRANSACTIONS_PAGE (dps_transactions_page_get_type ())
G_DECLARE_FINAL_TYPE (DpsTransactionsPage, dps_transactions_page, DPS, TRANSACTIONS_PAGE, AdwBin)

/* The Transactions view: key figures of the filtered set, and a table of
 * every matching row paged from the database, sorted by the database,
 * with a details panel and CSV export.
 *
 * Actions (group "transactions", on the widget: a window forwards its
 * menu items and shortcuts with gtk_widget_activate_action()):
 *   transactions.export           the CSV export dialog (Ctrl+E)
 *   transactions.copy             selected rows as tab-separated text (Ctrl+C)
 *   transactions.show-details     the details panel (toggle)
 *   transactions.reset-columns    columns back to their default layout
 *   transactions.clear-filters    every filter off
 *   transactions.open-file (s)    opens a file (the export toast's button)
 *   transactions.show-in-folder (s) shows a file in the file manager
 */
GtkWidget           *dps_transactions_page_new             (DpsSession          *session);
DpsSession          *dps_transactions_page_get_session     (DpsTransactionsPage *self);
/* NULL until a database is open. */
DpsTransactionModel *dps_transactions_page_get_model       (DpsTransactionsPage *self);
GtkColumnView       *dps_transactions_page_get_column_view (DpsTransactionsPage *self);
/* Whether key figures, rows or a refresh are being read. */
gboolean             dps_transactions_page_is_busy         (DpsTransactionsPage *self);
/* The figures shown now: valid once is_busy() is FALSE. */
gboolean             dps_transactions_page_get_kpis        (DpsTransactionsPage *self,
                                                            DpsKpis             *kpis);

G_END_DECLS
