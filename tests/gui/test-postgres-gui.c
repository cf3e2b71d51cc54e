/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window against a real PostgreSQL server, started by
 * build-aux/pg-throwaway: its TCP address asks for a password. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dps-gui-test.h"
#include "dps-pipeline-controller.h"
#include "dps-postgres-dialog.h"
#include "dps-window.h"

#if HAVE_POSTGRES_REPOSITORY
#include "dps-postgres-repository.h"
#endif

#define PATIENCE_MS 90000

#if HAVE_POSTGRES_REPOSITORY

typedef struct {
  DpsWindow  *window;
  const char *text;
} Wait;

/* A Connect to PostgreSQL dialog on screen that was not used yet. */
static gboolean
dialog_shown (gpointer user_data)
{
  GtkWindow *dialog = dps_gui_test_find_toplevel (DPS_TYPE_POSTGRES_DIALOG);

  return dialog != NULL && g_object_get_data (G_OBJECT (dialog), "dps-test-used") == NULL;
}

static gboolean
title_is (gpointer user_data)
{
  Wait *w = user_data;

  return g_strcmp0 (gtk_window_get_title (GTK_WINDOW (w->window)), w->text) == 0 &&
         g_strcmp0 (dps_window_get_content_state (w->window), "loading") != 0;
}

static gboolean
rows_stored (gpointer user_data)
{
  DpsSession *session = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) reader = dps_session_open_reader (session, &error);
  DpsRepositoryInfo info = { 0 };
  gint64 rows;

  g_assert_no_error (error);
  g_assert_true (dps_repository_get_info (reader, &info, &error));
  g_assert_no_error (error);
  rows = info.rows;
  dps_repository_info_clear (&info);
  return rows >= 100;
}

static gboolean
no_runs (gpointer user_data)
{
  DpsSession *session = user_data;

  return g_list_model_get_n_items (dps_session_get_runs (session)) == 0;
}

/* Types @password (may be empty) into the dialog on screen and connects. */
static GtkWindow *
connect_with (const char *password)
{
  GtkWindow *dialog = dps_gui_test_find_toplevel (DPS_TYPE_POSTGRES_DIALOG);
  GtkWidget *password_row;

  g_assert_nonnull (dialog);
  password_row = dps_gui_test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW);
  g_assert_nonnull (password_row);
  gtk_editable_set_text (GTK_EDITABLE (password_row), password);
  /* The next one to wait for is another. */
  g_object_set_data (G_OBJECT (dialog), "dps-test-used", GINT_TO_POINTER (TRUE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "postgres.connect", NULL));
  return dialog;
}

static void
assert_no_secret (const char *text,
                  const char *password)
{
  if (text != NULL && strstr (text, password) != NULL)
    g_error ("“%s” shows the password", text);
}

static void
test_connect (void)
{
  const char *host = g_getenv ("DPS_TEST_PG_TCP_HOST");
  const char *port = g_getenv ("PGPORT");
  const char *password = g_getenv ("DPS_TEST_PG_PASSWORD");
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(DpsWindow) window = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) reader = NULL;
  g_autofree char *expected_title = NULL;
  g_autofree char *uri = NULL;
  g_auto(GStrv) recent = NULL;
  DpsRepository *repository;
  DpsSession *session;
  GtkWindow *dialog;
  Wait w = { 0 };

  if (host == NULL || port == NULL || password == NULL)
    {
      g_test_skip ("run under build-aux/pg-throwaway");
      return;
    }

  /* The server as Preferences would remember it. */
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "pg-host", host);
  g_settings_set_int (settings, "pg-port", atoi (port));
  g_settings_set_string (settings, "pg-database", "dps");
  g_settings_set_string (settings, "pg-user", "postgres");
  g_settings_set_string (settings, "pg-sslmode", "disable");
  g_settings_set_uint (settings, "pg-refresh-interval-seconds", 3);

  window = g_object_ref_sink (dps_window_new (ADW_APPLICATION (dps_gui_test_get_application ())));
  dps_gui_test_show_window (GTK_WINDOW (window));
  session = dps_window_get_session (window);
  w.window = window;

  /* File ▸ Connect to PostgreSQL… */
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect-postgres", NULL);
  g_assert_true (dps_gui_test_wait_until (dialog_shown, &w, PATIENCE_MS));

  /* Without a password: the server asks for one, and so does the window. */
  connect_with ("");
  g_assert_true (dps_gui_test_wait_until (dialog_shown, &w, PATIENCE_MS));
  dialog = dps_gui_test_find_toplevel (DPS_TYPE_POSTGRES_DIALOG);
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (dialog), "asks for a password"));
  g_assert_cmpstr (dps_window_get_content_state (window), ==, "error");

  /* A wrong one: asked again, with the server's answer. */
  connect_with ("not-the-password");
  g_assert_true (dps_gui_test_wait_until (dialog_shown, &w, PATIENCE_MS));
  dialog = dps_gui_test_find_toplevel (DPS_TYPE_POSTGRES_DIALOG);
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (dialog), "password authentication failed"));
  g_assert_null (dps_gui_test_find_label (GTK_WIDGET (dialog), "not-the-password"));

  /* The right one: the database opens, named host:port/database. */
  connect_with (password);
  expected_title = g_strdup_printf ("%s:%s/dps — Data Pipeline Streaming", host, port);
  w.text = expected_title;
  g_assert_true (dps_gui_test_wait_until (title_is, &w, PATIENCE_MS));
  g_assert_cmpstr (dps_window_get_content_state (window), ==, "empty");
  g_assert_null (dps_gui_test_find_toplevel (DPS_TYPE_POSTGRES_DIALOG));

  /* The password is nowhere to be seen or kept. */
  assert_no_secret (gtk_window_get_title (GTK_WINDOW (window)), password);
  assert_no_secret (dps_session_get_uri (session), password);
  assert_no_secret (dps_session_get_display_name (session), password);
  uri = g_settings_get_string (settings, "database-uri");
  g_test_message ("database-uri: %s", uri);
  g_assert_nonnull (strstr (uri, host));
  assert_no_secret (uri, password);
  recent = g_settings_get_strv (settings, "recent-databases");
  g_assert_nonnull (recent[0]);
  for (guint i = 0; recent[i] != NULL; i++)
    assert_no_secret (recent[i], password);

  /* Every connection of the session refreshes daily_summary as often as
   * the settings say, and follows them when they change. */
  repository = dps_session_get_repository (session);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (repository, DPS_TYPE_POSTGRES_REPOSITORY));
  g_assert_cmpuint (dps_postgres_repository_get_refresh_interval (repository), ==, 3);
  reader = dps_session_open_reader (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dps_postgres_repository_get_refresh_interval (reader), ==, 3);
  g_settings_set_uint (settings, "pg-refresh-interval-seconds", 7);
  g_assert_cmpuint (dps_session_get_pg_refresh_interval (session), ==, 7);
  g_assert_cmpuint (dps_postgres_repository_get_refresh_interval (repository), ==, 7);
  g_assert_cmpuint (dps_postgres_repository_get_refresh_interval (reader), ==, 7);

  /* The pipeline writes there: the live generator, then Stop. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "pipeline.start-generator", NULL));
  g_assert_true (dps_gui_test_wait_until (rows_stored, session, PATIENCE_MS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "pipeline.stop", NULL));
  g_assert_true (dps_gui_test_wait_until (no_runs, session, PATIENCE_MS));

  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (window), "postgres-window"));
  dps_pipeline_controller_shutdown (dps_pipeline_controller_get_for_session (session));
  dps_gui_test_close_other_toplevels (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (window));
  dps_gui_test_drain ();
}

#else /* !HAVE_POSTGRES_REPOSITORY */

static void
test_unavailable (void)
{
  g_test_skip ("built without libpq");
}

#endif

int
main (int    argc,
      char **argv)
{
  dps_gui_test_init (&argc, &argv);

#if HAVE_POSTGRES_REPOSITORY
  g_test_add_func ("/dps/postgres-gui/connect", test_connect);
#else
  g_test_add_func ("/dps/postgres-gui/unavailable", test_unavailable);
#endif
  return g_test_run ();
}
