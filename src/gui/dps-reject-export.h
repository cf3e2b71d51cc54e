/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-core.h"

G_BEGIN_DECLS

typedef enum {
  /* One reject per line, its raw bytes exactly as they were read (cut
   * at DPS_REJECT_RAW_MAX like the stored copy). A raw text holding a
   * line feed, which would break the one-per-line layout, is written
   * as a JSON string instead. */
  DPS_REJECT_EXPORT_JSONL,
  /* RFC 4180 with a header: rejected_at, source, partition, offset,
   * line, reason, field, detail, raw (made valid UTF-8). */
  DPS_REJECT_EXPORT_CSV,
} DpsRejectExportFormat;

/* Writes every reject of @query (oldest first) to @stream. Blocking:
 * call from a worker thread. */
gboolean dps_reject_export_to_stream (DpsRepository         *repository,
                                      const DpsRejectQuery  *query,
                                      DpsRejectExportFormat  format,
                                      GOutputStream         *stream,
                                      guint64               *out_count,
                                      GCancellable          *cancellable,
                                      GError               **error);
/* The same into @path, written under a temporary name beside it and
 * renamed when complete: a failed or cancelled export leaves no file. */
gboolean dps_reject_export_to_file   (DpsRepository         *repository,
                                      const DpsRejectQuery  *query,
                                      DpsRejectExportFormat  format,
                                      const char            *path,
                                      guint64               *out_count,
                                      GCancellable          *cancellable,
                                      GError               **error);

G_END_DECLS
