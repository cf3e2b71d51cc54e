/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>

#include "dps-repository-private.h"
#include "dps-sqlite-repository.h"
#if HAVE_POSTGRES_REPOSITORY
# include "dps-postgres-repository.h"
#endif

typedef struct
{
  GMutex  lock;            /* serialises every call into the backend */
  char   *display_name;
} DpsRepositoryPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DpsRepository, dps_repository, G_TYPE_OBJECT)
G_DEFINE_QUARK (dps-repository-error-quark, dps_repository_error)
G_DEFINE_BOXED_TYPE (DpsStoredReject, dps_stored_reject,
                     dps_stored_reject_copy, dps_stored_reject_free)

#define LOCKED(self) \
  g_autoptr(GMutexLocker) G_PASTE (locker, __LINE__) = \
    g_mutex_locker_new (&((DpsRepositoryPrivate *) dps_repository_get_instance_private (self))->lock)

/* A libpq conninfo string starts with "keyword=" (or "keyword = "). */
static gboolean
starts_with_keyword (const char *uri)
{
  const char *p = uri;

  while (g_ascii_isspace (*p))
    p++;
  if (!g_ascii_islower (*p))
    return FALSE;
  while (g_ascii_islower (*p) || *p == '_')
    p++;
  while (*p == ' ' || *p == '\t')
    p++;
  return *p == '=';
}

static gboolean
is_postgres_uri (const char *uri)
{
  return g_str_has_prefix (uri, "postgresql://") ||
         g_str_has_prefix (uri, "postgres://") ||
         /* A libpq conninfo string: "host=… dbname=…", "user=… host=/run/…". */
         (strchr (uri, '=') != NULL && strchr (uri, '/') == NULL) ||
         starts_with_keyword (uri);
}

static void
dps_repository_finalize (GObject *object)
{
  DpsRepository *self = DPS_REPOSITORY (object);
  DpsRepositoryPrivate *priv = dps_repository_get_instance_private (self);

  g_mutex_clear (&priv->lock);
  g_free (priv->display_name);

  G_OBJECT_CLASS (dps_repository_parent_class)->finalize (object);
}

static void
dps_repository_class_init (DpsRepositoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_repository_finalize;
}

static void
dps_repository_init (DpsRepository *self)
{
  DpsRepositoryPrivate *priv = dps_repository_get_instance_private (self);

  g_mutex_init (&priv->lock);
}

gboolean
dps_repository_error_is_transient (const GError *error)
{
  return error != NULL &&
         error->domain == DPS_REPOSITORY_ERROR &&
         (error->code == DPS_REPOSITORY_ERROR_BUSY ||
          error->code == DPS_REPOSITORY_ERROR_CONNECTION);
}

void
dps_repository_info_clear (DpsRepositoryInfo *info)
{
  g_clear_pointer (&info->backend, g_free);
  g_clear_pointer (&info->display_name, g_free);
  g_clear_pointer (&info->location, g_free);
}

DpsStoredReject *
dps_stored_reject_copy (const DpsStoredReject *self)
{
  DpsStoredReject *copy;
  DpsReject *reject;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->source = g_strdup (self->source);
  reject = dps_reject_copy (&self->reject);
  copy->reject = *reject;
  g_free (reject);
  return copy;
}

void
dps_stored_reject_free (DpsStoredReject *self)
{
  if (self == NULL)
    return;
  g_free (self->source);
  dps_reject_clear (&self->reject);
  g_free (self);
}

void
dps_reject_query_init (DpsRejectQuery *query)
{
  memset (query, 0, sizeof *query);
  query->from = G_MININT64;
  query->to = G_MININT64;
}

void
dps_duplicate_info_free (DpsDuplicateInfo *self)
{
  if (self == NULL)
    return;
  g_free (self->last_source);
  g_free (self);
}

void
dps_repository_set_display_name (DpsRepository *self,
                                 const char    *display_name)
{
  DpsRepositoryPrivate *priv = dps_repository_get_instance_private (self);

  g_free (priv->display_name);
  priv->display_name = g_strdup (display_name);
}

char *
dps_repository_get_default_uri (void)
{
  const char *env = g_getenv ("DPS_DB");
  g_autofree char *path = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  path = g_build_filename (g_get_user_data_dir (), "data-pipeline-streaming",
                           "transactions.db", NULL);
  return g_strconcat ("sqlite://", path, NULL);
}

DpsRepository *
dps_repository_open (const char          *uri,
                     DpsRepositoryFlags   flags,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(DpsRepository) repository = NULL;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (uri[0] == '\0')
    {
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_INVALID_URI,
                   _("No database given"));
      return NULL;
    }

  if (is_postgres_uri (uri))
    {
#if HAVE_POSTGRES_REPOSITORY
      repository = dps_postgres_repository_open (uri, flags, cancellable, error);
#else
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_UNSUPPORTED,
                   _("This build has no PostgreSQL support"));
      return NULL;
#endif
    }
  else
    {
      const char *path = uri;

      if (g_str_has_prefix (uri, "sqlite://"))
        path = uri + strlen ("sqlite://");
      else if (g_str_has_prefix (uri, "sqlite:"))
        path = uri + strlen ("sqlite:");
      else if (g_str_has_prefix (uri, "file://"))
        path = uri + strlen ("file://");

      if (path[0] == '\0')
        {
          g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_INVALID_URI,
                       _("“%s” names no database file"), uri);
          return NULL;
        }
      repository = dps_sqlite_repository_open (path, flags, cancellable, error);
    }

  if (repository == NULL)
    return NULL;

  if ((flags & DPS_REPOSITORY_FLAGS_NO_MIGRATE) == 0 &&
      (flags & DPS_REPOSITORY_FLAGS_READ_ONLY) == 0 &&
      !dps_repository_migrate (repository, error))
    return NULL;

  return g_steal_pointer (&repository);
}

char *
dps_repository_uri_redact (const char *uri)
{
  g_autoptr(GString) out = NULL;
  const char *p;

  g_return_val_if_fail (uri != NULL, NULL);

  out = g_string_new (NULL);
  if (g_str_has_prefix (uri, "postgresql://") || g_str_has_prefix (uri, "postgres://"))
    {
      /* scheme://user:password@host… → scheme://user@host… */
      const char *authority = strstr (uri, "://") + 3;
      const char *at = strchr (authority, '@');
      const char *slash = strchr (authority, '/');

      if (at != NULL && (slash == NULL || at < slash))
        {
          const char *colon = memchr (authority, ':', (gsize) (at - authority));

          if (colon != NULL)
            {
              g_string_append_len (out, uri, colon - uri);
              uri = at;
            }
        }
      /* …?password=x&… → drop that parameter. */
      for (p = uri; *p != '\0'; )
        {
          if ((*p == '?' || *p == '&') && g_ascii_strncasecmp (p + 1, "password=", 9) == 0)
            {
              const char *end = strchr (p + 1, '&');

              if (*p == '?' && end != NULL)
                {
                  g_string_append_c (out, '?');
                  p = end + 1;
                }
              else if (end != NULL)
                p = end;
              else
                break;
              continue;
            }
          g_string_append_c (out, *p++);
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  if (is_postgres_uri (uri))
    {
      /* conninfo: drop password=… (quoted or not). */
      g_auto(GStrv) words = NULL;

      for (p = uri; *p != '\0'; )
        {
          const char *start;

          while (*p == ' ' || *p == '\t')
            p++;
          if (*p == '\0')
            break;
          start = p;
          while (*p != '\0' && *p != '=' && *p != ' ')
            p++;
          if (*p == '=')
            {
              p++;
              if (*p == '\'')
                {
                  for (p++; *p != '\0' && *p != '\''; p++)
                    if (*p == '\\' && p[1] != '\0')
                      p++;
                  if (*p == '\'')
                    p++;
                }
              else
                while (*p != '\0' && *p != ' ' && *p != '\t')
                  p++;
            }
          if (g_ascii_strncasecmp (start, "password", 8) == 0 &&
              (start[8] == '=' || start[8] == ' '))
            continue;
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append_len (out, start, p - start);
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  return g_strdup (uri);
}

const char *
dps_repository_get_display_name (DpsRepository *self)
{
  DpsRepositoryPrivate *priv;

  g_return_val_if_fail (DPS_IS_REPOSITORY (self), NULL);
  priv = dps_repository_get_instance_private (self);
  return priv->display_name != NULL ? priv->display_name : "";
}

gboolean
dps_repository_migrate (DpsRepository  *self,
                        GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->migrate (self, error);
}

gboolean
dps_repository_get_info (DpsRepository      *self,
                         DpsRepositoryInfo  *info,
                         GError            **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  LOCKED (self);
  memset (info, 0, sizeof *info);
  return DPS_REPOSITORY_GET_CLASS (self)->get_info (self, info, error);
}

gboolean
dps_repository_ensure_source (DpsRepository  *self,
                              const char     *source_key,
                              guint32        *out_id,
                              GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (source_key != NULL, FALSE);
  g_return_val_if_fail (out_id != NULL, FALSE);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->ensure_source (self, source_key, out_id, error);
}

gboolean
dps_repository_write_batch (DpsRepository   *self,
                            DpsBatch        *batch,
                            DpsBatchResult  *result,
                            GCancellable    *cancellable,
                            GError         **error)
{
  DpsBatchResult ignored;

  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  LOCKED (self);
  if (result == NULL)
    result = &ignored;
  memset (result, 0, sizeof *result);
  return DPS_REPOSITORY_GET_CLASS (self)->write_batch (self, batch, result, cancellable, error);
}

gboolean
dps_repository_can_keep_open (DpsRepository *self)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  return DPS_REPOSITORY_GET_CLASS (self)->write_batch_open != NULL;
}

gboolean
dps_repository_write_batch_open (DpsRepository   *self,
                                 DpsBatch        *batch,
                                 DpsBatchResult  *result,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  DpsBatchResult ignored;

  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (dps_repository_can_keep_open (self), FALSE);
  LOCKED (self);
  if (result == NULL)
    result = &ignored;
  memset (result, 0, sizeof *result);
  return DPS_REPOSITORY_GET_CLASS (self)->write_batch_open (self, batch, result, cancellable, error);
}

gboolean
dps_repository_prefers_large_writes (DpsRepository *self)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  if (DPS_REPOSITORY_GET_CLASS (self)->prefers_large_writes == NULL)
    return FALSE;
  {
    LOCKED (self);
    return DPS_REPOSITORY_GET_CLASS (self)->prefers_large_writes (self);
  }
}

gboolean
dps_repository_commit_open (DpsRepository  *self,
                            GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  if (!dps_repository_can_keep_open (self))
    return TRUE;
  {
    LOCKED (self);
    return DPS_REPOSITORY_GET_CLASS (self)->commit_open (self, error);
  }
}

void
dps_repository_rollback_open (DpsRepository *self)
{
  g_return_if_fail (DPS_IS_REPOSITORY (self));
  if (!dps_repository_can_keep_open (self))
    return;
  {
    LOCKED (self);
    DPS_REPOSITORY_GET_CLASS (self)->rollback_open (self);
  }
}

gboolean
dps_repository_load_checkpoint (DpsRepository  *self,
                                const char     *source_key,
                                gint32          partition,
                                DpsCheckpoint **out,
                                GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (source_key != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  LOCKED (self);
  *out = NULL;
  return DPS_REPOSITORY_GET_CLASS (self)->load_checkpoint (self, source_key, partition, out, error);
}

GPtrArray *
dps_repository_list_checkpoints (DpsRepository  *self,
                                 const char     *source_key,
                                 GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), NULL);
  g_return_val_if_fail (source_key != NULL, NULL);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->list_checkpoints (self, source_key, error);
}

gboolean
dps_repository_begin_run (DpsRepository  *self,
                          DpsRunRecord   *run,
                          GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (run != NULL, FALSE);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->begin_run (self, run, error);
}

gboolean
dps_repository_update_run (DpsRepository       *self,
                           const DpsRunRecord  *run,
                           GError             **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (run != NULL && run->id > 0, FALSE);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->update_run (self, run, error);
}

GPtrArray *
dps_repository_list_runs (DpsRepository  *self,
                          guint           limit,
                          GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), NULL);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->list_runs (self, limit, error);
}

gboolean
dps_repository_query_kpis (DpsRepository  *self,
                           DpsFilter      *filter,
                           DpsKpis        *kpis,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (DPS_IS_FILTER (filter), FALSE);
  g_return_val_if_fail (kpis != NULL, FALSE);
  /* A cancelled call does nothing, however quick it would be. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  LOCKED (self);
  memset (kpis, 0, sizeof *kpis);
  kpis->first_event = G_MININT64;
  kpis->last_event = G_MININT64;
  return DPS_REPOSITORY_GET_CLASS (self)->query_kpis (self, filter, kpis, cancellable, error);
}

DpsBreakdown *
dps_repository_query_breakdown (DpsRepository      *self,
                                DpsFilter          *filter,
                                DpsDimension        dimension,
                                DpsDimension        dimension2,
                                DpsBreakdownOrder   order,
                                guint               limit,
                                GCancellable       *cancellable,
                                GError            **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), NULL);
  g_return_val_if_fail (DPS_IS_FILTER (filter), NULL);
  g_return_val_if_fail ((guint) dimension < DPS_N_DIMENSIONS, NULL);
  g_return_val_if_fail ((guint) dimension2 <= DPS_N_DIMENSIONS, NULL);
  g_return_val_if_fail (dimension != dimension2, NULL);
  /* A cancelled call does nothing, however quick it would be. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->query_breakdown (self, filter, dimension, dimension2,
                                                           order, limit, cancellable, error);
}

gboolean
dps_repository_count_rows (DpsRepository  *self,
                           DpsFilter      *filter,
                           guint64        *out_count,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (DPS_IS_FILTER (filter), FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);
  /* A cancelled call does nothing, however quick it would be. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->count_rows (self, filter, out_count, cancellable, error);
}

GPtrArray *
dps_repository_query_page (DpsRepository         *self,
                           DpsFilter             *filter,
                           const DpsSort         *sort,
                           const DpsPageRequest  *request,
                           GCancellable          *cancellable,
                           GError               **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), NULL);
  g_return_val_if_fail (DPS_IS_FILTER (filter), NULL);
  g_return_val_if_fail (sort != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);
  /* A cancelled call does nothing, however quick it would be. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->query_page (self, filter, sort, request, cancellable, error);
}

gboolean
dps_repository_foreach_row (DpsRepository  *self,
                            DpsFilter      *filter,
                            const DpsSort  *sort,
                            DpsRowFunc      func,
                            gpointer        user_data,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (DPS_IS_FILTER (filter), FALSE);
  g_return_val_if_fail (sort != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  /* A cancelled call does nothing, however quick it would be. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->foreach_row (self, filter, sort, func, user_data,
                                                       cancellable, error);
}

/* For backends without a count query of their own: reads the rows
 * before @row backwards, a page at a time (the lock is already held). */
static gboolean
count_rows_before_by_pages (DpsRepository  *self,
                            DpsFilter      *filter,
                            const DpsSort  *sort,
                            const DpsRow   *row,
                            guint64        *out_count,
                            GCancellable   *cancellable,
                            GError        **error)
{
  DpsRepositoryClass *klass = DPS_REPOSITORY_GET_CLASS (self);
  g_autoptr(DpsRow) cursor = dps_row_copy (row);
  guint64 count = 0;

  for (;;)
    {
      DpsPageRequest request = { cursor, TRUE, 0, 10000 };
      g_autoptr(GPtrArray) rows = klass->query_page (self, filter, sort, &request,
                                                     cancellable, error);

      if (rows == NULL)
        return FALSE;
      count += rows->len;
      if (rows->len < request.limit)
        break;
      /* Returned in sort order: the first is the earliest. */
      g_clear_pointer (&cursor, dps_row_free);
      cursor = dps_row_copy (g_ptr_array_index (rows, 0));
    }
  *out_count = count;
  return TRUE;
}

gboolean
dps_repository_count_rows_before (DpsRepository  *self,
                                  DpsFilter      *filter,
                                  const DpsSort  *sort,
                                  const DpsRow   *row,
                                  guint64        *out_count,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  DpsRepositoryClass *klass;

  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (DPS_IS_FILTER (filter), FALSE);
  g_return_val_if_fail (sort != NULL, FALSE);
  g_return_val_if_fail (row != NULL, FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);
  LOCKED (self);
  klass = DPS_REPOSITORY_GET_CLASS (self);
  if (klass->count_rows_before == NULL)
    return count_rows_before_by_pages (self, filter, sort, row, out_count, cancellable, error);
  return klass->count_rows_before (self, filter, sort, row, out_count, cancellable, error);
}

gboolean
dps_repository_get_row (DpsRepository  *self,
                        const guint8    id[16],
                        DpsRow        **out,
                        GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  LOCKED (self);
  *out = NULL;
  return DPS_REPOSITORY_GET_CLASS (self)->get_row (self, id, out, error);
}

gboolean
dps_repository_count_rejects (DpsRepository         *self,
                              const DpsRejectQuery  *query,
                              gint64                *by_reason,
                              GError               **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (by_reason != NULL, FALSE);
  LOCKED (self);
  memset (by_reason, 0, sizeof (gint64) * DPS_N_REJECT_REASONS);
  return DPS_REPOSITORY_GET_CLASS (self)->count_rejects (self, query, by_reason, error);
}

GPtrArray *
dps_repository_list_rejects (DpsRepository         *self,
                             const DpsRejectQuery  *query,
                             GError               **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->list_rejects (self, query, error);
}

gboolean
dps_repository_foreach_reject (DpsRepository         *self,
                               const DpsRejectQuery  *query,
                               DpsRejectFunc          func,
                               gpointer               user_data,
                               GCancellable          *cancellable,
                               GError               **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->foreach_reject (self, query, func, user_data,
                                                          cancellable, error);
}

DpsBreakdown *
dps_repository_reject_series (DpsRepository         *self,
                              const DpsRejectQuery  *query,
                              GError               **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->reject_series (self, query, error);
}

GPtrArray *
dps_repository_list_duplicates (DpsRepository  *self,
                                guint           limit,
                                GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), NULL);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->list_duplicates (self, limit, error);
}

gboolean
dps_repository_check_rollups (DpsRepository  *self,
                              gint32          day_from,
                              gint32          day_to,
                              gboolean       *out_equal,
                              char          **out_detail,
                              GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (out_equal != NULL, FALSE);
  LOCKED (self);
  if (out_detail != NULL)
    *out_detail = NULL;
  return DPS_REPOSITORY_GET_CLASS (self)->check_rollups (self, day_from, day_to,
                                                         out_equal, out_detail, error);
}

gboolean
dps_repository_rebuild_rollups (DpsRepository  *self,
                                GCancellable   *cancellable,
                                GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  LOCKED (self);
  return DPS_REPOSITORY_GET_CLASS (self)->rebuild_rollups (self, cancellable, error);
}

gboolean
dps_repository_count_null_keys (DpsRepository  *self,
                                gint64         *out_count,
                                GError        **error)
{
  g_return_val_if_fail (DPS_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);
  LOCKED (self);
  *out_count = 0;
  return DPS_REPOSITORY_GET_CLASS (self)->count_null_keys (self, out_count, error);
}

char *
dps_repository_reasons_to_json (const gint64 *by_reason)
{
  GString *out = g_string_new ("{");
  gboolean first = TRUE;

  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    {
      if (by_reason[i] == 0)
        continue;
      g_string_append_printf (out, "%s\"%s\":%" G_GINT64_FORMAT, first ? "" : ",",
                              dps_reject_reason_to_string (i), by_reason[i]);
      first = FALSE;
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

void
dps_repository_reasons_from_json (const char *text,
                                  gint64     *by_reason)
{
  /* Written by dps_repository_reasons_to_json(): {"reason":n,…}, no
   * nesting or escapes. */
  const char *p = text;

  while (p != NULL && (p = strchr (p, '"')) != NULL)
    {
      const char *end = strchr (p + 1, '"');
      g_autofree char *name = NULL;
      DpsRejectReason reason;

      if (end == NULL || end[1] != ':')
        break;
      name = g_strndup (p + 1, (gsize) (end - p - 1));
      if (dps_reject_reason_from_string (name, &reason))
        by_reason[reason] = g_ascii_strtoll (end + 2, NULL, 10);
      p = end + 1;
    }
}

gint64
dps_repository_raw_hash (const guint8 *data,
                         gsize         size)
{
  /* 64-bit FNV-1a, folded to a positive integer both databases store. */
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  for (gsize i = 0; i < size; i++)
    {
      h ^= data[i];
      h *= G_GUINT64_CONSTANT (1099511628211);
    }
  return (gint64) (h >> 1);
}

gboolean
dps_repository_process_is_alive (gint64      pid,
                                 const char *host)
{
  if (g_strcmp0 (host, g_get_host_name ()) != 0)
    return TRUE;   /* cannot tell: leave another machine's runs alone */
  if (pid <= 0)
    return FALSE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}
