/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dps-core.h"
#include "dps-csv-export-dialog.h"
#include "dps-generate-dialog.h"
#include "dps-gui-test.h"
#include "dps-pipeline-controller.h"
#include "dps-pipeline-page.h"
#include "dps-schedule-dialog.h"
#include "dps-test-db.h"
#include "dps-transactions-page.h"
#include "dps-window.h"

#define TIMEOUT_MS 120000

typedef struct {
  DpsWindow     *window;
  DpsRepository *repository;   /* the test's own connection */
  GSettings     *settings;
  char          *uri;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *db = dps_gui_test_tmp_path ("transactions.db");
  g_autoptr(GError) error = NULL;

  fixture->settings = g_settings_new (APP_ID);
  fixture->uri = dps_test_db_uri (db);
  fixture->window = dps_gui_test_open_window (db);
  fixture->repository = dps_repository_open (fixture->uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
}

static DpsPipelineController *
controller_of (Fixture *fixture)
{
  return dps_pipeline_controller_get_for_session (dps_window_get_session (fixture->window));
}

static gboolean
runner_idle (gpointer user_data)
{
  Fixture *fixture = user_data;

  return !dps_pipeline_controller_is_busy (controller_of (fixture)) &&
         g_list_model_get_n_items (dps_session_get_runs (dps_window_get_session (fixture->window))) == 0;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "pipeline.stop", NULL);
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  dps_gui_test_close_other_toplevels (GTK_WINDOW (fixture->window));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->repository);
  g_settings_reset (fixture->settings, "schedule-mode");
  g_settings_reset (fixture->settings, "schedule-interval-minutes");
  g_settings_reset (fixture->settings, "schedule-source-path");
  g_settings_reset (fixture->settings, "generator-rows");
  g_settings_reset (fixture->settings, "generator-seed");
  g_settings_reset (fixture->settings, "generator-dirty-ratio");
  g_clear_object (&fixture->settings);
  g_free (fixture->uri);
  dps_gui_test_drain ();
}

static void
append_lines (const char *path,
              guint       rows,
              guint64     seed)
{
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.rows = rows;
  options.seed = seed;
  g_assert_true (dps_test_db_write_jsonl (path, &options, NULL, &error));
  g_assert_no_error (error);
}

typedef struct {
  Fixture *fixture;
  gint64   rows;
} RowsWait;

static gboolean
rows_stored (gpointer user_data)
{
  RowsWait *wait = user_data;
  DpsRepositoryInfo info = { 0 };
  gboolean done;

  g_assert_true (dps_repository_get_info (wait->fixture->repository, &info, NULL));
  done = info.rows == wait->rows;
  dps_repository_info_clear (&info);
  return done;
}

static void
wait_for_rows (Fixture *fixture,
               gint64   rows)
{
  RowsWait wait = { fixture, rows };

  g_assert_true (dps_gui_test_wait_until (rows_stored, &wait, TIMEOUT_MS));
}

static DpsRunRecord *
last_run (Fixture *fixture)
{
  g_autoptr(GPtrArray) runs = dps_repository_list_runs (fixture->repository, 1, NULL);

  g_assert_nonnull (runs);
  g_assert_cmpuint (runs->len, ==, 1);
  return dps_run_record_copy (g_ptr_array_index (runs, 0));
}

static void
run_checked_cb (DpsPipelineController *controller,
                gint64                 run_id,
                gpointer               user_data)
{
  *(gint64 *) user_data = run_id;
}

static gboolean
run_checked (gpointer user_data)
{
  return *(gint64 *) user_data > 0;
}

static gboolean
schedule_active (gpointer user_data)
{
  return dps_pipeline_controller_get_schedule_active (user_data);
}

static DpsRunRecord *
find_run (Fixture *fixture,
          gint64   id)
{
  g_autoptr(GPtrArray) runs = dps_repository_list_runs (fixture->repository, 50, NULL);

  g_assert_nonnull (runs);
  for (guint i = 0; i < runs->len; i++)
    if (((DpsRunRecord *) g_ptr_array_index (runs, i))->id == id)
      return dps_run_record_copy (g_ptr_array_index (runs, i));
  g_assert_not_reached ();
}

/* The Pipeline menu drives the session's pipeline controller, the one
 * the Pipeline view drives: Follow a File or Folder… keeps loading what
 * is appended; Stop ends it cleanly; Run Now reads what is new once;
 * Schedule… edits the controller's schedule, whose one scheduler then
 * runs; Stop turns it off. */
static void
test_follow (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = dps_gui_test_tmp_path ("follow.jsonl");
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *following = g_strdup_printf ("Following “%s”", name);
  g_autofree char *every = g_strdup_printf ("“%s” every 5 minutes", name);
  g_autofree char *source = NULL;
  DpsPipelineController *controller = controller_of (fixture);
  GtkWidget *window = GTK_WIDGET (fixture->window);
  /* The Pipeline view's commands, which the window's menu and bar use. */
  GActionGroup *pipeline = dps_pipeline_page_get_action_group (
    DPS_PIPELINE_PAGE (dps_window_get_page_content (fixture->window, "pipeline")));
  GListModel *runs = dps_session_get_runs (dps_window_get_session (fixture->window));
  g_autoptr(DpsRunRecord) run = NULL;
  g_autoptr(GPtrArray) engines = NULL;
  gint64 checked = 0;
  GtkWidget *dialog;

  g_signal_connect (controller, "run-checked", G_CALLBACK (run_checked_cb), &checked);
  g_assert_false (g_action_group_get_action_enabled (pipeline, "stop"));
  g_assert_null (dps_pipeline_controller_get_status (controller));

  append_lines (path, 500, 1);
  g_assert_false (g_action_group_get_action_enabled (pipeline, "run-now"));
  g_assert_true (gtk_widget_activate_action (window, "pipeline.follow", "s", path));
  wait_for_rows (fixture, 500);
  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), following);
  g_assert_true (dps_pipeline_controller_is_running (controller));
  g_assert_true (g_action_group_get_action_enabled (pipeline, "stop"));
  /* One run, the session's, which the controller lists for its view. */
  engines = dps_pipeline_controller_list_engines (controller);
  g_assert_cmpuint (engines->len, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 1);
  g_assert_cmpstr (dps_source_get_kind (dps_engine_get_source (g_ptr_array_index (engines, 0))), ==, "follow");
  g_clear_pointer (&engines, g_ptr_array_unref);
  /* With the schedule off, what was followed is what Run Now reads. */
  source = dps_pipeline_controller_dup_schedule_source (controller);
  g_assert_cmpstr (source, ==, path);

  /* Lines appended later arrive by themselves. */
  append_lines (path, 300, 2);
  wait_for_rows (fixture, 800);

  g_assert_true (gtk_widget_activate_action (window, "pipeline.stop", NULL));
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  g_assert_false (g_action_group_get_action_enabled (pipeline, "stop"));
  g_assert_null (dps_pipeline_controller_get_status (controller));
  run = last_run (fixture);
  g_assert_cmpstr (run->kind, ==, "follow");
  g_assert_cmpint (run->rows_loaded, ==, 800);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_clear_pointer (&run, dps_run_record_free);
  /* The controller checked the run, as it checks the view's runs. */
  g_assert_true (dps_gui_test_wait_until (run_checked, &checked, TIMEOUT_MS));
  run = find_run (fixture, checked);
  g_assert_nonnull (run->quality_checks);
  g_clear_pointer (&run, dps_run_record_free);

  /* Run Now, with no schedule: one run of what is new, which ends. */
  append_lines (path, 200, 3);
  checked = 0;
  g_assert_true (g_action_group_get_action_enabled (pipeline, "run-now"));
  g_assert_true (gtk_widget_activate_action (window, "pipeline.run-now", NULL));
  wait_for_rows (fixture, 1000);
  g_assert_true (dps_gui_test_wait_until (run_checked, &checked, TIMEOUT_MS));
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  run = find_run (fixture, checked);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (run->rows_loaded, ==, 200);
  g_clear_pointer (&run, dps_run_record_free);

  /* Schedule… shows the controller's schedule... */
  dps_pipeline_controller_set_interval_minutes (controller, 7);
  gtk_widget_activate_action (window, "win.schedule", NULL);
  dialog = GTK_WIDGET (dps_gui_test_wait_for_toplevel (DPS_TYPE_SCHEDULE_DIALOG));
  g_assert_cmpstr (dps_schedule_dialog_get_source (DPS_SCHEDULE_DIALOG (dialog)), ==, path);
  g_assert_nonnull (dps_gui_test_find_label (dialog, name));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (
    gtk_widget_get_template_child (dialog, DPS_TYPE_SCHEDULE_DIALOG, "interval_spin"))), ==, 7);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (
    gtk_widget_get_template_child (dialog, DPS_TYPE_SCHEDULE_DIALOG, "mode_row"))), ==, 0);

  /* ...and applies to it: every 5 minutes, the first run now. */
  append_lines (path, 100, 4);
  checked = 0;
  adw_combo_row_set_selected (ADW_COMBO_ROW (gtk_widget_get_template_child (dialog, DPS_TYPE_SCHEDULE_DIALOG,
                                                                            "mode_row")),
                              DPS_PIPELINE_SCHEDULE_INTERVAL);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (gtk_widget_get_template_child (dialog, DPS_TYPE_SCHEDULE_DIALOG,
                                                                             "interval_spin")), 5);
  gtk_widget_activate_action (dialog, "schedule.apply", NULL);
  dps_gui_test_drain ();
  g_assert_null (dps_gui_test_find_toplevel (DPS_TYPE_SCHEDULE_DIALOG));
  g_assert_cmpint (dps_pipeline_controller_get_schedule (controller), ==, DPS_PIPELINE_SCHEDULE_INTERVAL);
  g_assert_cmpuint (dps_pipeline_controller_get_interval_minutes (controller), ==, 5);
  /* The Pipeline view shows the same schedule. */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (gtk_widget_get_template_child (
    dps_window_get_page_content (fixture->window, "pipeline"), DPS_TYPE_PIPELINE_PAGE, "schedule_dropdown"))),
                    ==, DPS_PIPELINE_SCHEDULE_INTERVAL);
  g_assert_true (dps_gui_test_wait_until (schedule_active, controller, TIMEOUT_MS));
  wait_for_rows (fixture, 1100);
  g_assert_true (dps_gui_test_wait_until (run_checked, &checked, TIMEOUT_MS));
  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), every);
  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "next run at");
  g_assert_true (g_action_group_get_action_enabled (pipeline, "stop"));

  /* Run Now with the schedule on is the scheduler's next run, not a
   * second reader: the session runs nothing. */
  append_lines (path, 50, 5);
  checked = 0;
  g_assert_true (g_action_group_get_action_enabled (pipeline, "run-now"));
  g_assert_true (gtk_widget_activate_action (window, "pipeline.run-now", NULL));
  g_assert_true (dps_gui_test_wait_until (run_checked, &checked, TIMEOUT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 0);
  wait_for_rows (fixture, 1150);
  run = find_run (fixture, checked);
  g_assert_cmpint (run->rows_loaded, ==, 50);
  g_clear_pointer (&run, dps_run_record_free);

  /* Stop turns the schedule off. */
  g_assert_true (gtk_widget_activate_action (window, "pipeline.stop", NULL));
  g_assert_cmpint (dps_pipeline_controller_get_schedule (controller), ==, DPS_PIPELINE_SCHEDULE_OFF);
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  g_assert_false (dps_pipeline_controller_get_schedule_active (controller));
  g_assert_false (g_action_group_get_action_enabled (pipeline, "stop"));

  g_signal_handlers_disconnect_by_data (controller, &checked);
}

/* Generate Sample Data… loads what the dialog asks for. */
static void
test_generate (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *dialog;

  g_assert_cmpstr (dps_window_get_content_state (fixture->window), ==, "empty");
  g_settings_set_uint (fixture->settings, "generator-rows", 3000);
  g_settings_set_uint (fixture->settings, "generator-seed", 42);
  g_settings_set_double (fixture->settings, "generator-dirty-ratio", 0.0);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "generate-sample-data", NULL);
  dialog = GTK_WIDGET (dps_gui_test_wait_for_toplevel (DPS_TYPE_GENERATE_DIALOG));
  g_free (dps_gui_test_save_screenshot (dialog, "generate-dialog"));
  gtk_widget_activate_action (dialog, "generate.generate", NULL);
  dps_gui_test_drain ();

  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "3,000 rows loaded, 0 rejected, 0 duplicates");
  wait_for_rows (fixture, 3000);
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  {
    g_autoptr(DpsRunRecord) run = last_run (fixture);

    g_assert_cmpstr (run->kind, ==, "generator");
    g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  }
}

static gboolean
export_enabled (gpointer user_data)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (user_data), "export-csv");
}

static void
exported_cb (DpsCsvExportDialog *dialog,
             const char         *path,
             guint64             rows,
             guint64            *exported)
{
  *exported = rows;
}

static gboolean
rows_exported (gpointer user_data)
{
  return *(guint64 *) user_data != G_MAXUINT64;
}

/* File ▸ Export CSV… opens the Transactions view's export dialog from
 * any view, on the table's filtered rows; the result shows in the
 * window. */
static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *source = dps_gui_test_tmp_path ("export-source.jsonl");
  g_autofree char *csv = dps_gui_test_tmp_path ("out.csv");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *paths[2] = { source, NULL };
  GtkWidget *page = dps_window_get_page_content (fixture->window, "transactions");
  GtkWidget *dialog;
  guint64 exported = G_MAXUINT64;

  g_assert_true (DPS_IS_TRANSACTIONS_PAGE (page));
  append_lines (source, 750, 9);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "import-files",
                                  g_variant_new_strv (paths, -1));
  wait_for_rows (fixture, 750);
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "750 rows loaded");
  g_assert_true (dps_gui_test_wait_until (export_enabled, fixture->window, TIMEOUT_MS));
  g_assert_true (dps_gui_test_wait_until (dps_gui_test_transactions_settled, page, TIMEOUT_MS));

  /* From the Dashboard: the table is not on screen. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "show-view", g_variant_new_string ("dashboard"));
  g_assert_false (gtk_widget_get_mapped (page));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-csv", NULL);
  dialog = GTK_WIDGET (dps_gui_test_wait_for_toplevel (DPS_TYPE_CSV_EXPORT_DIALOG));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  g_assert_nonnull (dps_gui_test_find_label (dialog, "750 rows, as sorted in the table"));
  g_signal_connect (dialog, "exported", G_CALLBACK (exported_cb), &exported);
  dps_csv_export_dialog_export_to (DPS_CSV_EXPORT_DIALOG (dialog), csv);
  g_assert_true (dps_gui_test_wait_until (rows_exported, &exported, TIMEOUT_MS));
  g_assert_cmpuint (exported, ==, 750);
  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "Exported 750 rows to “");

  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\r\n", -1);
  /* A header, 750 rows, and nothing after the last line end. */
  g_assert_cmpuint (g_strv_length (lines), ==, 752);
  g_assert_true (g_str_has_prefix (lines[0], "transaction_id,"));
  g_assert_cmpstr (lines[751], ==, "");
}

int
main (int   argc,
      char *argv[])
{
  dps_gui_test_init (&argc, &argv);

  g_test_add ("/dps/gui/pipeline/follow", Fixture, NULL, fixture_set_up, test_follow, fixture_tear_down);
  g_test_add ("/dps/gui/pipeline/generate", Fixture, NULL, fixture_set_up, test_generate, fixture_tear_down);
  g_test_add ("/dps/gui/pipeline/export", Fixture, NULL, fixture_set_up, test_export, fixture_tear_down);
  return g_test_run ();
}
