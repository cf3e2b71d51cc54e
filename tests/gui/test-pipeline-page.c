/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dps-gui-test.h"
#include "dps-pipeline-page.h"
#include "dps-run-item.h"
#include "dps-test-db.h"

/* Valid lines from the generator, each ended by '\n'. */
static char *
make_lines (DpsGenerator *generator,
            guint         n)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_string_truncate (line, 0);
      g_assert_cmpint (dps_generator_next (generator, line, NULL), ==, DPS_GENERATED_VALID);
      g_string_append_len (text, line->str, (gssize) line->len);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

static DpsGenerator *
clean_generator (guint64 seed)
{
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = 0;
  options.live = TRUE;
  options.dirty_ratio = 0;
  return dps_generator_new (&options);
}

typedef struct {
  DpsPipelinePage *page;
  DpsSession      *session;
  gint64           loaded;
  gint64           read;
} Expect;

static gboolean
diagram_counted (gpointer user_data)
{
  Expect *e = user_data;
  DpsPipelineDiagram *diagram = dps_pipeline_page_get_diagram (e->page);

  return dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_DATABASE) == e->loaded &&
         dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_SOURCE) == e->read;
}

static gboolean
history_running_with (gpointer user_data)
{
  Expect *e = user_data;
  GListModel *history = dps_pipeline_page_get_history (e->page);
  g_autoptr(DpsRunItem) item = NULL;

  if (g_list_model_get_n_items (history) == 0)
    return FALSE;
  item = g_list_model_get_item (history, 0);
  return dps_run_item_get_record (item)->status == DPS_RUN_STATUS_RUNNING &&
         dps_run_item_get_record (item)->rows_loaded == e->loaded;
}

static gboolean
history_checked (gpointer user_data)
{
  Expect *e = user_data;
  GListModel *history = dps_pipeline_page_get_history (e->page);
  g_autoptr(DpsRunItem) item = NULL;

  if (g_list_model_get_n_items (history) == 0 ||
      g_list_model_get_n_items (dps_session_get_runs (e->session)) > 0)
    return FALSE;
  item = g_list_model_get_item (history, 0);
  return dps_run_item_get_record (item)->status != DPS_RUN_STATUS_RUNNING &&
         dps_run_item_get_n_checks (item) > 0;
}

static DpsRepository *
open_own_connection (DpsSession *session)
{
  g_autoptr(GError) error = NULL;
  DpsRepository *repository = dps_session_open_reader (session, &error);

  g_assert_no_error (error);
  return repository;
}

static void
test_follow (void)
{
  g_autoptr(DpsSession) session = dps_gui_test_open_session ("follow.db");
  g_autoptr(DpsGenerator) generator = clean_generator (11);
  g_autofree char *path = dps_gui_test_tmp_path ("follow.jsonl");
  g_autofree char *first = make_lines (generator, 300);
  g_autofree char *second = make_lines (generator, 200);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRunItem) item = NULL;
  DpsRepositoryInfo info = { 0 };
  const DpsRunRecord *shown;
  const DpsRunRecord *stored;
  DpsPipelineDiagram *diagram;
  GtkWidget *page;
  GtkWindow *window;
  Expect e = { 0 };

  dps_gui_test_append (path, first, -1);

  page = dps_pipeline_page_new (session);
  window = dps_gui_test_show_in_window (page, 1280, 900);
  e.page = DPS_PIPELINE_PAGE (page);
  e.session = session;
  diagram = dps_pipeline_page_get_diagram (e.page);

  /* Through the page's action, as its button does (a path: no dialog). */
  g_assert_true (gtk_widget_activate_action (page, "pipeline.follow", "s", path));

  e.loaded = e.read = 300;
  g_assert_true (dps_gui_test_wait_until (diagram_counted, &e, 60000));
  g_assert_true (dps_pipeline_diagram_get_live (diagram));

  /* The file grows: the run follows it. */
  dps_gui_test_append (path, second, -1);
  e.loaded = e.read = 500;
  g_assert_true (dps_gui_test_wait_until (diagram_counted, &e, 60000));
  g_assert_cmpint (dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_TRANSFORM), ==, 500);
  g_assert_cmpint (dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_REJECTS), ==, 0);
  g_assert_cmpint (dps_pipeline_diagram_get_duplicates (diagram), ==, 0);
  g_assert_nonnull (strstr (dps_pipeline_diagram_get_description (diagram), "500"));

  /* The history lists the run while it goes on, with the database's counts. */
  g_assert_true (dps_gui_test_wait_until (history_running_with, &e, 60000));

  repository = open_own_connection (session);
  g_assert_true (dps_repository_get_info (repository, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.rows, ==, 500);
  g_assert_cmpint (info.rejects, ==, 0);
  dps_repository_info_clear (&info);

  /* Stop: the run ends, recorded as succeeded, then checked. */
  g_assert_true (gtk_widget_activate_action (page, "pipeline.stop", NULL));
  g_assert_true (dps_gui_test_wait_until (history_checked, &e, 60000));

  runs = dps_repository_list_runs (repository, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  stored = g_ptr_array_index (runs, 0);
  g_assert_cmpint (stored->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (stored->kind, ==, "follow");
  g_assert_cmpstr (stored->source, ==, path);
  g_assert_cmpint (stored->rows_loaded, ==, 500);
  g_assert_cmpint (stored->rows_read, ==, 500);
  g_assert_cmpint (stored->rows_rejected, ==, 0);
  g_assert_cmpint (stored->rows_duplicate, ==, 0);
  g_assert_cmpint (stored->finished_at, >=, stored->started_at);
  g_assert_nonnull (stored->quality_checks);

  g_assert_cmpuint (g_list_model_get_n_items (dps_pipeline_page_get_history (e.page)), ==, 1);
  item = g_list_model_get_item (dps_pipeline_page_get_history (e.page), 0);
  shown = dps_run_item_get_record (item);
  g_assert_cmpint (shown->id, ==, stored->id);
  g_assert_cmpint (shown->status, ==, stored->status);
  g_assert_cmpint (shown->rows_loaded, ==, stored->rows_loaded);
  g_assert_cmpint (shown->rows_rejected, ==, stored->rows_rejected);
  g_assert_cmpint (shown->rows_duplicate, ==, stored->rows_duplicate);
  g_assert_cmpstr (shown->quality_checks, ==, stored->quality_checks);
  /* The checks as parsed for the history: every one named, the rows
   * all dated now, none of them rejected. */
  g_assert_cmpuint (dps_run_item_get_n_checks (item), >=, 3);
  for (guint i = 0; i < dps_run_item_get_n_checks (item); i++)
    {
      const char *name, *detail;
      gboolean passed;

      dps_run_item_get_check (item, i, &name, &passed, &detail);
      g_assert_nonnull (name);
      g_assert_true (passed);
    }

  /* Idle: the diagram stands still with the run's totals. */
  g_assert_false (dps_pipeline_diagram_get_live (diagram));
  g_assert_false (dps_pipeline_diagram_get_animating (diagram));
  g_assert_cmpint (dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_DATABASE), ==, 500);
  g_assert_cmpint (dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_SOURCE), ==, 500);

  gtk_window_destroy (window);
}

static gboolean
run_checked (gpointer user_data)
{
  return *(gint64 *) user_data > 0;
}

static void
run_checked_cb (DpsPipelineController *controller,
                gint64                 run_id,
                gpointer               user_data)
{
  *(gint64 *) user_data = run_id;
}

static gboolean
next_run_known (gpointer user_data)
{
  return dps_pipeline_controller_get_next_run (DPS_PIPELINE_CONTROLLER (user_data)) > 0;
}

static gboolean
schedule_stopped (gpointer user_data)
{
  DpsPipelineController *controller = user_data;

  return !dps_pipeline_controller_get_schedule_active (controller) &&
         !dps_pipeline_controller_is_running (controller);
}

static DpsRunRecord *
find_run (DpsRepository *repository,
          gint64         id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = dps_repository_list_runs (repository, 50, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);

      if (run->id == id)
        return dps_run_record_copy (run);
    }
  g_assert_not_reached ();
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsEngine) engine = dps_pipeline_controller_start_finish (DPS_PIPELINE_CONTROLLER (object),
                                                                      result, &error);

  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

/* The schedule through the controller the page and the window share. */
static void
test_schedule (void)
{
  g_autoptr(DpsSession) session = dps_gui_test_open_session ("schedule.db");
  g_autoptr(DpsGenerator) generator = clean_generator (12);
  g_autofree char *path = dps_gui_test_tmp_path ("scheduled.jsonl");
  g_autofree char *first = make_lines (generator, 100);
  g_autofree char *second = make_lines (generator, 50);
  g_autofree char *third = make_lines (generator, 25);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  DpsPipelineController *controller = dps_pipeline_controller_get_for_session (session);
  gint64 checked = 0;
  gint64 next, now;
  gboolean started = FALSE;

  g_assert_true (dps_pipeline_controller_get_for_session (session) == controller);
  g_signal_connect (controller, "run-checked", G_CALLBACK (run_checked_cb), &checked);
  dps_gui_test_append (path, first, -1);

  /* On, with nothing to read: it says so. */
  dps_pipeline_controller_set_schedule_source (controller, "");
  dps_pipeline_controller_set_interval_minutes (controller, 1);
  dps_pipeline_controller_set_schedule (controller, DPS_PIPELINE_SCHEDULE_INTERVAL);
  g_assert_nonnull (dps_pipeline_controller_get_schedule_problem (controller));
  g_assert_false (dps_pipeline_controller_get_schedule_active (controller));

  /* Given a file, the scheduler starts with a run at once. */
  dps_pipeline_controller_set_schedule_source (controller, path);
  g_assert_true (dps_gui_test_wait_until (run_checked, &checked, 60000));
  g_assert_null (dps_pipeline_controller_get_schedule_problem (controller));
  g_assert_true (dps_pipeline_controller_get_schedule_active (controller));
  repository = open_own_connection (session);
  run = find_run (repository, checked);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (run->rows_loaded, ==, 100);
  g_assert_nonnull (run->quality_checks);
  g_clear_pointer (&run, dps_run_record_free);

  /* The next run waits for its time: one interval after the start. */
  g_assert_true (dps_gui_test_wait_until (next_run_known, controller, 60000));
  next = dps_pipeline_controller_get_next_run (controller);
  now = g_get_real_time ();
  g_assert_cmpint (next, >, now);
  g_assert_cmpint (next, <=, now + 60 * G_USEC_PER_SEC);

  /* Run now: the scheduler's next run, reading only what is new. */
  dps_gui_test_append (path, second, -1);
  checked = 0;
  dps_pipeline_controller_run_now_async (controller, NULL, started_cb, &started);
  g_assert_true (dps_gui_test_wait_until (run_checked, &checked, 60000));
  run = find_run (repository, checked);
  g_assert_cmpint (run->rows_loaded, ==, 50);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_clear_pointer (&run, dps_run_record_free);

  /* Stop turns the schedule off. */
  dps_pipeline_controller_stop (controller);
  g_assert_cmpint (dps_pipeline_controller_get_schedule (controller), ==, DPS_PIPELINE_SCHEDULE_OFF);
  g_assert_true (dps_gui_test_wait_until (schedule_stopped, controller, 60000));

  /* Off, run now is one run of what is new, which ends by itself and
   * is checked like a scheduled one. */
  dps_gui_test_append (path, third, -1);
  checked = 0;
  started = FALSE;
  dps_pipeline_controller_run_now_async (controller, NULL, started_cb, &started);
  g_assert_true (dps_gui_test_wait_until (flag_set, &started, 60000));
  g_assert_true (dps_gui_test_wait_until (run_checked, &checked, 60000));
  run = find_run (repository, checked);
  g_assert_cmpint (run->rows_loaded, ==, 25);
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (run->kind, ==, "follow");
  g_assert_nonnull (run->quality_checks);
  g_assert_true (dps_gui_test_wait_until (schedule_stopped, controller, 60000));

  g_signal_handlers_disconnect_by_data (controller, &checked);
}

static gboolean
animating (gpointer user_data)
{
  DpsPipelineDiagram *diagram = user_data;

  return dps_pipeline_diagram_get_animating (diagram) &&
         dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_DATABASE) > 500;
}

static gboolean
no_runs (gpointer user_data)
{
  return g_list_model_get_n_items (dps_session_get_runs (DPS_SESSION (user_data))) == 0;
}

/* Screenshots, light and dark: a finished run with rejects, and the
 * live generator. */
static void
test_screenshots (void)
{
  g_autoptr(DpsSession) session = dps_gui_test_open_session ("screens.db");
  g_autofree char *path = dps_gui_test_tmp_path ("screens.jsonl");
  g_autoptr(GError) error = NULL;
  g_autofree char *shot = NULL;
  DpsGeneratorOptions options;
  DpsGeneratorManifest manifest;
  DpsPipelineDiagram *diagram;
  GtkWidget *page;
  GtkWindow *window;
  Expect e = { 0 };

  dps_generator_options_init (&options);
  options.seed = 5;
  options.rows = 3000;
  options.live = TRUE;
  options.dirty_ratio = 0.04;
  g_assert_true (dps_test_db_write_jsonl (path, &options, &manifest, &error));
  g_assert_no_error (error);

  page = dps_pipeline_page_new (session);
  window = dps_gui_test_show_in_window (page, 1280, 900);
  e.page = DPS_PIPELINE_PAGE (page);
  e.session = session;
  diagram = dps_pipeline_page_get_diagram (e.page);

  g_assert_true (gtk_widget_activate_action (page, "pipeline.follow", "s", path));
  e.read = 3000;
  e.loaded = 3000 - (gint64) manifest.rejects -
             (gint64) manifest.duplicates;
  g_assert_true (dps_gui_test_wait_until (diagram_counted, &e, 60000));
  g_assert_cmpint (dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_REJECTS), ==,
                   (gint64) manifest.rejects);
  g_assert_true (gtk_widget_activate_action (page, "pipeline.stop", NULL));
  g_assert_true (dps_gui_test_wait_until (history_checked, &e, 60000));
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
    GTK_COLUMN_VIEW (gtk_widget_get_template_child (page, DPS_TYPE_PIPELINE_PAGE, "history_view")))), 0);

  dps_gui_test_set_dark (FALSE);
  g_free (dps_gui_test_save_screenshot (page, "pipeline-light"));
  dps_gui_test_set_dark (TRUE);
  g_free (dps_gui_test_save_screenshot (page, "pipeline-dark"));

  /* Live: the generator at 1,000 events per second. */
  gtk_adjustment_set_value (GTK_ADJUSTMENT (gtk_widget_get_template_child (page, DPS_TYPE_PIPELINE_PAGE,
                                                                           "rate_adjustment")), 1000);
  g_assert_true (gtk_widget_activate_action (page, "pipeline.start-generator", NULL));
  g_assert_true (dps_gui_test_wait_until (animating, diagram, 60000));
  g_assert_true (dps_pipeline_diagram_get_live (diagram));
  dps_gui_test_set_dark (FALSE);
  shot = dps_gui_test_save_screenshot (page, "pipeline-live-light");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
  dps_gui_test_set_dark (TRUE);
  g_free (dps_gui_test_save_screenshot (page, "pipeline-live-dark"));

  g_assert_true (gtk_widget_activate_action (page, "pipeline.stop", NULL));
  g_assert_true (dps_gui_test_wait_until (no_runs, session, 60000));
  g_assert_false (dps_pipeline_diagram_get_animating (diagram));
  dps_gui_test_set_dark (FALSE);

  gtk_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  dps_gui_test_init (&argc, &argv);

  g_test_add_func ("/dps/pipeline-page/follow", test_follow);
  g_test_add_func ("/dps/pipeline-page/schedule", test_schedule);
  g_test_add_func ("/dps/pipeline-page/screenshots", test_screenshots);
  return g_test_run ();
}
