/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Only libdps-core includes this: the contract between DpsRepository and
 * its backends. The base class serialises calls and checks arguments; a
 * backend's vfuncs run with the repository's lock held. */

#include "dps-repository.h"

G_BEGIN_DECLS

struct _DpsRepositoryClass
{
  GObjectClass parent_class;

  gboolean     (*migrate)          (DpsRepository *self, GError **error);
  gboolean     (*get_info)         (DpsRepository *self, DpsRepositoryInfo *info, GError **error);

  gboolean     (*ensure_source)    (DpsRepository *self, const char *source_key,
                                    guint32 *out_id, GError **error);
  gboolean     (*write_batch)      (DpsRepository *self, DpsBatch *batch, DpsBatchResult *result,
                                    GCancellable *cancellable, GError **error);
  /* Optional (NULL: not supported): see dps_repository_write_batch_open(). */
  gboolean     (*write_batch_open) (DpsRepository *self, DpsBatch *batch, DpsBatchResult *result,
                                    GCancellable *cancellable, GError **error);
  /* Optional (NULL: never): see dps_repository_prefers_large_writes(). */
  gboolean     (*prefers_large_writes) (DpsRepository *self);
  gboolean     (*commit_open)      (DpsRepository *self, GError **error);
  void         (*rollback_open)    (DpsRepository *self);
  gboolean     (*load_checkpoint)  (DpsRepository *self, const char *source_key, gint32 partition,
                                    DpsCheckpoint **out, GError **error);
  GPtrArray   *(*list_checkpoints) (DpsRepository *self, const char *source_key, GError **error);

  gboolean     (*begin_run)        (DpsRepository *self, DpsRunRecord *run, GError **error);
  gboolean     (*update_run)       (DpsRepository *self, const DpsRunRecord *run, GError **error);
  GPtrArray   *(*list_runs)        (DpsRepository *self, guint limit, GError **error);

  gboolean     (*query_kpis)       (DpsRepository *self, DpsFilter *filter, DpsKpis *kpis,
                                    GCancellable *cancellable, GError **error);
  DpsBreakdown*(*query_breakdown)  (DpsRepository *self, DpsFilter *filter, DpsDimension dimension,
                                    DpsDimension dimension2, DpsBreakdownOrder order, guint limit,
                                    GCancellable *cancellable, GError **error);
  gboolean     (*count_rows)       (DpsRepository *self, DpsFilter *filter, guint64 *out_count,
                                    GCancellable *cancellable, GError **error);
  GPtrArray   *(*query_page)       (DpsRepository *self, DpsFilter *filter, const DpsSort *sort,
                                    const DpsPageRequest *request,
                                    GCancellable *cancellable, GError **error);
  gboolean     (*foreach_row)      (DpsRepository *self, DpsFilter *filter, const DpsSort *sort,
                                    DpsRowFunc func, gpointer user_data,
                                    GCancellable *cancellable, GError **error);
  gboolean     (*get_row)          (DpsRepository *self, const guint8 id[16], DpsRow **out,
                                    GError **error);

  gboolean     (*count_rejects)    (DpsRepository *self, const DpsRejectQuery *query,
                                    gint64 *by_reason, GError **error);
  GPtrArray   *(*list_rejects)     (DpsRepository *self, const DpsRejectQuery *query,
                                    GError **error);
  gboolean     (*foreach_reject)   (DpsRepository *self, const DpsRejectQuery *query,
                                    DpsRejectFunc func, gpointer user_data,
                                    GCancellable *cancellable, GError **error);
  DpsBreakdown*(*reject_series)    (DpsRepository *self, const DpsRejectQuery *query,
                                    GError **error);
  GPtrArray   *(*list_duplicates)  (DpsRepository *self, guint limit, GError **error);

  gboolean     (*check_rollups)    (DpsRepository *self, gint32 day_from, gint32 day_to,
                                    gboolean *out_equal, char **out_detail, GError **error);
  gboolean     (*rebuild_rollups)  (DpsRepository *self, GCancellable *cancellable,
                                    GError **error);
  gboolean     (*count_null_keys)  (DpsRepository *self, gint64 *out_count, GError **error);

  /* Optional: the base class counts by reading pages when NULL. */
  gboolean     (*count_rows_before)(DpsRepository *self, DpsFilter *filter, const DpsSort *sort,
                                    const DpsRow *row, guint64 *out_count,
                                    GCancellable *cancellable, GError **error);
};

/* For backends: how pipeline_runs keeps counts by reason ({"reason":n}). */
char    *dps_repository_reasons_to_json   (const gint64  *by_reason);
void     dps_repository_reasons_from_json (const char    *text,
                                           gint64        *by_reason);
/* The hash that makes a stored reject unique with its origin. */
gint64   dps_repository_raw_hash          (const guint8  *data,
                                           gsize          size);
/* Whether the process that left a run "running" still lives (runs of
 * another host are given the benefit of the doubt). */
gboolean dps_repository_process_is_alive  (gint64         pid,
                                           const char    *host);

/* For backends: set once while opening. */
void dps_repository_set_display_name (DpsRepository *self,
                                      const char    *display_name);

G_END_DECLS
