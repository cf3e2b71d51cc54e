/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-repository.h"

G_BEGIN_DECLS

#define DPS_TYPE_SQLITE_REPOSITORY (dps_sqlite_repository_get_type ())
GType dps_sqlite_repository_get_type (void) G_GNUC_CONST;

/* Opens (or, with DPS_REPOSITORY_FLAGS_CREATE, creates) the database file
 * at @path. Does not migrate: dps_repository_open() does. */
DpsRepository *dps_sqlite_repository_open     (const char         *path,
                                               DpsRepositoryFlags  flags,
                                               GCancellable       *cancellable,
                                               GError            **error);
const char    *dps_sqlite_repository_get_path (DpsRepository      *self);
/* How many rows the database holds before each batch is inserted in key
 * order (arrival order before). Tests lower it to cover both orders on
 * small data. */
void           dps_sqlite_repository_set_key_order_rows (DpsRepository *self,
                                                         gint64         rows);

G_END_DECLS
