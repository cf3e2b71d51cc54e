/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-session.h"

#if HAVE_POSTGRES_REPOSITORY
#include "dps-postgres-repository.h"
#endif

#define DEFAULT_PG_REFRESH_INTERVAL 10

struct _DpsSession
{
  GObject        parent_instance;

  /* Owned. */
  DpsRepository *repository;
  DpsFilter     *filter;
  GListStore    *runs;            /* DpsEngine* running now */
  char          *uri;             /* redacted */
  char          *real_uri;        /* as given, for further connections */
  char          *display_name;
  guint          generation;

  /* Live-refresh bookkeeping for running engines. */
  guint          tick_id;
  gint64         loaded_seen;     /* rows loaded by running engines, at last notice */
  gint64         last_notice;     /* monotonic */

  /* Per-backend settings, applied to every connection it opens (from
   * workers too). */
  guint          pg_refresh_interval;  /* atomic: seconds */
  GMutex         opened_lock;
  GPtrArray     *opened;               /* GWeakRef* to its PostgreSQL connections, under opened_lock */
};

G_DEFINE_FINAL_TYPE (DpsSession, dps_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URI,
  PROP_DISPLAY_NAME,
  PROP_REPOSITORY,
  PROP_PG_REFRESH_INTERVAL,
  N_PROPS
};

enum {
  DATA_CHANGED,
  RUN_STARTED,
  RUN_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  char          *uri;
  gboolean       create;
  DpsRepository *repository;
} OpenJob;

static void
open_job_free (gpointer data)
{
  OpenJob *job = data;

  g_free (job->uri);
  g_clear_object (&job->repository);
  g_free (job);
}

typedef struct {
  char             *uri;
  DpsSource        *source;
  DpsEngineOptions  options;
  DpsEngine        *engine;
} RunJob;

static void
run_job_free (gpointer data)
{
  RunJob *job = data;

  g_free (job->uri);
  g_clear_object (&job->source);
  g_clear_object (&job->engine);
  g_free (job);
}

static void
weak_ref_free (gpointer data)
{
  GWeakRef *ref = data;

  g_weak_ref_clear (ref);
  g_free (ref);
}

/* Applies the per-backend settings to a connection the session just
 * opened, and keeps track of it so that later changes reach it. Any
 * thread. */
static void
configure_repository (DpsSession    *self,
                      DpsRepository *repository)
{
#if HAVE_POSTGRES_REPOSITORY
  GWeakRef *ref;

  if (!G_TYPE_CHECK_INSTANCE_TYPE (repository, DPS_TYPE_POSTGRES_REPOSITORY))
    return;

  g_mutex_lock (&self->opened_lock);
  dps_postgres_repository_set_refresh_interval (repository, g_atomic_int_get (&self->pg_refresh_interval));
  /* Forget the connections closed since. */
  for (guint i = self->opened->len; i > 0; i--)
    {
      g_autoptr(GObject) alive = g_weak_ref_get (g_ptr_array_index (self->opened, i - 1));

      if (alive == NULL)
        g_ptr_array_remove_index_fast (self->opened, i - 1);
    }
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, repository);
  g_ptr_array_add (self->opened, ref);
  g_mutex_unlock (&self->opened_lock);
#endif
}

/* While engines load, views hear about it at most once a second. */
static gboolean
tick_cb (gpointer user_data)
{
  DpsSession *self = user_data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  gint64 loaded = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpsEngine) engine = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      DpsEngineMetrics m;

      dps_engine_get_metrics (engine, &m);
      loaded += m.rows_loaded + m.rows_rejected + m.rows_duplicate;
    }

  if (loaded != self->loaded_seen &&
      g_get_monotonic_time () - self->last_notice >= G_USEC_PER_SEC)
    {
      self->loaded_seen = loaded;
      dps_session_data_changed (self);
    }
  return G_SOURCE_CONTINUE;
}

static void
update_tick (DpsSession *self)
{
  gboolean running = g_list_model_get_n_items (G_LIST_MODEL (self->runs)) > 0;

  if (running && self->tick_id == 0)
    {
      self->loaded_seen = 0;
      self->tick_id = g_timeout_add (250, tick_cb, self);
    }
  else if (!running && self->tick_id != 0)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
dps_session_dispose (GObject *object)
{
  DpsSession *self = DPS_SESSION (object);

  dps_session_stop_runs (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->repository);
  g_clear_object (&self->filter);
  g_clear_object (&self->runs);

  G_OBJECT_CLASS (dps_session_parent_class)->dispose (object);
}

static void
dps_session_finalize (GObject *object)
{
  DpsSession *self = DPS_SESSION (object);

  g_free (self->uri);
  g_free (self->real_uri);
  g_free (self->display_name);
  g_clear_pointer (&self->opened, g_ptr_array_unref);
  g_mutex_clear (&self->opened_lock);

  G_OBJECT_CLASS (dps_session_parent_class)->finalize (object);
}

static void
dps_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DpsSession *self = DPS_SESSION (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_REPOSITORY:
      g_value_set_object (value, self->repository);
      break;
    case PROP_PG_REFRESH_INTERVAL:
      g_value_set_uint (value, dps_session_get_pg_refresh_interval (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_session_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DpsSession *self = DPS_SESSION (object);

  switch (prop_id)
    {
    case PROP_PG_REFRESH_INTERVAL:
      dps_session_set_pg_refresh_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_session_class_init (DpsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dps_session_dispose;
  object_class->finalize = dps_session_finalize;
  object_class->get_property = dps_session_get_property;
  object_class->set_property = dps_session_set_property;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPOSITORY] =
    g_param_spec_object ("repository", NULL, NULL, DPS_TYPE_REPOSITORY,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * DpsSession:pg-refresh-interval:
   *
   * Seconds between two refreshes of daily_summary while loading into a
   * PostgreSQL database (the "pg-refresh-interval-seconds" setting),
   * applied to every connection of the session.
   */
  properties[PROP_PG_REFRESH_INTERVAL] =
    g_param_spec_uint ("pg-refresh-interval", NULL, NULL, 1, 3600, DEFAULT_PG_REFRESH_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpsSession::data-changed:
   *
   * Data may have changed: a batch landed, an import ended, another
   * database was opened. Views refresh what they show.
   */
  signals[DATA_CHANGED] = g_signal_new ("data-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  /**
   * DpsSession::run-started:
   * @engine: the engine now running
   */
  signals[RUN_STARTED] = g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, DPS_TYPE_ENGINE);
  /**
   * DpsSession::run-finished:
   * @engine: the engine that ended
   * @error: (nullable): why it failed, or %NULL (cancelled runs give
   *   G_IO_ERROR_CANCELLED)
   */
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, DPS_TYPE_ENGINE, G_TYPE_ERROR);
}

static void
dps_session_init (DpsSession *self)
{
  self->filter = dps_filter_new ();
  self->runs = g_list_store_new (DPS_TYPE_ENGINE);
  self->pg_refresh_interval = DEFAULT_PG_REFRESH_INTERVAL;
  g_mutex_init (&self->opened_lock);
  self->opened = g_ptr_array_new_with_free_func (weak_ref_free);
}

DpsSession *
dps_session_new (void)
{
  return g_object_new (DPS_TYPE_SESSION, NULL);
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OpenJob *job = task_data;
  GError *error = NULL;

  job->repository = dps_repository_open (job->uri,
                                         job->create ? DPS_REPOSITORY_FLAGS_CREATE
                                                     : DPS_REPOSITORY_FLAGS_NONE,
                                         cancellable, &error);
  if (job->repository == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  configure_repository (DPS_SESSION (source_object), job->repository);
  g_task_return_boolean (task, TRUE);
}

void
dps_session_open_async (DpsSession          *self,
                        const char          *uri,
                        gboolean             create,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_return_if_fail (DPS_IS_SESSION (self));
  g_return_if_fail (uri != NULL);

  job = g_new0 (OpenJob, 1);
  job->uri = g_strdup (uri);
  job->create = create;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_session_open_async);
  g_task_set_task_data (task, job, open_job_free);
  g_task_run_in_thread (task, open_in_thread);
}

gboolean
dps_session_open_finish (DpsSession    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  OpenJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  job = g_task_get_task_data (G_TASK (result));
  g_set_object (&self->repository, job->repository);
  g_free (self->real_uri);
  self->real_uri = g_strdup (job->uri);
  g_free (self->uri);
  self->uri = dps_repository_uri_redact (job->uri);
  g_free (self->display_name);
  self->display_name = g_strdup (dps_repository_get_display_name (job->repository));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URI]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPOSITORY]);
  dps_session_data_changed (self);
  return TRUE;
}

const char *
dps_session_get_uri (DpsSession *self)
{
  g_return_val_if_fail (DPS_IS_SESSION (self), NULL);
  return self->uri;
}

const char *
dps_session_get_display_name (DpsSession *self)
{
  g_return_val_if_fail (DPS_IS_SESSION (self), NULL);
  return self->display_name;
}

DpsRepository *
dps_session_get_repository (DpsSession *self)
{
  g_return_val_if_fail (DPS_IS_SESSION (self), NULL);
  return self->repository;
}

DpsRepository *
dps_session_open_reader (DpsSession  *self,
                         GError     **error)
{
  DpsRepository *repository;

  g_return_val_if_fail (DPS_IS_SESSION (self), NULL);

  if (self->real_uri == NULL)
    {
      g_set_error_literal (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND,
                           _("No database is open"));
      return NULL;
    }
  repository = dps_repository_open (self->real_uri, DPS_REPOSITORY_FLAGS_NO_MIGRATE, NULL, error);
  if (repository != NULL)
    configure_repository (self, repository);
  return repository;
}

DpsFilter *
dps_session_get_filter (DpsSession *self)
{
  g_return_val_if_fail (DPS_IS_SESSION (self), NULL);
  return self->filter;
}

guint
dps_session_get_generation (DpsSession *self)
{
  g_return_val_if_fail (DPS_IS_SESSION (self), 0);
  return self->generation;
}

void
dps_session_data_changed (DpsSession *self)
{
  g_return_if_fail (DPS_IS_SESSION (self));

  self->generation++;
  self->last_notice = g_get_monotonic_time ();
  g_signal_emit (self, signals[DATA_CHANGED], 0);
}

static void
run_finished_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DpsSession) self = user_data;
  DpsEngine *engine = DPS_ENGINE (object);
  g_autoptr(GError) error = NULL;
  guint position;

  dps_engine_run_finish (engine, result, &error);
  if (g_list_store_find (self->runs, engine, &position))
    g_list_store_remove (self->runs, position);
  update_tick (self);
  dps_session_data_changed (self);
  g_signal_emit (self, signals[RUN_FINISHED], 0, engine, error);
}

static void
prepare_run_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  RunJob *job = task_data;
  g_autoptr(DpsRepository) writer = NULL;
  GError *error = NULL;

  /* The engine writes through a connection of its own. */
  writer = dps_repository_open (job->uri, DPS_REPOSITORY_FLAGS_NO_MIGRATE, cancellable, &error);
  if (writer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  configure_repository (DPS_SESSION (source_object), writer);
  job->engine = dps_engine_new (writer, job->source, &job->options);
  g_task_return_boolean (task, TRUE);
}

void
dps_session_start_run_async (DpsSession             *self,
                             DpsSource              *source,
                             const DpsEngineOptions *options,
                             GCancellable           *cancellable,
                             GAsyncReadyCallback     callback,
                             gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  RunJob *job;

  g_return_if_fail (DPS_IS_SESSION (self));
  g_return_if_fail (DPS_IS_SOURCE (source));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_session_start_run_async);
  if (self->real_uri == NULL)
    {
      g_task_return_new_error (task, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND,
                               _("No database is open"));
      return;
    }

  job = g_new0 (RunJob, 1);
  job->uri = g_strdup (self->real_uri);
  job->source = g_object_ref (source);
  if (options != NULL)
    job->options = *options;
  else
    dps_engine_options_init (&job->options);
  g_task_set_task_data (task, job, run_job_free);
  g_task_run_in_thread (task, prepare_run_in_thread);
}

DpsEngine *
dps_session_start_run_finish (DpsSession    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  RunJob *job;
  GCancellable *cancellable;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  job = g_task_get_task_data (G_TASK (result));
  cancellable = g_task_get_cancellable (G_TASK (result));
  g_list_store_append (self->runs, job->engine);
  update_tick (self);
  dps_engine_run_async (job->engine, cancellable, run_finished_cb, g_object_ref (self));
  g_signal_emit (self, signals[RUN_STARTED], 0, job->engine);
  return g_object_ref (job->engine);
}

GListModel *
dps_session_get_runs (DpsSession *self)
{
  g_return_val_if_fail (DPS_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->runs);
}

void
dps_session_stop_runs (DpsSession *self)
{
  guint n;

  g_return_if_fail (DPS_IS_SESSION (self));

  if (self->runs == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpsEngine) engine = g_list_model_get_item (G_LIST_MODEL (self->runs), i);

      dps_engine_stop (engine);
    }
}

void
dps_session_set_pg_refresh_interval (DpsSession *self,
                                     guint       seconds)
{
  g_return_if_fail (DPS_IS_SESSION (self));
  g_return_if_fail (seconds >= 1);

  if ((guint) g_atomic_int_get (&self->pg_refresh_interval) == seconds)
    return;
  g_atomic_int_set (&self->pg_refresh_interval, seconds);

#if HAVE_POSTGRES_REPOSITORY
  {
    g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func (g_object_unref);

    /* The connections open now, running engines' included. */
    g_mutex_lock (&self->opened_lock);
    for (guint i = self->opened->len; i > 0; i--)
      {
        GObject *repository = g_weak_ref_get (g_ptr_array_index (self->opened, i - 1));

        if (repository != NULL)
          g_ptr_array_add (open, repository);
        else
          g_ptr_array_remove_index_fast (self->opened, i - 1);
      }
    g_mutex_unlock (&self->opened_lock);
    for (guint i = 0; i < open->len; i++)
      dps_postgres_repository_set_refresh_interval (g_ptr_array_index (open, i), seconds);
  }
#endif
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PG_REFRESH_INTERVAL]);
}

guint
dps_session_get_pg_refresh_interval (DpsSession *self)
{
  g_return_val_if_fail (DPS_IS_SESSION (self), DEFAULT_PG_REFRESH_INTERVAL);
  return (guint) g_atomic_int_get (&self->pg_refresh_interval);
}
