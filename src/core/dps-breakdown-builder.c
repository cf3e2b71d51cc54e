/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include "dps-breakdown-builder.h"
#include "dps-sql-builder.h"

/* Natural order of both keys (merged weeks or months come out of SQL in
 * the order of their first day, not of their key). */
static int
compare_items_by_key (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  const DpsBreakdownItem *x = a, *y = b;
  const DpsBreakdown *breakdown = user_data;
  int c = dps_sql_dimension_compare_keys (breakdown->dimension, x->key, y->key);

  if (c != 0 || breakdown->dimension2 == DPS_DIMENSION_NONE)
    return c;
  return dps_sql_dimension_compare_keys (breakdown->dimension2, x->key2, y->key2);
}

static int
compare_items_by_count (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  const DpsBreakdownItem *x = a, *y = b;

  if (x->agg.count != y->agg.count)
    return x->agg.count > y->agg.count ? -1 : 1;
  return compare_items_by_key (a, b, user_data);
}

static int
compare_items_by_amount (gconstpointer a,
                         gconstpointer b,
                         gpointer      user_data)
{
  const DpsBreakdownItem *x = a, *y = b;

  if (x->agg.amount_cents != y->agg.amount_cents)
    return x->agg.amount_cents > y->agg.amount_cents ? -1 : 1;
  return compare_items_by_key (a, b, user_data);
}

void
dps_breakdown_builder_init (DpsBreakdownBuilder *self,
                            DpsDimension         dimension,
                            DpsDimension         dimension2,
                            DpsBreakdownOrder    order,
                            guint                limit)
{
  self->breakdown = dps_breakdown_new (dimension, dimension2);
  self->merges = dps_sql_dimension_merges_days (dimension) ||
                 (dimension2 != DPS_DIMENSION_NONE && dps_sql_dimension_merges_days (dimension2));
  self->index = self->merges ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) : NULL;
  self->order = order;
  self->limit = limit;
}

gboolean
dps_breakdown_builder_merges (DpsBreakdownBuilder *self)
{
  return self->merges;
}

void
dps_breakdown_builder_add (DpsBreakdownBuilder *self,
                           const char          *key,
                           const char          *key2,
                           const DpsAggregate  *agg)
{
  g_autofree char *joined = NULL;
  gpointer position;

  if (!self->merges)
    {
      dps_breakdown_add (self->breakdown, key, key2, agg);
      return;
    }

  /* Days of one period may be interleaved by a second dimension: find
   * the period's item by its keys. */
  joined = g_strconcat (key, "\x1f", key2 != NULL ? key2 : "", NULL);
  if (g_hash_table_lookup_extended (self->index, joined, NULL, &position))
    {
      DpsBreakdownItem *item = &g_array_index (self->breakdown->items, DpsBreakdownItem,
                                               GPOINTER_TO_UINT (position));
      item->agg.count += agg->count;
      item->agg.amount_cents += agg->amount_cents;
      item->agg.approved_count += agg->approved_count;
      item->agg.approved_cents += agg->approved_cents;
      return;
    }
  g_hash_table_insert (self->index, g_steal_pointer (&joined),
                       GUINT_TO_POINTER (self->breakdown->items->len));
  dps_breakdown_add (self->breakdown, key, key2, agg);
}

DpsBreakdown *
dps_breakdown_builder_finish (DpsBreakdownBuilder *self,
                              gboolean             from_rollup)
{
  DpsBreakdown *breakdown = g_steal_pointer (&self->breakdown);

  if (self->merges)
    {
      if (self->order == DPS_BREAKDOWN_ORDER_COUNT_DESC)
        g_array_sort_with_data (breakdown->items, compare_items_by_count, breakdown);
      else if (self->order == DPS_BREAKDOWN_ORDER_AMOUNT_DESC)
        g_array_sort_with_data (breakdown->items, compare_items_by_amount, breakdown);
      else
        g_array_sort_with_data (breakdown->items, compare_items_by_key, breakdown);
      if (self->limit > 0 && breakdown->items->len > self->limit)
        g_array_set_size (breakdown->items, self->limit);
    }
  breakdown->from_rollup = from_rollup;
  return breakdown;
}

void
dps_breakdown_builder_clear (DpsBreakdownBuilder *self)
{
  g_clear_pointer (&self->breakdown, dps_breakdown_unref);
  g_clear_pointer (&self->index, g_hash_table_unref);
}
