/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-session.h"

G_BEGIN_DECLS

#define DPS_TYPE_EXPORT_DIALOG (dps_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DpsExportDialog, dps_export_dialog, DPS, EXPORT_DIALOG, AdwWindow)

/* Exports the rows matching the session's filter to a CSV file, on a
 * worker thread with its own connection, with progress and Cancel.
 * "exported" (path, rows) is emitted when the file is written. */
DpsExportDialog *dps_export_dialog_new   (GtkWindow       *parent,
                                          DpsSession      *session);
/* Starts the export to @path as if chosen in the dialog. */
void             dps_export_dialog_export_to (DpsExportDialog *self,
                                          const char      *path);

G_END_DECLS
