/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-run-job.h"

typedef struct {
  DpsSource *source;
  char      *label;
  gint64     expected_rows;
} JobSource;

struct _DpsRunJob
{
  GObject           parent_instance;

  /* Owned. */
  DpsSession       *session;
  GCancellable     *cancellable;
  GArray           *sources;          /* JobSource */
  GPtrArray        *failures;         /* DpsRunJobFailure* */
  GArray           *run_ids;          /* gint64 */
  DpsEngine        *engine;           /* running now */
  char             *title;
  DpsEngineOptions  options;
  DpsRunJobTotals   done;             /* of the finished runs */
  gulong            run_finished_id;

  guint             position;
  gboolean          started;
  gboolean          running;
  gboolean          cancelled;
  gboolean          stopped;
  gboolean          check_format;
};

G_DEFINE_FINAL_TYPE (DpsRunJob, dps_run_job, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
job_source_clear (gpointer data)
{
  JobSource *source = data;

  g_clear_object (&source->source);
  g_clear_pointer (&source->label, g_free);
}

static void
failure_free (gpointer data)
{
  DpsRunJobFailure *failure = data;

  g_free (failure->label);
  g_clear_error (&failure->error);
  g_free (failure);
}

static void
add_failure (DpsRunJob  *self,
             const char *label,
             GError     *error)
{
  DpsRunJobFailure *failure = g_new0 (DpsRunJobFailure, 1);

  failure->label = g_strdup (label);
  failure->error = error;
  g_ptr_array_add (self->failures, failure);
}

static void start_next (DpsRunJob *self);

static void
finish (DpsRunJob *self)
{
  g_autoptr(DpsRunJob) hold = g_object_ref (self);

  self->running = FALSE;
  self->position = self->sources->len;
  g_clear_signal_handler (&self->run_finished_id, self->session);
  g_signal_emit (self, signals[FINISHED], 0);
}

/* Lines that are not JSON objects at all mean the file is not JSON Lines. */
static gboolean
looks_unreadable (const DpsEngineMetrics *m)
{
  gint64 not_json = m->rejected_by_reason[DPS_REJECT_MALFORMED_JSON] +
                    m->rejected_by_reason[DPS_REJECT_NOT_OBJECT] +
                    m->rejected_by_reason[DPS_REJECT_INVALID_UTF8] +
                    m->rejected_by_reason[DPS_REJECT_LINE_TOO_LONG];

  return m->rows_loaded == 0 && m->rows_duplicate == 0 &&
         m->rows_rejected > 0 && not_json == m->rows_rejected;
}

static void
session_run_finished_cb (DpsSession *session,
                         DpsEngine  *engine,
                         GError     *error,
                         gpointer    user_data)
{
  DpsRunJob *self = user_data;
  JobSource *current;
  DpsEngineMetrics m;

  if (engine != self->engine)
    return;

  current = &g_array_index (self->sources, JobSource, self->position);
  dps_engine_get_metrics (engine, &m);
  self->done.rows_read += m.rows_read;
  self->done.rows_loaded += m.rows_loaded;
  self->done.rows_rejected += m.rows_rejected;
  self->done.rows_duplicate += m.rows_duplicate;
  self->done.bytes_read += m.bytes_read;
  if (m.run_id > 0)
    g_array_append_val (self->run_ids, m.run_id);
  g_clear_object (&self->engine);

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->cancelled = TRUE;
  else if (error != NULL)
    add_failure (self, current->label, g_error_copy (error));
  else if (self->check_format && looks_unreadable (&m))
    add_failure (self, current->label,
                 g_error_new (DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID,
                              _("“%s” is not a JSON Lines file: none of its lines is a JSON object."),
                              current->label));

  self->position++;
  start_next (self);
}

static void
run_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DpsRunJob) self = user_data;
  g_autoptr(GError) error = NULL;
  JobSource *current = &g_array_index (self->sources, JobSource, self->position);

  self->engine = dps_session_start_run_finish (DPS_SESSION (object), result, &error);
  if (self->engine != NULL)
    {
      if (self->stopped)
        dps_engine_stop (self->engine);
      return;   /* "run-finished" goes on */
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->cancelled = TRUE;
  else
    add_failure (self, current->label, g_steal_pointer (&error));
  self->position++;
  start_next (self);
}

static void
start_next (DpsRunJob *self)
{
  JobSource *current;

  if (self->cancelled || g_cancellable_is_cancelled (self->cancellable))
    {
      self->cancelled = TRUE;
      finish (self);
      return;
    }
  if (self->position >= self->sources->len || self->stopped)
    {
      finish (self);
      return;
    }
  current = &g_array_index (self->sources, JobSource, self->position);
  dps_session_start_run_async (self->session, current->source, &self->options,
                               self->cancellable, run_started_cb, g_object_ref (self));
}

static void
dps_run_job_dispose (GObject *object)
{
  DpsRunJob *self = DPS_RUN_JOB (object);

  if (self->session != NULL)
    g_clear_signal_handler (&self->run_finished_id, self->session);
  g_clear_object (&self->engine);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dps_run_job_parent_class)->dispose (object);
}

static void
dps_run_job_finalize (GObject *object)
{
  DpsRunJob *self = DPS_RUN_JOB (object);

  g_array_unref (self->sources);
  g_ptr_array_unref (self->failures);
  g_array_unref (self->run_ids);
  g_free (self->title);

  G_OBJECT_CLASS (dps_run_job_parent_class)->finalize (object);
}

static void
dps_run_job_class_init (DpsRunJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dps_run_job_dispose;
  object_class->finalize = dps_run_job_finalize;

  /**
   * DpsRunJob::finished:
   *
   * Every source was read, failed or skipped after a cancel.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
}

static void
dps_run_job_init (DpsRunJob *self)
{
  self->cancellable = g_cancellable_new ();
  self->sources = g_array_new (FALSE, TRUE, sizeof (JobSource));
  g_array_set_clear_func (self->sources, job_source_clear);
  self->failures = g_ptr_array_new_with_free_func (failure_free);
  self->run_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

DpsRunJob *
dps_run_job_new (DpsSession             *session,
                 const char             *title,
                 const DpsEngineOptions *options)
{
  DpsRunJob *self;

  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);

  self = g_object_new (DPS_TYPE_RUN_JOB, NULL);
  self->session = g_object_ref (session);
  self->title = g_strdup (title);
  if (options != NULL)
    self->options = *options;
  else
    dps_engine_options_init (&self->options);
  return self;
}

void
dps_run_job_add_source (DpsRunJob  *self,
                        DpsSource  *source,
                        const char *label,
                        gint64      expected_rows)
{
  JobSource entry = { 0 };

  g_return_if_fail (DPS_IS_RUN_JOB (self));
  g_return_if_fail (DPS_IS_SOURCE (source));
  g_return_if_fail (!self->started);

  entry.source = g_object_ref (source);
  entry.label = g_strdup (label != NULL ? label : dps_source_get_description (source));
  entry.expected_rows = expected_rows;
  g_array_append_val (self->sources, entry);
}

void
dps_run_job_set_check_format (DpsRunJob *self,
                              gboolean   check_format)
{
  g_return_if_fail (DPS_IS_RUN_JOB (self));
  self->check_format = !!check_format;
}

void
dps_run_job_start (DpsRunJob *self)
{
  g_return_if_fail (DPS_IS_RUN_JOB (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->running = TRUE;
  self->run_finished_id = g_signal_connect (self->session, "run-finished",
                                            G_CALLBACK (session_run_finished_cb), self);
  start_next (self);
}

void
dps_run_job_cancel (DpsRunJob *self)
{
  g_return_if_fail (DPS_IS_RUN_JOB (self));

  self->cancelled = self->running;
  g_cancellable_cancel (self->cancellable);
}

void
dps_run_job_stop (DpsRunJob *self)
{
  g_return_if_fail (DPS_IS_RUN_JOB (self));

  self->stopped = TRUE;
  if (self->engine != NULL)
    dps_engine_stop (self->engine);
}

const char *
dps_run_job_get_title (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), NULL);
  return self->title;
}

gboolean
dps_run_job_is_running (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), FALSE);
  return self->running;
}

gboolean
dps_run_job_was_cancelled (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), FALSE);
  return self->cancelled;
}

guint
dps_run_job_get_n_sources (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), 0);
  return self->sources->len;
}

guint
dps_run_job_get_position (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), 0);
  return self->position;
}

const char *
dps_run_job_get_current_label (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), NULL);

  if (self->position >= self->sources->len)
    return NULL;
  return g_array_index (self->sources, JobSource, self->position).label;
}

gint64
dps_run_job_get_expected_rows (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), 0);

  if (self->position >= self->sources->len)
    return 0;
  return g_array_index (self->sources, JobSource, self->position).expected_rows;
}

DpsEngine *
dps_run_job_get_engine (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), NULL);
  return self->engine;
}

void
dps_run_job_get_totals (DpsRunJob       *self,
                        DpsRunJobTotals *totals)
{
  g_return_if_fail (DPS_IS_RUN_JOB (self));
  g_return_if_fail (totals != NULL);

  *totals = self->done;
  if (self->engine != NULL)
    {
      DpsEngineMetrics m;

      dps_engine_get_metrics (self->engine, &m);
      totals->rows_read += m.rows_read;
      totals->rows_loaded += m.rows_loaded;
      totals->rows_rejected += m.rows_rejected;
      totals->rows_duplicate += m.rows_duplicate;
      totals->bytes_read += m.bytes_read;
    }
}

GPtrArray *
dps_run_job_get_failures (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), NULL);
  return self->failures;
}

GArray *
dps_run_job_get_run_ids (DpsRunJob *self)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (self), NULL);
  return self->run_ids;
}
