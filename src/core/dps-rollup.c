/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include "dps-rollup.h"
#include "dps-transaction.h"

static const DpsRollupSpec specs[] = {
  { "rollup_daily",
    DPS_ROLLUP_DIM_CATEGORY | DPS_ROLLUP_DIM_CITY | DPS_ROLLUP_DIM_STATUS |
    DPS_ROLLUP_DIM_PAYMENT_METHOD,
    "category, city, status, payment_method",
    { DPS_ROLLUP_DIM_CATEGORY, DPS_ROLLUP_DIM_CITY, DPS_ROLLUP_DIM_STATUS, DPS_ROLLUP_DIM_PAYMENT_METHOD } },
  { "rollup_merchant",
    DPS_ROLLUP_DIM_MERCHANT | DPS_ROLLUP_DIM_CATEGORY | DPS_ROLLUP_DIM_CITY |
    DPS_ROLLUP_DIM_STATUS,
    "merchant, category, city, status",
    { DPS_ROLLUP_DIM_MERCHANT, DPS_ROLLUP_DIM_CATEGORY, DPS_ROLLUP_DIM_CITY, DPS_ROLLUP_DIM_STATUS } },
  { "rollup_bucket",
    DPS_ROLLUP_DIM_AMOUNT_BUCKET | DPS_ROLLUP_DIM_CATEGORY | DPS_ROLLUP_DIM_CITY |
    DPS_ROLLUP_DIM_STATUS,
    "amount_bucket, category, city, status",
    { DPS_ROLLUP_DIM_AMOUNT_BUCKET, DPS_ROLLUP_DIM_CATEGORY, DPS_ROLLUP_DIM_CITY, DPS_ROLLUP_DIM_STATUS } },
  { "rollup_hourly",
    DPS_ROLLUP_DIM_HOUR | DPS_ROLLUP_DIM_CATEGORY | DPS_ROLLUP_DIM_STATUS |
    DPS_ROLLUP_DIM_PAYMENT_METHOD,
    "event_hour, category, status, payment_method",
    { DPS_ROLLUP_DIM_HOUR, DPS_ROLLUP_DIM_CATEGORY, DPS_ROLLUP_DIM_STATUS, DPS_ROLLUP_DIM_PAYMENT_METHOD } },
};

const DpsRollupSpec *
dps_rollup_get_specs (guint *n_specs)
{
  *n_specs = G_N_ELEMENTS (specs);
  return specs;
}

const char *
dps_rollup_dim_column (DpsRollupDims dim)
{
  switch (dim)
    {
    case DPS_ROLLUP_DIM_CATEGORY:       return "category";
    case DPS_ROLLUP_DIM_CITY:           return "city";
    case DPS_ROLLUP_DIM_MERCHANT:       return "merchant";
    case DPS_ROLLUP_DIM_STATUS:         return "status";
    case DPS_ROLLUP_DIM_PAYMENT_METHOD: return "payment_method";
    case DPS_ROLLUP_DIM_AMOUNT_BUCKET:  return "amount_bucket";
    case DPS_ROLLUP_DIM_HOUR:           return "event_hour";
    default:
      g_return_val_if_reached (NULL);
    }
}

DpsRollupDims
dps_rollup_dims_for (DpsDimension dimension)
{
  switch (dimension)
    {
    case DPS_DIMENSION_CATEGORY:       return DPS_ROLLUP_DIM_CATEGORY;
    case DPS_DIMENSION_CITY:           return DPS_ROLLUP_DIM_CITY;
    case DPS_DIMENSION_MERCHANT:       return DPS_ROLLUP_DIM_MERCHANT;
    case DPS_DIMENSION_STATUS:         return DPS_ROLLUP_DIM_STATUS;
    case DPS_DIMENSION_PAYMENT_METHOD: return DPS_ROLLUP_DIM_PAYMENT_METHOD;
    case DPS_DIMENSION_AMOUNT_BUCKET:  return DPS_ROLLUP_DIM_AMOUNT_BUCKET;
    case DPS_DIMENSION_HOUR:           return DPS_ROLLUP_DIM_HOUR;
    case DPS_DIMENSION_WEEKDAY:
    case DPS_DIMENSION_DAY:
    case DPS_DIMENSION_WEEK:
    case DPS_DIMENSION_MONTH:
    case DPS_DIMENSION_NONE:
    default:
      return 0;
    }
}

static gboolean
aligned (gint64 instant)
{
  return instant == DPS_FILTER_NO_TIME || instant % DPS_USEC_PER_DAY == 0;
}

const DpsRollupSpec *
dps_rollup_choose (DpsFilter    *filter,
                   DpsDimension  dimension,
                   DpsDimension  dimension2)
{
  DpsRollupDims needed = 0;
  gint64 min_cents, max_cents, from, to;

  g_return_val_if_fail (DPS_IS_FILTER (filter), NULL);

  dps_filter_get_amount_range (filter, &min_cents, &max_cents);
  dps_filter_get_period (filter, &from, &to);
  if (min_cents != DPS_FILTER_NO_AMOUNT || max_cents != DPS_FILTER_NO_AMOUNT ||
      dps_filter_get_search (filter) != NULL ||
      !aligned (from) || !aligned (to))
    return NULL;

  if (dps_filter_get_categories (filter) != NULL)
    needed |= DPS_ROLLUP_DIM_CATEGORY;
  if (dps_filter_get_cities (filter) != NULL)
    needed |= DPS_ROLLUP_DIM_CITY;
  if (dps_filter_get_merchants (filter) != NULL)
    needed |= DPS_ROLLUP_DIM_MERCHANT;
  if (dps_filter_get_statuses (filter) != 0)
    needed |= DPS_ROLLUP_DIM_STATUS;
  if (dps_filter_get_payment_methods (filter) != 0)
    needed |= DPS_ROLLUP_DIM_PAYMENT_METHOD;
  if (dps_filter_get_amount_buckets (filter) != 0)
    needed |= DPS_ROLLUP_DIM_AMOUNT_BUCKET;
  if (dps_filter_get_hours (filter) != 0)
    needed |= DPS_ROLLUP_DIM_HOUR;
  if (dimension != DPS_DIMENSION_NONE)
    needed |= dps_rollup_dims_for (dimension);
  if (dimension2 != DPS_DIMENSION_NONE)
    needed |= dps_rollup_dims_for (dimension2);

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    if ((specs[i].dims & needed) == needed)
      return &specs[i];
  return NULL;
}

void
dps_rollup_period_days (DpsFilter *filter,
                        gint32    *day_from,
                        gint32    *day_to)
{
  gint64 from, to;

  dps_filter_get_period (filter, &from, &to);
  *day_from = from == DPS_FILTER_NO_TIME ? G_MININT32 : (gint32) (from / DPS_USEC_PER_DAY);
  *day_to = to == DPS_FILTER_NO_TIME ? G_MAXINT32 : (gint32) (to / DPS_USEC_PER_DAY);
}
