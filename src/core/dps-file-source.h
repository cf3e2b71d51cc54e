/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-source.h"

G_BEGIN_DECLS

#define DPS_TYPE_FILE_SOURCE (dps_file_source_get_type ())
GType dps_file_source_get_type (void) G_GNUC_CONST;

/* A JSONL file read once (@follow FALSE: an import, resumed after a crash
 * from its checkpoint) or followed as it grows, across truncation and
 * rotation (@follow TRUE). */
DpsSource *dps_file_source_new (const char *path,
                                gboolean    follow,
                                gsize       max_line_length,
                                guint       poll_interval_ms);

G_END_DECLS
