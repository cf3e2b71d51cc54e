/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-batch.h"
#include "dps-checkpoint.h"
#include "dps-filter.h"
#include "dps-query.h"
#include "dps-run-record.h"

G_BEGIN_DECLS

#define DPS_REPOSITORY_ERROR (dps_repository_error_quark ())
typedef enum {
  DPS_REPOSITORY_ERROR_FAILED,
  DPS_REPOSITORY_ERROR_BUSY,          /* transient: locked by another writer */
  DPS_REPOSITORY_ERROR_CONNECTION,    /* transient: server gone, network cut */
  DPS_REPOSITORY_ERROR_AUTH,          /* wrong password or role */
  DPS_REPOSITORY_ERROR_NOT_FOUND,     /* no such file or database */
  DPS_REPOSITORY_ERROR_TOO_NEW,       /* schema written by a newer version */
  DPS_REPOSITORY_ERROR_CORRUPT,       /* not a database of ours, or damaged */
  DPS_REPOSITORY_ERROR_READ_ONLY,
  DPS_REPOSITORY_ERROR_FULL,          /* disk or quota full */
  DPS_REPOSITORY_ERROR_INVALID_URI,
  DPS_REPOSITORY_ERROR_UNSUPPORTED,   /* backend not built in */
  DPS_REPOSITORY_ERROR_INVALID_ARGUMENT,
} DpsRepositoryError;
GQuark   dps_repository_error_quark        (void);
/* TRUE for errors worth retrying with backoff (busy, connection lost). */
gboolean dps_repository_error_is_transient (const GError *error);

typedef enum {
  DPS_REPOSITORY_FLAGS_NONE      = 0,
  DPS_REPOSITORY_FLAGS_CREATE    = 1 << 0,   /* create a missing SQLite file (and its folder) */
  DPS_REPOSITORY_FLAGS_READ_ONLY = 1 << 1,
  DPS_REPOSITORY_FLAGS_NO_MIGRATE= 1 << 2,   /* open as is; dps_repository_migrate() later */
} DpsRepositoryFlags;

typedef struct {
  char   *backend;          /* "SQLite", "PostgreSQL" */
  char   *display_name;     /* file name, or host/database: never a password */
  char   *location;         /* full path, or conninfo without password */
  gint    schema_version;
  gint    latest_version;   /* what this build migrates to */
  gint64  rows;
  gint64  rejects;
  gint64  duplicates;       /* duplicate arrivals */
  gint64  runs;
  gint64  first_event;      /* microseconds UTC, G_MININT64 when empty */
  gint64  last_event;
  gint64  size_bytes;       /* on disk, -1 when unknown */
} DpsRepositoryInfo;
void     dps_repository_info_clear         (DpsRepositoryInfo *info);

/* A stored reject with where and when it was stored. */
typedef struct {
  gint64     id;
  gint64     rejected_at;   /* microseconds UTC */
  gint64     run_id;
  char      *source;        /* source key it came from */
  DpsReject  reject;
} DpsStoredReject;
GType            dps_stored_reject_get_type (void) G_GNUC_CONST;
#define DPS_TYPE_STORED_REJECT (dps_stored_reject_get_type ())
DpsStoredReject *dps_stored_reject_copy (const DpsStoredReject *self);
void             dps_stored_reject_free (DpsStoredReject       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsStoredReject, dps_stored_reject_free)

typedef struct {
  gint64   from;            /* period on coalesce(event_ts, rejected_at); DPS_FILTER_NO_TIME = open */
  gint64   to;
  guint    reasons;         /* mask of DpsRejectReason; 0 = all */
  gint64   after_id;        /* keyset: ids greater than this (0 = from the start) */
  guint    limit;           /* 0 = no limit (foreach only) */
} DpsRejectQuery;
void     dps_reject_query_init             (DpsRejectQuery *query);

/* How many times an id arrived: once loaded, then duplicates. */
typedef struct {
  guint8 id[16];
  gint64 arrivals;          /* >= 2 */
  gint64 first_seen;        /* microseconds UTC */
  gint64 last_seen;
  char  *last_source;
} DpsDuplicateInfo;
void     dps_duplicate_info_free           (DpsDuplicateInfo *self);

typedef gboolean (*DpsRowFunc)    (const DpsRow           *row,
                                   gpointer                user_data,
                                   GError                **error);
typedef gboolean (*DpsRejectFunc) (const DpsStoredReject  *reject,
                                   gpointer                user_data,
                                   GError                **error);

#define DPS_TYPE_REPOSITORY (dps_repository_get_type ())
G_DECLARE_DERIVABLE_TYPE (DpsRepository, dps_repository, DPS, REPOSITORY, GObject)

/* Every call is thread-safe: calls on one repository are serialised. Open
 * one repository per thread that must not wait for the others (the engine
 * writes through its own; the GUI reads through another). */

/* The default database: sqlite:// + $XDG_DATA_HOME/data-pipeline-streaming/transactions.db */
char            *dps_repository_get_default_uri   (void);
/* "sqlite:///abs/path.db", a plain path, "postgresql://…", or a libpq
 * conninfo ("host=… dbname=…"). Migrates to the latest schema unless
 * NO_MIGRATE. */
DpsRepository   *dps_repository_open              (const char              *uri,
                                                   DpsRepositoryFlags       flags,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* The same URI with any password removed, for display and logs. */
char            *dps_repository_uri_redact        (const char              *uri);

const char      *dps_repository_get_display_name  (DpsRepository           *self);
gboolean         dps_repository_migrate           (DpsRepository           *self,
                                                   GError                 **error);
gboolean         dps_repository_get_info          (DpsRepository           *self,
                                                   DpsRepositoryInfo       *info,
                                                   GError                 **error);

/* --- writing ---------------------------------------------------------- */

/* Returns the id of a source key ("file:/path"), creating it once. */
gboolean         dps_repository_ensure_source     (DpsRepository           *self,
                                                   const char              *source_key,
                                                   guint32                 *out_id,
                                                   GError                 **error);
/* Rows (duplicates counted, not inserted), rejects, rollups and
 * checkpoints in one transaction. On a transient error nothing was
 * written and the same batch may be written again. */
gboolean         dps_repository_write_batch       (DpsRepository           *self,
                                                   DpsBatch                *batch,
                                                   DpsBatchResult          *result,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* Commits larger than what a load holds in memory: a backend that can
 * (SQLite) writes batches into one open transaction, which
 * dps_repository_commit_open() commits. Until then nothing of them is
 * durable; after a crash, or when any of these calls fails, they are all
 * gone together (the transaction is rolled back), so a retry must start
 * from the last committed checkpoint, not from the failed batch alone.
 * A random-key index then has each page written once for many batches. */
gboolean         dps_repository_can_keep_open     (DpsRepository           *self);
gboolean         dps_repository_write_batch_open  (DpsRepository           *self,
                                                   DpsBatch                *batch,
                                                   DpsBatchResult          *result,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* Whether writing several batches at once (into the open transaction)
 * now costs less per row than a batch at a time: SQLite's does once its
 * key index outgrew the page cache, as a write then sweeps the index
 * once, in key order, however many rows it holds; from the commit after
 * the first such write, which returns most of its page cache for the
 * larger writes to use. */
gboolean         dps_repository_prefers_large_writes (DpsRepository        *self);
/* Commits the open transaction, if any. */
gboolean         dps_repository_commit_open       (DpsRepository           *self,
                                                   GError                 **error);
/* Rolls the open transaction back, if any. */
void             dps_repository_rollback_open     (DpsRepository           *self);
/* NULL in *out when the source has no checkpoint. */
gboolean         dps_repository_load_checkpoint   (DpsRepository           *self,
                                                   const char              *source_key,
                                                   gint32                   partition,
                                                   DpsCheckpoint          **out,
                                                   GError                 **error);
/* Every partition's checkpoint of a source key. */
GPtrArray       *dps_repository_list_checkpoints  (DpsRepository           *self,
                                                   const char              *source_key,
                                                   GError                 **error);

/* pipeline_runs: begin assigns run->id; update writes counts, status,
 * error, timings and checks. Runs left "running" by a dead process are
 * marked interrupted by dps_repository_begin_run(). */
gboolean         dps_repository_begin_run         (DpsRepository           *self,
                                                   DpsRunRecord            *run,
                                                   GError                 **error);
gboolean         dps_repository_update_run        (DpsRepository           *self,
                                                   const DpsRunRecord      *run,
                                                   GError                 **error);
/* Newest first. */
GPtrArray       *dps_repository_list_runs         (DpsRepository           *self,
                                                   guint                    limit,
                                                   GError                 **error);

/* --- the query API ------------------------------------------------------ */

gboolean         dps_repository_query_kpis        (DpsRepository           *self,
                                                   DpsFilter               *filter,
                                                   DpsKpis                 *kpis,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* Group by one or two dimensions; @limit 0 = all groups. */
DpsBreakdown    *dps_repository_query_breakdown   (DpsRepository           *self,
                                                   DpsFilter               *filter,
                                                   DpsDimension             dimension,
                                                   DpsDimension             dimension2,
                                                   DpsBreakdownOrder        order,
                                                   guint                    limit,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
gboolean         dps_repository_count_rows        (DpsRepository           *self,
                                                   DpsFilter               *filter,
                                                   guint64                 *out_count,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* A page of rows in @sort order (DpsRow*, payload NULL). */
GPtrArray       *dps_repository_query_page        (DpsRepository           *self,
                                                   DpsFilter               *filter,
                                                   const DpsSort           *sort,
                                                   const DpsPageRequest    *request,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* Every matching row in @sort order; @func sees a row valid only during
 * the call. Stops when @func returns FALSE (its error is returned). */
gboolean         dps_repository_foreach_row       (DpsRepository           *self,
                                                   DpsFilter               *filter,
                                                   const DpsSort           *sort,
                                                   DpsRowFunc               func,
                                                   gpointer                 user_data,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* How many rows matching @filter come before @row in @sort order (ties
 * in storage order, as pages have them): the position @row has, or would
 * have, in the listing. Only @row's sort value and row_id are read. */
gboolean         dps_repository_count_rows_before (DpsRepository           *self,
                                                   DpsFilter               *filter,
                                                   const DpsSort           *sort,
                                                   const DpsRow            *row,
                                                   guint64                 *out_count,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* One row by id, with payload and source position; NULL in *out if absent. */
gboolean         dps_repository_get_row           (DpsRepository           *self,
                                                   const guint8             id[16],
                                                   DpsRow                 **out,
                                                   GError                 **error);

/* --- data quality ------------------------------------------------------- */

/* Counts by reason (array of DPS_N_REJECT_REASONS) for a period/reasons. */
gboolean         dps_repository_count_rejects     (DpsRepository           *self,
                                                   const DpsRejectQuery    *query,
                                                   gint64                  *by_reason,
                                                   GError                 **error);
/* A page of rejects (DpsStoredReject*), oldest id first. */
GPtrArray       *dps_repository_list_rejects      (DpsRepository           *self,
                                                   const DpsRejectQuery    *query,
                                                   GError                 **error);
gboolean         dps_repository_foreach_reject    (DpsRepository           *self,
                                                   const DpsRejectQuery    *query,
                                                   DpsRejectFunc            func,
                                                   gpointer                 user_data,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);
/* Rejects per day (key) and reason (key2), count in agg.count. */
DpsBreakdown    *dps_repository_reject_series     (DpsRepository           *self,
                                                   const DpsRejectQuery    *query,
                                                   GError                 **error);
/* Ids that arrived more than once (DpsDuplicateInfo*), most arrivals first. */
GPtrArray       *dps_repository_list_duplicates   (DpsRepository           *self,
                                                   guint                    limit,
                                                   GError                 **error);

/* --- checks --------------------------------------------------------------- */

/* Compares every rollup with the base table over [day_from, day_to]
 * (day numbers); *out_equal is FALSE with a detail when they differ. */
gboolean         dps_repository_check_rollups     (DpsRepository           *self,
                                                   gint32                   day_from,
                                                   gint32                   day_to,
                                                   gboolean                *out_equal,
                                                   char                   **out_detail,
                                                   GError                 **error);
/* Rows missing a key (transaction_id or event_ts): a quality check. */
gboolean         dps_repository_count_null_keys   (DpsRepository           *self,
                                                   gint64                  *out_count,
                                                   GError                 **error);
/* Rebuilds every rollup from the base table (after a manual SQL edit). */
gboolean         dps_repository_rebuild_rollups   (DpsRepository           *self,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);

G_END_DECLS
