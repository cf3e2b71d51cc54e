/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-query.h"

G_DEFINE_ENUM_TYPE (DpsDimension, dps_dimension,
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_CATEGORY, "category"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_CITY, "city"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_MERCHANT, "merchant"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_STATUS, "status"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_PAYMENT_METHOD, "payment-method"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_AMOUNT_BUCKET, "amount-bucket"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_HOUR, "hour"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_WEEKDAY, "weekday"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_DAY, "day"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_WEEK, "week"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_MONTH, "month"),
  G_DEFINE_ENUM_VALUE (DPS_DIMENSION_NONE, "none"))

G_DEFINE_ENUM_TYPE (DpsColumn, dps_column,
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_TRANSACTION_ID, "transaction-id"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_EVENT_TS, "event-ts"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_EVENT_DATE, "event-date"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_EVENT_HOUR, "event-hour"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_EVENT_DAYOFWEEK, "event-dayofweek"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_USER_ID, "user-id"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_AMOUNT, "amount"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_AMOUNT_BUCKET, "amount-bucket"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_MERCHANT, "merchant"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_CATEGORY, "category"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_CITY, "city"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_STATUS, "status"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_PAYMENT_METHOD, "payment-method"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_CURRENCY, "currency"),
  G_DEFINE_ENUM_VALUE (DPS_COLUMN_INGESTED_AT, "ingested-at"))

G_DEFINE_BOXED_TYPE (DpsBreakdown, dps_breakdown, dps_breakdown_ref, dps_breakdown_unref)
G_DEFINE_BOXED_TYPE (DpsRow, dps_row, dps_row_copy, dps_row_free)

static const char *const dimension_names[DPS_N_DIMENSIONS + 1] = {
  "category", "city", "merchant", "status", "payment_method", "amount_bucket",
  "hour", "weekday", "day", "week", "month", "none",
};

static const char *const column_names[DPS_N_COLUMNS] = {
  "transaction_id", "event_ts", "event_date", "event_hour", "event_dayofweek",
  "user_id", "amount", "amount_bucket", "merchant", "category", "city",
  "status", "payment_method", "currency", "ingested_at",
};

static const char *const column_titles[DPS_N_COLUMNS] = {
  N_("Transaction ID"), N_("Time"), N_("Date"), N_("Hour"), N_("Weekday"),
  N_("User"), N_("Amount"), N_("Amount Range"), N_("Merchant"), N_("Category"),
  N_("City"), N_("Status"), N_("Payment Method"), N_("Currency"), N_("Ingested"),
};

const char *
dps_dimension_to_string (DpsDimension dimension)
{
  g_return_val_if_fail ((guint) dimension <= DPS_N_DIMENSIONS, NULL);
  return dimension_names[dimension];
}

gboolean
dps_dimension_from_string (const char   *text,
                           DpsDimension *out)
{
  for (guint i = 0; text != NULL && i <= DPS_N_DIMENSIONS; i++)
    if (strcmp (text, dimension_names[i]) == 0)
      {
        *out = (DpsDimension) i;
        return TRUE;
      }
  return FALSE;
}

const char *
dps_column_to_string (DpsColumn column)
{
  g_return_val_if_fail ((guint) column < DPS_N_COLUMNS, NULL);
  return column_names[column];
}

gboolean
dps_column_from_string (const char *text,
                        DpsColumn  *out)
{
  for (guint i = 0; text != NULL && i < DPS_N_COLUMNS; i++)
    if (strcmp (text, column_names[i]) == 0)
      {
        *out = (DpsColumn) i;
        return TRUE;
      }
  return FALSE;
}

const char *
dps_column_get_title (DpsColumn column)
{
  g_return_val_if_fail ((guint) column < DPS_N_COLUMNS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, column_titles[column]);
}

DpsSortKey
dps_sort_key_for_column (DpsColumn column)
{
  switch (column)
    {
    case DPS_COLUMN_TRANSACTION_ID:  return DPS_SORT_TRANSACTION_ID;
    case DPS_COLUMN_EVENT_TS:
    case DPS_COLUMN_EVENT_DATE:      return DPS_SORT_EVENT_TS;
    case DPS_COLUMN_EVENT_HOUR:      return DPS_SORT_EVENT_HOUR;
    case DPS_COLUMN_EVENT_DAYOFWEEK: return DPS_SORT_EVENT_DAYOFWEEK;
    case DPS_COLUMN_USER_ID:         return DPS_SORT_USER_ID;
    case DPS_COLUMN_AMOUNT:
    case DPS_COLUMN_AMOUNT_BUCKET:   return DPS_SORT_AMOUNT;
    case DPS_COLUMN_MERCHANT:        return DPS_SORT_MERCHANT;
    case DPS_COLUMN_CATEGORY:        return DPS_SORT_CATEGORY;
    case DPS_COLUMN_CITY:            return DPS_SORT_CITY;
    case DPS_COLUMN_STATUS:          return DPS_SORT_STATUS;
    case DPS_COLUMN_PAYMENT_METHOD:  return DPS_SORT_PAYMENT_METHOD;
    case DPS_COLUMN_CURRENCY:        return DPS_SORT_CURRENCY;
    case DPS_COLUMN_INGESTED_AT:     return DPS_SORT_INGESTED_AT;
    default:
      g_return_val_if_reached (DPS_SORT_EVENT_TS);
    }
}

double
dps_aggregate_get_average (const DpsAggregate *agg)
{
  if (agg->count <= 0)
    return 0.0;
  return (double) agg->amount_cents / 100.0 / (double) agg->count;
}

double
dps_aggregate_get_approval_rate (const DpsAggregate *agg)
{
  if (agg->count <= 0)
    return 0.0;
  return (double) agg->approved_count / (double) agg->count;
}

static void
breakdown_item_clear (gpointer data)
{
  DpsBreakdownItem *item = data;

  g_free (item->key);
  g_free (item->key2);
}

DpsBreakdown *
dps_breakdown_new (DpsDimension dimension,
                   DpsDimension dimension2)
{
  DpsBreakdown *self = g_new0 (DpsBreakdown, 1);

  self->dimension = dimension;
  self->dimension2 = dimension2;
  self->items = g_array_new (FALSE, TRUE, sizeof (DpsBreakdownItem));
  g_array_set_clear_func (self->items, breakdown_item_clear);
  self->ref_count = 1;
  return self;
}

DpsBreakdown *
dps_breakdown_ref (DpsBreakdown *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
dps_breakdown_unref (DpsBreakdown *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      g_array_unref (self->items);
      g_free (self);
    }
}

void
dps_breakdown_add (DpsBreakdown       *self,
                   const char         *key,
                   const char         *key2,
                   const DpsAggregate *agg)
{
  DpsBreakdownItem item;

  item.key = g_strdup (key != NULL ? key : "");
  item.key2 = g_strdup (key2);
  item.agg = *agg;
  g_array_append_val (self->items, item);
}

guint
dps_breakdown_get_n_items (DpsBreakdown *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->items->len;
}

const DpsBreakdownItem *
dps_breakdown_get_item (DpsBreakdown *self,
                        guint         index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return &g_array_index (self->items, DpsBreakdownItem, index);
}

DpsRow *
dps_row_new (void)
{
  DpsRow *self = g_new0 (DpsRow, 1);

  self->source_offset = -1;
  self->source_line = -1;
  self->source_partition = -1;
  return self;
}

DpsRow *
dps_row_copy (const DpsRow *self)
{
  DpsRow *copy;
  DpsTransaction *tx;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  tx = dps_transaction_copy (&self->tx);
  dps_transaction_move (&copy->tx, tx);
  g_free (tx);
  copy->source = g_strdup (self->source);
  return copy;
}

void
dps_row_clear (DpsRow *self)
{
  g_return_if_fail (self != NULL);

  dps_transaction_clear (&self->tx);
  g_clear_pointer (&self->source, g_free);
}

void
dps_row_free (DpsRow *self)
{
  if (self == NULL)
    return;
  dps_row_clear (self);
  g_free (self);
}
