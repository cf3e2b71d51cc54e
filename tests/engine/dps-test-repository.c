/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-test"

#include "config.h"

#include <string.h>

#include "dps-repository-private.h"
#include "dps-test-repository.h"

struct _DpsTestRepository
{
  DpsRepository  parent_instance;

  /* Owned; NULL for a counting sink. */
  DpsRepository *inner;

  /* Under lock: set by the test, read by the engine's sink thread. */
  GMutex         lock;
  guint          busy_first;
  guint          busy_count;
  guint64        busy_for_us;      /* time-boxed instead of counted */
  gint64         busy_since;       /* monotonic time of its first failure */
  guint          full_batch;
  char          *full_message;
  guint          delay_us;
  guint          calls;
  GArray        *commits;        /* DpsTestCommit */

  /* Counting sink only (the sink thread; runs are serialised). */
  GHashTable    *ids;            /* 16-byte ids seen */
  GHashTable    *sources;        /* key → id */
  gint64         next_run_id;
};

G_DEFINE_FINAL_TYPE (DpsTestRepository, dps_test_repository, DPS_TYPE_REPOSITORY)

static guint
id_hash (gconstpointer key)
{
  guint h;

  memcpy (&h, (const guint8 *) key + 8, sizeof h);
  return h;
}

static gboolean
id_equal (gconstpointer a,
          gconstpointer b)
{
  return memcmp (a, b, 16) == 0;
}

static void
commit_clear (gpointer data)
{
  DpsTestCommit *commit = data;

  g_clear_pointer (&commit->checkpoint, dps_checkpoint_free);
}

static gboolean
unsupported (GError **error)
{
  g_set_error_literal (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_UNSUPPORTED,
                       "The counting test repository stores nothing to query");
  return FALSE;
}

static gboolean
dps_test_repository_migrate (DpsRepository  *repository,
                             GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  return self->inner == NULL || dps_repository_migrate (self->inner, error);
}

static gboolean
dps_test_repository_get_info (DpsRepository      *repository,
                              DpsRepositoryInfo  *info,
                              GError            **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  if (self->inner == NULL)
    return unsupported (error);
  return dps_repository_get_info (self->inner, info, error);
}

static gboolean
dps_test_repository_ensure_source (DpsRepository  *repository,
                                   const char     *source_key,
                                   guint32        *out_id,
                                   GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);
  gpointer id;

  if (self->inner != NULL)
    return dps_repository_ensure_source (self->inner, source_key, out_id, error);

  if (!g_hash_table_lookup_extended (self->sources, source_key, NULL, &id))
    {
      id = GUINT_TO_POINTER (g_hash_table_size (self->sources) + 1);
      g_hash_table_insert (self->sources, g_strdup (source_key), id);
    }
  *out_id = GPOINTER_TO_UINT (id);
  return TRUE;
}

/* The counting sink: what a database would have answered. */
static void
count_batch (DpsTestRepository *self,
             DpsBatch          *batch,
             DpsBatchResult    *result)
{
  for (guint i = 0; i < batch->rows->len; i++)
    {
      const DpsBatchRow *row = dps_batch_get_row (batch, i);

      if (g_hash_table_contains (self->ids, row->tx.id))
        result->duplicates++;
      else
        {
          g_hash_table_add (self->ids, g_memdup2 (row->tx.id, 16));
          result->loaded++;
        }
    }
  for (guint i = 0; i < batch->rejects->len; i++)
    {
      const DpsReject *reject = &g_array_index (batch->rejects, DpsReject, i);

      result->rejected++;
      result->rejected_by_reason[reject->reason]++;
    }
}

static gboolean
dps_test_repository_write_batch (DpsRepository   *repository,
                                 DpsBatch        *batch,
                                 DpsBatchResult  *result,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);
  DpsTestCommit commit = { 0 };
  guint call, delay;
  gboolean busy, full;
  g_autofree char *full_message = NULL;

  g_mutex_lock (&self->lock);
  call = ++self->calls;
  delay = self->delay_us;
  busy = self->busy_count > 0 && call >= self->busy_first && call < self->busy_first + self->busy_count;
  if (self->busy_for_us > 0 && call >= self->busy_first)
    {
      if (self->busy_since == 0)
        self->busy_since = g_get_monotonic_time ();
      busy = g_get_monotonic_time () - self->busy_since < (gint64) self->busy_for_us;
    }
  full = self->full_batch > 0 && self->commits->len + 1 == self->full_batch;
  full_message = g_strdup (self->full_message);
  g_mutex_unlock (&self->lock);

  if (delay > 0)
    g_usleep (delay);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (busy)
    {
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_BUSY,
                   "The test database is locked (call %u)", call);
      return FALSE;
    }
  if (full)
    {
      g_set_error_literal (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_FULL, full_message);
      return FALSE;
    }

  if (self->inner != NULL)
    {
      if (!dps_repository_write_batch (self->inner, batch, result, cancellable, error))
        return FALSE;
    }
  else
    count_batch (self, batch, result);

  commit.rows = batch->rows->len;
  commit.rejects = batch->rejects->len;
  if (batch->checkpoints->len > 0)
    commit.checkpoint = dps_checkpoint_copy (g_ptr_array_index (batch->checkpoints, 0));
  g_mutex_lock (&self->lock);
  g_array_append_val (self->commits, commit);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
dps_test_repository_load_checkpoint (DpsRepository  *repository,
                                     const char     *source_key,
                                     gint32          partition,
                                     DpsCheckpoint **out,
                                     GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  if (self->inner == NULL)
    return TRUE;
  return dps_repository_load_checkpoint (self->inner, source_key, partition, out, error);
}

static GPtrArray *
dps_test_repository_list_checkpoints (DpsRepository  *repository,
                                      const char     *source_key,
                                      GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  if (self->inner == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) dps_checkpoint_free);
  return dps_repository_list_checkpoints (self->inner, source_key, error);
}

static gboolean
dps_test_repository_begin_run (DpsRepository  *repository,
                               DpsRunRecord   *run,
                               GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  if (self->inner != NULL)
    return dps_repository_begin_run (self->inner, run, error);
  run->id = ++self->next_run_id;
  return TRUE;
}

static gboolean
dps_test_repository_update_run (DpsRepository       *repository,
                                const DpsRunRecord  *run,
                                GError             **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  return self->inner == NULL || dps_repository_update_run (self->inner, run, error);
}

static GPtrArray *
dps_test_repository_list_runs (DpsRepository  *repository,
                               guint           limit,
                               GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  if (self->inner == NULL)
    {
      unsupported (error);
      return NULL;
    }
  return dps_repository_list_runs (self->inner, limit, error);
}

static gboolean
dps_test_repository_query_kpis (DpsRepository  *repository,
                                DpsFilter      *filter,
                                DpsKpis        *kpis,
                                GCancellable   *cancellable,
                                GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  if (self->inner == NULL)
    return unsupported (error);
  return dps_repository_query_kpis (self->inner, filter, kpis, cancellable, error);
}

static gboolean
dps_test_repository_check_rollups (DpsRepository  *repository,
                                   gint32          day_from,
                                   gint32          day_to,
                                   gboolean       *out_equal,
                                   char          **out_detail,
                                   GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  if (self->inner == NULL)
    return unsupported (error);
  return dps_repository_check_rollups (self->inner, day_from, day_to, out_equal, out_detail, error);
}

static gboolean
dps_test_repository_count_null_keys (DpsRepository  *repository,
                                     gint64         *out_count,
                                     GError        **error)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (repository);

  if (self->inner == NULL)
    return unsupported (error);
  return dps_repository_count_null_keys (self->inner, out_count, error);
}

static void
dps_test_repository_finalize (GObject *object)
{
  DpsTestRepository *self = DPS_TEST_REPOSITORY (object);

  g_clear_object (&self->inner);
  g_array_unref (self->commits);
  g_hash_table_unref (self->ids);
  g_hash_table_unref (self->sources);
  g_free (self->full_message);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dps_test_repository_parent_class)->finalize (object);
}

static void
dps_test_repository_class_init (DpsTestRepositoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsRepositoryClass *repository_class = DPS_REPOSITORY_CLASS (klass);

  object_class->finalize = dps_test_repository_finalize;

  repository_class->migrate = dps_test_repository_migrate;
  repository_class->get_info = dps_test_repository_get_info;
  repository_class->ensure_source = dps_test_repository_ensure_source;
  repository_class->write_batch = dps_test_repository_write_batch;
  repository_class->load_checkpoint = dps_test_repository_load_checkpoint;
  repository_class->list_checkpoints = dps_test_repository_list_checkpoints;
  repository_class->begin_run = dps_test_repository_begin_run;
  repository_class->update_run = dps_test_repository_update_run;
  repository_class->list_runs = dps_test_repository_list_runs;
  repository_class->query_kpis = dps_test_repository_query_kpis;
  repository_class->check_rollups = dps_test_repository_check_rollups;
  repository_class->count_null_keys = dps_test_repository_count_null_keys;
}

static void
dps_test_repository_init (DpsTestRepository *self)
{
  g_mutex_init (&self->lock);
  self->commits = g_array_new (FALSE, TRUE, sizeof (DpsTestCommit));
  g_array_set_clear_func (self->commits, commit_clear);
  self->ids = g_hash_table_new_full (id_hash, id_equal, g_free, NULL);
  self->sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

DpsTestRepository *
dps_test_repository_new (DpsRepository *inner)
{
  DpsTestRepository *self = g_object_new (DPS_TYPE_TEST_REPOSITORY, NULL);

  if (inner != NULL)
    self->inner = g_object_ref (inner);
  dps_repository_set_display_name (DPS_REPOSITORY (self), "test");
  return self;
}

DpsRepository *
dps_test_repository_get_inner (DpsTestRepository *self)
{
  return self->inner;
}

void
dps_test_repository_fail_busy (DpsTestRepository *self,
                               guint              first,
                               guint              count)
{
  g_mutex_lock (&self->lock);
  self->busy_first = first;
  self->busy_count = count;
  g_mutex_unlock (&self->lock);
}

void
dps_test_repository_fail_busy_for (DpsTestRepository *self,
                                   guint              first,
                                   guint64            microseconds)
{
  g_mutex_lock (&self->lock);
  self->busy_first = first;
  self->busy_count = 0;
  self->busy_for_us = microseconds;
  self->busy_since = 0;
  g_mutex_unlock (&self->lock);
}

void
dps_test_repository_fail_full (DpsTestRepository *self,
                               guint              batch,
                               const char        *message)
{
  g_mutex_lock (&self->lock);
  self->full_batch = batch;
  g_free (self->full_message);
  self->full_message = g_strdup (message);
  g_mutex_unlock (&self->lock);
}

void
dps_test_repository_set_delay (DpsTestRepository *self,
                               guint              microseconds)
{
  g_mutex_lock (&self->lock);
  self->delay_us = microseconds;
  g_mutex_unlock (&self->lock);
}

guint
dps_test_repository_get_calls (DpsTestRepository *self)
{
  guint calls;

  g_mutex_lock (&self->lock);
  calls = self->calls;
  g_mutex_unlock (&self->lock);
  return calls;
}

GArray *
dps_test_repository_dup_commits (DpsTestRepository *self)
{
  GArray *copy = g_array_new (FALSE, TRUE, sizeof (DpsTestCommit));

  g_array_set_clear_func (copy, commit_clear);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->commits->len; i++)
    {
      DpsTestCommit commit = g_array_index (self->commits, DpsTestCommit, i);

      if (commit.checkpoint != NULL)
        commit.checkpoint = dps_checkpoint_copy (commit.checkpoint);
      g_array_append_val (copy, commit);
    }
  g_mutex_unlock (&self->lock);
  return copy;
}

void
dps_test_commits_free (GArray *commits)
{
  if (commits != NULL)
    g_array_unref (commits);
}
