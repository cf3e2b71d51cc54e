/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-dashboard-page.h"
#include "dps-dialogs.h"
#include "dps-filter-bar.h"
#include "dps-format.h"
#include "dps-generate-dialog.h"
#include "dps-pipeline-controller.h"
#include "dps-pipeline-page.h"
#include "dps-postgres-dialog.h"
#include "dps-quality-page.h"
#include "dps-run-job.h"
#include "dps-run-progress.h"
#include "dps-schedule-dialog.h"
#include "dps-transactions-page.h"
#include "dps-window.h"

#define MAX_RECENT_DATABASES 10

struct _DpsWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children. */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  GtkPopoverMenuBar    *menu_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkSpinner           *busy_spinner;
  GtkBox               *filter_bar_slot;
  GtkBox               *progress_box;
  GtkRevealer          *pipeline_revealer;
  GtkLabel             *pipeline_label;
  GtkStack             *main_stack;
  GtkSpinner           *loading_spinner;
  AdwStatusPage        *error_page;
  AdwStatusPage        *empty_page;
  AdwViewStack         *view_stack;
  AdwBin               *dashboard_bin;
  AdwBin               *transactions_bin;
  AdwBin               *quality_bin;
  AdwBin               *pipeline_bin;

  /* Owned. */
  DpsSession           *session;
  GSettings            *settings;
  DpsPipelineController *controller;        /* the session's */
  GCancellable         *open_cancellable;
  GCancellable         *info_cancellable;
  GPtrArray            *jobs;               /* DpsRunJob* running */
  GtkWidget            *filter_bar;         /* the filter bar in the slot */
  char                 *opening_uri;        /* last URI asked for, for Try Again */
  gboolean              opening_create;
  gboolean              opening_remember;

  /* The database's emptiness, checked on a worker after each change. */
  guint                 info_generation;    /* session generation being checked */
  gboolean              info_pending;       /* another check is due */
  gboolean              has_data;
  gboolean              has_rows;
  gboolean              database_open;

  /* Closing waits for runs to commit what they read. */
  gboolean              closing;

  /* DPS_DEBUG_FRAMES: tell stderr when the first frames are painted. */
  gulong                debug_paint_id;
  gboolean              debug_first_done;
};

G_DEFINE_FINAL_TYPE (DpsWindow, dps_window, ADW_TYPE_APPLICATION_WINDOW)

static const char * const view_names[] = { "dashboard", "transactions", "quality", "pipeline", NULL };

static void update_actions (DpsWindow *self);
static void check_contents (DpsWindow *self);
static void maybe_finish_closing (DpsWindow *self);

/* --- helpers --------------------------------------------------------------- */

static void
set_action_enabled (DpsWindow  *self,
                    const char *name,
                    gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static gboolean
is_busy (DpsWindow *self)
{
  return self->jobs->len > 0 ||
         g_list_model_get_n_items (dps_session_get_runs (self->session)) > 0 ||
         dps_pipeline_controller_is_busy (self->controller);
}

void
dps_window_add_toast (DpsWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (DPS_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_toast (DpsWindow  *self,
            const char *title)
{
  dps_window_add_toast (self, dps_dialogs_toast_new (title));
}

static AdwBin *
page_bin (DpsWindow  *self,
          const char *name)
{
  if (g_strcmp0 (name, "dashboard") == 0)
    return self->dashboard_bin;
  if (g_strcmp0 (name, "transactions") == 0)
    return self->transactions_bin;
  if (g_strcmp0 (name, "quality") == 0)
    return self->quality_bin;
  if (g_strcmp0 (name, "pipeline") == 0)
    return self->pipeline_bin;
  return NULL;
}

/* The one place where the views get their content, one line each. */
static void
install_pages (DpsWindow *self)
{
  dps_window_set_filter_bar (self, dps_filter_bar_new (self->session));
  dps_window_set_page_content (self, "dashboard", dps_dashboard_page_new (self->session));
  dps_window_set_page_content (self, "transactions", dps_transactions_page_new (self->session));
  dps_window_set_page_content (self, "quality", dps_quality_page_new (self->session));
  dps_window_set_page_content (self, "pipeline", dps_pipeline_page_new (self->session));
}

/* --- database -------------------------------------------------------------- */

static void
update_title (DpsWindow *self)
{
  const char *name = dps_session_get_display_name (self->session);

  if (name != NULL && self->database_open)
    {
      /* TRANSLATORS: window title: the open database, then the application */
      g_autofree char *title = g_strdup_printf (_("%s — Data Pipeline Streaming"), name);

      gtk_window_set_title (GTK_WINDOW (self), title);
      /* AdwViewSwitcherTitle is deprecated from libadwaita 1.4 on; Debian 12 has 1.2. */
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      adw_view_switcher_title_set_subtitle (self->switcher_title, name);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Data Pipeline Streaming"));
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }
}

static void
show_state (DpsWindow  *self,
            const char *state)
{
  gboolean views = g_str_equal (state, "views");

  gtk_stack_set_visible_child_name (self->main_stack, state);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, views);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_bar), views);
  /* Nothing to filter in the empty, loading and error states. */
  gtk_widget_set_visible (GTK_WIDGET (self->filter_bar_slot), views);
}

typedef struct {
  gint64 rows;
  gint64 rejects;
  gint64 duplicates;
} ContentsInfo;

static void
contents_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  DpsRepository *repository = task_data;
  DpsRepositoryInfo info = { 0 };
  GError *error = NULL;
  ContentsInfo *result;

  if (!dps_repository_get_info (repository, &info, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  result = g_new0 (ContentsInfo, 1);
  result->rows = info.rows;
  result->rejects = info.rejects;
  result->duplicates = info.duplicates;
  dps_repository_info_clear (&info);
  g_task_return_pointer (task, result, g_free);
}

static void
offer_sample_data_cb (GObject    *owner,
                      const char *response)
{
  if (g_strcmp0 (response, "generate") == 0)
    gtk_widget_activate_action (GTK_WIDGET (owner), "win.generate-sample-data", NULL);
}

static void
maybe_offer_sample_data (DpsWindow *self)
{
  g_autofree char *default_uri = NULL;
  const DpsResponse responses[] = {
    { "not-now", _("_Not Now"), DPS_RESPONSE_DEFAULT },
    { "generate", _("_Generate Sample Data…"), DPS_RESPONSE_SUGGESTED },
  };

  if (g_settings_get_boolean (self->settings, "sample-data-offered") ||
      !gtk_widget_get_visible (GTK_WIDGET (self)))
    return;
  default_uri = dps_repository_get_default_uri ();
  if (g_strcmp0 (self->opening_uri, default_uri) != 0)
    return;

  g_settings_set_boolean (self->settings, "sample-data-offered", TRUE);
  dps_dialogs_choose (GTK_WIDGET (self), _("Start With Sample Data?"),
                      _("The database is empty. Sample transactions, with a few faulty "
                        "records among them, let you explore every view right away. "
                        "You can also import your own JSON Lines files."),
                      responses, G_N_ELEMENTS (responses), offer_sample_data_cb, G_OBJECT (self));
}

static void
contents_checked_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DpsWindow *self = DPS_WINDOW (object);
  g_autoptr(GError) error = NULL;
  g_autofree ContentsInfo *info = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->info_cancellable);
  gtk_spinner_set_spinning (self->busy_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), FALSE);

  if (info == NULL)
    {
      g_warning ("Could not read the database's figures: %s", error->message);
      show_toast (self, error->message);
    }
  else if (self->database_open)
    {
      gboolean had_data = self->has_data;

      self->has_rows = info->rows > 0;
      self->has_data = info->rows > 0 || info->rejects > 0 || info->duplicates > 0;
      show_state (self, self->has_data ? "views" : "empty");
      if (!self->has_data && !had_data)
        maybe_offer_sample_data (self);
      update_actions (self);
    }

  if (self->info_pending)
    check_contents (self);
}

/* Whether the database holds anything decides between the views and
 * the empty state; the figures are read on a worker. */
static void
check_contents (DpsWindow *self)
{
  g_autoptr(GTask) task = NULL;
  DpsRepository *repository = dps_session_get_repository (self->session);

  if (repository == NULL || !self->database_open)
    return;
  if (self->info_cancellable != NULL)
    {
      self->info_pending = TRUE;
      return;
    }
  self->info_pending = FALSE;
  self->info_generation = dps_session_get_generation (self->session);
  self->info_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->info_cancellable, contents_checked_cb, NULL);
  g_task_set_source_tag (task, check_contents);
  g_task_set_task_data (task, g_object_ref (repository), g_object_unref);
  g_task_run_in_thread (task, contents_in_thread);
}

static void
session_data_changed_cb (DpsSession *session,
                         DpsWindow  *self)
{
  if (self->info_generation != dps_session_get_generation (session))
    check_contents (self);
}

static void
remember_database (DpsWindow  *self,
                   const char *uri)
{
  g_autofree char *redacted = dps_repository_uri_redact (uri);
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-databases");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  g_settings_set_string (self->settings, "database-uri", redacted);
  g_strv_builder_add (builder, redacted);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT_DATABASES; i++)
    if (g_strcmp0 (recent[i], redacted) != 0)
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-databases", (const char * const *) updated);
}

static gboolean
is_postgres_uri (const char *uri)
{
  return g_str_has_prefix (uri, "postgresql:") || g_str_has_prefix (uri, "postgres:") ||
         strchr (uri, '=') != NULL;
}

static void
postgres_connect_cb (DpsPostgresDialog *dialog,
                     const char        *conninfo,
                     DpsWindow         *self)
{
  dps_window_open_database (self, conninfo, FALSE, TRUE);
}

static void
ask_postgres_password (DpsWindow  *self,
                       const char *message)
{
  DpsPostgresDialog *dialog = dps_postgres_dialog_new (GTK_WINDOW (self), self->settings, message);

  g_signal_connect_object (dialog, "connect", G_CALLBACK (postgres_connect_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
database_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DpsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dps_session_open_finish (DPS_SESSION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->open_cancellable);
      self->database_open = dps_session_get_repository (self->session) != NULL;
      if (self->database_open)
        {
          /* The database open before stays open: say why the other one did not. */
          g_autofree char *heading = NULL;
          g_autofree char *redacted = dps_repository_uri_redact (self->opening_uri);

          heading = g_strdup_printf (_("Cannot Open “%s”"), redacted);
          dps_dialogs_show_error (GTK_WIDGET (self), heading, error->message);
          check_contents (self);
          show_state (self, self->has_data ? "views" : "empty");
        }
      else
        {
          adw_status_page_set_description (self->error_page, error->message);
          show_state (self, "error");
        }
      if (g_error_matches (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_AUTH) &&
          is_postgres_uri (self->opening_uri))
        ask_postgres_password (self, error->message);
      update_title (self);
      update_actions (self);
      return;
    }

  g_clear_object (&self->open_cancellable);
  self->database_open = TRUE;
  self->has_data = FALSE;
  self->has_rows = FALSE;
  if (self->opening_remember)
    remember_database (self, self->opening_uri);
  update_title (self);
  update_actions (self);
  /* open_finish already bumped the generation: check it now. */
  self->info_generation = 0;
  check_contents (self);
}

/* --- jobs -------------------------------------------------------------------- */

static GtkWidget *
find_progress (DpsWindow *self,
               DpsRunJob *job)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->progress_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (dps_run_progress_get_job (DPS_RUN_PROGRESS (child)) == job)
      return child;
  return NULL;
}

static char *
summarize (const DpsRunJobTotals *totals)
{
  g_autofree char *loaded = dps_format_count (totals->rows_loaded);
  g_autofree char *rejected = dps_format_count (totals->rows_rejected);
  g_autofree char *duplicates = dps_format_count (totals->rows_duplicate);
  g_autofree char *loaded_text = NULL;
  g_autofree char *rejected_text = NULL;
  g_autofree char *duplicates_text = NULL;

  loaded_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row loaded", "%s rows loaded",
                                              dps_format_plural (totals->rows_loaded)),
                                 loaded);
  rejected_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s rejected", "%s rejected",
                                                dps_format_plural (totals->rows_rejected)),
                                   rejected);
  duplicates_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s duplicate", "%s duplicates",
                                                  dps_format_plural (totals->rows_duplicate)),
                                     duplicates);
  /* TRANSLATORS: "1,000 rows loaded, 12 rejected, 3 duplicates" */
  return g_strdup_printf (_("%s, %s, %s"), loaded_text, rejected_text, duplicates_text);
}

static void
job_finished_cb (DpsRunJob *job,
                 DpsWindow *self)
{
  g_autoptr(DpsRunJob) hold = g_object_ref (job);
  GPtrArray *failures = dps_run_job_get_failures (job);
  GtkWidget *progress = find_progress (self, job);
  DpsRunJobTotals totals;
  g_autofree char *summary = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_signal_handlers_disconnect_by_data (job, self);
  g_ptr_array_remove (self->jobs, job);
  if (progress != NULL)
    gtk_box_remove (self->progress_box, progress);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box),
                          gtk_widget_get_first_child (GTK_WIDGET (self->progress_box)) != NULL);

  dps_run_job_get_totals (job, &totals);
  summary = summarize (&totals);
  if (dps_run_job_was_cancelled (job))
    /* TRANSLATORS: %s is a summary: "1,000 rows loaded, 12 rejected, 3 duplicates" */
    title = g_strdup_printf (_("Cancelled: %s"), summary);
  else if (failures->len > 0 && totals.rows_read == 0)
    title = NULL;   /* the error dialog says it all */
  else
    title = g_steal_pointer (&summary);

  if (title != NULL && !self->closing)
    {
      toast = dps_dialogs_toast_new (title);
      adw_toast_set_timeout (toast, 10);
      if (totals.rows_rejected > 0)
        {
          adw_toast_set_button_label (toast, _("See _Rejects"));
          adw_toast_set_action_name (toast, "win.show-view");
          adw_toast_set_action_target_value (toast, g_variant_new_string ("quality"));
        }
      dps_window_add_toast (self, toast);
    }

  if (failures->len > 0 && !self->closing)
    {
      g_autoptr(GString) body = g_string_new (NULL);
      g_autofree char *heading = NULL;

      for (guint i = 0; i < failures->len; i++)
        {
          DpsRunJobFailure *failure = g_ptr_array_index (failures, i);

          if (i > 0)
            g_string_append_c (body, '\n');
          g_string_append (body, failure->error->message);
        }
      if (failures->len == 1)
        heading = g_strdup_printf (_("Cannot Load “%s”"),
                                   ((DpsRunJobFailure *) g_ptr_array_index (failures, 0))->label);
      else
        heading = g_strdup (_("Some Sources Could Not Be Loaded"));
      dps_dialogs_show_error (GTK_WIDGET (self), heading, body->str);
    }

  update_actions (self);
  check_contents (self);
  maybe_finish_closing (self);
}

static void
run_job (DpsWindow *self,
         DpsRunJob *job)
{
  GtkWidget *progress;

  g_ptr_array_add (self->jobs, g_object_ref (job));
  g_signal_connect (job, "finished", G_CALLBACK (job_finished_cb), self);
  dps_run_job_start (job);
  if (!dps_run_job_is_running (job))
    return;   /* finished at once */
  progress = dps_run_progress_new (job);
  gtk_box_append (self->progress_box, progress);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), TRUE);
  update_actions (self);
}

typedef struct {
  char     **paths;
  gboolean  *is_folder;
} ImportRequest;

static void
import_request_free (gpointer data)
{
  ImportRequest *request = data;

  g_strfreev (request->paths);
  g_free (request->is_folder);
  g_free (request);
}

static void
classify_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ImportRequest *request = task_data;

  for (guint i = 0; request->paths[i] != NULL; i++)
    request->is_folder[i] = g_file_test (request->paths[i], G_FILE_TEST_IS_DIR);
  g_task_return_boolean (task, TRUE);
}

static void
import_classified_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  DpsWindow *self = DPS_WINDOW (object);
  ImportRequest *request = g_task_get_task_data (G_TASK (result));
  guint n = g_strv_length (request->paths);
  g_autoptr(DpsRunJob) job = NULL;
  g_autofree char *title = NULL;
  DpsEngineOptions options;

  dps_pipeline_controller_get_engine_options (self->controller, &options);
  /* A folder is read once: every JSONL file in it, then the run ends. */
  options.stop_when_idle = TRUE;

  if (n == 1)
    {
      g_autofree char *name = g_path_get_basename (request->paths[0]);

      /* TRANSLATORS: %s is a file name */
      title = g_strdup_printf (_("Importing “%s”"), name);
    }
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Importing %u file", "Importing %u files", n), n);

  job = dps_run_job_new (self->session, title, &options);
  dps_run_job_set_check_format (job, TRUE);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpsSource) source = NULL;
      g_autofree char *name = g_path_get_basename (request->paths[i]);

      if (request->is_folder[i])
        source = dps_folder_source_new (request->paths[i], options.max_line_length,
                                        dps_pipeline_controller_get_poll_interval (self->controller));
      else
        source = dps_file_source_new (request->paths[i], FALSE, options.max_line_length,
                                      dps_pipeline_controller_get_poll_interval (self->controller));
      dps_run_job_add_source (job, source, name, 0);
    }
  run_job (self, job);
}

static void
import_paths (DpsWindow          *self,
              const char * const *paths)
{
  g_autoptr(GTask) task = NULL;
  ImportRequest *request;

  if (paths == NULL || paths[0] == NULL)
    return;
  request = g_new0 (ImportRequest, 1);
  request->paths = g_strdupv ((char **) paths);
  request->is_folder = g_new0 (gboolean, g_strv_length (request->paths));
  task = g_task_new (self, NULL, import_classified_cb, NULL);
  g_task_set_source_tag (task, import_paths);
  g_task_set_task_data (task, request, import_request_free);
  g_task_run_in_thread (task, classify_in_thread);
}

void
dps_window_import_files (DpsWindow  *self,
                         GFile     **files,
                         guint       n_files)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;

  g_return_if_fail (DPS_IS_WINDOW (self));

  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (path != NULL)
        g_strv_builder_add (builder, path);
      else
        {
          g_autofree char *uri = g_file_get_uri (files[i]);
          g_autofree char *body = g_strdup_printf (_("“%s” is not a local file. Copy it to this computer first."), uri);

          dps_dialogs_show_error (GTK_WIDGET (self), _("Cannot Import This File"), body);
        }
    }
  paths = g_strv_builder_end (builder);
  if (!self->database_open)
    {
      dps_dialogs_show_error (GTK_WIDGET (self), _("No Database Is Open"),
                              _("Open or create a database first, then import the files again."));
      return;
    }
  import_paths (self, (const char * const *) paths);
}

static void
generate_cb (DpsGenerateDialog *dialog,
             DpsWindow         *self)
{
  g_autoptr(DpsRunJob) job = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autofree char *label = NULL;
  g_autofree char *rows = NULL;
  DpsGeneratorOptions options;
  DpsEngineOptions engine_options;
  double rate;

  dps_generate_dialog_get_options (dialog, &options, &rate);
  dps_pipeline_controller_get_engine_options (self->controller, &engine_options);
  rows = dps_format_count ((gint64) options.rows);
  if (rate > 0 && options.rows == 0)
    {
      g_autofree char *per_second = dps_format_decimal (rate, 0);

      /* TRANSLATORS: %s is a rate in events per second */
      label = g_strdup_printf (_("live, %s events/s until stopped"), per_second);
    }
  else if (rate > 0)
    {
      g_autofree char *per_second = dps_format_decimal (rate, 0);

      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row live at %s events/s",
                                            "%s rows live at %s events/s",
                                            dps_format_plural (options.rows)),
                               rows, per_second);
    }
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row over the last %u days",
                                          "%s rows over the last %u days",
                                          dps_format_plural (options.rows)),
                             rows, options.days);

  source = dps_generator_source_new (&options, rate);
  job = dps_run_job_new (self->session, _("Generating sample data"), &engine_options);
  dps_run_job_add_source (job, source, label, (gint64) options.rows);
  run_job (self, job);
}

/* --- file choosers ---------------------------------------------------------- */

static void
import_chosen_cb (GObject   *owner,
                  GPtrArray *files)
{
  if (files->len > 0)
    dps_window_import_files (DPS_WINDOW (owner), (GFile **) files->pdata, files->len);
}

static void
database_chosen_cb (GObject   *owner,
                    GPtrArray *files)
{
  g_autofree char *path = dps_dialogs_dup_first_path (files);
  g_autofree char *uri = NULL;

  if (path == NULL)
    return;
  uri = g_strconcat ("sqlite://", path, NULL);
  dps_window_open_database (DPS_WINDOW (owner), uri, FALSE, TRUE);
}

static void
new_database_chosen_cb (GObject   *owner,
                        GPtrArray *files)
{
  g_autofree char *path = dps_dialogs_dup_first_path (files);
  g_autofree char *uri = NULL;

  if (path == NULL)
    return;
  uri = g_strconcat ("sqlite://", path, NULL);
  dps_window_open_database (DPS_WINDOW (owner), uri, TRUE, TRUE);
}

static void
follow_kind_chosen_cb (GObject    *owner,
                       const char *response)
{
  /* The Pipeline view's commands ask for the file or folder and follow it. */
  if (g_strcmp0 (response, "file") == 0)
    gtk_widget_activate_action (GTK_WIDGET (owner), "pipeline.follow", "s", "");
  else if (g_strcmp0 (response, "folder") == 0)
    gtk_widget_activate_action (GTK_WIDGET (owner), "pipeline.follow-folder", "s", "");
}

/* --- actions ----------------------------------------------------------------- */

static void
import_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  DpsWindow *self = user_data;

  dps_dialogs_open_files (GTK_WINDOW (self), _("Import JSON Lines Files"), _("_Import"),
                          DPS_FILE_KIND_JSONL, TRUE, import_chosen_cb, G_OBJECT (self));
}

static void
import_files_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  DpsWindow *self = user_data;
  g_autofree const char **paths = g_variant_get_strv (parameter, NULL);

  import_paths (self, paths);
}

static void
open_database_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  dps_dialogs_open_files (GTK_WINDOW (user_data), _("Open a Database"), _("_Open"),
                          DPS_FILE_KIND_DATABASE, FALSE, database_chosen_cb, G_OBJECT (user_data));
}

static void
new_database_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  dps_dialogs_save_file (GTK_WINDOW (user_data), _("New Database"), _("_Create"),
                         DPS_FILE_KIND_DATABASE, "transactions.db",
                         new_database_chosen_cb, G_OBJECT (user_data));
}

static void
open_uri_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  const char *uri;
  gboolean create;

  g_variant_get (parameter, "(&sb)", &uri, &create);
  dps_window_open_database (DPS_WINDOW (user_data), uri, create, TRUE);
}

static void
retry_open_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  DpsWindow *self = user_data;
  g_autofree char *uri = g_strdup (self->opening_uri);

  if (uri != NULL)
    dps_window_open_database (self, uri, self->opening_create, self->opening_remember);
}

static void
connect_postgres_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  ask_postgres_password (DPS_WINDOW (user_data), NULL);
}

/* The Transactions view owns the export: its dialog starts from the
 * table's filter, sort, selection and columns, whatever view shows. */
static void
export_csv_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  DpsWindow *self = user_data;
  GtkWidget *page = dps_window_get_page_content (self, "transactions");

  if (page != NULL)
    gtk_widget_activate_action (page, "transactions.export", NULL);
}

static void
generate_sample_data_activated (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  DpsWindow *self = user_data;
  DpsGenerateDialog *dialog = dps_generate_dialog_new (GTK_WINDOW (self), self->settings);

  g_signal_connect_object (dialog, "generate", G_CALLBACK (generate_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_view_changed (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       user_data)
{
  DpsWindow *self = user_data;
  const char *name = g_variant_get_string (value, NULL);

  if (!g_strv_contains (view_names, name))
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, name);
  g_simple_action_set_state (action, value);
}

static void
refresh_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  DpsWindow *self = user_data;

  if (!self->database_open)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), TRUE);
  gtk_spinner_set_spinning (self->busy_spinner, TRUE);
  dps_session_data_changed (self->session);
}

static void
filter_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  DpsWindow *self = user_data;

  if (self->filter_bar != NULL)
    gtk_widget_activate_action (self->filter_bar, "filter.focus-search", NULL);
}

static void
follow_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  DpsWindow *self = user_data;
  const DpsResponse responses[] = {
    { "cancel", _("_Cancel"), DPS_RESPONSE_DEFAULT },
    { "folder", _("A F_older…"), DPS_RESPONSE_DEFAULT },
    { "file", _("A _File…"), DPS_RESPONSE_SUGGESTED },
  };

  dps_dialogs_choose (GTK_WIDGET (self), _("Follow a File or a Folder?"),
                      _("A followed file is read as it grows, across truncation and rotation. "
                        "A followed folder is read file by file, including the files that appear later. "
                        "New records load until you stop the pipeline."),
                      responses, G_N_ELEMENTS (responses), follow_kind_chosen_cb, G_OBJECT (self));
}

static void
schedule_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  DpsWindow *self = user_data;
  DpsScheduleDialog *dialog = dps_schedule_dialog_new (GTK_WINDOW (self), self->controller);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_jobs_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  DpsWindow *self = user_data;
  g_autoptr(GPtrArray) jobs = g_ptr_array_copy (self->jobs, (GCopyFunc) g_object_ref, NULL);

  g_ptr_array_set_free_func (jobs, g_object_unref);
  for (guint i = 0; i < jobs->len; i++)
    dps_run_job_cancel (g_ptr_array_index (jobs, i));
}

static const GActionEntry win_entries[] = {
  { "import", import_activated },
  { "import-files", import_files_activated, "as" },
  { "open-database", open_database_activated },
  { "new-database", new_database_activated },
  { "open-uri", open_uri_activated, "(sb)" },
  { "retry-open", retry_open_activated },
  { "connect-postgres", connect_postgres_activated },
  { "export-csv", export_csv_activated },
  { "generate-sample-data", generate_sample_data_activated },
  { "show-view", NULL, "s", "'dashboard'", show_view_changed },
  { "refresh", refresh_activated },
  { "filter", filter_activated },
  { "follow", follow_activated },
  { "schedule", schedule_activated },
  { "cancel-jobs", cancel_jobs_activated },
};

static void
update_actions (DpsWindow *self)
{
  gboolean open = self->database_open && self->open_cancellable == NULL;

  set_action_enabled (self, "import", open);
  set_action_enabled (self, "import-files", open);
  set_action_enabled (self, "generate-sample-data", open);
  set_action_enabled (self, "export-csv", open && self->has_rows);
  set_action_enabled (self, "refresh", open);
  set_action_enabled (self, "filter", open && self->has_data && self->filter_bar != NULL);
  set_action_enabled (self, "follow", open);
  set_action_enabled (self, "cancel-jobs", self->jobs->len > 0);
  set_action_enabled (self, "retry-open", self->opening_uri != NULL && self->open_cancellable == NULL);
  set_action_enabled (self, "show-view", open && self->has_data);
}

/* --- callbacks ---------------------------------------------------------------- */

static void
visible_view_changed_cb (AdwViewStack *stack,
                         GParamSpec   *pspec,
                         DpsWindow    *self)
{
  const char *name = adw_view_stack_get_visible_child_name (stack);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-view");

  if (name == NULL)
    return;
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (name));
  g_settings_set_string (self->settings, "last-view", name);
}

static gboolean
files_dropped_cb (GtkDropTarget *target,
                  const GValue  *value,
                  double         x,
                  double         y,
                  DpsWindow     *self)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  if (files->len == 0)
    return FALSE;
  dps_window_import_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static void
controller_changed_cb (DpsPipelineController *controller,
                       GParamSpec            *pspec,
                       DpsWindow             *self)
{
  const char *status = dps_pipeline_controller_get_status (controller);

  /* The bar stays while a run of the pipeline or the schedule goes on. */
  if (status != NULL)
    gtk_label_set_label (self->pipeline_label, status);
  gtk_revealer_set_reveal_child (self->pipeline_revealer, status != NULL);
  update_actions (self);
  maybe_finish_closing (self);
}

static void
controller_stopping_cb (DpsPipelineController *controller,
                        DpsWindow             *self)
{
  /* Stop means every run: the imports' too. */
  for (guint i = 0; i < self->jobs->len; i++)
    dps_run_job_stop (g_ptr_array_index (self->jobs, i));
}

static void
runs_changed_cb (GListModel *runs,
                 guint       position,
                 guint       removed,
                 guint       added,
                 DpsWindow  *self)
{
  update_actions (self);
  maybe_finish_closing (self);
}

static void
maybe_finish_closing (DpsWindow *self)
{
  GtkApplication *application;

  if (!self->closing || is_busy (self))
    return;
  self->closing = FALSE;
  application = gtk_window_get_application (GTK_WINDOW (self));
  gtk_window_destroy (GTK_WINDOW (self));
  if (application != NULL)
    g_application_release (G_APPLICATION (application));
}

/* With DPS_DEBUG_FRAMES set, the first frame and the first frame past
 * the loading state are reported on stderr, for start-up benchmarks. */
static void
debug_after_paint_cb (GdkFrameClock *clock,
                      DpsWindow     *self)
{
  const char *state = gtk_stack_get_visible_child_name (self->main_stack);

  if (!self->debug_first_done)
    {
      self->debug_first_done = TRUE;
      g_printerr ("dps-debug: first-frame %" G_GINT64_FORMAT " state=%s\n", g_get_monotonic_time (), state);
    }
  if (g_strcmp0 (state, "loading") != 0)
    {
      g_printerr ("dps-debug: content-frame %" G_GINT64_FORMAT " state=%s\n", g_get_monotonic_time (), state);
      g_clear_signal_handler (&self->debug_paint_id, clock);
    }
}

static void
debug_realized_cb (GtkWidget *widget,
                   DpsWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  self->debug_paint_id = g_signal_connect_object (clock, "after-paint", G_CALLBACK (debug_after_paint_cb), self, 0);
}

/* --- overrides ------------------------------------------------------------------ */

static void
save_window_state (DpsWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static gboolean
dps_window_close_request (GtkWindow *window)
{
  DpsWindow *self = DPS_WINDOW (window);
  GtkApplication *application = gtk_window_get_application (window);

  if (self->closing)
    return TRUE;
  save_window_state (self);
  if (!is_busy (self))
    return GTK_WINDOW_CLASS (dps_window_parent_class)->close_request (window);

  /* Runs commit what they read before the window goes; the application
   * stays until then. */
  self->closing = TRUE;
  /* Stops the jobs too; the schedule's settings stay for the next start. */
  dps_pipeline_controller_shutdown (self->controller);
  if (application != NULL)
    g_application_hold (G_APPLICATION (application));
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  return TRUE;
}

static void
dps_window_constructed (GObject *object)
{
  DpsWindow *self = DPS_WINDOW (object);
  g_autofree char *last_view = NULL;
  GAction *action;

  G_OBJECT_CLASS (dps_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  last_view = g_settings_get_string (self->settings, "last-view");
  adw_view_stack_set_visible_child_name (self->view_stack, last_view);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-view");
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (last_view));
  g_signal_connect (self->view_stack, "notify::visible-child-name",
                    G_CALLBACK (visible_view_changed_cb), self);
}

static void
dps_window_dispose (GObject *object)
{
  DpsWindow *self = DPS_WINDOW (object);

  g_cancellable_cancel (self->open_cancellable);
  g_cancellable_cancel (self->info_cancellable);
  g_clear_object (&self->open_cancellable);
  g_clear_object (&self->info_cancellable);
  if (self->jobs != NULL)
    {
      for (guint i = 0; i < self->jobs->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->jobs, i), self);
      g_clear_pointer (&self->jobs, g_ptr_array_unref);
    }
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (dps_session_get_runs (self->session), self);
    }
  g_clear_object (&self->controller);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_WINDOW);

  G_OBJECT_CLASS (dps_window_parent_class)->dispose (object);
}

static void
dps_window_finalize (GObject *object)
{
  DpsWindow *self = DPS_WINDOW (object);

  g_free (self->opening_uri);

  G_OBJECT_CLASS (dps_window_parent_class)->finalize (object);
}

static void
dps_window_class_init (DpsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = dps_window_constructed;
  object_class->dispose = dps_window_dispose;
  object_class->finalize = dps_window_finalize;
  window_class->close_request = dps_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, menu_bar);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, filter_bar_slot);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, pipeline_revealer);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, pipeline_label);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, dashboard_bin);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, transactions_bin);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, quality_bin);
  gtk_widget_class_bind_template_child (widget_class, DpsWindow, pipeline_bin);
}

static void
dps_window_init (DpsWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkDropTarget *drop_target;
  GType drop_types[] = { GDK_TYPE_FILE_LIST };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->session = dps_session_new ();
  self->controller = g_object_ref (dps_pipeline_controller_get_for_session (self->session));
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);

  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/gtk/menus.ui");
  gtk_popover_menu_bar_set_menu_model (self->menu_bar,
                                       G_MENU_MODEL (gtk_builder_get_object (builder, "main-menu")));

  drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop_target, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect (drop_target, "drop", G_CALLBACK (files_dropped_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  g_signal_connect (self->session, "data-changed", G_CALLBACK (session_data_changed_cb), self);
  g_signal_connect (dps_session_get_runs (self->session), "items-changed",
                    G_CALLBACK (runs_changed_cb), self);
  g_signal_connect (self->controller, "notify", G_CALLBACK (controller_changed_cb), self);
  g_signal_connect (self->controller, "stopping", G_CALLBACK (controller_stopping_cb), self);

  if (g_getenv ("DPS_DEBUG_FRAMES") != NULL)
    g_signal_connect (self, "realize", G_CALLBACK (debug_realized_cb), self);

  install_pages (self);
  show_state (self, "loading");
  update_title (self);
  update_actions (self);
}

/* --- public API ---------------------------------------------------------------- */

DpsWindow *
dps_window_new (AdwApplication *application)
{
  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);
  return g_object_new (DPS_TYPE_WINDOW, "application", application, NULL);
}

DpsSession *
dps_window_get_session (DpsWindow *self)
{
  g_return_val_if_fail (DPS_IS_WINDOW (self), NULL);
  return self->session;
}

void
dps_window_open_database (DpsWindow  *self,
                          const char *uri,
                          gboolean    create,
                          gboolean    remember)
{
  g_return_if_fail (DPS_IS_WINDOW (self));
  g_return_if_fail (uri != NULL);

  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  g_cancellable_cancel (self->info_cancellable);
  g_clear_object (&self->info_cancellable);

  g_free (self->opening_uri);
  self->opening_uri = g_strdup (uri);
  self->opening_create = create;
  self->opening_remember = remember;
  self->open_cancellable = g_cancellable_new ();
  if (!self->database_open)
    show_state (self, "loading");
  update_actions (self);
  dps_session_open_async (self->session, uri, create, self->open_cancellable,
                          database_opened_cb, g_object_ref (self));
}

void
dps_window_set_page_content (DpsWindow  *self,
                             const char *name,
                             GtkWidget  *content)
{
  AdwBin *bin;

  g_return_if_fail (DPS_IS_WINDOW (self));
  g_return_if_fail (content == NULL || GTK_IS_WIDGET (content));

  bin = page_bin (self, name);
  g_return_if_fail (bin != NULL);
  adw_bin_set_child (bin, content);

  /* The views' commands, for the menus and shortcuts of the window. */
  if (g_str_equal (name, "pipeline"))
    gtk_widget_insert_action_group (GTK_WIDGET (self), "pipeline",
                                    DPS_IS_PIPELINE_PAGE (content)
                                    ? dps_pipeline_page_get_action_group (DPS_PIPELINE_PAGE (content)) : NULL);
  else if (g_str_equal (name, "quality"))
    gtk_widget_insert_action_group (GTK_WIDGET (self), "quality",
                                    DPS_IS_QUALITY_PAGE (content)
                                    ? dps_quality_page_get_action_group (DPS_QUALITY_PAGE (content)) : NULL);
}

GtkWidget *
dps_window_get_page_content (DpsWindow  *self,
                             const char *name)
{
  AdwBin *bin;

  g_return_val_if_fail (DPS_IS_WINDOW (self), NULL);

  bin = page_bin (self, name);
  return bin != NULL ? adw_bin_get_child (bin) : NULL;
}

void
dps_window_set_filter_bar (DpsWindow *self,
                           GtkWidget *bar)
{
  g_return_if_fail (DPS_IS_WINDOW (self));
  g_return_if_fail (bar == NULL || GTK_IS_WIDGET (bar));

  if (self->filter_bar != NULL)
    gtk_box_remove (self->filter_bar_slot, self->filter_bar);
  self->filter_bar = bar;
  if (bar != NULL)
    gtk_box_append (self->filter_bar_slot, bar);
  update_actions (self);
}

const char *
dps_window_get_content_state (DpsWindow *self)
{
  g_return_val_if_fail (DPS_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}
