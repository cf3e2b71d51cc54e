/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include "dps-rollup.h"
#include "dps-transaction.h"

/* Narrow rollups answer the unfiltered and lightly filtered dashboard in
 * a few thousand rows; the wide ones answer cross-filters (a city clicked
 * on the map of categories, …). The planner takes the first that fits,
 * so the list goes from the smallest to the largest. */
#define D(x) DPS_ROLLUP_DIM_##x
static const DpsRollupSpec specs[] = {
  { "rollup_status", D (STATUS), "status", { D (STATUS) } },
  { "rollup_payment", D (PAYMENT_METHOD) | D (STATUS), "payment_method, status",
    { D (PAYMENT_METHOD), D (STATUS) } },
  { "rollup_amount", D (AMOUNT_BUCKET) | D (STATUS), "amount_bucket, status",
    { D (AMOUNT_BUCKET), D (STATUS) } },
  { "rollup_category", D (CATEGORY) | D (STATUS), "category, status",
    { D (CATEGORY), D (STATUS) } },
  { "rollup_city", D (CITY) | D (STATUS), "city, status",
    { D (CITY), D (STATUS) } },
  { "rollup_hour", D (HOUR) | D (STATUS), "event_hour, status",
    { D (HOUR), D (STATUS) } },
  /* Each merchant sells in one category: keeping both costs no rows. */
  { "rollup_merchant_category", D (MERCHANT) | D (CATEGORY) | D (STATUS), "merchant, category, status",
    { D (MERCHANT), D (CATEGORY), D (STATUS) } },
  { "rollup_daily", D (CATEGORY) | D (CITY) | D (STATUS) | D (PAYMENT_METHOD),
    "category, city, status, payment_method",
    { D (CATEGORY), D (CITY), D (STATUS), D (PAYMENT_METHOD) } },
  { "rollup_merchant", D (MERCHANT) | D (CATEGORY) | D (CITY) | D (STATUS),
    "merchant, category, city, status",
    { D (MERCHANT), D (CATEGORY), D (CITY), D (STATUS) } },
  { "rollup_bucket", D (AMOUNT_BUCKET) | D (CATEGORY) | D (CITY) | D (STATUS),
    "amount_bucket, category, city, status",
    { D (AMOUNT_BUCKET), D (CATEGORY), D (CITY), D (STATUS) } },
  { "rollup_hourly", D (HOUR) | D (CATEGORY) | D (STATUS) | D (PAYMENT_METHOD),
    "event_hour, category, status, payment_method",
    { D (HOUR), D (CATEGORY), D (STATUS), D (PAYMENT_METHOD) } },
};
#undef D

const DpsRollupSpec *
dps_rollup_get_specs (guint *n_specs)
{
  *n_specs = G_N_ELEMENTS (specs);
  return specs;
}

guint
dps_rollup_spec_get_n_dims (const DpsRollupSpec *spec)
{
  guint n = 0;

  while (n < DPS_ROLLUP_MAX_DIMS && spec->order[n] != 0)
    n++;
  return n;
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
