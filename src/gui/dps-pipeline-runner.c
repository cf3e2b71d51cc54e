/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-format.h"
#include "dps-pipeline-runner.h"

#define STATUS_INTERVAL_MS 500

struct _DpsPipelineRunner
{
  GObject        parent_instance;

  /* Owned. */
  DpsSession    *session;
  GSettings     *settings;
  DpsScheduler  *scheduler;
  GCancellable  *starting;          /* opening the scheduler's connection */
  char          *path;
  char          *status;

  guint          status_id;
  guint          stopping;          /* schedulers still stopping */
  gint64         loaded_seen;       /* rows the current run had at the last notice */
  gint64         last_notice;       /* monotonic */
  gint64         last_run_id;
};

G_DEFINE_FINAL_TYPE (DpsPipelineRunner, dps_pipeline_runner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_ACTIVE,
  PROP_BUSY,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the scheduler's factory needs, owned by the scheduler. */
typedef struct {
  char  *path;
  gsize  max_line_length;
  guint  poll_ms;
} SourceSpec;

static void
source_spec_free (gpointer data)
{
  SourceSpec *spec = data;

  g_free (spec->path);
  g_free (spec);
}

/* Runs on the scheduler's thread. */
static DpsSource *
make_source (gpointer user_data)
{
  SourceSpec *spec = user_data;

  if (g_file_test (spec->path, G_FILE_TEST_IS_DIR))
    return dps_folder_source_new (spec->path, spec->max_line_length, spec->poll_ms);
  return dps_file_source_new (spec->path, TRUE, spec->max_line_length, spec->poll_ms);
}

static void
set_status (DpsPipelineRunner *self,
            const char        *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
notify_state (DpsPipelineRunner *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static char *
describe_path (DpsPipelineRunner *self)
{
  return g_path_get_basename (self->path);
}

static void
update_status (DpsPipelineRunner *self)
{
  g_autoptr(DpsEngine) engine = NULL;
  g_autofree char *name = NULL;
  g_autofree char *mode = NULL;
  g_autoptr(GString) text = NULL;
  DpsEngineMetrics m = { 0 };
  gint64 next;

  if (self->scheduler == NULL || self->path == NULL)
    {
      set_status (self, NULL);
      return;
    }

  name = describe_path (self);
  mode = g_settings_get_string (self->settings, "schedule-mode");
  engine = dps_scheduler_dup_engine (self->scheduler);
  next = dps_scheduler_get_next_run (self->scheduler);
  text = g_string_new (NULL);
  if (engine != NULL)
    dps_engine_get_metrics (engine, &m);

  if (g_str_equal (mode, "interval"))
    {
      guint minutes = g_settings_get_uint (self->settings, "schedule-interval-minutes");

      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "“%s” every minute", "“%s” every %u minutes",
                                           minutes),
                              name, minutes);
    }
  else
    /* TRANSLATORS: %s is a file or folder name */
    g_string_append_printf (text, _("Following “%s”"), name);

  if (engine != NULL && (m.state == DPS_ENGINE_STATE_RUNNING || m.state == DPS_ENGINE_STATE_WAITING))
    {
      g_autofree char *loaded = dps_format_count (m.rows_loaded);

      g_string_append (text, " — ");
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE, "%s row loaded", "%s rows loaded",
                                           dps_format_plural (m.rows_loaded)),
                              loaded);
      if (m.state == DPS_ENGINE_STATE_RUNNING && m.rate_recent > 0)
        {
          g_autofree char *rate = dps_format_count ((gint64) (m.rate_recent + 0.5));

          g_string_append (text, " · ");
          g_string_append_printf (text, _("%s rows/s"), rate);
        }
      else if (m.state == DPS_ENGINE_STATE_WAITING)
        {
          g_string_append (text, " · ");
          g_string_append (text, _("waiting for new lines"));
        }

      /* Views hear of what the run loads at most once a second. */
      if (m.rows_loaded + m.rows_rejected + m.rows_duplicate != self->loaded_seen &&
          g_get_monotonic_time () - self->last_notice >= G_USEC_PER_SEC)
        {
          self->loaded_seen = m.rows_loaded + m.rows_rejected + m.rows_duplicate;
          self->last_notice = g_get_monotonic_time ();
          dps_session_data_changed (self->session);
        }
    }
  else if (engine != NULL)
    {
      g_autoptr(DpsRunRecord) run = dps_engine_dup_run (engine);

      if (run != NULL && run->status == DPS_RUN_STATUS_FAILED && run->error != NULL)
        {
          g_string_append (text, " — ");
          /* TRANSLATORS: %s is the error message of the last run */
          g_string_append_printf (text, _("last run failed: %s"), run->error);
        }
      else if (run != NULL)
        {
          g_autofree char *loaded = dps_format_count (run->rows_loaded);

          g_string_append (text, " — ");
          g_string_append_printf (text,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "last run loaded %s row", "last run loaded %s rows",
                                               dps_format_plural (run->rows_loaded)),
                                  loaded);
        }
    }

  if (next > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (next / G_USEC_PER_SEC);
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

      if (local != NULL)
        {
          g_autofree char *at = g_date_time_format (local, "%X");

          g_string_append (text, " · ");
          /* TRANSLATORS: %s is a time of day */
          g_string_append_printf (text, _("next run at %s"), at);
        }
    }
  set_status (self, text->str);
}

static gboolean
status_tick_cb (gpointer user_data)
{
  update_status (DPS_PIPELINE_RUNNER (user_data));
  return G_SOURCE_CONTINUE;
}

static void
scheduler_run_finished_cb (DpsScheduler      *scheduler,
                           gint64             run_id,
                           DpsPipelineRunner *self)
{
  self->last_run_id = run_id;
  self->loaded_seen = 0;
  self->last_notice = g_get_monotonic_time ();
  dps_session_data_changed (self->session);
  update_status (self);
}

static void
scheduler_run_started_cb (DpsScheduler      *scheduler,
                          gint64             run_id,
                          DpsPipelineRunner *self)
{
  self->loaded_seen = 0;
  update_status (self);
}

static void
stop_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  dps_scheduler_stop (DPS_SCHEDULER (task_data));
  g_task_return_boolean (task, TRUE);
}

static void
stopped_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DpsPipelineRunner *self = DPS_PIPELINE_RUNNER (object);

  g_assert (self->stopping > 0);
  self->stopping--;
  dps_session_data_changed (self->session);
  notify_state (self);
}

static void
stop_scheduler (DpsPipelineRunner *self)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->starting);
  g_clear_object (&self->starting);
  if (self->scheduler == NULL)
    {
      notify_state (self);
      return;
    }

  g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_handle_id (&self->status_id, g_source_remove);
  self->stopping++;
  /* Stopping commits the current batch and joins the scheduler's thread. */
  task = g_task_new (self, NULL, stopped_cb, NULL);
  g_task_set_source_tag (task, stop_scheduler);
  g_task_set_task_data (task, g_steal_pointer (&self->scheduler), g_object_unref);
  g_task_run_in_thread (task, stop_in_thread);
  set_status (self, NULL);
  notify_state (self);
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DpsSession *session = task_data;
  GError *error = NULL;
  DpsRepository *repository = dps_session_open_reader (session, &error);

  if (repository == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, repository, g_object_unref);
}

static void
connection_opened_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  DpsPipelineRunner *self = DPS_PIPELINE_RUNNER (object);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mode = NULL;
  DpsScheduleOptions options;
  DpsEngineOptions engine_options;
  SourceSpec *spec;

  repository = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_task_get_cancellable (G_TASK (result)) != self->starting)
    return;   /* superseded or stopped meanwhile */
  g_clear_object (&self->starting);
  if (repository == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The pipeline could not start: %s"), error->message);

      set_status (self, text);
      notify_state (self);
      return;
    }

  mode = g_settings_get_string (self->settings, "schedule-mode");
  dps_schedule_options_init (&options);
  options.mode = g_str_equal (mode, "interval") ? DPS_SCHEDULE_INTERVAL : DPS_SCHEDULE_CONTINUOUS;
  options.interval_seconds = g_settings_get_uint (self->settings, "schedule-interval-minutes") * 60;
  options.max_reject_rate = g_settings_get_double (self->settings, "reject-rate-threshold");
  dps_pipeline_runner_get_engine_options (self, &engine_options);

  spec = g_new0 (SourceSpec, 1);
  spec->path = g_strdup (self->path);
  spec->max_line_length = engine_options.max_line_length;
  spec->poll_ms = g_settings_get_uint (self->settings, "follow-poll-ms");

  self->scheduler = dps_scheduler_new (repository, make_source, spec, source_spec_free,
                                       &engine_options, &options);
  g_signal_connect (self->scheduler, "run-started", G_CALLBACK (scheduler_run_started_cb), self);
  g_signal_connect (self->scheduler, "run-finished", G_CALLBACK (scheduler_run_finished_cb), self);
  dps_scheduler_start (self->scheduler);
  self->loaded_seen = 0;
  self->status_id = g_timeout_add (STATUS_INTERVAL_MS, status_tick_cb, self);
  update_status (self);
  notify_state (self);
}

static void
start_scheduler (DpsPipelineRunner *self)
{
  g_autoptr(GTask) task = NULL;

  stop_scheduler (self);
  if (self->path == NULL)
    return;

  self->starting = g_cancellable_new ();
  task = g_task_new (self, self->starting, connection_opened_cb, NULL);
  g_task_set_source_tag (task, start_scheduler);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_object_ref (self->session), g_object_unref);
  g_task_run_in_thread (task, open_in_thread);
  notify_state (self);
}

static void
dps_pipeline_runner_dispose (GObject *object)
{
  DpsPipelineRunner *self = DPS_PIPELINE_RUNNER (object);

  g_clear_handle_id (&self->status_id, g_source_remove);
  g_cancellable_cancel (self->starting);
  g_clear_object (&self->starting);
  if (self->scheduler != NULL)
    {
      /* Last resort: the window stops the runner before it goes. */
      g_signal_handlers_disconnect_by_data (self->scheduler, self);
      dps_scheduler_stop (self->scheduler);
      g_clear_object (&self->scheduler);
    }
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dps_pipeline_runner_parent_class)->dispose (object);
}

static void
dps_pipeline_runner_finalize (GObject *object)
{
  DpsPipelineRunner *self = DPS_PIPELINE_RUNNER (object);

  g_free (self->path);
  g_free (self->status);

  G_OBJECT_CLASS (dps_pipeline_runner_parent_class)->finalize (object);
}

static void
dps_pipeline_runner_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DpsPipelineRunner *self = DPS_PIPELINE_RUNNER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, dps_pipeline_runner_is_active (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, dps_pipeline_runner_is_busy (self));
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_pipeline_runner_class_init (DpsPipelineRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dps_pipeline_runner_dispose;
  object_class->finalize = dps_pipeline_runner_finalize;
  object_class->get_property = dps_pipeline_runner_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dps_pipeline_runner_init (DpsPipelineRunner *self)
{
}

DpsPipelineRunner *
dps_pipeline_runner_new (DpsSession *session,
                         GSettings  *settings)
{
  DpsPipelineRunner *self;

  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DPS_TYPE_PIPELINE_RUNNER, NULL);
  self->session = g_object_ref (session);
  self->settings = g_object_ref (settings);
  return self;
}

void
dps_pipeline_runner_follow (DpsPipelineRunner *self,
                            const char        *path)
{
  g_return_if_fail (DPS_IS_PIPELINE_RUNNER (self));
  g_return_if_fail (path != NULL);

  g_free (self->path);
  self->path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  start_scheduler (self);
}

const char *
dps_pipeline_runner_get_path (DpsPipelineRunner *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_RUNNER (self), NULL);
  return self->path;
}

gboolean
dps_pipeline_runner_run_now (DpsPipelineRunner *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_RUNNER (self), FALSE);

  if (self->scheduler == NULL)
    return FALSE;
  dps_scheduler_run_now (self->scheduler);
  return TRUE;
}

DpsSource *
dps_pipeline_runner_create_source (DpsPipelineRunner *self)
{
  DpsEngineOptions options;
  SourceSpec spec;

  g_return_val_if_fail (DPS_IS_PIPELINE_RUNNER (self), NULL);

  if (self->path == NULL)
    return NULL;
  dps_engine_options_init (&options);
  spec.path = self->path;
  spec.max_line_length = options.max_line_length;
  spec.poll_ms = g_settings_get_uint (self->settings, "follow-poll-ms");
  return make_source (&spec);
}

void
dps_pipeline_runner_apply_schedule (DpsPipelineRunner *self)
{
  g_autofree char *mode = NULL;

  g_return_if_fail (DPS_IS_PIPELINE_RUNNER (self));

  mode = g_settings_get_string (self->settings, "schedule-mode");
  if (g_str_equal (mode, "off"))
    stop_scheduler (self);
  else if (self->path != NULL)
    start_scheduler (self);
}

void
dps_pipeline_runner_stop (DpsPipelineRunner *self)
{
  g_return_if_fail (DPS_IS_PIPELINE_RUNNER (self));
  stop_scheduler (self);
}

gboolean
dps_pipeline_runner_is_active (DpsPipelineRunner *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_RUNNER (self), FALSE);
  return self->scheduler != NULL;
}

gboolean
dps_pipeline_runner_is_busy (DpsPipelineRunner *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_RUNNER (self), FALSE);
  return self->scheduler != NULL || self->starting != NULL || self->stopping > 0;
}

const char *
dps_pipeline_runner_get_status (DpsPipelineRunner *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_RUNNER (self), NULL);
  return self->status;
}

void
dps_pipeline_runner_get_engine_options (DpsPipelineRunner *self,
                                        DpsEngineOptions  *options)
{
  g_return_if_fail (DPS_IS_PIPELINE_RUNNER (self));
  g_return_if_fail (options != NULL);

  dps_engine_options_init (options);
  options->batch_rows = g_settings_get_uint (self->settings, "batch-size");
  options->batch_interval_ms = g_settings_get_uint (self->settings, "batch-interval-ms");
}
