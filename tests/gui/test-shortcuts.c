/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dps-core.h"
#include "dps-csv-export-dialog.h"
#include "dps-filter-bar.h"
#include "dps-gui-test.h"
#include "dps-pipeline-page.h"
#include "dps-preferences-window.h"
#include "dps-quality-page.h"
#include "dps-test-db.h"
#include "dps-transactions-page.h"
#include "dps-window.h"

#define TIMEOUT_MS 60000

static DpsWindow *window;

static gboolean
has_data (gpointer user_data)
{
  GtkWidget *table = dps_window_get_page_content (window, "transactions");

  return g_strcmp0 (dps_window_get_content_state (window), "views") == 0 &&
         g_action_group_get_action_enabled (G_ACTION_GROUP (window), "export-csv") &&
         dps_transactions_page_get_model (DPS_TRANSACTIONS_PAGE (table)) != NULL &&
         g_list_model_get_n_items (dps_session_get_runs (dps_window_get_session (window))) == 0;
}

/* One window on a database with a little data, shared by the tests. */
static void
set_up_window (void)
{
  g_autofree char *db = dps_gui_test_tmp_path ("transactions.db");
  g_autofree char *path = dps_gui_test_tmp_path ("small.jsonl");
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions options;
  const char *paths[] = { path, NULL };

  dps_generator_options_init (&options);
  options.rows = 300;
  options.dirty_ratio = 0.05;
  g_assert_true (dps_test_db_write_jsonl (path, &options, NULL, &error));
  g_assert_no_error (error);

  window = dps_gui_test_open_window (db);
  g_action_group_activate_action (G_ACTION_GROUP (window), "import-files", g_variant_new_strv (paths, -1));
  g_assert_true (dps_gui_test_wait_until (has_data, NULL, TIMEOUT_MS));
}

static GActionGroup *
group_for (const char  *detailed,
           const char **name)
{
  if (g_str_has_prefix (detailed, "app."))
    {
      *name = detailed + 4;
      return G_ACTION_GROUP (dps_gui_test_get_application ());
    }
  if (g_str_has_prefix (detailed, "pipeline."))
    {
      /* The Pipeline view's group, which the window inserts. */
      *name = detailed + strlen ("pipeline.");
      return dps_pipeline_page_get_action_group (DPS_PIPELINE_PAGE (dps_window_get_page_content (window, "pipeline")));
    }
  g_assert_true (g_str_has_prefix (detailed, "win."));
  *name = detailed + 4;
  return G_ACTION_GROUP (window);
}

typedef struct {
  guint  items;
  GPtrArray *actions;
} Walk;

static void
walk_menu (GMenuModel *model,
           Walk       *walk)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;
      g_autoptr(GVariant) target = NULL;
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
      target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);

      if (submenu != NULL)
        {
          /* Submenus open from the keyboard through their mnemonic. */
          g_assert_nonnull (label);
          g_assert_nonnull (strchr (label, '_'));
          walk_menu (submenu, walk);
        }
      if (section != NULL)
        walk_menu (section, walk);
      if (action != NULL)
        {
          const GVariantType *parameter_type = NULL;
          const char *name;
          GActionGroup *group = group_for (action, &name);
          g_autofree char *hidden_when = NULL;
          gboolean enabled;

          /* Kafka's item is hidden in builds without Kafka. */
          g_menu_model_get_item_attribute (model, i, "hidden-when", "s", &hidden_when);
          if (g_strcmp0 (hidden_when, "action-missing") == 0 && !g_action_group_has_action (group, name))
            continue;

          g_test_message ("menu item “%s” → %s", label, action);
          walk->items++;
          g_assert_nonnull (label);
          g_assert_nonnull (strchr (label, '_'));
          g_assert_true (g_action_group_has_action (group, name));
          g_assert_true (g_action_group_query_action (group, name, &enabled, &parameter_type,
                                                      NULL, NULL, NULL));
          if (target != NULL)
            {
              g_assert_nonnull (parameter_type);
              g_assert_true (g_variant_is_of_type (target, parameter_type));
            }
          else
            g_assert_null (parameter_type);
          /* With data, nothing running and nothing followed yet, only
           * Run Now and Stop have nothing to do. */
          if (g_str_equal (action, "pipeline.stop") || g_str_equal (action, "pipeline.run-now"))
            g_assert_false (enabled);
          else
            g_assert_true (enabled);
          g_ptr_array_add (walk->actions, g_steal_pointer (&action));
        }
    }
}

static void
test_menu_actions (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/gtk/menus.ui");
  GMenuModel *menu = G_MENU_MODEL (gtk_builder_get_object (builder, "main-menu"));
  GtkPopoverMenuBar *bar;
  Walk walk = { 0, g_ptr_array_new_with_free_func (g_free) };
  const char * const required[] = {
    "win.import", "win.open-database", "win.new-database", "win.connect-postgres", "win.export-csv",
    "win.generate-sample-data", "app.quit", "win.show-view", "win.refresh", "app.color-scheme",
    "win.follow", "pipeline.run-now", "pipeline.stop", "win.schedule", "win.show-help-overlay", "app.about",
  };

  g_assert_nonnull (menu);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 4);
  walk_menu (menu, &walk);
  /* Consume a Kafka Topic is there in builds with Kafka. */
  g_assert_cmpuint (walk.items, ==, 23 + (HAVE_KAFKA ? 1 : 0));
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (walk.actions, required[i], g_str_equal, NULL));

  /* The window shows that menu in its menu bar. */
  bar = GTK_POPOVER_MENU_BAR (dps_gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_POPOVER_MENU_BAR));
  g_assert_nonnull (bar);
  g_assert_cmpint (g_menu_model_get_n_items (gtk_popover_menu_bar_get_menu_model (bar)), ==, 4);
  g_ptr_array_unref (walk.actions);
}

static const struct {
  const char *accel;
  const char *action;
} shortcuts[] = {
  { "<Control>o", "win.import" },
  { "<Control>e", "win.export-csv" },
  { "<Control>f", "win.filter" },
  { "<Control>q", "app.quit" },
  { "F5", "win.refresh" },
  { "<Control>question", "win.show-help-overlay" },
  { "<Control>1", "win.show-view::dashboard" },
  { "<Control>2", "win.show-view::transactions" },
  { "<Control>3", "win.show-view::quality" },
  { "<Control>4", "win.show-view::pipeline" },
  { "<Control>comma", "app.preferences" },
};

static void
test_accels_listed (void)
{
  GtkApplication *application = GTK_APPLICATION (dps_gui_test_get_application ());
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/gtk/help-overlay.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);

  /* What the shortcuts window shows, as accelerators. */
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *action_name = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &accelerator, "action-name", &action_name, NULL);
      if (accelerator != NULL && *accelerator != '\0')
        g_ptr_array_add (listed, g_steal_pointer (&accelerator));
      if (action_name != NULL)
        {
          g_auto(GStrv) accels = gtk_application_get_accels_for_action (application, action_name);

          g_assert_nonnull (accels[0]);
          for (guint i = 0; accels[i] != NULL; i++)
            g_ptr_array_add (listed, g_strdup (accels[i]));
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      g_auto(GStrv) actions = gtk_application_get_actions_for_accel (application, shortcuts[i].accel);
      guint key;
      GdkModifierType mods;
      gboolean found = FALSE;

      g_assert_true (g_strv_contains ((const char * const *) actions, shortcuts[i].action));
      g_assert_true (gtk_accelerator_parse (shortcuts[i].accel, &key, &mods));
      for (guint j = 0; j < listed->len && !found; j++)
        {
          guint listed_key;
          GdkModifierType listed_mods;

          if (gtk_accelerator_parse (g_ptr_array_index (listed, j), &listed_key, &listed_mods))
            found = listed_key == key && listed_mods == mods;
        }
      if (!found)
        g_error ("%s is not in gtk/help-overlay.ui", shortcuts[i].accel);
    }
}

/* Activates what @accel is bound to, as the window's shortcut controller does. */
static void
press (const char *accel)
{
  GtkApplication *application = GTK_APPLICATION (dps_gui_test_get_application ());
  g_auto(GStrv) actions = gtk_application_get_actions_for_accel (application, accel);
  g_autofree char *name = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GError) error = NULL;
  const char *short_name;
  GActionGroup *group;

  g_assert_nonnull (actions[0]);
  g_assert_true (g_action_parse_detailed_name (actions[0], &name, &target, &error));
  group = group_for (name, &short_name);
  g_assert_true (g_action_group_get_action_enabled (group, short_name));
  g_action_group_activate_action (group, short_name, target);
  dps_gui_test_drain ();
}

static void
assert_opens (const char *accel,
              GType       type)
{
  press (accel);
  dps_gui_test_wait_for_toplevel (type);
  dps_gui_test_close_other_toplevels (GTK_WINDOW (window));
  g_assert_null (dps_gui_test_find_toplevel (type));
}

static const char *
visible_view (void)
{
  AdwViewStack *stack = ADW_VIEW_STACK (dps_gui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));

  return adw_view_stack_get_visible_child_name (stack);
}

static void
test_shortcut_effects (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  DpsSession *session = dps_window_get_session (window);
  GtkWidget *filter_bar;
  GtkWidget *entry;
  GtkWidget *focus;
  guint generation;
  const char * const views[] = { "transactions", "quality", "pipeline", "dashboard" };
  const char * const keys[] = { "<Control>2", "<Control>3", "<Control>4", "<Control>1" };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      press (keys[i]);
      g_assert_cmpstr (visible_view (), ==, views[i]);
      {
        g_autofree char *last = g_settings_get_string (settings, "last-view");
        g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (window), "show-view");

        g_assert_cmpstr (last, ==, views[i]);
        g_assert_cmpstr (g_variant_get_string (state, NULL), ==, views[i]);
      }
    }

  /* Ctrl+F puts the cursor in the filter bar's search; typing filters. */
  filter_bar = dps_gui_test_find_widget (GTK_WIDGET (window), DPS_TYPE_FILTER_BAR);
  g_assert_nonnull (filter_bar);
  g_assert_true (gtk_widget_get_mapped (filter_bar));
  press ("<Control>f");
  focus = gtk_window_get_focus (GTK_WINDOW (window));
  g_assert_nonnull (focus);
  entry = gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_is_ancestor (entry, filter_bar));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Fnac");
  {
    DpsFilter *filter = dps_session_get_filter (session);
    gboolean searched = FALSE;

    for (guint i = 0; i < 200 && !searched; i++)
      {
        g_main_context_iteration (NULL, TRUE);
        searched = g_strcmp0 (dps_filter_get_search (filter), "Fnac") == 0;
      }
    g_assert_cmpstr (dps_filter_get_search (filter), ==, "Fnac");
    dps_filter_set_search (filter, NULL);
  }

  /* F5 tells the views to read the data again. */
  generation = dps_session_get_generation (session);
  press ("F5");
  g_assert_cmpuint (dps_session_get_generation (session), >, generation);

  assert_opens ("<Control>o", GTK_TYPE_FILE_CHOOSER_DIALOG);
  assert_opens ("<Control>e", DPS_TYPE_CSV_EXPORT_DIALOG);
  assert_opens ("<Control>question", GTK_TYPE_SHORTCUTS_WINDOW);
  assert_opens ("<Control>comma", DPS_TYPE_PREFERENCES_WINDOW);
}

static gboolean
quality_refreshed (gpointer user_data)
{
  return !dps_quality_page_get_refreshing (DPS_QUALITY_PAGE (user_data));
}

/* The views' commands are the window's too: its menus, shortcuts and
 * toasts reach the Pipeline and Data Quality views' actions. */
static void
test_view_actions (void)
{
  GtkWidget *quality = dps_window_get_page_content (window, "quality");
  GtkWidget *pipeline = dps_window_get_page_content (window, "pipeline");

  g_assert_true (DPS_IS_QUALITY_PAGE (quality));
  g_assert_true (DPS_IS_PIPELINE_PAGE (pipeline));
  g_assert_true (dps_gui_test_wait_until (quality_refreshed, quality, TIMEOUT_MS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "quality.refresh", NULL));
  g_assert_true (dps_quality_page_get_refreshing (DPS_QUALITY_PAGE (quality)));
  g_assert_true (dps_gui_test_wait_until (quality_refreshed, quality, TIMEOUT_MS));
  /* What the import loaded, rejects included, is what the view counts. */
  g_assert_cmpint (dps_quality_page_get_loaded (DPS_QUALITY_PAGE (quality)), >, 0);

  g_assert_true (g_action_group_has_action (dps_pipeline_page_get_action_group (DPS_PIPELINE_PAGE (pipeline)),
                                            "start-generator"));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "pipeline.no-such-action", NULL));
}

static gboolean
no_window_left (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (dps_gui_test_get_application ())) == NULL;
}

static void
test_quit (void)
{
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (dps_gui_test_get_application ())));
  press ("<Control>q");
  g_assert_true (dps_gui_test_wait_until (no_window_left, NULL, TIMEOUT_MS));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_clear_object (&window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  dps_gui_test_init (&argc, &argv);
  set_up_window ();

  g_test_add_func ("/dps/gui/menus/actions", test_menu_actions);
  g_test_add_func ("/dps/gui/shortcuts/listed", test_accels_listed);
  g_test_add_func ("/dps/gui/shortcuts/effects", test_shortcut_effects);
  g_test_add_func ("/dps/gui/shortcuts/view-actions", test_view_actions);
  g_test_add_func ("/dps/gui/shortcuts/quit", test_quit);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  return status;
}
