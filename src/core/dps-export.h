/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-csv-writer.h"
#include "dps-repository.h"

G_BEGIN_DECLS

typedef struct {
  DpsCsvOptions csv;
  DpsColumn     columns[DPS_N_COLUMNS];   /* in output order */
  guint         n_columns;                /* 0 = every column of transactions_flat */
  gboolean      formatted;                /* local time, names instead of codes */
} DpsExportOptions;

/* Standard CSV, every column, raw values. */
void     dps_export_options_init     (DpsExportOptions       *options,
                                      DpsCsvPreset            preset);
/* "transaction_id,amount,…" → columns; FALSE with an error naming the
 * unknown column. */
gboolean dps_export_options_set_columns (DpsExportOptions    *options,
                                      const char             *list,
                                      GError                **error);

typedef void (*DpsExportProgressFunc) (guint64  rows_written,
                                       gpointer user_data);

/* Writes the header (when asked) to @writer. */
gboolean dps_export_write_header     (DpsCsvWriter           *writer,
                                      const DpsExportOptions *options,
                                      GCancellable           *cancellable,
                                      GError                **error);
/* Writes one row of @row's chosen columns. */
gboolean dps_export_write_row        (DpsCsvWriter           *writer,
                                      const DpsExportOptions *options,
                                      const DpsRow           *row,
                                      GCancellable           *cancellable,
                                      GError                **error);

/* Every row matching @filter, in @sort order, to @stream. */
gboolean dps_export_to_stream        (DpsRepository          *repository,
                                      DpsFilter              *filter,
                                      const DpsSort          *sort,
                                      const DpsExportOptions *options,
                                      GOutputStream          *stream,
                                      DpsExportProgressFunc   progress,
                                      gpointer                user_data,
                                      guint64                *out_rows,
                                      GCancellable           *cancellable,
                                      GError                **error);
/* The same into @path, written beside it under a temporary name and
 * renamed at the end: a failed or cancelled export leaves no file. */
gboolean dps_export_to_file          (DpsRepository          *repository,
                                      DpsFilter              *filter,
                                      const DpsSort          *sort,
                                      const DpsExportOptions *options,
                                      const char             *path,
                                      DpsExportProgressFunc   progress,
                                      gpointer                user_data,
                                      guint64                *out_rows,
                                      GCancellable           *cancellable,
                                      GError                **error);

G_END_DECLS
