/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-core.h"
#include "dps-dialogs.h"
#include "dps-postgres-dialog.h"
#include "dps-preferences-window.h"

struct _DpsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template children. */
  AdwActionRow         *sqlite_row;
  AdwEntryRow          *pg_host_row;
  GtkSpinButton        *pg_port_spin;
  AdwEntryRow          *pg_database_row;
  AdwEntryRow          *pg_user_row;
  AdwComboRow          *pg_sslmode_row;
  GtkSpinButton        *pg_refresh_spin;
  AdwActionRow         *pg_test_row;
  GtkSpinner           *pg_test_spinner;
  GtkSpinButton        *batch_size_spin;
  GtkSpinButton        *batch_interval_spin;
  GtkSpinButton        *follow_poll_spin;
  AdwComboRow          *schedule_mode_row;
  GtkSpinButton        *schedule_interval_spin;
  GtkSpinButton        *reject_threshold_spin;
  AdwComboRow          *style_row;

  /* Owned. */
  GSettings            *settings;
  GCancellable         *test_cancellable;
};

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
G_DEFINE_FINAL_TYPE (DpsPreferencesWindow, dps_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)
G_GNUC_END_IGNORE_DEPRECATIONS

static const char * const sslmodes[] = { "disable", "allow", "prefer", "require", "verify-ca", "verify-full", NULL };
static const char * const schedule_modes[] = { "off", "interval", "continuous", NULL };
static const char * const styles[] = { "default", "light", "dark", NULL };

/* Combo rows show a string key's choices in @user_data's order. */
static gboolean
index_from_choice (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], choice))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
choice_from_index (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  const char * const *choices = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[index]);
}

static gboolean
percent_from_ratio (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_double (variant) * 100.0);
  return TRUE;
}

static GVariant *
ratio_from_percent (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_variant_new_double (CLAMP (g_value_get_double (value) / 100.0, 0.0, 1.0));
}

static void
bind_choice (GSettings          *settings,
             const char         *key,
             AdwComboRow        *row,
             const char * const *choices)
{
  g_settings_bind_with_mapping (settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                index_from_choice, choice_from_index, (gpointer) choices, NULL);
}

static void
update_sqlite_row (DpsPreferencesWindow *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "database-uri");
  g_autofree char *default_uri = dps_repository_get_default_uri ();
  const char *shown = *uri != '\0' ? uri : default_uri;

  if (g_str_has_prefix (shown, "sqlite://"))
    shown += strlen ("sqlite://");
  adw_action_row_set_subtitle (self->sqlite_row, shown);
}

static void
database_uri_changed_cb (GSettings            *settings,
                         const char           *key,
                         DpsPreferencesWindow *self)
{
  update_sqlite_row (self);
}

static void
open_in_parent (DpsPreferencesWindow *self,
                const char           *uri,
                gboolean              create)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent == NULL)
    {
      /* No window to open it in: the next one starts on it. */
      g_autofree char *redacted = dps_repository_uri_redact (uri);

      g_settings_set_string (self->settings, "database-uri", redacted);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (parent), "win.open-uri", "(sb)", uri, create);
}

static void
sqlite_chosen (GObject   *owner,
               GPtrArray *files,
               gboolean   create)
{
  g_autofree char *path = dps_dialogs_dup_first_path (files);
  g_autofree char *uri = NULL;

  if (path == NULL)
    return;
  uri = g_strconcat ("sqlite://", path, NULL);
  open_in_parent (DPS_PREFERENCES_WINDOW (owner), uri, create);
}

static void
sqlite_opened_cb (GObject   *owner,
                  GPtrArray *files)
{
  sqlite_chosen (owner, files, FALSE);
}

static void
sqlite_created_cb (GObject   *owner,
                   GPtrArray *files)
{
  sqlite_chosen (owner, files, TRUE);
}

static void
change_sqlite_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  dps_dialogs_open_files (GTK_WINDOW (widget), _("Choose the Default Database"), _("_Choose"),
                          DPS_FILE_KIND_DATABASE, FALSE, sqlite_opened_cb, G_OBJECT (widget));
}

static void
new_sqlite_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  dps_dialogs_save_file (GTK_WINDOW (widget), _("New Database"), _("_Create"),
                         DPS_FILE_KIND_DATABASE, "transactions.db", sqlite_created_cb, G_OBJECT (widget));
}

static void
tested_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DpsPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = dps_postgres_test_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->test_cancellable);
  gtk_spinner_set_spinning (self->pg_test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->pg_test_spinner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.test-postgres", TRUE);
  adw_action_row_set_subtitle (self->pg_test_row, answer != NULL ? answer : error->message);
}

static void
test_postgres_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  DpsPreferencesWindow *self = DPS_PREFERENCES_WINDOW (widget);
  g_autofree char *conninfo = dps_postgres_conninfo_from_settings (self->settings, NULL);

  self->test_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->pg_test_spinner), TRUE);
  gtk_spinner_set_spinning (self->pg_test_spinner, TRUE);
  gtk_widget_action_set_enabled (widget, "prefs.test-postgres", FALSE);
  adw_action_row_set_subtitle (self->pg_test_row, _("Connecting…"));
  dps_postgres_test_async (conninfo, self->test_cancellable, tested_cb, g_object_ref (self));
}

static void
connect_postgres_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DpsPreferencesWindow *self = DPS_PREFERENCES_WINDOW (widget);
  g_autofree char *conninfo = dps_postgres_conninfo_from_settings (self->settings, NULL);

  /* Without a password: ~/.pgpass or PGPASSWORD, else the window asks. */
  open_in_parent (self, conninfo, FALSE);
}

static void
dps_preferences_window_dispose (GObject *object)
{
  DpsPreferencesWindow *self = DPS_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (dps_preferences_window_parent_class)->dispose (object);
}

static void
dps_preferences_window_class_init (DpsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, sqlite_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, pg_host_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, pg_port_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, pg_database_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, pg_user_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, pg_sslmode_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, pg_refresh_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, pg_test_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, pg_test_spinner);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, batch_size_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, batch_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, follow_poll_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, schedule_mode_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, schedule_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, reject_threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, style_row);
  gtk_widget_class_install_action (widget_class, "prefs.change-sqlite", NULL, change_sqlite_activated);
  gtk_widget_class_install_action (widget_class, "prefs.new-sqlite", NULL, new_sqlite_activated);
  gtk_widget_class_install_action (widget_class, "prefs.test-postgres", NULL, test_postgres_activated);
  gtk_widget_class_install_action (widget_class, "prefs.connect-postgres", NULL, connect_postgres_cb);
}

static void
dps_preferences_window_init (DpsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
dps_preferences_window_new (GtkWindow *parent,
                            GSettings *settings)
{
  DpsPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DPS_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "pg-host", self->pg_host_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "pg-port", self->pg_port_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "pg-database", self->pg_database_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "pg-user", self->pg_user_row, "text", G_SETTINGS_BIND_DEFAULT);
  bind_choice (settings, "pg-sslmode", self->pg_sslmode_row, sslmodes);
  g_settings_bind (settings, "pg-refresh-interval-seconds", self->pg_refresh_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "batch-size", self->batch_size_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "batch-interval-ms", self->batch_interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "follow-poll-ms", self->follow_poll_spin, "value", G_SETTINGS_BIND_DEFAULT);
  bind_choice (settings, "schedule-mode", self->schedule_mode_row, schedule_modes);
  g_settings_bind (settings, "schedule-interval-minutes", self->schedule_interval_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "reject-rate-threshold", self->reject_threshold_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, percent_from_ratio, ratio_from_percent, NULL, NULL);
  bind_choice (settings, "color-scheme", self->style_row, styles);

  g_signal_connect (settings, "changed::database-uri", G_CALLBACK (database_uri_changed_cb), self);
  update_sqlite_row (self);
  return GTK_WIDGET (self);
}
