/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include "dps-file-source.h"
#include "dps-folder-source.h"
#include "dps-quality-checks.h"
#include "dps-scheduler.h"

struct _DpsScheduler
{
  GObject             parent_instance;

  /* Set at construction. */
  DpsRepository      *repository;
  DpsSourceFactory    factory;
  gpointer            factory_data;
  GDestroyNotify      factory_data_free;
  DpsEngineOptions    engine_options;
  DpsScheduleOptions  options;
  GMainContext       *context;          /* where signals go */

  GThread            *thread;

  /* Under lock. */
  GMutex              lock;
  GCond               wake;
  gboolean            stopping;
  gboolean            run_now;
  gint64              next_run;          /* real time, µs */
  DpsEngine          *engine;
};

G_DEFINE_FINAL_TYPE (DpsScheduler, dps_scheduler, G_TYPE_OBJECT)

enum {
  RUN_STARTED,
  RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  DpsScheduler *self;
  guint         signal;
  gint64        run_id;
} Emission;

static gboolean
emit_cb (gpointer data)
{
  Emission *emission = data;

  g_signal_emit (emission->self, signals[emission->signal], 0, emission->run_id);
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_object_unref (emission->self);
  g_free (emission);
}

static void
emit_later (DpsScheduler *self,
            guint         signal,
            gint64        run_id)
{
  Emission *emission = g_new0 (Emission, 1);

  emission->self = g_object_ref (self);
  emission->signal = signal;
  emission->run_id = run_id;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_cb, emission, emission_free);
}

/* Waits until @deadline (real time) unless woken; FALSE when stopping. */
static gboolean
wait_until (DpsScheduler *self,
            gint64        deadline)
{
  gboolean go_on;

  g_mutex_lock (&self->lock);
  self->next_run = deadline;
  while (!self->stopping && !self->run_now && g_get_real_time () < deadline)
    {
      gint64 left = deadline - g_get_real_time ();

      g_cond_wait_until (&self->wake, &self->lock, g_get_monotonic_time () + MIN (left, G_USEC_PER_SEC));
    }
  self->run_now = FALSE;
  self->next_run = 0;
  go_on = !self->stopping;
  g_mutex_unlock (&self->lock);
  return go_on;
}

static gboolean
run_once (DpsScheduler *self)
{
  g_autoptr(DpsSource) source = self->factory (self->factory_data);
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  DpsEngineOptions options = self->engine_options;
  DpsEngineMetrics metrics;
  gboolean ok;

  if (source == NULL)
    return FALSE;

  /* An interval run reads what is there, then ends. */
  options.stop_when_idle = self->options.mode == DPS_SCHEDULE_INTERVAL;
  engine = dps_engine_new (self->repository, source, &options);

  g_mutex_lock (&self->lock);
  if (self->stopping)
    {
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  g_clear_object (&self->engine);
  self->engine = g_object_ref (engine);
  g_mutex_unlock (&self->lock);

  emit_later (self, RUN_STARTED, 0);
  ok = dps_engine_run (engine, NULL, &error);
  run = dps_engine_dup_run (engine);
  dps_engine_get_metrics (engine, &metrics);

  if (ok && run != NULL && run->id > 0)
    {
      DpsQualityCheckOptions checks = { self->options.max_reject_rate,
                                        metrics.last_batch_day_from, metrics.last_batch_day_to };
      g_autoptr(GError) check_error = NULL;
      gboolean passed;

      if (!dps_quality_checks_run (self->repository, run, &checks, &passed, &check_error) ||
          !dps_repository_update_run (self->repository, run, &check_error))
        g_warning ("Quality checks of run %" G_GINT64_FORMAT " failed to run: %s",
                   run->id, check_error->message);
    }
  else if (!ok)
    g_debug ("Scheduled run failed: %s", error->message);

  emit_later (self, RUN_FINISHED, run != NULL ? run->id : 0);
  return ok;
}

static gpointer
scheduler_thread (gpointer data)
{
  DpsScheduler *self = data;
  guint failures = 0;

  for (;;)
    {
      gint64 started = g_get_real_time ();
      gint64 next;
      gboolean ok;

      g_mutex_lock (&self->lock);
      if (self->stopping)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      g_mutex_unlock (&self->lock);

      ok = run_once (self);
      failures = ok ? 0 : failures + 1;

      if (failures > 0)
        {
          /* Capped exponential backoff, with jitter. */
          gint64 wait = MIN ((gint64) 1 << MIN (failures, 16u), (gint64) self->options.max_backoff_seconds);

          wait = wait * G_USEC_PER_SEC * 3 / 4 + g_random_int_range (0, (gint32) (wait * G_USEC_PER_SEC / 2 + 1));
          next = g_get_real_time () + wait;
          if (self->options.mode == DPS_SCHEDULE_INTERVAL)
            next = MIN (next, started + (gint64) self->options.interval_seconds * G_USEC_PER_SEC);
        }
      else if (self->options.mode == DPS_SCHEDULE_INTERVAL)
        next = started + (gint64) self->options.interval_seconds * G_USEC_PER_SEC;
      else
        next = g_get_real_time ();   /* continuous: a follow run only ends when stopped */

      if (!wait_until (self, next))
        break;
    }
  return NULL;
}

static void
dps_scheduler_dispose (GObject *object)
{
  DpsScheduler *self = DPS_SCHEDULER (object);

  dps_scheduler_stop (self);
  g_clear_object (&self->engine);
  g_clear_object (&self->repository);
  if (self->factory_data_free != NULL)
    g_clear_pointer (&self->factory_data, self->factory_data_free);

  G_OBJECT_CLASS (dps_scheduler_parent_class)->dispose (object);
}

static void
dps_scheduler_finalize (GObject *object)
{
  DpsScheduler *self = DPS_SCHEDULER (object);

  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);

  G_OBJECT_CLASS (dps_scheduler_parent_class)->finalize (object);
}

static void
dps_scheduler_class_init (DpsSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dps_scheduler_dispose;
  object_class->finalize = dps_scheduler_finalize;

  /**
   * DpsScheduler::run-started:
   * @run_id: always 0 (the id is known once the run is recorded)
   */
  signals[RUN_STARTED] = g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * DpsScheduler::run-finished:
   * @run_id: the pipeline_runs id of the run, 0 if it was not recorded
   */
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
dps_scheduler_init (DpsScheduler *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
}

void
dps_schedule_options_init (DpsScheduleOptions *options)
{
  options->mode = DPS_SCHEDULE_INTERVAL;
  options->interval_seconds = 300;
  options->max_reject_rate = 0.05;
  options->max_backoff_seconds = 300;
}

DpsScheduler *
dps_scheduler_new (DpsRepository            *repository,
                   DpsSourceFactory          factory,
                   gpointer                  factory_data,
                   GDestroyNotify            factory_data_free,
                   const DpsEngineOptions   *engine_options,
                   const DpsScheduleOptions *options)
{
  DpsScheduler *self;

  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), NULL);
  g_return_val_if_fail (factory != NULL, NULL);

  self = g_object_new (DPS_TYPE_SCHEDULER, NULL);
  self->repository = g_object_ref (repository);
  self->factory = factory;
  self->factory_data = factory_data;
  self->factory_data_free = factory_data_free;
  if (engine_options != NULL)
    self->engine_options = *engine_options;
  else
    dps_engine_options_init (&self->engine_options);
  if (options != NULL)
    self->options = *options;
  else
    dps_schedule_options_init (&self->options);
  self->options.interval_seconds = MAX (self->options.interval_seconds, 1u);
  self->options.max_backoff_seconds = MAX (self->options.max_backoff_seconds, 1u);
  self->context = g_main_context_ref_thread_default ();
  return self;
}

typedef struct {
  char  *path;
  gsize  max_line_length;
  guint  poll_ms;
} PathSource;

static void
path_source_free (gpointer data)
{
  PathSource *spec = data;

  g_free (spec->path);
  g_free (spec);
}

/* Runs on the scheduler's thread. */
static DpsSource *
make_path_source (gpointer user_data)
{
  PathSource *spec = user_data;

  if (g_file_test (spec->path, G_FILE_TEST_IS_DIR))
    return dps_folder_source_new (spec->path, spec->max_line_length, spec->poll_ms);
  /* A scheduled file is followed: each run reads what was appended. */
  return dps_file_source_new (spec->path, TRUE, spec->max_line_length, spec->poll_ms);
}

DpsScheduler *
dps_scheduler_new_for_path (DpsRepository            *repository,
                            const char               *path,
                            guint                     poll_ms,
                            const DpsEngineOptions   *engine_options,
                            const DpsScheduleOptions *options)
{
  PathSource *spec;
  DpsEngineOptions defaults;

  g_return_val_if_fail (path != NULL, NULL);

  if (engine_options == NULL)
    {
      dps_engine_options_init (&defaults);
      engine_options = &defaults;
    }
  spec = g_new0 (PathSource, 1);
  spec->path = g_strdup (path);
  spec->max_line_length = engine_options->max_line_length;
  spec->poll_ms = poll_ms;
  return dps_scheduler_new (repository, make_path_source, spec, path_source_free, engine_options, options);
}

void
dps_scheduler_start (DpsScheduler *self)
{
  g_return_if_fail (DPS_IS_SCHEDULER (self));

  if (self->thread != NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = FALSE;
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->thread = g_thread_new ("dps-scheduler", scheduler_thread, self);
}

void
dps_scheduler_stop (DpsScheduler *self)
{
  g_return_if_fail (DPS_IS_SCHEDULER (self));

  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  if (self->engine != NULL)
    dps_engine_stop (self->engine);
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  self->thread = NULL;
}

void
dps_scheduler_run_now (DpsScheduler *self)
{
  g_return_if_fail (DPS_IS_SCHEDULER (self));

  g_mutex_lock (&self->lock);
  self->run_now = TRUE;
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
}

gboolean
dps_scheduler_is_running (DpsScheduler *self)
{
  g_return_val_if_fail (DPS_IS_SCHEDULER (self), FALSE);
  return self->thread != NULL;
}

gint64
dps_scheduler_get_next_run (DpsScheduler *self)
{
  gint64 next;

  g_return_val_if_fail (DPS_IS_SCHEDULER (self), 0);
  g_mutex_lock (&self->lock);
  next = self->next_run;
  g_mutex_unlock (&self->lock);
  return next;
}

DpsEngine *
dps_scheduler_dup_engine (DpsScheduler *self)
{
  DpsEngine *engine;

  g_return_val_if_fail (DPS_IS_SCHEDULER (self), NULL);
  g_mutex_lock (&self->lock);
  engine = self->engine != NULL ? g_object_ref (self->engine) : NULL;
  g_mutex_unlock (&self->lock);
  return engine;
}
