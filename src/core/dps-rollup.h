/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core: the dashboard's rollups and which one can answer
 * a query. Both backends keep the same rollups (SQLite as tables updated in
 * the load transaction, PostgreSQL as materialized views) and use this
 * planner, so they pick the same one for the same query. */

#include "dps-filter.h"
#include "dps-query.h"

G_BEGIN_DECLS

/* Dimensions a rollup may keep besides event_date (which all keep, so
 * day, week, month and weekday are always available). */
typedef enum {
  DPS_ROLLUP_DIM_CATEGORY       = 1 << 0,
  DPS_ROLLUP_DIM_CITY           = 1 << 1,
  DPS_ROLLUP_DIM_MERCHANT       = 1 << 2,
  DPS_ROLLUP_DIM_STATUS         = 1 << 3,
  DPS_ROLLUP_DIM_PAYMENT_METHOD = 1 << 4,
  DPS_ROLLUP_DIM_AMOUNT_BUCKET  = 1 << 5,
  DPS_ROLLUP_DIM_HOUR           = 1 << 6,
} DpsRollupDims;

#define DPS_ROLLUP_MAX_DIMS 4

typedef struct {
  const char    *table;        /* rollup_daily, … */
  DpsRollupDims  dims;
  const char    *columns;      /* its dimension columns after event_date, SQL order */
  DpsRollupDims  order[DPS_ROLLUP_MAX_DIMS];   /* the same, one dimension each */
} DpsRollupSpec;

/* How many dimensions besides event_date. */
guint                dps_rollup_spec_get_n_dims (const DpsRollupSpec *spec);

/* Column name of one dimension ("category", "event_hour", …). */
const char          *dps_rollup_dim_column     (DpsRollupDims dim);

/* Several narrow rollups rather than one wide cube, smallest first. */
const DpsRollupSpec *dps_rollup_get_specs      (guint        *n_specs);

/* The rollup dimension a query dimension needs (0 for date-derived ones). */
DpsRollupDims        dps_rollup_dims_for       (DpsDimension  dimension);

/* The smallest rollup that answers @filter grouped by @dimension and
 * @dimension2 exactly, or NULL when only the base table can: amount
 * ranges, searches and periods not aligned to UTC days need the base
 * table. */
const DpsRollupSpec *dps_rollup_choose         (DpsFilter    *filter,
                                                DpsDimension  dimension,
                                                DpsDimension  dimension2);

/* Day numbers [*day_from, *day_to) of an aligned period; open ends are
 * G_MININT32 / G_MAXINT32. */
void                 dps_rollup_period_days    (DpsFilter    *filter,
                                                gint32       *day_from,
                                                gint32       *day_to);

G_END_DECLS
