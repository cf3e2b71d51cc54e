/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-source.h"

G_BEGIN_DECLS

#define DPS_TYPE_FOLDER_SOURCE (dps_folder_source_get_type ())
GType dps_folder_source_get_type (void) G_GNUC_CONST;

/* A folder of JSONL files (the original project's data/queue/): every
 * *.jsonl, *.ndjson and *.json file in it is read once, in name order,
 * including what is appended later; new files are picked up as they
 * appear. Each file keeps its own checkpoint. */
DpsSource *dps_folder_source_new (const char *path,
                                  gsize       max_line_length,
                                  guint       poll_interval_ms);

G_END_DECLS
