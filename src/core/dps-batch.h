/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-checkpoint.h"
#include "dps-reject.h"
#include "dps-transaction.h"

G_BEGIN_DECLS

typedef struct {
  DpsTransaction tx;
  DpsPosition    position;
} DpsBatchRow;

/* One micro-batch: the unit of write, retry and checkpoint. Rows, rejects
 * and checkpoints commit together or not at all. */
typedef struct {
  /* Row i is rows->pdata[i] (see dps_batch_get_row()). The rows live in
   * blocks of their own that never move: a batch appended to another
   * hands over its blocks, not copies of its rows, so a write gathered
   * from many batches holds no more memory than they did. */
  GPtrArray *rows;          /* DpsBatchRow*, into @blocks */
  GPtrArray *blocks;        /* owned, private to dps-batch.c */
  GArray    *rejects;       /* DpsReject, owned */
  GPtrArray *checkpoints;   /* DpsCheckpoint*, owned; replaces stored ones */
  gint64     run_id;        /* pipeline_runs row these rows belong to, or 0 */
  gsize      bytes;         /* bytes of source text covered, for metrics */

  /* GStringChunk*, owned: the rows' merchant, category and city, each
   * text kept once per batch taken in (see dps_batch_take_row()); a
   * batch appended brings its own. */
  GPtrArray *strings;

  /* Rollup sums of every row, made on another thread while the rows are
   * written (dps_batch_sum_rollups_async); private to libdps-core. */
  struct _DpsRollupAccumulator *rollups;
  gboolean   rollups_requested;   /* for the rows as they are now */
  gboolean   rollups_pending;     /* under rollups_lock */
  GMutex     rollups_lock;
  GCond      rollups_done;
} DpsBatch;

/* What a committed batch did. */
typedef struct {
  guint64 loaded;                                 /* new rows inserted */
  guint64 duplicates;                             /* rows whose id was already stored */
  guint64 rejected;                               /* rejects stored */
  guint64 rejected_by_reason[DPS_N_REJECT_REASONS];
} DpsBatchResult;

DpsBatch    *dps_batch_new               (void);
void         dps_batch_free              (DpsBatch             *self);
/* Empties the batch, keeping its allocations for reuse. */
void         dps_batch_reset             (DpsBatch             *self);
/* Takes the strings of @tx; @tx is left zeroed. */
void         dps_batch_take_row          (DpsBatch             *self,
                                          DpsTransaction       *tx,
                                          const DpsPosition    *position);
/* Sums the rows for the rollups on a thread of @pool (made with
 * dps_batch_sum_rollups_func), while the caller goes on: a repository
 * writing the batch takes the sums from dps_batch_wait_rollups() instead
 * of adding every row on the writer's thread. Any change to the batch
 * first waits for the sums and drops them. */
void         dps_batch_sum_rollups_async (DpsBatch             *self,
                                          GThreadPool          *pool);
/* The function of a pool for dps_batch_sum_rollups_async(). */
void         dps_batch_sum_rollups_func  (gpointer              batch,
                                          gpointer              user_data);
/* Whether sums were asked for the rows as they are (does not wait). */
gboolean     dps_batch_has_rollups       (const DpsBatch       *self);
/* Waits for the sums asked for; NULL when none were. */
struct _DpsRollupAccumulator *
             dps_batch_wait_rollups      (DpsBatch             *self);
/* Takes the contents of @reject; @reject is left cleared. */
void         dps_batch_take_reject       (DpsBatch             *self,
                                          DpsReject            *reject);
/* Replaces any checkpoint with the same source key and partition. */
void         dps_batch_set_checkpoint    (DpsBatch             *self,
                                          const DpsCheckpoint  *checkpoint);
/* Moves everything of @other to the end of @self; @other is left empty. */
void         dps_batch_append            (DpsBatch             *self,
                                          DpsBatch             *other);
guint        dps_batch_get_n_rows        (const DpsBatch       *self);
static inline const DpsBatchRow *
             dps_batch_get_row           (const DpsBatch       *self,
                                          guint                 i)
{
  return (const DpsBatchRow *) self->rows->pdata[i];
}
guint        dps_batch_get_n_rejects     (const DpsBatch       *self);
gboolean     dps_batch_is_empty          (const DpsBatch       *self);

void         dps_batch_result_add        (DpsBatchResult       *total,
                                          const DpsBatchResult *part);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsBatch, dps_batch_free)

G_END_DECLS
