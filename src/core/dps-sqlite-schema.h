/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core: the SQLite schema as numbered migrations. */

#include <glib.h>

G_BEGIN_DECLS

/* PRAGMA application_id of our databases: "DPS1". */
#define DPS_SQLITE_APPLICATION_ID 0x44505331

/* Migration n (1-based) brings user_version from n-1 to n. */
const char * const *dps_sqlite_schema_get_migrations (guint *n_migrations);

G_END_DECLS
