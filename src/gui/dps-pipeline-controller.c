/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-format.h"
#if HAVE_KAFKA
#include "dps-kafka-settings.h"
#endif
#include "dps-pipeline-controller.h"
#include "dps-quality-checks.h"

#define CONTROLLER_KEY "dps-pipeline-controller"

struct _DpsPipelineController
{
  GObject        parent_instance;

  /* Borrowed: the session owns its controller. */
  DpsSession    *session;

  /* Owned. */
  GSettings     *settings;
  DpsScheduler  *scheduler;          /* NULL while the schedule is off or cannot run */
  GCancellable  *schedule_cancellable; /* opening the scheduler's connection */
  char          *schedule_problem;

  GPtrArray     *engines;            /* DpsEngine*: the session's runs it started, going on */
  char          *status;

  /* Scheduler bookkeeping (main thread). */
  gboolean       scheduler_busy;     /* between its run-started and run-finished */
  guint          tick_id;            /* 1 s while a run or the scheduler goes on */
  guint          stopping;           /* schedulers still stopping */
  gint64         next_run;
  gint64         loaded_seen;        /* lines the scheduler's engine had done */
  gboolean       running;            /* last notified value of "running" */
  gboolean       busy;               /* last notified value of "busy" */
  gboolean       shut_down;          /* nothing starts again */
};

G_DEFINE_FINAL_TYPE (DpsPipelineController, dps_pipeline_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_RUNNING,
  PROP_SCHEDULE_ACTIVE,
  PROP_NEXT_RUN,
  PROP_SCHEDULE_PROBLEM,
  PROP_STATUS,
  PROP_BUSY,
  N_PROPS
};

enum {
  RUN_CHECKED,
  STOPPING,
  N_SIGNALS
};

/* Object data on the engines of Run Now: they end once idle. */
#define RUN_ONCE_KEY "dps-pipeline-run-once"
/* Object data on the Kafka sources it made: the topic, for people. */
#define KAFKA_TOPIC_KEY "dps-pipeline-kafka-topic"

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  DpsRunRecord *run;
  double        max_reject_rate;
  gint32        day_from;
  gint32        day_to;
} CheckJob;

static void
check_job_free (gpointer data)
{
  CheckJob *job = data;

  g_clear_pointer (&job->run, dps_run_record_free);
  g_free (job);
}

/* ---------------------------------------------------------------------- */

static void update_status (DpsPipelineController *self);
static void update_tick (DpsPipelineController *self);

static void
update_running (DpsPipelineController *self)
{
  gboolean running = dps_pipeline_controller_is_running (self);
  gboolean busy = dps_pipeline_controller_is_busy (self);

  if (running != self->running)
    {
      self->running = running;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
  if (busy != self->busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  update_tick (self);
  update_status (self);
}

static DpsEngine *
newest_own_engine (DpsPipelineController *self)
{
  return self->engines->len > 0 ? g_ptr_array_index (self->engines, self->engines->len - 1) : NULL;
}

/* " — 1,200 rows loaded · 300 rows/s" while @engine runs, or what its
 * last run did once over. */
static void
append_progress (GString   *text,
                 DpsEngine *engine)
{
  DpsEngineMetrics m;

  dps_engine_get_metrics (engine, &m);
  if (m.state == DPS_ENGINE_STATE_RUNNING || m.state == DPS_ENGINE_STATE_WAITING)
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
      else if (m.state == DPS_ENGINE_STATE_WAITING &&
               g_strcmp0 (dps_source_get_kind (dps_engine_get_source (engine)), "kafka") == 0 &&
               m.waiting_reason[0] != '\0')
        {
          /* A broker down, a group forming: the source knows best. */
          g_string_append (text, " · ");
          g_string_append (text, m.waiting_reason);
        }
      else if (m.state == DPS_ENGINE_STATE_WAITING)
        {
          g_string_append (text, " · ");
          g_string_append (text, _("waiting for new lines"));
        }
    }
  else
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
}

/* One line for people: the newest run this controller started, else
 * the schedule; NULL when neither goes on. */
static char *
describe (DpsPipelineController *self)
{
  DpsEngine *engine = newest_own_engine (self);
  DpsPipelineSchedule schedule = dps_pipeline_controller_get_schedule (self);
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->shut_down)
    return NULL;

  if (engine != NULL)
    {
      DpsSource *source = dps_engine_get_source (engine);
      g_autofree char *name = g_path_get_basename (dps_source_get_description (source));

      if (g_strcmp0 (dps_source_get_kind (source), "generator") == 0)
        /* TRANSLATORS: what the pipeline status bar says while the generator runs */
        g_string_append (text, _("The live generator"));
      else if (g_object_get_data (G_OBJECT (source), KAFKA_TOPIC_KEY) != NULL)
        /* TRANSLATORS: %s is a Kafka topic */
        g_string_append_printf (text, _("Consuming the Kafka topic “%s”"),
                                (const char *) g_object_get_data (G_OBJECT (source), KAFKA_TOPIC_KEY));
      else if (g_object_get_data (G_OBJECT (engine), RUN_ONCE_KEY) != NULL)
        /* TRANSLATORS: %s is a file or folder name */
        g_string_append_printf (text, _("Running the pipeline on “%s”"), name);
      else
        /* TRANSLATORS: %s is a file or folder name */
        g_string_append_printf (text, _("Following “%s”"), name);
      append_progress (text, engine);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  if (schedule == DPS_PIPELINE_SCHEDULE_OFF)
    return NULL;
  if (self->schedule_problem != NULL)
    return g_strdup (self->schedule_problem);

  {
    g_autofree char *path = g_settings_get_string (self->settings, "schedule-source-path");
    g_autofree char *name = g_path_get_basename (path);

    if (schedule == DPS_PIPELINE_SCHEDULE_INTERVAL)
      {
        guint minutes = dps_pipeline_controller_get_interval_minutes (self);

        g_string_append_printf (text,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "“%s” every minute", "“%s” every %u minutes",
                                             minutes),
                                name, minutes);
      }
    else
      g_string_append_printf (text, _("Following “%s”"), name);
  }

  if (self->scheduler != NULL)
    {
      g_autoptr(DpsEngine) scheduled = dps_scheduler_dup_engine (self->scheduler);

      if (scheduled != NULL)
        append_progress (text, scheduled);
    }
  if (self->next_run > 0)
    {
      g_autofree char *at = dps_format_local_time (self->next_run);

      g_string_append (text, " · ");
      /* TRANSLATORS: %s is a time of day */
      g_string_append_printf (text, _("next run at %s"), at);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_status (DpsPipelineController *self)
{
  g_autofree char *status = describe (self);

  if (g_strcmp0 (status, self->status) == 0)
    return;
  g_free (self->status);
  self->status = g_steal_pointer (&status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_schedule_problem (DpsPipelineController *self,
                      const char            *problem)
{
  if (g_strcmp0 (problem, self->schedule_problem) == 0)
    return;
  g_free (self->schedule_problem);
  self->schedule_problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEDULE_PROBLEM]);
}

static void
set_next_run (DpsPipelineController *self,
              gint64                 next_run)
{
  if (next_run == self->next_run)
    return;
  self->next_run = next_run;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_RUN]);
}

/* Is @path read now by a run of the session or by the schedule? */
static gboolean
path_is_busy (DpsPipelineController *self,
              const char            *path)
{
  GListModel *runs = dps_session_get_runs (self->session);
  guint n = g_list_model_get_n_items (runs);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpsEngine) engine = g_list_model_get_item (runs, i);
      DpsSource *source = dps_engine_get_source (engine);
      const char *kind = dps_source_get_kind (source);

      if ((g_strcmp0 (kind, "follow") == 0 || g_strcmp0 (kind, "folder") == 0 ||
           g_strcmp0 (kind, "import") == 0) &&
          g_strcmp0 (dps_source_get_description (source), path) == 0)
        return TRUE;
    }
  if (self->scheduler != NULL)
    {
      g_autofree char *scheduled = g_settings_get_string (self->settings, "schedule-source-path");

      return g_strcmp0 (scheduled, path) == 0;
    }
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* the schedule                                                           */

static void
stop_scheduler_in_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  /* Waits for the current run to commit what it read. */
  dps_scheduler_stop (DPS_SCHEDULER (task_data));
  g_task_return_boolean (task, TRUE);
}

static void
scheduler_stopped_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  DpsPipelineController *self = DPS_PIPELINE_CONTROLLER (object);

  g_assert (self->stopping > 0);
  self->stopping--;
  update_running (self);
  /* The last run's end and checks are in the database now. */
  if (self->session != NULL)
    dps_session_data_changed (self->session);
}

static void
drop_scheduler (DpsPipelineController *self)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->schedule_cancellable);
  g_clear_object (&self->schedule_cancellable);
  set_next_run (self, 0);

  if (self->scheduler == NULL)
    {
      update_running (self);
      return;
    }

  g_signal_handlers_disconnect_by_data (self->scheduler, self);
  /* Stopping joins the scheduler's thread, which may be committing. */
  self->stopping++;
  task = g_task_new (self, NULL, scheduler_stopped_cb, NULL);
  g_task_set_source_tag (task, drop_scheduler);
  g_task_set_task_data (task, g_steal_pointer (&self->scheduler), g_object_unref);
  g_task_run_in_thread (task, stop_scheduler_in_thread);

  self->scheduler_busy = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEDULE_ACTIVE]);
  update_running (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  DpsPipelineController *self = user_data;

  if (self->scheduler != NULL)
    {
      g_autoptr(DpsEngine) engine = NULL;

      set_next_run (self, dps_scheduler_get_next_run (self->scheduler));

      /* Scheduled runs do not go through the session: tell the views
       * when they land rows, at most once a second. */
      engine = dps_scheduler_dup_engine (self->scheduler);
      if (engine != NULL && self->scheduler_busy)
        {
          DpsEngineMetrics m;
          gint64 done;

          dps_engine_get_metrics (engine, &m);
          done = m.rows_loaded + m.rows_rejected + m.rows_duplicate;
          if (done != self->loaded_seen)
            {
              self->loaded_seen = done;
              dps_session_data_changed (self->session);
            }
        }
    }
  update_status (self);
  return G_SOURCE_CONTINUE;
}

/* The status changes with the runs' metrics: sampled every second
 * while a run or the scheduler goes on. */
static void
update_tick (DpsPipelineController *self)
{
  gboolean wanted = !self->shut_down && (self->scheduler != NULL || self->engines->len > 0);

  if (wanted && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  else if (!wanted)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
scheduled_run_started_cb (DpsScheduler *scheduler,
                          gint64        run_id,
                          gpointer      user_data)
{
  DpsPipelineController *self = user_data;

  self->scheduler_busy = TRUE;
  self->loaded_seen = 0;
  set_next_run (self, 0);
  update_running (self);
}

static void
scheduled_run_finished_cb (DpsScheduler *scheduler,
                           gint64        run_id,
                           gpointer      user_data)
{
  DpsPipelineController *self = user_data;

  self->scheduler_busy = FALSE;
  set_next_run (self, dps_scheduler_get_next_run (scheduler));
  update_running (self);
  dps_session_data_changed (self->session);
  if (run_id > 0)
    g_signal_emit (self, signals[RUN_CHECKED], 0, run_id);
}

static void
open_scheduler_repository_in_thread (GTask        *task,
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
scheduler_repository_opened_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  DpsPipelineController *self = DPS_PIPELINE_CONTROLLER (object);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(GError) error = NULL;
  DpsScheduleOptions options;
  DpsEngineOptions engine_options;
  g_autofree char *path = NULL;

  repository = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->schedule_cancellable ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_clear_object (&self->schedule_cancellable);
  if (repository == NULL)
    {
      g_autofree char *problem = g_strdup_printf (_("The schedule cannot open the database: %s"),
                                                  error->message);
      set_schedule_problem (self, problem);
      update_running (self);
      return;
    }

  dps_schedule_options_init (&options);
  options.mode = dps_pipeline_controller_get_schedule (self) == DPS_PIPELINE_SCHEDULE_CONTINUOUS
                 ? DPS_SCHEDULE_CONTINUOUS : DPS_SCHEDULE_INTERVAL;
  options.interval_seconds = dps_pipeline_controller_get_interval_minutes (self) * 60;
  options.max_reject_rate = g_settings_get_double (self->settings, "reject-rate-threshold");
  dps_pipeline_controller_get_engine_options (self, &engine_options);

  path = g_settings_get_string (self->settings, "schedule-source-path");
  self->scheduler = dps_scheduler_new_for_path (repository, path, dps_pipeline_controller_get_poll_interval (self),
                                                &engine_options, &options);
  g_signal_connect (self->scheduler, "run-started", G_CALLBACK (scheduled_run_started_cb), self);
  g_signal_connect (self->scheduler, "run-finished", G_CALLBACK (scheduled_run_finished_cb), self);
  dps_scheduler_start (self->scheduler);

  set_schedule_problem (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEDULE_ACTIVE]);
  update_running (self);
}

/* Brings the scheduler in line with the settings and the open database. */
static void
apply_schedule (DpsPipelineController *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  drop_scheduler (self);

  if (self->shut_down || dps_pipeline_controller_get_schedule (self) == DPS_PIPELINE_SCHEDULE_OFF)
    {
      set_schedule_problem (self, NULL);
      update_status (self);
      return;
    }
  if (dps_session_get_uri (self->session) == NULL)
    {
      set_schedule_problem (self, _("No database is open"));
      update_status (self);
      return;
    }
  path = g_settings_get_string (self->settings, "schedule-source-path");
  if (path[0] == '\0')
    {
      set_schedule_problem (self, _("Choose the file or folder the schedule reads"));
      update_status (self);
      return;
    }

  set_schedule_problem (self, NULL);
  self->schedule_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->schedule_cancellable, scheduler_repository_opened_cb, NULL);
  g_task_set_source_tag (task, apply_schedule);
  g_task_set_task_data (task, g_object_ref (self->session), g_object_unref);
  g_task_run_in_thread (task, open_scheduler_repository_in_thread);
  update_running (self);
}

static void
schedule_setting_changed_cb (GSettings  *settings,
                             const char *key,
                             gpointer    user_data)
{
  /* A dialog writing the three keys at once restarts the scheduler
   * once: each change cancels the start the one before began. */
  apply_schedule (DPS_PIPELINE_CONTROLLER (user_data));
}

static void
session_uri_changed_cb (DpsSession *session,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  DpsPipelineController *self = DPS_PIPELINE_CONTROLLER (user_data);

  /* The pipeline belongs to the database it writes to: what it follows
   * for the one closed stops there. */
  for (guint i = 0; i < self->engines->len; i++)
    dps_engine_stop (g_ptr_array_index (self->engines, i));
  apply_schedule (self);
}

static void
session_runs_changed_cb (GListModel *runs,
                         guint       position,
                         guint       removed,
                         guint       added,
                         gpointer    user_data)
{
  update_running (DPS_PIPELINE_CONTROLLER (user_data));
}

/* ---------------------------------------------------------------------- */
/* quality checks of the session's runs                                   */

static void
check_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DpsSession *session = source_object;
  CheckJob *job = task_data;
  DpsRepository *repository = dps_session_get_repository (session);
  DpsQualityCheckOptions options = { job->max_reject_rate, job->day_from, job->day_to };
  GError *error = NULL;
  gboolean passed;

  if (repository == NULL)
    {
      g_task_return_new_error (task, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND,
                               _("No database is open"));
      return;
    }
  if (!dps_quality_checks_run (repository, job->run, &options, &passed, &error) ||
      !dps_repository_update_run (repository, job->run, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DpsPipelineController) self = user_data;
  CheckJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("Quality checks of run %" G_GINT64_FORMAT " failed to run: %s",
                 job->run->id, error->message);
      return;
    }
  if (self->session != NULL)
    dps_session_data_changed (self->session);
  g_signal_emit (self, signals[RUN_CHECKED], 0, job->run->id);
}

static void
session_run_finished_cb (DpsSession *session,
                         DpsEngine  *engine,
                         GError     *error,
                         gpointer    user_data)
{
  DpsPipelineController *self = user_data;
  g_autoptr(DpsRunRecord) run = dps_engine_dup_run (engine);
  g_autoptr(GTask) task = NULL;
  DpsEngineMetrics metrics;
  CheckJob *job;

  g_ptr_array_remove (self->engines, engine);
  update_running (self);

  /* Only loads that went through are checked, as the scheduler does. */
  if (error != NULL || run == NULL || run->id <= 0 || run->status != DPS_RUN_STATUS_SUCCEEDED)
    return;

  dps_engine_get_metrics (engine, &metrics);
  job = g_new0 (CheckJob, 1);
  job->run = g_steal_pointer (&run);
  job->max_reject_rate = g_settings_get_double (self->settings, "reject-rate-threshold");
  job->day_from = metrics.last_batch_day_from;
  job->day_to = metrics.last_batch_day_to;

  task = g_task_new (session, NULL, checked_cb, g_object_ref (self));
  g_task_set_source_tag (task, session_run_finished_cb);
  g_task_set_task_data (task, job, check_job_free);
  g_task_run_in_thread (task, check_in_thread);
}

/* ---------------------------------------------------------------------- */
/* starting runs                                                          */

/* @path followed as it grows: a JSON Lines file, or a folder of them. */
static DpsSource *
new_follow_source (DpsPipelineController *self,
                   const char            *path)
{
  DpsEngineOptions options;

  dps_pipeline_controller_get_engine_options (self, &options);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return dps_folder_source_new (path, options.max_line_length,
                                  dps_pipeline_controller_get_poll_interval (self));
  return dps_file_source_new (path, TRUE, options.max_line_length,
                              dps_pipeline_controller_get_poll_interval (self));
}

static void
run_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DpsPipelineController *self = g_task_get_source_object (task);
  GError *error = NULL;
  DpsEngine *engine = dps_session_start_run_finish (DPS_SESSION (object), result, &error);

  if (engine == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_get_task_data (task) != NULL)
    g_object_set_data (G_OBJECT (engine), RUN_ONCE_KEY, GINT_TO_POINTER (TRUE));
  /* Its "run-finished" comes later, from the main loop. */
  g_ptr_array_add (self->engines, g_object_ref (engine));
  update_running (self);
  g_task_return_pointer (task, engine, g_object_unref);
}

static void
start_source (DpsPipelineController *self,
              GTask                 *task,
              DpsSource             *source,
              gboolean               stop_when_idle)
{
  DpsEngineOptions options;

  dps_pipeline_controller_get_engine_options (self, &options);
  options.stop_when_idle = stop_when_idle;
  g_task_set_task_data (task, GINT_TO_POINTER (stop_when_idle), NULL);
  dps_session_start_run_async (self->session, source, &options, g_task_get_cancellable (task),
                               run_started_cb, g_object_ref (task));
}

static gboolean
check_can_start (DpsPipelineController *self,
                 GTask                 *task)
{
  if (self->session == NULL || dps_session_get_uri (self->session) == NULL)
    {
      g_task_return_new_error (task, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND,
                               _("No database is open"));
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */

static void
dps_pipeline_controller_dispose (GObject *object)
{
  DpsPipelineController *self = DPS_PIPELINE_CONTROLLER (object);

  g_cancellable_cancel (self->schedule_cancellable);
  g_clear_object (&self->schedule_cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->scheduler != NULL)
    {
      /* Going away with the session: stop here, committing what was read. */
      g_signal_handlers_disconnect_by_data (self->scheduler, self);
      dps_scheduler_stop (self->scheduler);
      g_clear_object (&self->scheduler);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->engines, g_ptr_array_unref);
  if (self->session != NULL)
    {
      g_settings_unbind (self->session, "pg-refresh-interval");
      g_object_remove_weak_pointer (G_OBJECT (self->session), (gpointer *) &self->session);
      self->session = NULL;
    }

  G_OBJECT_CLASS (dps_pipeline_controller_parent_class)->dispose (object);
}

static void
dps_pipeline_controller_finalize (GObject *object)
{
  DpsPipelineController *self = DPS_PIPELINE_CONTROLLER (object);

  g_free (self->schedule_problem);
  g_free (self->status);

  G_OBJECT_CLASS (dps_pipeline_controller_parent_class)->finalize (object);
}

static void
dps_pipeline_controller_constructed (GObject *object)
{
  DpsPipelineController *self = DPS_PIPELINE_CONTROLLER (object);

  G_OBJECT_CLASS (dps_pipeline_controller_parent_class)->constructed (object);

  g_assert (DPS_IS_SESSION (self->session));
  g_object_add_weak_pointer (G_OBJECT (self->session), (gpointer *) &self->session);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect (self->settings, "changed::schedule-mode",
                    G_CALLBACK (schedule_setting_changed_cb), self);
  g_signal_connect (self->settings, "changed::schedule-interval-minutes",
                    G_CALLBACK (schedule_setting_changed_cb), self);
  g_signal_connect (self->settings, "changed::schedule-source-path",
                    G_CALLBACK (schedule_setting_changed_cb), self);

  /* Every connection of the session refreshes PostgreSQL's summary as
   * often as the settings say. */
  g_settings_bind (self->settings, "pg-refresh-interval-seconds",
                   self->session, "pg-refresh-interval", G_SETTINGS_BIND_GET);

  g_signal_connect_object (self->session, "notify::uri",
                           G_CALLBACK (session_uri_changed_cb), self, 0);
  g_signal_connect_object (self->session, "run-finished",
                           G_CALLBACK (session_run_finished_cb), self, 0);
  g_signal_connect_object (dps_session_get_runs (self->session), "items-changed",
                           G_CALLBACK (session_runs_changed_cb), self, 0);

  apply_schedule (self);
}

static void
dps_pipeline_controller_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  DpsPipelineController *self = DPS_PIPELINE_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, dps_pipeline_controller_is_running (self));
      break;
    case PROP_SCHEDULE_ACTIVE:
      g_value_set_boolean (value, self->scheduler != NULL);
      break;
    case PROP_NEXT_RUN:
      g_value_set_int64 (value, self->next_run);
      break;
    case PROP_SCHEDULE_PROBLEM:
      g_value_set_string (value, self->schedule_problem);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, dps_pipeline_controller_is_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_pipeline_controller_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  DpsPipelineController *self = DPS_PIPELINE_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_get_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_pipeline_controller_class_init (DpsPipelineControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = dps_pipeline_controller_constructed;
  object_class->dispose = dps_pipeline_controller_dispose;
  object_class->finalize = dps_pipeline_controller_finalize;
  object_class->get_property = dps_pipeline_controller_get_property;
  object_class->set_property = dps_pipeline_controller_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCHEDULE_ACTIVE] =
    g_param_spec_boolean ("schedule-active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_RUN] =
    g_param_spec_int64 ("next-run", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCHEDULE_PROBLEM] =
    g_param_spec_string ("schedule-problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpsPipelineController::run-checked:
   * @run_id: the pipeline_runs id
   *
   * The quality checks of a finished run are recorded with it.
   */
  signals[RUN_CHECKED] = g_signal_new ("run-checked", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * DpsPipelineController::stopping:
   *
   * Stop was asked (or the controller shuts down): every run ends after
   * committing what it read. Work started elsewhere (an import) stops
   * with it.
   */
  signals[STOPPING] = g_signal_new ("stopping", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
}

static void
dps_pipeline_controller_init (DpsPipelineController *self)
{
  self->engines = g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---------------------------------------------------------------------- */
/* public API                                                             */

DpsPipelineController *
dps_pipeline_controller_get_for_session (DpsSession *session)
{
  DpsPipelineController *self;

  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);

  self = g_object_get_data (G_OBJECT (session), CONTROLLER_KEY);
  if (self == NULL)
    {
      self = g_object_new (DPS_TYPE_PIPELINE_CONTROLLER, "session", session, NULL);
      g_object_set_data_full (G_OBJECT (session), CONTROLLER_KEY, self, g_object_unref);
    }
  return self;
}

DpsSession *
dps_pipeline_controller_get_session (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), NULL);
  return self->session;
}

GSettings *
dps_pipeline_controller_get_settings (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), NULL);
  return self->settings;
}

void
dps_pipeline_controller_follow_async (DpsPipelineController *self,
                                      const char            *path,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autofree char *display = NULL;

  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_pipeline_controller_follow_async);
  if (!check_can_start (self, task))
    return;

  display = g_filename_display_name (path);
  if (path_is_busy (self, path))
    {
      g_task_return_new_error (task, DPS_ENGINE_ERROR, DPS_ENGINE_ERROR_BUSY,
                               _("“%s” is already being read"), display);
      return;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_NOT_FOUND,
                               _("“%s” does not exist"), display);
      return;
    }

  source = new_follow_source (self, path);

  /* While the schedule is off, what was followed last is what it will
   * read; a schedule that is on keeps its own source. */
  if (dps_pipeline_controller_get_schedule (self) == DPS_PIPELINE_SCHEDULE_OFF)
    g_settings_set_string (self->settings, "schedule-source-path", path);

  start_source (self, task, source, FALSE);
}

void
dps_pipeline_controller_start_generator_async (DpsPipelineController *self,
                                               double                 rate,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions options;

  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));
  g_return_if_fail (rate >= 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_pipeline_controller_start_generator_async);
  if (!check_can_start (self, task))
    return;

  dps_generator_options_init (&options);
  options.rows = 0;
  options.live = TRUE;
  options.dirty_ratio = g_settings_get_double (self->settings, "generator-dirty-ratio");
  options.seed = g_settings_get_uint (self->settings, "generator-seed");
  /* Seed 0 asks for new data each run: the same seed would only repeat
   * transaction ids the database already holds. */
  if (options.seed == 0)
    options.seed = ((guint64) g_random_int () << 32) | g_random_int ();
  if (!dps_generator_options_validate (&options, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  source = dps_generator_source_new (&options, rate);
  start_source (self, task, source, FALSE);
}

#if HAVE_KAFKA
/* Is the topic read now, in the same group, by a run of the session? */
static gboolean
kafka_is_busy (DpsPipelineController *self,
               const char            *source_key)
{
  GListModel *runs = dps_session_get_runs (self->session);
  guint n = g_list_model_get_n_items (runs);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpsEngine) engine = g_list_model_get_item (runs, i);
      DpsSource *source = dps_engine_get_source (engine);

      if (DPS_IS_KAFKA_SOURCE (source) &&
          g_strcmp0 (dps_kafka_source_get_source_key (source), source_key) == 0)
        return TRUE;
    }
  return FALSE;
}
#endif

void
dps_pipeline_controller_consume_kafka_async (DpsPipelineController *self,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
#if HAVE_KAFKA
  g_autoptr(DpsKafkaSettings) kafka = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(GError) error = NULL;
  DpsEngineOptions options;
#endif

  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_pipeline_controller_consume_kafka_async);
  if (!check_can_start (self, task))
    return;

#if HAVE_KAFKA
  kafka = dps_kafka_settings_load (self->settings, &error);
  if (kafka == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  dps_pipeline_controller_get_engine_options (self, &options);
  source = dps_kafka_source_new (kafka->brokers, kafka->topic, kafka->group, kafka->properties,
                                 options.max_line_length);
  if (kafka_is_busy (self, dps_kafka_source_get_source_key (source)))
    {
      /* TRANSLATORS: a Kafka topic and consumer group, like "“transactions” (group dps)" */
      g_task_return_new_error (task, DPS_ENGINE_ERROR, DPS_ENGINE_ERROR_BUSY,
                               _("“%s” (group %s) is already being consumed"), kafka->topic, kafka->group);
      return;
    }
  g_object_set_data_full (G_OBJECT (source), KAFKA_TOPIC_KEY, g_strdup (kafka->topic), g_free);
  /* Followed until stopped: the topic has no end. */
  start_source (self, task, source, FALSE);
#else
  g_task_return_new_error (task, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID,
                           _("This version was built without Kafka support"));
#endif
}

void
dps_pipeline_controller_run_now_async (DpsPipelineController *self,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autofree char *path = NULL;
  g_autofree char *display = NULL;

  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_pipeline_controller_run_now_async);
  if (!check_can_start (self, task))
    return;

  if (self->scheduler != NULL)
    {
      dps_scheduler_run_now (self->scheduler);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  path = g_settings_get_string (self->settings, "schedule-source-path");
  if (path[0] == '\0')
    {
      g_task_return_new_error (task, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID,
                               _("Nothing to run yet: follow a file or a folder first"));
      return;
    }
  display = g_filename_display_name (path);
  if (path_is_busy (self, path))
    {
      g_task_return_new_error (task, DPS_ENGINE_ERROR, DPS_ENGINE_ERROR_BUSY,
                               _("“%s” is already being read"), display);
      return;
    }

  source = new_follow_source (self, path);
  /* Like a scheduled run: what is new, then the run ends. */
  start_source (self, task, source, TRUE);
}

DpsEngine *
dps_pipeline_controller_start_finish (DpsPipelineController  *self,
                                      GAsyncResult           *result,
                                      GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
dps_pipeline_controller_stop (DpsPipelineController *self)
{
  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));

  g_signal_emit (self, signals[STOPPING], 0);
  if (self->session != NULL)
    dps_session_stop_runs (self->session);
  if (dps_pipeline_controller_get_schedule (self) != DPS_PIPELINE_SCHEDULE_OFF)
    dps_pipeline_controller_set_schedule (self, DPS_PIPELINE_SCHEDULE_OFF);
}

void
dps_pipeline_controller_shutdown (DpsPipelineController *self)
{
  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));

  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  g_signal_emit (self, signals[STOPPING], 0);
  if (self->session != NULL)
    dps_session_stop_runs (self->session);
  /* The settings stay: the schedule starts again with the next window. */
  apply_schedule (self);
}

gboolean
dps_pipeline_controller_is_busy (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), FALSE);

  return self->engines->len > 0 || self->scheduler != NULL ||
         self->schedule_cancellable != NULL || self->stopping > 0;
}

const char *
dps_pipeline_controller_get_status (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), NULL);
  return self->status;
}

void
dps_pipeline_controller_get_engine_options (DpsPipelineController *self,
                                            DpsEngineOptions      *options)
{
  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));
  g_return_if_fail (options != NULL);

  dps_engine_options_init (options);
  options->batch_rows = g_settings_get_uint (self->settings, "batch-size");
  options->batch_interval_ms = g_settings_get_uint (self->settings, "batch-interval-ms");
  options->commit_interval_ms = g_settings_get_uint (self->settings, "commit-interval-ms");
}

guint
dps_pipeline_controller_get_poll_interval (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), 0);
  return g_settings_get_uint (self->settings, "follow-poll-ms");
}

gboolean
dps_pipeline_controller_is_running (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), FALSE);

  if (self->session != NULL &&
      g_list_model_get_n_items (dps_session_get_runs (self->session)) > 0)
    return TRUE;
  return self->scheduler != NULL && self->scheduler_busy;
}

GPtrArray *
dps_pipeline_controller_list_engines (DpsPipelineController *self)
{
  GPtrArray *engines = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), engines);

  if (self->session != NULL)
    {
      GListModel *runs = dps_session_get_runs (self->session);
      guint n = g_list_model_get_n_items (runs);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (engines, g_list_model_get_item (runs, i));
    }
  if (self->scheduler != NULL && self->scheduler_busy)
    {
      DpsEngine *engine = dps_scheduler_dup_engine (self->scheduler);

      if (engine != NULL)
        g_ptr_array_add (engines, engine);
    }
  return engines;
}

DpsPipelineSchedule
dps_pipeline_controller_get_schedule (DpsPipelineController *self)
{
  g_autofree char *mode = NULL;

  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), DPS_PIPELINE_SCHEDULE_OFF);

  mode = g_settings_get_string (self->settings, "schedule-mode");
  if (g_strcmp0 (mode, "interval") == 0)
    return DPS_PIPELINE_SCHEDULE_INTERVAL;
  if (g_strcmp0 (mode, "continuous") == 0)
    return DPS_PIPELINE_SCHEDULE_CONTINUOUS;
  return DPS_PIPELINE_SCHEDULE_OFF;
}

void
dps_pipeline_controller_set_schedule (DpsPipelineController *self,
                                      DpsPipelineSchedule    schedule)
{
  static const char *const modes[] = { "off", "interval", "continuous" };

  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));
  g_return_if_fail ((guint) schedule < G_N_ELEMENTS (modes));

  g_settings_set_string (self->settings, "schedule-mode", modes[schedule]);
}

guint
dps_pipeline_controller_get_interval_minutes (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), 0);
  return g_settings_get_uint (self->settings, "schedule-interval-minutes");
}

void
dps_pipeline_controller_set_interval_minutes (DpsPipelineController *self,
                                              guint                  minutes)
{
  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));
  g_settings_set_uint (self->settings, "schedule-interval-minutes", CLAMP (minutes, 1u, 1440u));
}

char *
dps_pipeline_controller_dup_schedule_source (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), NULL);
  return g_settings_get_string (self->settings, "schedule-source-path");
}

void
dps_pipeline_controller_set_schedule_source (DpsPipelineController *self,
                                             const char            *path)
{
  g_return_if_fail (DPS_IS_PIPELINE_CONTROLLER (self));
  g_settings_set_string (self->settings, "schedule-source-path", path != NULL ? path : "");
}

gint64
dps_pipeline_controller_get_next_run (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), 0);
  return self->next_run;
}

gboolean
dps_pipeline_controller_get_schedule_active (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), FALSE);
  return self->scheduler != NULL;
}

const char *
dps_pipeline_controller_get_schedule_problem (DpsPipelineController *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (self), NULL);
  return self->schedule_problem;
}
