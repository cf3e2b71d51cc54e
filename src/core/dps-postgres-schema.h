/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core: the PostgreSQL schema as numbered migrations,
 * recorded in schema_migrations. */

#include <glib.h>

G_BEGIN_DECLS

/* Key of the advisory lock that serialises migrations of one database. */
#define DPS_POSTGRES_MIGRATION_LOCK G_GINT64_CONSTANT (0x4450535f4d494752)   /* "DPS_MIGR" */

/* Migration n (1-based) brings the schema from version n-1 to n. */
const char * const *dps_postgres_schema_get_migrations (guint *n_migrations);

/* Tables of ours: a database holding one of them without schema_migrations
 * was not made by this application. */
const char * const *dps_postgres_schema_get_owned_tables (void);

/* Session objects (temporary staging tables), created once per connection
 * by a writer. */
extern const char dps_postgres_schema_staging[];

G_END_DECLS
