/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-filter.h"
#include "dps-query.h"

G_BEGIN_DECLS

#define DPS_COLUMN_STORE_ERROR (dps_column_store_error_quark ())
typedef enum {
  DPS_COLUMN_STORE_ERROR_FAILED,        /* the database could not be read */
  DPS_COLUMN_STORE_ERROR_UNSUPPORTED,   /* not loaded, or holding values it cannot
                                         * answer exactly: ask the repository */
} DpsColumnStoreError;
GQuark       dps_column_store_error_quark (void);

/* The answer of one pass: the key figures and every breakdown the
 * dashboard draws, for one filter. */
typedef struct _DpsColumnStoreAnswer DpsColumnStoreAnswer;

#define DPS_TYPE_COLUMN_STORE (dps_column_store_get_type ())
G_DECLARE_FINAL_TYPE (DpsColumnStore, dps_column_store, DPS, COLUMN_STORE, GObject)

/* The transactions of a SQLite database held in memory as compact
 * columns (about 22 bytes a row), so that any filter, even one no rollup
 * answers (a search, an amount range, an unaligned period…), is answered
 * in one pass over arrays instead of one table scan per chart.
 *
 * The store reads the file through its own read-only connection; it
 * never writes. Every call is thread-safe: syncs are serialised, and
 * queries run while a sync appends rows (they see the rows published
 * when they started). */
DpsColumnStore *dps_column_store_new             (const char            *path);
const char     *dps_column_store_get_path        (DpsColumnStore        *self);

/* Loads the rows stored after the last one held (on the first call,
 * every row), in chunks; blocking, cancellable (what was loaded stays).
 * A database replaced since the last call (another file at the path, or
 * rows rewritten) is loaded again from the start. */
gboolean        dps_column_store_sync            (DpsColumnStore        *self,
                                                  GCancellable          *cancellable,
                                                  GError               **error);
/* Whether the store can answer: a sync reached the end of the table and
 * every row held fits its columns exactly. */
gboolean        dps_column_store_is_ready        (DpsColumnStore        *self);
/* Why it cannot, when it holds a value it cannot answer exactly (an
 * amount or user id beyond 32 bits, an event before 1970…), or NULL. */
char           *dps_column_store_dup_unsupported_reason (DpsColumnStore *self);
guint64         dps_column_store_get_n_rows      (DpsColumnStore        *self);
/* Bytes of memory the columns and dictionaries take. */
guint64         dps_column_store_get_memory_size (DpsColumnStore        *self);

/* The key figures and breakdowns of the rows matching @filter, computed
 * in one pass on two threads, equal to what the repository answers for
 * the rows held. Fails with DPS_COLUMN_STORE_ERROR_UNSUPPORTED when the
 * store cannot answer exactly (the caller then asks the repository). */
DpsColumnStoreAnswer *
                dps_column_store_query           (DpsColumnStore        *self,
                                                  DpsFilter             *filter,
                                                  GCancellable          *cancellable,
                                                  GError               **error);

/* Whether the repository would scan the base table to group @filter's
 * rows by @dimension and @dimension2 (no rollup answers the pair): where
 * the store is worth asking. */
gboolean        dps_column_store_filter_needs_scan (DpsFilter           *filter,
                                                  DpsDimension           dimension,
                                                  DpsDimension           dimension2);

void            dps_column_store_answer_get_kpis (DpsColumnStoreAnswer  *answer,
                                                  DpsKpis               *kpis);
/* A breakdown as dps_repository_query_breakdown() returns it (same keys,
 * order and limit), by one dimension, by weekday × hour, or by day, week
 * or month × hour when the answer kept hours per day (it does when the
 * filter's period, or the data, spans at most about three years).
 * NULL for any other pair. */
DpsBreakdown   *dps_column_store_answer_get_breakdown (DpsColumnStoreAnswer *answer,
                                                  DpsDimension           dimension,
                                                  DpsDimension           dimension2,
                                                  DpsBreakdownOrder      order,
                                                  guint                  limit);
void            dps_column_store_answer_free     (DpsColumnStoreAnswer  *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsColumnStoreAnswer, dps_column_store_answer_free)

G_END_DECLS
