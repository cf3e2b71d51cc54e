/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-core.h"
#include "dps-dialogs.h"
#if HAVE_KAFKA
#include "dps-kafka-settings.h"
#endif
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
  GtkSpinButton        *commit_interval_spin;
  GtkSpinButton        *follow_poll_spin;
  AdwComboRow          *schedule_mode_row;
  GtkSpinButton        *schedule_interval_spin;
  GtkSpinButton        *reject_threshold_spin;
  AdwComboRow          *style_row;
  AdwPreferencesPage   *kafka_page;
  AdwEntryRow          *kafka_brokers_row;
  AdwEntryRow          *kafka_topic_row;
  AdwEntryRow          *kafka_group_row;
  AdwActionRow         *kafka_test_row;
  GtkSpinner           *kafka_test_spinner;
  GtkImage             *kafka_test_icon;
  GtkListBox           *kafka_properties_list;
  AdwEntryRow          *kafka_add_row;
  AdwActionRow         *kafka_refused_row;

  /* Owned. */
  GSettings            *settings;
  GCancellable         *test_cancellable;
  GCancellable         *kafka_test_cancellable;
  guint                 kafka_rebuild_id;
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


#if HAVE_KAFKA
/* ---------------------------------------------------------------------- */
/* Kafka                                                                  */

static void
kafka_property_applied_cb (AdwEntryRow          *row,
                           DpsPreferencesWindow *self)
{
  const char *key = g_object_get_data (G_OBJECT (row), "dps-kafka-property");
  g_autoptr(GError) error = NULL;

  if (!dps_kafka_settings_set_property (self->settings, key, gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
}

static void
kafka_property_removed_cb (GtkButton            *button,
                           DpsPreferencesWindow *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "dps-kafka-property");

  dps_kafka_settings_remove_property (self->settings, key);
}

static GtkWidget *
kafka_remove_button (DpsPreferencesWindow *self,
                     const char           *key)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  /* TRANSLATORS: tooltip of the button that removes a Kafka property, like "Remove sasl.username" */
  g_autofree char *tooltip = g_strdup_printf (_("Remove %s"), key);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data_full (G_OBJECT (button), "dps-kafka-property", g_strdup (key), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (kafka_property_removed_cb), self);
  return button;
}

/* One row per property of the settings, in name order: its value can be
 * edited (applied with the row's button) or the property removed. */
static void
update_kafka_properties (DpsPreferencesWindow *self)
{
  g_autoptr(GVariant) properties = g_settings_get_value (self->settings, "kafka-properties");
  GtkWidget *child;
  GVariantIter iter;
  const char *key, *value;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->kafka_properties_list))) != NULL)
    gtk_list_box_remove (self->kafka_properties_list, child);

  g_variant_iter_init (&iter, properties);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      GtkWidget *row;

      if (dps_kafka_property_is_secret (key))
        {
          /* Written by another program: shown without its value, unused. */
          row = adw_action_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), key);
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          gtk_widget_add_css_class (icon, "warning");
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       _("Not used: secrets are read from the environment only. Remove it."));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), kafka_remove_button (self, key));
        }
      else
        {
          row = adw_entry_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), key);
          gtk_editable_set_text (GTK_EDITABLE (row), value);
          adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
          g_object_set_data_full (G_OBJECT (row), "dps-kafka-property", g_strdup (key), g_free);
          g_signal_connect (row, "apply", G_CALLBACK (kafka_property_applied_cb), self);
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), kafka_remove_button (self, key));
        }
      gtk_list_box_append (self->kafka_properties_list, row);
    }
}

static gboolean
rebuild_kafka_properties_cb (gpointer user_data)
{
  DpsPreferencesWindow *self = user_data;

  self->kafka_rebuild_id = 0;
  update_kafka_properties (self);
  return G_SOURCE_REMOVE;
}

static void
kafka_properties_changed_cb (GSettings            *settings,
                             const char           *key,
                             DpsPreferencesWindow *self)
{
  /* Later: the change may come from a button of a row that goes. */
  if (self->kafka_rebuild_id == 0)
    self->kafka_rebuild_id = g_idle_add (rebuild_kafka_properties_cb, self);
}

static void
kafka_add_applied_cb (AdwEntryRow          *row,
                      DpsPreferencesWindow *self)
{
  g_autoptr(GHashTable) parsed = dps_kafka_properties_new ();
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  GHashTableIter iter;
  gpointer key, value;
  gboolean saved = TRUE;

  if (dps_kafka_properties_parse (parsed, text, &error))
    {
      g_hash_table_iter_init (&iter, parsed);
      while (saved && g_hash_table_iter_next (&iter, &key, &value))
        saved = dps_kafka_settings_set_property (self->settings, key, value, &error);
    }
  else
    saved = FALSE;

  /* What was typed goes either way: a refused one may be a password. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->kafka_refused_row), !saved);
  if (!saved)
    adw_action_row_set_subtitle (self->kafka_refused_row, error->message);
}

static void
show_kafka_test_result (DpsPreferencesWindow *self,
                        gboolean              connected,
                        const char           *text)
{
  GtkWidget *icon = GTK_WIDGET (self->kafka_test_icon);

  gtk_image_set_from_icon_name (self->kafka_test_icon, connected ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_widget_remove_css_class (icon, connected ? "error" : "success");
  gtk_widget_add_css_class (icon, connected ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  connected ? _("Connected") : _("Failed"), -1);
  gtk_widget_set_visible (icon, TRUE);
  adw_action_row_set_subtitle (self->kafka_test_row, text);
}

static void
kafka_tested_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DpsPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = dps_kafka_settings_test_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->kafka_test_cancellable);
  gtk_spinner_set_spinning (self->kafka_test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->kafka_test_spinner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.test-kafka", TRUE);
  show_kafka_test_result (self, answer != NULL, answer != NULL ? answer : error->message);
}

static void
test_kafka_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DpsPreferencesWindow *self = DPS_PREFERENCES_WINDOW (widget);
  g_autoptr(DpsKafkaSettings) kafka = NULL;
  g_autoptr(GError) error = NULL;

  kafka = dps_kafka_settings_load (self->settings, &error);
  if (kafka == NULL)
    {
      show_kafka_test_result (self, FALSE, error->message);
      return;
    }
  self->kafka_test_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->kafka_test_spinner), TRUE);
  gtk_spinner_set_spinning (self->kafka_test_spinner, TRUE);
  gtk_widget_action_set_enabled (widget, "prefs.test-kafka", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->kafka_test_icon), FALSE);
  adw_action_row_set_subtitle (self->kafka_test_row, _("Connecting…"));
  dps_kafka_settings_test_async (kafka, 10000, self->kafka_test_cancellable, kafka_tested_cb,
                                 g_object_ref (self));
}
#endif

static void
dps_preferences_window_dispose (GObject *object)
{
  DpsPreferencesWindow *self = DPS_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_cancellable_cancel (self->kafka_test_cancellable);
  g_clear_object (&self->kafka_test_cancellable);
  g_clear_handle_id (&self->kafka_rebuild_id, g_source_remove);
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
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, commit_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, follow_poll_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, schedule_mode_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, schedule_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, reject_threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_page);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_brokers_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_topic_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_group_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_test_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_test_spinner);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_test_icon);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_properties_list);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_add_row);
  gtk_widget_class_bind_template_child (widget_class, DpsPreferencesWindow, kafka_refused_row);
  gtk_widget_class_install_action (widget_class, "prefs.change-sqlite", NULL, change_sqlite_activated);
  gtk_widget_class_install_action (widget_class, "prefs.new-sqlite", NULL, new_sqlite_activated);
  gtk_widget_class_install_action (widget_class, "prefs.test-postgres", NULL, test_postgres_activated);
  gtk_widget_class_install_action (widget_class, "prefs.connect-postgres", NULL, connect_postgres_cb);
#if HAVE_KAFKA
  gtk_widget_class_install_action (widget_class, "prefs.test-kafka", NULL, test_kafka_activated);
#endif
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
  g_settings_bind (settings, "commit-interval-ms", self->commit_interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "follow-poll-ms", self->follow_poll_spin, "value", G_SETTINGS_BIND_DEFAULT);
  bind_choice (settings, "schedule-mode", self->schedule_mode_row, schedule_modes);
  g_settings_bind (settings, "schedule-interval-minutes", self->schedule_interval_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "reject-rate-threshold", self->reject_threshold_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, percent_from_ratio, ratio_from_percent, NULL, NULL);
  bind_choice (settings, "color-scheme", self->style_row, styles);

  g_signal_connect (settings, "changed::database-uri", G_CALLBACK (database_uri_changed_cb), self);
  update_sqlite_row (self);

#if HAVE_KAFKA
  g_settings_bind (settings, "kafka-brokers", self->kafka_brokers_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "kafka-topic", self->kafka_topic_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "kafka-group", self->kafka_group_row, "text", G_SETTINGS_BIND_DEFAULT);
  gtk_list_box_set_placeholder (self->kafka_properties_list,
                                g_object_new (GTK_TYPE_LABEL,
                                              "label", _("None: plain connections without authentication"),
                                              "margin-top", 12, "margin-bottom", 12,
                                              "margin-start", 12, "margin-end", 12,
                                              "wrap", TRUE,
                                              "css-classes", (const char *[]) { "dim-label", NULL },
                                              NULL));
  g_signal_connect (self->kafka_add_row, "apply", G_CALLBACK (kafka_add_applied_cb), self);
  g_signal_connect (settings, "changed::kafka-properties", G_CALLBACK (kafka_properties_changed_cb), self);
  update_kafka_properties (self);
#else
  /* Built without librdkafka: nothing to set. */
  adw_preferences_window_remove (ADW_PREFERENCES_WINDOW (self), self->kafka_page);
#endif
  return GTK_WIDGET (self);
}
