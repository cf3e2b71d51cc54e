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
  GArray    *rows;          /* DpsBatchRow, owned */
  GArray    *rejects;       /* DpsReject, owned */
  GPtrArray *checkpoints;   /* DpsCheckpoint*, owned; replaces stored ones */
  gint64     run_id;        /* pipeline_runs row these rows belong to, or 0 */
  gsize      bytes;         /* bytes of source text covered, for metrics */
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
guint        dps_batch_get_n_rejects     (const DpsBatch       *self);
gboolean     dps_batch_is_empty          (const DpsBatch       *self);

void         dps_batch_result_add        (DpsBatchResult       *total,
                                          const DpsBatchResult *part);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsBatch, dps_batch_free)

G_END_DECLS
