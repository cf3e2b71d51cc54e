/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-session.h"
#include "dps-transaction-model.h"

G_BEGIN_DECLS

typedef enum {
  DPS_EXPORT_SCOPE_FILTERED,   /* the rows the table lists */
  DPS_EXPORT_SCOPE_SELECTED,   /* the rows selected in it */
  DPS_EXPORT_SCOPE_ALL,        /* every stored transaction */
} DpsExportScope;

#define DPS_TYPE_CSV_EXPORT_DIALOG (dps_csv_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DpsCsvExportDialog, dps_csv_export_dialog, DPS, CSV_EXPORT_DIALOG, AdwWindow)

/* Chooses what to export and how (presets "Standard (RFC 4180)" and
 * "Excel (France)", or any delimiter, decimal separator, BOM, header, raw
 * or formatted values, formula protection), asks for a file and writes it
 * on a worker with progress and Cancel. A cancelled or failed export
 * leaves no file under the chosen name. Emits "exported" (path, rows) and
 * closes when done; the caller shows the result. */
GtkWidget      *dps_csv_export_dialog_new           (DpsSession              *session);

/* The table's listing: its filter (copied), sort and row count. */
void            dps_csv_export_dialog_set_listing   (DpsCsvExportDialog      *self,
                                                     DpsFilter               *filter,
                                                     const DpsSort           *sort,
                                                     guint64                  n_rows);
/* Positions selected in that listing (sorted, apart); none disables the
 * "selected rows" choice. */
void            dps_csv_export_dialog_set_selection (DpsCsvExportDialog      *self,
                                                     const DpsPositionRange  *ranges,
                                                     guint                    n_ranges);
/* Every column in the table's order, and which ones it shows: those are
 * checked to begin with. */
void            dps_csv_export_dialog_set_columns   (DpsCsvExportDialog      *self,
                                                     const DpsColumn         *order,
                                                     guint                    n_columns,
                                                     const gboolean          *visible);

void            dps_csv_export_dialog_set_scope     (DpsCsvExportDialog      *self,
                                                     DpsExportScope           scope);
DpsExportScope  dps_csv_export_dialog_get_scope     (DpsCsvExportDialog      *self);
/* Sets every format control as @preset says. */
void            dps_csv_export_dialog_set_preset    (DpsCsvExportDialog      *self,
                                                     DpsCsvPreset             preset);
/* The options the controls describe; FALSE (with why) when they cannot
 * be written, such as the same delimiter and decimal separator. */
gboolean        dps_csv_export_dialog_get_options   (DpsCsvExportDialog      *self,
                                                     DpsExportOptions        *options,
                                                     GError                 **error);
/* Sets the controls (columns checked in the given order). */
void            dps_csv_export_dialog_set_options   (DpsCsvExportDialog      *self,
                                                     const DpsExportOptions  *options);

/* Writes to @path now, as chosen ("exported" or "failed" at the end). */
void            dps_csv_export_dialog_export_to     (DpsCsvExportDialog      *self,
                                                     const char              *path);
void            dps_csv_export_dialog_cancel        (DpsCsvExportDialog      *self);
gboolean        dps_csv_export_dialog_is_running    (DpsCsvExportDialog      *self);

G_END_DECLS
