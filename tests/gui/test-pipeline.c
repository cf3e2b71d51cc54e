/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dps-core.h"
#include "dps-export-dialog.h"
#include "dps-generate-dialog.h"
#include "dps-gui-test.h"
#include "dps-schedule-dialog.h"
#include "dps-window.h"

#define TIMEOUT_MS 120000

typedef struct {
  DpsWindow     *window;
  DpsRepository *repository;   /* the test's own connection */
  GSettings     *settings;
  char          *uri;
} Fixture;

static gboolean
left_loading (gpointer user_data)
{
  return g_strcmp0 (dps_window_get_content_state (user_data), "loading") != 0;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *db = dps_gui_test_tmp_path ("transactions.db");
  g_autoptr(GError) error = NULL;

  fixture->settings = g_settings_new (APP_ID);
  fixture->uri = g_strconcat ("sqlite://", db, NULL);
  fixture->window = g_object_ref_sink (dps_window_new (ADW_APPLICATION (dps_gui_test_get_application ())));
  dps_window_open_database (fixture->window, fixture->uri, TRUE, FALSE);
  dps_gui_test_show_window (GTK_WINDOW (fixture->window));
  g_assert_true (dps_gui_test_wait_until (left_loading, fixture->window, TIMEOUT_MS));
  fixture->repository = dps_repository_open (fixture->uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
runner_idle (gpointer user_data)
{
  Fixture *fixture = user_data;

  return !dps_pipeline_runner_is_busy (dps_window_get_runner (fixture->window)) &&
         g_list_model_get_n_items (dps_session_get_runs (dps_window_get_session (fixture->window))) == 0;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "stop", NULL);
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  dps_gui_test_close_other_toplevels (GTK_WINDOW (fixture->window));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->repository);
  g_settings_reset (fixture->settings, "schedule-mode");
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
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.rows = rows;
  options.seed = seed;
  generator = dps_generator_new (&options);
  for (guint i = 0; i < rows; i++)
    {
      dps_generator_next (generator, text, NULL);
      g_string_append_c (text, '\n');
    }
  stream = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (stream), text->str, text->len, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error));
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

typedef struct {
  GtkWidget  *root;
  const char *needle;
} LabelWait;

static gboolean
label_shown (gpointer user_data)
{
  LabelWait *wait = user_data;

  return dps_gui_test_find_label (wait->root, wait->needle) != NULL;
}

static void
wait_for_label (Fixture    *fixture,
                const char *needle)
{
  LabelWait wait = { GTK_WIDGET (fixture->window), needle };

  if (!dps_gui_test_wait_until (label_shown, &wait, TIMEOUT_MS))
    {
      g_autoptr(GPtrArray) labels = dps_gui_test_collect_labels (GTK_WIDGET (fixture->window));

      for (guint i = 0; i < labels->len; i++)
        g_test_message ("label: %s", gtk_label_get_text (g_ptr_array_index (labels, i)));
      g_error ("No label with “%s” was shown", needle);
    }
}

static gboolean
toplevel_shown (gpointer user_data)
{
  return dps_gui_test_find_toplevel (GPOINTER_TO_SIZE (user_data)) != NULL;
}

static GtkWidget *
wait_for_toplevel (GType type)
{
  g_assert_true (dps_gui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (type), TIMEOUT_MS));
  return GTK_WIDGET (dps_gui_test_find_toplevel (type));
}

static DpsRunRecord *
last_run (Fixture *fixture)
{
  g_autoptr(GPtrArray) runs = dps_repository_list_runs (fixture->repository, 1, NULL);

  g_assert_nonnull (runs);
  g_assert_cmpuint (runs->len, ==, 1);
  return dps_run_record_copy (g_ptr_array_index (runs, 0));
}

/* Follow a File or Folder… keeps loading what is appended; Stop ends it
 * cleanly; Run Now reads what is new once; Schedule… repeats runs. */
static void
test_follow (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = dps_gui_test_tmp_path ("follow.jsonl");
  DpsPipelineRunner *runner = dps_window_get_runner (fixture->window);
  g_autoptr(DpsRunRecord) run = NULL;
  GtkWidget *dialog;

  append_lines (path, 500, 1);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "follow-path",
                                  g_variant_new_string (path));
  wait_for_rows (fixture, 500);
  wait_for_label (fixture, "Following “");
  g_assert_true (dps_pipeline_runner_is_active (runner));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "stop"));

  /* Lines appended later arrive by themselves. */
  append_lines (path, 300, 2);
  wait_for_rows (fixture, 800);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "stop", NULL);
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "stop"));
  run = last_run (fixture);
  g_assert_cmpstr (run->kind, ==, "follow");
  g_assert_cmpint (run->rows_loaded, ==, 800);
  g_assert_cmpint (run->status, !=, DPS_RUN_STATUS_FAILED);
  g_assert_cmpint (run->status, !=, DPS_RUN_STATUS_RUNNING);
  g_clear_pointer (&run, dps_run_record_free);

  /* Run Now, with no schedule: one run of what is new. */
  append_lines (path, 200, 3);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "run-now", NULL);
  wait_for_label (fixture, "200 rows loaded, 0 rejected, 0 duplicates");
  wait_for_rows (fixture, 1000);
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  run = last_run (fixture);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (run->rows_loaded, ==, 200);
  g_clear_pointer (&run, dps_run_record_free);

  /* Schedule…: every 5 minutes; the first run starts now. */
  append_lines (path, 100, 4);
  g_settings_set_string (fixture->settings, "schedule-mode", "interval");
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "schedule", NULL);
  dialog = wait_for_toplevel (DPS_TYPE_SCHEDULE_DIALOG);
  g_assert_nonnull (dps_gui_test_find_label (dialog, "follow.jsonl"));
  gtk_widget_activate_action (dialog, "schedule.apply", NULL);
  dps_gui_test_drain ();
  g_assert_null (dps_gui_test_find_toplevel (DPS_TYPE_SCHEDULE_DIALOG));
  wait_for_rows (fixture, 1100);
  wait_for_label (fixture, "every 5 minutes");
  wait_for_label (fixture, "next run at");
  g_assert_true (dps_pipeline_runner_is_active (runner));
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
  dialog = wait_for_toplevel (DPS_TYPE_GENERATE_DIALOG);
  g_free (dps_gui_test_save_screenshot (dialog, "generate-dialog"));
  gtk_widget_activate_action (dialog, "generate.generate", NULL);
  dps_gui_test_drain ();

  wait_for_label (fixture, "3,000 rows loaded, 0 rejected, 0 duplicates");
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

static gboolean
export_ready (gpointer user_data)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (user_data)) &&
         dps_gui_test_find_label (GTK_WIDGET (user_data), "will be exported") != NULL;
}

/* Export CSV… writes the filtered rows on a worker. */
static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *source = dps_gui_test_tmp_path ("export-source.jsonl");
  g_autofree char *csv = dps_gui_test_tmp_path ("out.csv");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *paths[2] = { source, NULL };
  GtkWidget *dialog;

  append_lines (source, 750, 9);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "import-files",
                                  g_variant_new_strv (paths, -1));
  wait_for_rows (fixture, 750);
  g_assert_true (dps_gui_test_wait_until (runner_idle, fixture, TIMEOUT_MS));
  wait_for_label (fixture, "750 rows loaded");
  g_assert_true (dps_gui_test_wait_until (export_enabled, fixture->window, TIMEOUT_MS));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-csv", NULL);
  dialog = wait_for_toplevel (DPS_TYPE_EXPORT_DIALOG);
  g_assert_true (dps_gui_test_wait_until (export_ready, dialog, TIMEOUT_MS));
  g_assert_nonnull (dps_gui_test_find_label (dialog, "750 rows that match"));
  dps_export_dialog_export_to (DPS_EXPORT_DIALOG (dialog), csv);
  wait_for_label (fixture, "Exported 750 rows to “");

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
