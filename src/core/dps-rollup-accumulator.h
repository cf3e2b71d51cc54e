/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core: sums one batch's new rows into the groups of
 * every rollup, in memory, so the load transaction upserts a few thousand
 * groups instead of aggregating rows in SQL. */

#include "dps-rollup.h"
#include "dps-transaction.h"

G_BEGIN_DECLS

typedef struct _DpsRollupAccumulator DpsRollupAccumulator;

/* One group of one rollup: its key and sums. Strings are NULL for the
 * dimensions the rollup does not keep. */
typedef struct {
  gint32      event_date;
  guint8      event_hour;
  guint8      status;
  guint8      payment_method;
  guint8      amount_bucket;
  const char *category;
  const char *city;
  const char *merchant;
  gint64      tx_count;
  gint64      amount_cents;
} DpsRollupGroup;

typedef void (*DpsRollupGroupFunc) (const DpsRollupSpec  *spec,
                                    const DpsRollupGroup *group,
                                    gpointer              user_data);

DpsRollupAccumulator *dps_rollup_accumulator_new     (void);
void                  dps_rollup_accumulator_free    (DpsRollupAccumulator       *self);
void                  dps_rollup_accumulator_reset   (DpsRollupAccumulator       *self);
void                  dps_rollup_accumulator_add     (DpsRollupAccumulator       *self,
                                                      const DpsTransaction       *tx);
/* Calls @func for every group of every rollup (callers keep their own
 * first error and skip the rest). */
void                  dps_rollup_accumulator_foreach (DpsRollupAccumulator       *self,
                                                      DpsRollupGroupFunc          func,
                                                      gpointer                    user_data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsRollupAccumulator, dps_rollup_accumulator_free)

G_END_DECLS
