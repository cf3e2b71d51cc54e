/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"

G_BEGIN_DECLS

#define DPS_TYPE_SESSION (dps_session_get_type ())
G_DECLARE_FINAL_TYPE (DpsSession, dps_session, DPS, SESSION, GObject)

/* What every part of the window shares: the open database, the one
 * filter all views observe, the pipeline runs going on, and news of data
 * landing. Used from the main thread; database work goes to workers. */
DpsSession    *dps_session_new                 (void);

/* Opens (creating the default SQLite file if needed) and migrates on a
 * worker thread; on success the session switches to it. */
void           dps_session_open_async          (DpsSession          *self,
                                                const char          *uri,
                                                gboolean             create,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       dps_session_open_finish         (DpsSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* NULL until a database is open. The URI never holds a password. */
const char    *dps_session_get_uri             (DpsSession          *self);
const char    *dps_session_get_display_name    (DpsSession          *self);
/* The main read connection: call it from worker threads only. */
DpsRepository *dps_session_get_repository      (DpsSession          *self);
/* A further connection to the same database, for a view that must not
 * wait behind the others' queries. Blocking: call from a worker. */
DpsRepository *dps_session_open_reader         (DpsSession          *self,
                                                GError             **error);
DpsFilter     *dps_session_get_filter          (DpsSession          *self);
/* Bumped each time data may have changed (a batch landed, another
 * database opened); views compare it to know whether to refresh. */
guint          dps_session_get_generation      (DpsSession          *self);
/* Emits "data-changed" now (after an import, a manual refresh). */
void           dps_session_data_changed        (DpsSession          *self);

/* Runs @source through the engine into the open database, on its own
 * writer connection. "run-started" and "run-finished" tell the views;
 * while it loads, "data-changed" fires at most once a second. */
void           dps_session_start_run_async     (DpsSession          *self,
                                                DpsSource           *source,
                                                const DpsEngineOptions *options,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* The engine once it started (the run goes on after this returns);
 * its completion is "run-finished". */
DpsEngine     *dps_session_start_run_finish    (DpsSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* Engines running now (DpsEngine*), oldest first. */
GListModel    *dps_session_get_runs            (DpsSession          *self);
/* Stops every run gracefully (what was read is committed). */
void           dps_session_stop_runs           (DpsSession          *self);

/* Settings of one backend, applied to every connection the session
 * opens (its own, the engines' writers, the readers) and to those open
 * now when they change ("pg-refresh-interval" property). PostgreSQL:
 * seconds between two refreshes of daily_summary while data loads. */
void           dps_session_set_pg_refresh_interval (DpsSession      *self,
                                                guint                seconds);
guint          dps_session_get_pg_refresh_interval (DpsSession      *self);

G_END_DECLS
