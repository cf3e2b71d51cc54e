/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core and its tests. */

#include "dps-record-parser.h"

G_BEGIN_DECLS

/* Whether flat records whose fields hold no escapes are read straight
 * from the text (the default) instead of through json-glib. Both ways
 * give the same result for every line; tests compare them. */
void dps_record_parser_set_fast_path (DpsRecordParser *self,
                                      gboolean         enabled);

G_END_DECLS
