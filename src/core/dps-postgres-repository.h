/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The PostgreSQL backend (libpq). Built when HAVE_POSTGRES_REPOSITORY is
 * 1 in config.h; dps_repository_open() routes "postgresql://…" URIs and
 * libpq conninfo strings here. */

#include "dps-repository.h"

G_BEGIN_DECLS

#define DPS_TYPE_POSTGRES_REPOSITORY (dps_postgres_repository_get_type ())
GType dps_postgres_repository_get_type (void) G_GNUC_CONST;

/* Default seconds between two refreshes of daily_summary while loading
 * (the "pg-refresh-interval-seconds" setting's default). */
#define DPS_POSTGRES_DEFAULT_REFRESH_INTERVAL 10

/* Connects with @conninfo (a postgresql:// URI or a libpq conninfo
 * string). Passwords come from libpq: the URI, PGPASSWORD, ~/.pgpass or a
 * service file; none appears in messages or names. A wrong password or
 * role fails with DPS_REPOSITORY_ERROR_AUTH, a missing database with
 * DPS_REPOSITORY_ERROR_NOT_FOUND, an unreachable server with
 * DPS_REPOSITORY_ERROR_CONNECTION. Does not migrate: dps_repository_open()
 * does. */
DpsRepository *dps_postgres_repository_open                 (const char         *conninfo,
                                                             DpsRepositoryFlags  flags,
                                                             GCancellable       *cancellable,
                                                             GError            **error);

/* daily_summary is refreshed (CONCURRENTLY, on a connection of its own)
 * at most once per @seconds while batches load, and when a run ends.
 * Also the "refresh-interval" property. */
void           dps_postgres_repository_set_refresh_interval (DpsRepository      *self,
                                                             guint               seconds);
guint          dps_postgres_repository_get_refresh_interval (DpsRepository      *self);

/* Refreshes daily_summary now and waits for it. */
gboolean       dps_postgres_repository_refresh_summary      (DpsRepository      *self,
                                                             GCancellable       *cancellable,
                                                             GError            **error);

G_END_DECLS
