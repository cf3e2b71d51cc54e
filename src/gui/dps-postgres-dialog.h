/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DPS_TYPE_POSTGRES_DIALOG (dps_postgres_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DpsPostgresDialog, dps_postgres_dialog, DPS, POSTGRES_DIALOG, AdwWindow)

/* Asks where the PostgreSQL server is (host, port, database, user, SSL
 * mode, kept in @settings) and for a password, which is never stored in
 * the settings. "connect" (conninfo) is emitted with the password
 * included; Test Connection opens the database on a worker. @message,
 * if any, says why the dialog is shown (a password is needed). */
DpsPostgresDialog *dps_postgres_dialog_new        (GtkWindow    *parent,
                                                   GSettings    *settings,
                                                   const char   *message);

/* A libpq conninfo string from the settings, values quoted; the
 * password is added when not NULL or empty. */
char              *dps_postgres_conninfo_from_settings (GSettings  *settings,
                                                   const char   *password);
/* Opens @conninfo without changing the database, on a worker; the
 * result is a line for people saying what answered. */
void               dps_postgres_test_async        (const char          *conninfo,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
char              *dps_postgres_test_finish       (GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
