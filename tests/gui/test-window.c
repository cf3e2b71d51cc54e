/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dps-core.h"
#include "dps-dashboard-page.h"
#include "dps-dialogs.h"
#include "dps-filter-bar.h"
#include "dps-format.h"
#include "dps-gui-test.h"
#include "dps-preferences-window.h"
#include "dps-run-progress.h"
#include "dps-test-db.h"
#include "dps-transactions-page.h"
#include "dps-window.h"

#define TIMEOUT_MS 120000

typedef struct {
  DpsWindow *window;
  char      *db_path;
  char      *uri;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->db_path = dps_gui_test_tmp_path ("transactions.db");
  fixture->uri = dps_test_db_uri (fixture->db_path);
  fixture->window = dps_gui_test_open_window (fixture->db_path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  dps_gui_test_close_other_toplevels (GTK_WINDOW (fixture->window));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  dps_gui_test_drain ();
  g_free (fixture->db_path);
  g_free (fixture->uri);
}

/* Writes @rows generated lines to a new file; returns its path. */
static char *
generate_file (const char           *name,
               guint64               rows,
               double                dirty,
               guint64               seed,
               DpsGeneratorManifest *manifest)
{
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions options;
  char *path = dps_gui_test_tmp_path (name);

  dps_generator_options_init (&options);
  options.rows = rows;
  options.dirty_ratio = dirty;
  options.seed = seed;
  g_assert_true (dps_test_db_write_jsonl (path, &options, manifest, &error));
  g_assert_no_error (error);
  return path;
}

static void
import_paths (Fixture            *fixture,
              const char * const *paths)
{
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "import-files",
                                  g_variant_new_strv (paths, -1));
}

static gboolean
message_dialog_shown (gpointer user_data)
{
  return dps_gui_test_find_message_dialog () != NULL;
}

static gboolean
no_job_running (gpointer user_data)
{
  Fixture *fixture = user_data;

  return dps_gui_test_find_widget (GTK_WIDGET (fixture->window), DPS_TYPE_RUN_PROGRESS) == NULL &&
         g_list_model_get_n_items (dps_session_get_runs (dps_window_get_session (fixture->window))) == 0;
}

static DpsRepository *
open_repository (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  DpsRepository *repository = dps_repository_open (fixture->uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);

  g_assert_no_error (error);
  return repository;
}

static DpsRunRecord *
last_run (DpsRepository *repository)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = dps_repository_list_runs (repository, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  return dps_run_record_copy (g_ptr_array_index (runs, 0));
}

static char *
expected_summary (gint64 loaded,
                  gint64 rejected,
                  gint64 duplicates)
{
  g_autofree char *l = dps_format_count (loaded);
  g_autofree char *r = dps_format_count (rejected);
  g_autofree char *d = dps_format_count (duplicates);

  return g_strdup_printf ("%s rows loaded, %s rejected, %s duplicates", l, r, d);
}

static const char *
visible_view (Fixture *fixture)
{
  AdwViewStack *stack = ADW_VIEW_STACK (dps_gui_test_find_widget (GTK_WIDGET (fixture->window),
                                                                  ADW_TYPE_VIEW_STACK));

  return adw_view_stack_get_visible_child_name (stack);
}

static gboolean
is_views (gpointer user_data)
{
  return g_strcmp0 (dps_window_get_content_state (user_data), "views") == 0;
}

/* An empty database shows the empty state with its two offers; an
 * import through win.import-files reports the right counts, stores
 * them, and leads to the rejects. */
static void
test_import (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  g_autofree char *path = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *title_part = NULL;
  g_autofree char *shot = NULL;
  DpsRepositoryInfo info = { 0 };
  DpsGeneratorManifest manifest;
  GtkLabel *toast_label;
  GtkLabel *button_label;
  GtkWidget *button;
  g_autoptr(GError) error = NULL;
  const char *paths[2] = { NULL, NULL };

  g_assert_cmpstr (dps_window_get_content_state (fixture->window), ==, "empty");
  /* The views and their filter wait behind the empty state. */
  g_assert_true (DPS_IS_DASHBOARD_PAGE (dps_window_get_page_content (fixture->window, "dashboard")));
  g_assert_true (DPS_IS_TRANSACTIONS_PAGE (dps_window_get_page_content (fixture->window, "transactions")));
  g_assert_false (gtk_widget_get_mapped (dps_window_get_page_content (fixture->window, "dashboard")));
  g_assert_false (gtk_widget_get_mapped (dps_gui_test_find_widget (GTK_WIDGET (fixture->window),
                                                                   DPS_TYPE_FILTER_BAR)));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "filter"));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (fixture->window), "No Transactions Yet"));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (fixture->window), "Import JSONL…"));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (fixture->window), "Generate Sample Data…"));
  /* The title names the database. */
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), "transactions.db"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "export-csv"));
  shot = dps_gui_test_save_screenshot (GTK_WIDGET (fixture->window), "window-empty");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));

  path = generate_file ("day1.jsonl", 5000, 0.04, 11, &manifest);
  g_assert_cmpuint (manifest.rejects, >, 0);
  g_assert_cmpuint (manifest.duplicates, >, 0);
  paths[0] = path;
  import_paths (fixture, paths);

  summary = expected_summary ((gint64) manifest.valid, (gint64) manifest.rejects,
                              (gint64) manifest.duplicates);
  toast_label = dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "rows loaded");
  g_assert_cmpstr (gtk_label_get_text (toast_label), ==, summary);
  g_assert_true (dps_gui_test_wait_until (no_job_running, fixture, TIMEOUT_MS));
  g_assert_true (dps_gui_test_wait_until (is_views, fixture->window, TIMEOUT_MS));
  g_assert_true (gtk_widget_get_mapped (dps_gui_test_find_widget (GTK_WIDGET (fixture->window),
                                                                  DPS_TYPE_FILTER_BAR)));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "filter"));

  repository = open_repository (fixture);
  g_assert_true (dps_repository_get_info (repository, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.rows, ==, (gint64) manifest.valid);
  g_assert_cmpint (info.rejects, ==, (gint64) manifest.rejects);
  g_assert_cmpint (info.duplicates, ==, (gint64) manifest.duplicates);
  dps_repository_info_clear (&info);
  run = last_run (repository);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (run->kind, ==, "import");
  g_assert_cmpint (run->rows_loaded, ==, (gint64) manifest.valid);

  /* "See Rejects" leads to the Data Quality view. */
  g_assert_cmpstr (visible_view (fixture), !=, "quality");
  button_label = dps_gui_test_find_label (GTK_WIDGET (fixture->window), "See Rejects");
  g_assert_nonnull (button_label);
  button = gtk_widget_get_ancestor (GTK_WIDGET (button_label), GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  dps_gui_test_drain ();
  g_assert_cmpstr (visible_view (fixture), ==, "quality");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "export-csv"));

  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (fixture->window), "window-light"));
  g_action_group_activate_action (G_ACTION_GROUP (dps_gui_test_get_application ()), "color-scheme",
                                  g_variant_new_string ("dark"));
  dps_gui_test_drain ();
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (fixture->window), "window-dark"));
  g_action_group_activate_action (G_ACTION_GROUP (dps_gui_test_get_application ()), "color-scheme",
                                  g_variant_new_string ("light"));
  dps_gui_test_drain ();
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));
}

/* Files given to the application (command line, file manager) are
 * imported into its window. */
static void
test_open (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(DpsRepository) repository = NULL;
  g_autofree char *path = generate_file ("clean.jsonl", 1200, 0.0, 5, NULL);
  g_autofree char *summary = expected_summary (1200, 0, 0);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  DpsRepositoryInfo info = { 0 };
  g_autoptr(GError) error = NULL;

  g_application_open (dps_gui_test_get_application (), &file, 1, "");
  g_assert_cmpstr (gtk_label_get_text (dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "rows loaded")), ==, summary);
  g_assert_true (dps_gui_test_wait_until (no_job_running, fixture, TIMEOUT_MS));
  /* No rejects: no button to them. */
  g_assert_null (dps_gui_test_find_label (GTK_WIDGET (fixture->window), "See Rejects"));

  repository = open_repository (fixture);
  g_assert_true (dps_repository_get_info (repository, &info, &error));
  g_assert_cmpint (info.rows, ==, 1200);
  g_assert_cmpint (info.rejects, ==, 0);
  dps_repository_info_clear (&info);
}

static gboolean
some_rows_loaded (gpointer user_data)
{
  Fixture *fixture = user_data;
  GtkWidget *progress = dps_gui_test_find_widget (GTK_WIDGET (fixture->window), DPS_TYPE_RUN_PROGRESS);
  DpsRunJobTotals totals;

  if (progress == NULL)
    return FALSE;
  dps_run_job_get_totals (dps_run_progress_get_job (DPS_RUN_PROGRESS (progress)), &totals);
  return totals.rows_loaded > 0;
}

/* Cancel stops a large import; the run is recorded cancelled and what
 * it committed is consistent. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autofree char *path = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GError) error = NULL;
  DpsRepositoryInfo info = { 0 };
  DpsGeneratorManifest manifest;
  GtkLabel *progress_label;
  const char *paths[2] = { NULL, NULL };
  guint64 count = 0;
  gboolean equal = FALSE;

  /* Small batches: the import commits early and often. */
  g_settings_set_uint (settings, "batch-size", 2000);
  g_settings_set_uint (settings, "batch-interval-ms", 50);
  g_settings_set_uint (settings, "commit-interval-ms", 50);

  path = generate_file ("large.jsonl", 600000, 0.01, 3, &manifest);
  paths[0] = path;
  import_paths (fixture, paths);
  g_assert_true (dps_gui_test_wait_until (some_rows_loaded, fixture, TIMEOUT_MS));

  /* The progress panel shows what it reads. */
  progress_label = dps_gui_test_find_label (GTK_WIDGET (fixture->window), "rows read");
  g_assert_nonnull (progress_label);
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (fixture->window), "large.jsonl"));
  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (fixture->window), "window-importing"));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "cancel-jobs", NULL);
  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "Cancelled:");
  g_assert_true (dps_gui_test_wait_until (no_job_running, fixture, TIMEOUT_MS));

  repository = open_repository (fixture);
  run = last_run (repository);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_CANCELLED);
  g_assert_cmpint (run->rows_loaded, <, (gint64) manifest.valid);

  g_assert_true (dps_repository_get_info (repository, &info, &error));
  g_assert_no_error (error);
  g_assert_true (dps_repository_count_rows (repository, filter, &count, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint ((gint64) count, ==, info.rows);
  g_assert_cmpint (info.rows, ==, run->rows_loaded);
  g_assert_cmpint (info.rows, <, (gint64) manifest.valid);
  g_assert_true (dps_repository_check_rollups (repository, G_MININT32 / 2, G_MAXINT32 / 2,
                                               &equal, &detail, &error));
  g_assert_no_error (error);
  g_assert_true (equal);
  dps_repository_info_clear (&info);

  g_settings_reset (settings, "batch-size");
  g_settings_reset (settings, "batch-interval-ms");
  g_settings_reset (settings, "commit-interval-ms");
}

/* A click on a chart of the Dashboard filters every view: the filter
 * bar shows it as a chip, the table lists only those rows, and the
 * chip's button takes it back. */
static void
test_cross_filter (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = generate_file ("cross.jsonl", 3000, 0.0, 21, NULL);
  const char *paths[2] = { path, NULL };
  DpsDashboardPage *dashboard = DPS_DASHBOARD_PAGE (dps_window_get_page_content (fixture->window, "dashboard"));
  DpsTransactionsPage *table = DPS_TRANSACTIONS_PAGE (dps_window_get_page_content (fixture->window, "transactions"));
  DpsFilter *filter = dps_session_get_filter (dps_window_get_session (fixture->window));
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsFilter) expected = dps_filter_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *chip = NULL;
  DpsChart *chart;
  DpsChartSeries *series;
  GtkLabel *chip_label;
  GtkWidget *button;
  guint64 count = 0;

  import_paths (fixture, paths);
  g_assert_true (dps_gui_test_wait_until (no_job_running, fixture, TIMEOUT_MS));
  g_assert_true (dps_gui_test_wait_until (is_views, fixture->window, TIMEOUT_MS));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "show-view", g_variant_new_string ("dashboard"));
  g_assert_true (dps_gui_test_wait_until (dps_gui_test_dashboard_settled, dashboard, TIMEOUT_MS));

  chart = dps_dashboard_page_get_chart (dashboard, DPS_DASHBOARD_CHART_CATEGORY);
  series = dps_chart_get_series (chart);
  g_assert_nonnull (series);
  g_assert_cmpuint (dps_chart_series_get_n_items (series), >, 1);
  dps_chart_activate_item (chart, 0);
  g_assert_cmpstr (dps_filter_get_categories (filter)[0], ==, dps_chart_series_get_key (series, 0));
  chip = g_strdup_printf ("Category: %s", dps_chart_series_get_label (series, 0));
  chip_label = dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), chip);
  g_assert_cmpstr (gtk_label_get_text (chip_label), ==, chip);

  /* The table, out of sight, follows the same filter. */
  dps_filter_add_value (expected, "category", dps_chart_series_get_key (series, 0));
  repository = open_repository (fixture);
  g_assert_true (dps_repository_count_rows (repository, expected, &count, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, <, 3000);
  g_assert_true (dps_gui_test_wait_until (dps_gui_test_transactions_settled, table, TIMEOUT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dps_transactions_page_get_model (table))), ==, count);
  g_assert_true (dps_gui_test_wait_until (dps_gui_test_dashboard_settled, dashboard, TIMEOUT_MS));
  g_assert_cmpint (dps_dashboard_data_get_kpis (dps_dashboard_page_get_data (dashboard))->total.count, ==, (gint64) count);

  /* A heatmap cell adds two chips, weekday and hour. */
  chart = dps_dashboard_page_get_chart (dashboard, DPS_DASHBOARD_CHART_HEATMAP);
  series = dps_chart_get_series (chart);
  for (guint i = 0; i < dps_chart_series_get_n_items (series); i++)
    if (dps_chart_series_get_value (series, i) > 0)
      {
        dps_chart_activate_item (chart, i);
        break;
      }
  g_assert_cmpuint (dps_filter_get_weekdays (filter), !=, 0);
  g_assert_cmpuint (dps_filter_get_hours (filter), !=, 0);
  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "Weekday: ");
  dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), "Hour: ");

  /* The chip's button removes its value. */
  button = gtk_widget_get_ancestor (GTK_WIDGET (dps_gui_test_wait_for_label (GTK_WIDGET (fixture->window), chip)), GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  dps_gui_test_drain ();
  g_assert_null (dps_filter_get_categories (filter));
  g_assert_null (dps_gui_test_find_label (GTK_WIDGET (fixture->window), chip));
  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (fixture->window), "window-cross-filter"));
  dps_filter_clear (filter);
}

static void
assert_error_dialog (const char *heading_part,
                     const char *body_part)
{
  GtkWidget *dialog;

  g_assert_true (dps_gui_test_wait_until (message_dialog_shown, NULL, TIMEOUT_MS));
  dialog = dps_gui_test_find_message_dialog ();
  g_test_message ("dialog: %s — %s", dps_dialogs_get_heading (dialog), dps_dialogs_get_body (dialog));
  g_assert_nonnull (strstr (dps_dialogs_get_heading (dialog), heading_part));
  g_assert_nonnull (strstr (dps_dialogs_get_body (dialog), body_part));
  dps_dialogs_respond (dialog, "close");
  dps_gui_test_drain ();
  g_assert_null (dps_gui_test_find_message_dialog ());
}

/* A file that cannot be read, or is not JSON Lines, is an error naming it. */
static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *missing = dps_gui_test_tmp_path ("missing.jsonl");
  g_autofree char *corrupt = dps_gui_test_tmp_path ("corrupt.jsonl");
  g_autoptr(GString) junk = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *paths[2] = { NULL, NULL };

  paths[0] = missing;
  import_paths (fixture, paths);
  assert_error_dialog ("missing.jsonl", missing);
  g_assert_true (dps_gui_test_wait_until (no_job_running, fixture, TIMEOUT_MS));

  /* Binary junk: lines, but none of them JSON. */
  for (guint i = 0; i < 200; i++)
    {
      g_string_append (junk, "\x89PNG\r\x1a\x00\xff\xfe binary");
      g_string_append_printf (junk, "%u\n", i * 7919);
    }
  g_assert_true (g_file_set_contents (corrupt, junk->str, (gssize) junk->len, &error));
  paths[0] = corrupt;
  import_paths (fixture, paths);
  assert_error_dialog ("corrupt.jsonl", "is not a JSON Lines file");
  g_assert_true (dps_gui_test_wait_until (no_job_running, fixture, TIMEOUT_MS));
  /* Its lines are kept as rejects, so the views show. */
  g_assert_true (dps_gui_test_wait_until (is_views, fixture->window, TIMEOUT_MS));
}

/* The commit interval of large loads is set in Preferences, both ways. */
static void
test_preferences_commit_interval (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = dps_preferences_window_new (NULL, settings);
  AdwActionRow *row = ADW_ACTION_ROW (dps_gui_test_find_row (window, ADW_TYPE_ACTION_ROW,
                                                             "_Commit interval under load (ms)", FALSE));
  GtkSpinButton *spin;

  g_assert_nonnull (row);
  spin = GTK_SPIN_BUTTON (adw_action_row_get_activatable_widget (row));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 5000);

  gtk_spin_button_set_value (spin, 1500);
  g_assert_cmpuint (g_settings_get_uint (settings, "commit-interval-ms"), ==, 1500);
  g_settings_set_uint (settings, "commit-interval-ms", 30000);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 30000);

  g_settings_reset (settings, "commit-interval-ms");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  dps_gui_test_init (&argc, &argv);

  g_test_add ("/dps/gui/window/import", Fixture, NULL, fixture_set_up, test_import, fixture_tear_down);
  g_test_add ("/dps/gui/window/open", Fixture, NULL, fixture_set_up, test_open, fixture_tear_down);
  g_test_add ("/dps/gui/window/cross-filter", Fixture, NULL, fixture_set_up, test_cross_filter, fixture_tear_down);
  g_test_add ("/dps/gui/window/cancel", Fixture, NULL, fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/dps/gui/window/unreadable", Fixture, NULL, fixture_set_up, test_unreadable, fixture_tear_down);
  g_test_add_func ("/dps/gui/window/preferences-commit-interval", test_preferences_commit_interval);
  return g_test_run ();
}
