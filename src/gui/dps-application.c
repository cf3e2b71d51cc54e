/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-application.h"
#include "dps-preferences-window.h"
#include "dps-window.h"

struct _DpsApplication
{
  AdwApplication  parent_instance;

  /* Owned. */
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (DpsApplication, dps_application, ADW_TYPE_APPLICATION)

static DpsWindow *
get_main_window (DpsApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (DPS_IS_WINDOW (window))
    return DPS_WINDOW (window);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (DPS_IS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      return DPS_WINDOW (l->data);
  return NULL;
}

static DpsWindow *
create_window (DpsApplication *self,
               const char     *uri)
{
  DpsWindow *window = dps_window_new (ADW_APPLICATION (self));

  /* Like the command-line tool, --db creates a missing SQLite file. */
  if (uri != NULL)
    dps_window_open_database (window, uri, TRUE, FALSE);
  else
    {
      g_autofree char *setting = g_settings_get_string (self->settings, "database-uri");
      g_autofree char *default_uri = dps_repository_get_default_uri ();
      gboolean is_default = *setting == '\0' || g_strcmp0 (setting, default_uri) == 0;

      /* The default database is created on first start. */
      dps_window_open_database (window, is_default ? default_uri : setting, is_default, FALSE);
    }
  return window;
}

static void
color_scheme_changed_cb (GSettings      *settings,
                         const char     *key,
                         DpsApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (settings, "color-scheme");
  AdwStyleManager *manager = adw_style_manager_get_default ();

  if (g_str_equal (scheme, "light"))
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_str_equal (scheme, "dark"))
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

/* --- actions ----------------------------------------------------------------- */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  DpsApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing lets each window finish its runs; the application ends
   * with the last one. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  DpsApplication *self = user_data;
  GtkWidget *preferences = dps_preferences_window_new (GTK_WINDOW (get_main_window (self)),
                                                       self->settings);

  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  DpsApplication *self = user_data;
  GtkWindow *parent = GTK_WINDOW (get_main_window (self));
  static const char *developers[] = { "Data Pipeline Streaming contributors", NULL };

#if ADW_CHECK_VERSION (1, 5, 0)
  AdwDialog *about = adw_about_dialog_new ();

  adw_about_dialog_set_application_name (ADW_ABOUT_DIALOG (about), _("Data Pipeline Streaming"));
  adw_about_dialog_set_application_icon (ADW_ABOUT_DIALOG (about), APP_ID);
  adw_about_dialog_set_version (ADW_ABOUT_DIALOG (about), PACKAGE_VERSION);
  adw_about_dialog_set_developer_name (ADW_ABOUT_DIALOG (about), _("Data Pipeline Streaming contributors"));
  adw_about_dialog_set_developers (ADW_ABOUT_DIALOG (about), developers);
  adw_about_dialog_set_license_type (ADW_ABOUT_DIALOG (about), GTK_LICENSE_GPL_3_0);
  adw_about_dialog_set_website (ADW_ABOUT_DIALOG (about), "https://github.com/dps/DataPipelineStreaming");
  adw_about_dialog_set_issue_url (ADW_ABOUT_DIALOG (about), "https://github.com/dps/DataPipelineStreaming/issues");
  adw_about_dialog_set_comments (ADW_ABOUT_DIALOG (about),
                                 _("Generate, ingest, validate, store and explore financial transactions."));
  /* TRANSLATORS: your names, one per line */
  adw_about_dialog_set_translator_credits (ADW_ABOUT_DIALOG (about), _("translator-credits"));
  adw_dialog_present (about, GTK_WIDGET (parent));
#else
  GtkWidget *about = adw_about_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Data Pipeline Streaming"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _("Data Pipeline Streaming contributors"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_website (ADW_ABOUT_WINDOW (about), "https://github.com/dps/DataPipelineStreaming");
  adw_about_window_set_issue_url (ADW_ABOUT_WINDOW (about), "https://github.com/dps/DataPipelineStreaming/issues");
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _("Generate, ingest, validate, store and explore financial transactions."));
  /* TRANSLATORS: your names, one per line */
  adw_about_window_set_translator_credits (ADW_ABOUT_WINDOW (about), _("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
#endif
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
};

/* --- overrides ------------------------------------------------------------------ */

static void
dps_application_startup (GApplication *application)
{
  DpsApplication *self = DPS_APPLICATION (application);
  g_autoptr(GAction) color_scheme = NULL;
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.import", { "<Control>o", NULL } },
    { "win.export-csv", { "<Control>e", NULL } },
    { "win.filter", { "<Control>f", NULL } },
    { "win.refresh", { "F5", "<Control>r", NULL } },
    { "win.show-view::dashboard", { "<Control>1", NULL } },
    { "win.show-view::transactions", { "<Control>2", NULL } },
    { "win.show-view::quality", { "<Control>3", NULL } },
    { "win.show-view::pipeline", { "<Control>4", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (dps_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APP_ID);
  self->settings = g_settings_new (APP_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries), self);
  color_scheme = g_settings_create_action (self->settings, "color-scheme");
  g_action_map_add_action (G_ACTION_MAP (self), color_scheme);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  g_signal_connect (self->settings, "changed::color-scheme", G_CALLBACK (color_scheme_changed_cb), self);
  color_scheme_changed_cb (self->settings, "color-scheme", self);
}

static void
dps_application_activate (GApplication *application)
{
  DpsApplication *self = DPS_APPLICATION (application);
  DpsWindow *window = get_main_window (self);

  if (window == NULL)
    window = create_window (self, NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static void
dps_application_open (GApplication  *application,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  DpsApplication *self = DPS_APPLICATION (application);
  DpsWindow *window = get_main_window (self);

  if (window == NULL)
    window = create_window (self, NULL);
  gtk_window_present (GTK_WINDOW (window));
  /* The import waits for the database to be open. */
  dps_window_import_files (window, files, (guint) n_files);
}

static int
dps_application_command_line (GApplication            *application,
                              GApplicationCommandLine *command_line)
{
  DpsApplication *self = DPS_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree char *db = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  DpsWindow *window;

  g_variant_dict_lookup (options, "db", "s", &db);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^aay", &paths);
  if (paths != NULL)
    for (guint i = 0; paths[i] != NULL; i++)
      g_ptr_array_add (files, g_application_command_line_create_file_for_arg (command_line, paths[i]));

  window = get_main_window (self);
  if (window == NULL)
    window = create_window (self, db);
  else if (db != NULL)
    dps_window_open_database (window, db, TRUE, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  if (files->len > 0)
    dps_window_import_files (window, (GFile **) files->pdata, files->len);
  return EXIT_SUCCESS;
}

static void
dps_application_dispose (GObject *object)
{
  DpsApplication *self = DPS_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dps_application_parent_class)->dispose (object);
}

static void
dps_application_class_init (DpsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = dps_application_dispose;
  application_class->startup = dps_application_startup;
  application_class->activate = dps_application_activate;
  application_class->open = dps_application_open;
  application_class->command_line = dps_application_command_line;
}

static void
dps_application_init (DpsApplication *self)
{
  static const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_STRING, NULL,
      N_("Open this database: sqlite:///path/file.db, a file path, or a PostgreSQL URI"), N_("URI") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[FILE.jsonl…]") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE.jsonl…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Import JSON Lines files of transactions and explore them."));
}

DpsApplication *
dps_application_new (void)
{
  return g_object_new (DPS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
