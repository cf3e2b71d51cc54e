/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "dps-core.h"
#include "dps-postgres-dialog.h"

static const char * const sslmodes[] = {
  "disable", "allow", "prefer", "require", "verify-ca", "verify-full", NULL
};

struct _DpsPostgresDialog
{
  AdwWindow            parent_instance;

  /* Template children. */
  GtkWidget           *connect_button;
  AdwPreferencesGroup *server_group;
  AdwEntryRow         *host_row;
  AdwEntryRow         *port_row;
  AdwEntryRow         *database_row;
  AdwComboRow         *sslmode_row;
  AdwEntryRow         *user_row;
  AdwEntryRow         *password_row;
  AdwActionRow        *test_row;
  GtkSpinner          *test_spinner;
  GtkWidget           *test_button;

  /* Owned. */
  GSettings           *settings;
  GCancellable        *test_cancellable;
};

G_DEFINE_FINAL_TYPE (DpsPostgresDialog, dps_postgres_dialog, ADW_TYPE_WINDOW)

enum {
  CONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A conninfo value, quoted when it must be. */
static void
append_value (GString    *conninfo,
              const char *key,
              const char *value)
{
  gboolean quote;

  if (value == NULL || *value == '\0')
    return;
  quote = strpbrk (value, " \t\n'\\") != NULL;
  if (conninfo->len > 0)
    g_string_append_c (conninfo, ' ');
  g_string_append_printf (conninfo, "%s=", key);
  if (!quote)
    {
      g_string_append (conninfo, value);
      return;
    }
  g_string_append_c (conninfo, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (conninfo, '\\');
      g_string_append_c (conninfo, *p);
    }
  g_string_append_c (conninfo, '\'');
}

static char *
build_conninfo (const char *host,
                guint       port,
                const char *database,
                const char *user,
                const char *sslmode,
                const char *password)
{
  GString *conninfo = g_string_new (NULL);
  char port_text[16];

  g_snprintf (port_text, sizeof port_text, "%u", port);
  append_value (conninfo, "host", host);
  append_value (conninfo, "port", port_text);
  append_value (conninfo, "dbname", database);
  append_value (conninfo, "user", user);
  append_value (conninfo, "sslmode", sslmode);
  append_value (conninfo, "password", password);
  return g_string_free (conninfo, FALSE);
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static guint
row_port (DpsPostgresDialog *self)
{
  guint64 port = 0;

  if (!g_ascii_string_to_unsigned (row_text (self->port_row), 10, 1, 65535, &port, NULL))
    return 0;
  return (guint) port;
}

static char *
conninfo_from_rows (DpsPostgresDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->sslmode_row);

  return build_conninfo (row_text (self->host_row), row_port (self), row_text (self->database_row),
                         row_text (self->user_row),
                         selected < G_N_ELEMENTS (sslmodes) - 1 ? sslmodes[selected] : "prefer",
                         row_text (self->password_row));
}

static void
update_validity (DpsPostgresDialog *self)
{
  gboolean valid = *row_text (self->host_row) != '\0' && row_port (self) != 0 &&
                   *row_text (self->database_row) != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "postgres.connect", valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "postgres.test",
                                 valid && self->test_cancellable == NULL);
  if (row_port (self) == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->port_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->port_row), "error");
}

static void
row_changed_cb (GtkEditable       *editable,
                DpsPostgresDialog *self)
{
  update_validity (self);
}

static void
tested_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DpsPostgresDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = dps_postgres_test_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->test_cancellable);
  gtk_spinner_set_spinning (self->test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  adw_action_row_set_subtitle (self->test_row, answer != NULL ? answer : error->message);
  update_validity (self);
}

static void
test_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DpsPostgresDialog *self = DPS_POSTGRES_DIALOG (widget);
  g_autofree char *conninfo = conninfo_from_rows (self);

  self->test_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_set_spinning (self->test_spinner, TRUE);
  adw_action_row_set_subtitle (self->test_row, _("Connecting…"));
  update_validity (self);
  dps_postgres_test_async (conninfo, self->test_cancellable, tested_cb, g_object_ref (self));
}

/* A settings object of its own for a change of several keys at once:
 * delay-apply mode, once entered, cannot be left, and @settings is
 * shared. Apply it with g_settings_apply(). */
static GSettings *
settings_batch_new (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GObject) backend = NULL;
  g_autofree char *path = NULL;
  GSettings *batch;

  g_object_get (settings, "settings-schema", &schema, "backend", &backend, "path", &path, NULL);
  batch = g_settings_new_full (schema, (gpointer) backend, path);
  g_settings_delay (batch);
  return batch;
}

static void
connect_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DpsPostgresDialog *self = DPS_POSTGRES_DIALOG (widget);
  g_autoptr(DpsPostgresDialog) hold = g_object_ref (self);
  g_autofree char *conninfo = conninfo_from_rows (self);
  guint selected = adw_combo_row_get_selected (self->sslmode_row);
  g_autoptr(GSettings) batch = settings_batch_new (self->settings);

  g_settings_set_string (batch, "pg-host", row_text (self->host_row));
  g_settings_set_int (batch, "pg-port", (gint) row_port (self));
  g_settings_set_string (batch, "pg-database", row_text (self->database_row));
  g_settings_set_string (batch, "pg-user", row_text (self->user_row));
  if (selected < G_N_ELEMENTS (sslmodes) - 1)
    g_settings_set_string (batch, "pg-sslmode", sslmodes[selected]);
  g_settings_apply (batch);

  g_signal_emit (self, signals[CONNECT], 0, conninfo);
  gtk_window_close (GTK_WINDOW (self));
}

static void
dps_postgres_dialog_dispose (GObject *object)
{
  DpsPostgresDialog *self = DPS_POSTGRES_DIALOG (object);

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_POSTGRES_DIALOG);

  G_OBJECT_CLASS (dps_postgres_dialog_parent_class)->dispose (object);
}

static void
dps_postgres_dialog_class_init (DpsPostgresDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_postgres_dialog_dispose;

  /**
   * DpsPostgresDialog::connect:
   * @conninfo: the connection string, password included
   */
  signals[CONNECT] = g_signal_new ("connect", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-postgres-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, connect_button);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, server_group);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, database_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, sslmode_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, test_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, DpsPostgresDialog, test_button);
  gtk_widget_class_install_action (widget_class, "postgres.test", NULL, test_activated);
  gtk_widget_class_install_action (widget_class, "postgres.connect", NULL, connect_activated);
}

static void
dps_postgres_dialog_init (DpsPostgresDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->connect_button);
}

DpsPostgresDialog *
dps_postgres_dialog_new (GtkWindow  *parent,
                         GSettings  *settings,
                         const char *message)
{
  DpsPostgresDialog *self;
  g_autofree char *host = NULL;
  g_autofree char *database = NULL;
  g_autofree char *user = NULL;
  g_autofree char *sslmode = NULL;
  char port[16];

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DPS_TYPE_POSTGRES_DIALOG, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);

  host = g_settings_get_string (settings, "pg-host");
  database = g_settings_get_string (settings, "pg-database");
  user = g_settings_get_string (settings, "pg-user");
  sslmode = g_settings_get_string (settings, "pg-sslmode");
  g_snprintf (port, sizeof port, "%d", g_settings_get_int (settings, "pg-port"));
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), host);
  gtk_editable_set_text (GTK_EDITABLE (self->port_row), port);
  gtk_editable_set_text (GTK_EDITABLE (self->database_row), database);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  for (guint i = 0; sslmodes[i] != NULL; i++)
    if (g_str_equal (sslmodes[i], sslmode))
      adw_combo_row_set_selected (self->sslmode_row, i);
  if (message != NULL)
    adw_preferences_group_set_description (self->server_group, message);

  g_signal_connect (self->host_row, "changed", G_CALLBACK (row_changed_cb), self);
  g_signal_connect (self->port_row, "changed", G_CALLBACK (row_changed_cb), self);
  g_signal_connect (self->database_row, "changed", G_CALLBACK (row_changed_cb), self);
  update_validity (self);
  if (message != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  return self;
}

char *
dps_postgres_conninfo_from_settings (GSettings  *settings,
                                     const char *password)
{
  g_autofree char *host = NULL;
  g_autofree char *database = NULL;
  g_autofree char *user = NULL;
  g_autofree char *sslmode = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  host = g_settings_get_string (settings, "pg-host");
  database = g_settings_get_string (settings, "pg-database");
  user = g_settings_get_string (settings, "pg-user");
  sslmode = g_settings_get_string (settings, "pg-sslmode");
  return build_conninfo (host, (guint) g_settings_get_int (settings, "pg-port"), database, user,
                         sslmode, password);
}

static void
test_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *conninfo = task_data;
  g_autoptr(DpsRepository) repository = NULL;
  DpsRepositoryInfo info = { 0 };
  GError *error = NULL;
  char *answer;

  /* Only look: no schema is created or migrated by a test. */
  repository = dps_repository_open (conninfo, DPS_REPOSITORY_FLAGS_NO_MIGRATE | DPS_REPOSITORY_FLAGS_READ_ONLY,
                                    cancellable, &error);
  if (repository == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (dps_repository_get_info (repository, &info, NULL))
    {
      if (info.schema_version == 0)
        /* TRANSLATORS: %s is the server and database, like "localhost/transactions" */
        answer = g_strdup_printf (_("Connected to %s: the database is empty and will be set up on first use."),
                                  info.display_name != NULL ? info.display_name : "");
      else
        answer = g_strdup_printf (_("Connected to %s (%s, schema version %d)."),
                                  info.display_name != NULL ? info.display_name : "",
                                  info.backend != NULL ? info.backend : "PostgreSQL",
                                  info.schema_version);
    }
  else
    answer = g_strdup_printf (_("Connected to %s."), dps_repository_get_display_name (repository));
  dps_repository_info_clear (&info);
  g_task_return_pointer (task, answer, g_free);
}

void
dps_postgres_test_async (const char          *conninfo,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (conninfo != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_postgres_test_async);
  g_task_set_task_data (task, g_strdup (conninfo), g_free);
  g_task_run_in_thread (task, test_in_thread);
}

char *
dps_postgres_test_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
