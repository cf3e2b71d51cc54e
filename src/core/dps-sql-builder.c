/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dps-sql-builder.h"
#include "dps-transaction.h"

static void
param_clear (gpointer data)
{
  DpsSqlParam *param = data;

  g_free (param->text);
  g_free (param->blob);
}

void
dps_sql_builder_init (DpsSqlBuilder *self,
                      DpsSqlDialect  dialect)
{
  self->dialect = dialect;
  self->sql = g_string_sized_new (256);
  self->params = g_array_new (FALSE, TRUE, sizeof (DpsSqlParam));
  g_array_set_clear_func (self->params, param_clear);
}

void
dps_sql_builder_clear (DpsSqlBuilder *self)
{
  if (self->sql != NULL)
    g_string_free (self->sql, TRUE);
  if (self->params != NULL)
    g_array_unref (self->params);
  self->sql = NULL;
  self->params = NULL;
}

void
dps_sql_append (DpsSqlBuilder *self,
                const char    *text)
{
  g_string_append (self->sql, text);
}

void
dps_sql_append_printf (DpsSqlBuilder *self,
                       const char    *format,
                       ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (self->sql, format, args);
  va_end (args);
}

static void
append_placeholder (DpsSqlBuilder *self)
{
  if (self->dialect == DPS_SQL_DIALECT_POSTGRES)
    g_string_append_printf (self->sql, "$%u", self->params->len + 1);
  else
    g_string_append_c (self->sql, '?');
}

void
dps_sql_param_int (DpsSqlBuilder *self,
                   gint64         value)
{
  DpsSqlParam param = { DPS_SQL_PARAM_INT, value, NULL, NULL, 0 };

  append_placeholder (self);
  g_array_append_val (self->params, param);
}

void
dps_sql_param_text (DpsSqlBuilder *self,
                    const char    *text)
{
  DpsSqlParam param = { DPS_SQL_PARAM_TEXT, 0, g_strdup (text), NULL, 0 };

  append_placeholder (self);
  g_array_append_val (self->params, param);
}

void
dps_sql_param_blob (DpsSqlBuilder *self,
                    const guint8  *data,
                    gsize          size)
{
  DpsSqlParam param = { DPS_SQL_PARAM_BLOB, 0, NULL, g_memdup2 (data, size), size };

  append_placeholder (self);
  g_array_append_val (self->params, param);
}

static void
append_text_set (DpsSqlBuilder      *self,
                 const char         *column,
                 const char * const *values)
{
  if (values == NULL)
    return;
  g_string_append_printf (self->sql, " AND %s IN (", column);
  for (guint i = 0; values[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (self->sql, ',');
      dps_sql_param_text (self, values[i]);
    }
  g_string_append_c (self->sql, ')');
}

/* Masks go in as literal integer lists: they are our own small numbers,
 * not user text, and keep the statement count bounded. */
static void
append_mask (DpsSqlBuilder *self,
             const char    *expr,
             guint          mask,
             guint          n_values)
{
  gboolean first = TRUE;

  if (mask == 0)
    return;
  g_string_append_printf (self->sql, " AND %s IN (", expr);
  for (guint i = 0; i < n_values; i++)
    {
      if ((mask & (1u << i)) == 0)
        continue;
      g_string_append_printf (self->sql, first ? "%u" : ",%u", i);
      first = FALSE;
    }
  g_string_append_c (self->sql, ')');
}

static gboolean
is_integer_text (const char *text)
{
  if (*text == '\0' || strlen (text) > 18)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* A transaction id prefix ("0b6f3c2e-8a5") as a [low, high) byte range. */
static gboolean
uuid_prefix_range (const char *text,
                   guint8      low[16],
                   guint8      high[16],
                   gboolean   *unbounded_high)
{
  guint nibbles = 0;
  guint8 bytes[16] = { 0 };
  int carry_at;

  for (const char *p = text; *p != '\0'; p++)
    {
      int v;

      if (*p == '-')
        continue;
      if (!g_ascii_isxdigit (*p) || nibbles >= 32)
        return FALSE;
      v = g_ascii_xdigit_value (*p);
      if (nibbles % 2 == 0)
        bytes[nibbles / 2] = (guint8) (v << 4);
      else
        bytes[nibbles / 2] |= (guint8) v;
      nibbles++;
    }
  /* Short hex strings are more likely user ids or merchant text. */
  if (nibbles < 4)
    return FALSE;

  memcpy (low, bytes, 16);
  memcpy (high, bytes, 16);
  /* high = low + one unit at the last given nibble */
  carry_at = (int) nibbles - 1;
  *unbounded_high = TRUE;
  for (int n = carry_at; n >= 0; n--)
    {
      guint8 *b = &high[n / 2];
      guint shift = n % 2 == 0 ? 4 : 0;
      guint nib = (*b >> shift) & 0xf;

      if (nib < 0xf)
        {
          *b = (guint8) ((*b & ~(0xf << shift)) | ((nib + 1) << shift));
          *unbounded_high = FALSE;
          break;
        }
      *b = (guint8) (*b & ~(0xf << shift));
    }
  return TRUE;
}

/* The rows whose id lies in [low, high) (high unbounded when set). */
static void
append_uuid_range (DpsSqlBuilder *self,
                   const guint8   low[16],
                   const guint8   high[16],
                   gboolean       unbounded_high)
{
  /* The integer key narrows the range through its index (keys of
   * colliding UUIDs sit at most 64 after their natural one); the
   * blob comparison keeps the answer exact. */
  dps_sql_append (self, "tx_key >= ");
  dps_sql_param_int (self, dps_uuid_to_key (low));
  if (!unbounded_high)
    {
      dps_sql_append (self, " AND tx_key < ");
      dps_sql_param_int (self, dps_uuid_to_key (high));
      dps_sql_append (self, " + 64");
    }
  dps_sql_append (self, " AND tx_uuid >= ");
  dps_sql_param_blob (self, low, 16);
  if (!unbounded_high)
    {
      dps_sql_append (self, " AND tx_uuid < ");
      dps_sql_param_blob (self, high, 16);
    }
}

gboolean
dps_sql_search_user_id (const char *search,
                        gint64     *user_id)
{
  g_return_val_if_fail (search != NULL, FALSE);

  if (!is_integer_text (search))
    return FALSE;
  *user_id = g_ascii_strtoll (search, NULL, 10);
  return TRUE;
}

gboolean
dps_sql_append_search_uuid_range (DpsSqlBuilder *self,
                                  const char    *search)
{
  guint8 low[16], high[16];
  gboolean unbounded_high;

  g_return_val_if_fail (search != NULL, FALSE);

  if (!uuid_prefix_range (search, low, high, &unbounded_high))
    return FALSE;
  dps_sql_append (self, " AND ");
  append_uuid_range (self, low, high, unbounded_high);
  return TRUE;
}

void
dps_sql_append_filter (DpsSqlBuilder *self,
                       DpsFilter     *filter,
                       DpsSqlTarget   target)
{
  gint64 min_cents, max_cents, from, to;
  const char *search;

  append_text_set (self, "category", dps_filter_get_categories (filter));
  append_text_set (self, "city", dps_filter_get_cities (filter));
  append_text_set (self, "merchant", dps_filter_get_merchants (filter));
  append_mask (self, "status", dps_filter_get_statuses (filter), DPS_N_STATUSES);
  append_mask (self, "payment_method", dps_filter_get_payment_methods (filter),
               DPS_N_PAYMENT_METHODS);
  append_mask (self, "amount_bucket", dps_filter_get_amount_buckets (filter),
               DPS_N_AMOUNT_BUCKETS);
  append_mask (self, dps_sql_dimension_expr (DPS_DIMENSION_WEEKDAY),
               dps_filter_get_weekdays (filter), 7);
  append_mask (self, "event_hour", dps_filter_get_hours (filter), 24);

  dps_filter_get_period (filter, &from, &to);
  if (target == DPS_SQL_TARGET_ROLLUP)
    {
      if (from != DPS_FILTER_NO_TIME)
        {
          dps_sql_append (self, " AND event_date >= ");
          dps_sql_param_int (self, from / DPS_USEC_PER_DAY);
        }
      if (to != DPS_FILTER_NO_TIME)
        {
          dps_sql_append (self, " AND event_date < ");
          dps_sql_param_int (self, to / DPS_USEC_PER_DAY);
        }
      return;
    }

  if (from != DPS_FILTER_NO_TIME)
    {
      dps_sql_append (self, " AND event_ts >= ");
      dps_sql_param_int (self, from);
    }
  if (to != DPS_FILTER_NO_TIME)
    {
      dps_sql_append (self, " AND event_ts < ");
      dps_sql_param_int (self, to);
    }

  dps_filter_get_amount_range (filter, &min_cents, &max_cents);
  if (min_cents != DPS_FILTER_NO_AMOUNT)
    {
      dps_sql_append (self, " AND amount_cents >= ");
      dps_sql_param_int (self, min_cents);
    }
  if (max_cents != DPS_FILTER_NO_AMOUNT)
    {
      dps_sql_append (self, " AND amount_cents <= ");
      dps_sql_param_int (self, max_cents);
    }

  search = dps_filter_get_search (filter);
  if (search != NULL)
    {
      guint8 low[16], high[16];
      gboolean unbounded_high;

      /* Literal substring search: instr/strpos take no pattern syntax.
       * PostgreSQL lowers the text in the "C" collation, ASCII only, as
       * SQLite's lower() does, whatever the database's locale. */
      if (self->dialect == DPS_SQL_DIALECT_POSTGRES)
        dps_sql_append (self, " AND (strpos(lower(merchant COLLATE \"C\"), lower(");
      else
        dps_sql_append (self, " AND (instr(lower(merchant), lower(");
      dps_sql_param_text (self, search);
      if (self->dialect == DPS_SQL_DIALECT_POSTGRES)
        dps_sql_append (self, " COLLATE \"C\"");
      dps_sql_append (self, ")) > 0");
      if (is_integer_text (search))
        {
          dps_sql_append (self, " OR user_id = ");
          dps_sql_param_int (self, g_ascii_strtoll (search, NULL, 10));
        }
      if (uuid_prefix_range (search, low, high, &unbounded_high))
        {
          dps_sql_append (self, " OR (");
          append_uuid_range (self, low, high, unbounded_high);
          dps_sql_append (self, ")");
        }
      dps_sql_append (self, ")");
    }
}

void
dps_sql_append_instant_range (DpsSqlBuilder *self,
                              const char    *column,
                              gint64         from,
                              gint64         to)
{
  const char *open = self->dialect == DPS_SQL_DIALECT_POSTGRES ? "dps_timestamptz(" : "";
  const char *close = self->dialect == DPS_SQL_DIALECT_POSTGRES ? ")" : "";

  if (from != DPS_FILTER_NO_TIME)
    {
      dps_sql_append_printf (self, " AND %s >= %s", column, open);
      dps_sql_param_int (self, from);
      dps_sql_append (self, close);
    }
  if (to != DPS_FILTER_NO_TIME)
    {
      dps_sql_append_printf (self, " AND %s < %s", column, open);
      dps_sql_param_int (self, to);
      dps_sql_append (self, close);
    }
}

void
dps_sql_append_reject_query (DpsSqlBuilder        *self,
                             const DpsRejectQuery *query)
{
  dps_sql_append_instant_range (self, "r.event_time", query->from, query->to);
  if (query->reasons != 0)
    {
      gboolean first = TRUE;

      dps_sql_append (self, " AND r.reason IN (");
      for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
        {
          if ((query->reasons & (1u << i)) == 0)
            continue;
          if (!first)
            dps_sql_append (self, ",");
          dps_sql_param_text (self, dps_reject_reason_to_string (i));
          first = FALSE;
        }
      dps_sql_append (self, ")");
    }
}

/* The four measures of a DpsAggregate, written the same for both
 * dialects. */
static const char *
aggregate_measures (const DpsRollupSpec *rollup)
{
  if (rollup != NULL)
    return "coalesce(sum(tx_count), 0), coalesce(sum(amount_cents), 0), "
           "coalesce(sum(CASE WHEN status = 0 THEN tx_count END), 0), "
           "coalesce(sum(CASE WHEN status = 0 THEN amount_cents END), 0)";
  return "count(*), coalesce(sum(amount_cents), 0), "
         "coalesce(sum(CASE WHEN status = 0 THEN 1 ELSE 0 END), 0), "
         "coalesce(sum(CASE WHEN status = 0 THEN amount_cents END), 0)";
}

void
dps_sql_build_kpis (DpsSqlBuilder       *self,
                    DpsFilter           *filter,
                    const DpsRollupSpec *rollup)
{
  /* PostgreSQL's event_date is an integer day too, but min() of it must
   * be widened before the multiplication. */
  const char *cast = self->dialect == DPS_SQL_DIALECT_POSTGRES ? "::bigint" : "";

  dps_sql_append_printf (self, "SELECT %s, ", aggregate_measures (rollup));
  if (rollup != NULL)
    dps_sql_append_printf (self, "min(event_date)%s * %" G_GINT64_FORMAT ", "
                           "(max(event_date)%s + 1) * %" G_GINT64_FORMAT " - 1 FROM %s WHERE 1 = 1",
                           cast, DPS_USEC_PER_DAY, cast, DPS_USEC_PER_DAY, rollup->table);
  else
    dps_sql_append (self, "min(event_ts), max(event_ts) FROM transactions WHERE 1 = 1");
  dps_sql_append_filter (self, filter, rollup != NULL ? DPS_SQL_TARGET_ROLLUP : DPS_SQL_TARGET_BASE);
}

void
dps_sql_build_breakdown (DpsSqlBuilder       *self,
                         DpsFilter           *filter,
                         const DpsRollupSpec *rollup,
                         DpsDimension         dimension,
                         DpsDimension         dimension2,
                         DpsBreakdownOrder    order,
                         guint                limit,
                         gboolean             merges)
{
  gboolean two = dimension2 != DPS_DIMENSION_NONE;
  /* PostgreSQL needs a type for a column that is only NULL. */
  const char *no_key = self->dialect == DPS_SQL_DIALECT_POSTGRES ? "NULL::text" : "NULL";

  dps_sql_append_printf (self, "SELECT %s AS k1, %s AS k2, %s FROM %s WHERE 1 = 1",
                         dps_sql_dimension_expr (dimension),
                         two ? dps_sql_dimension_expr (dimension2) : no_key,
                         aggregate_measures (rollup),
                         rollup != NULL ? rollup->table : "transactions");
  dps_sql_append_filter (self, filter, rollup != NULL ? DPS_SQL_TARGET_ROLLUP : DPS_SQL_TARGET_BASE);
  dps_sql_append (self, two ? " GROUP BY k1, k2" : " GROUP BY k1");
  /* Ordering and limits on merged periods happen after the merge. */
  if (merges || order == DPS_BREAKDOWN_ORDER_KEY)
    dps_sql_append (self, two ? " ORDER BY k1, k2" : " ORDER BY k1");
  else
    /* Ties are broken by both keys, so the order is the same every time. */
    dps_sql_append (self, order == DPS_BREAKDOWN_ORDER_COUNT_DESC ? " ORDER BY 3 DESC, k1"
                                                                  : " ORDER BY 4 DESC, k1");
  if (!merges && order != DPS_BREAKDOWN_ORDER_KEY && two)
    dps_sql_append (self, ", k2");
  if (!merges && limit > 0)
    dps_sql_append_printf (self, " LIMIT %u", limit);
}

void
dps_sql_build_period_counts (DpsSqlBuilder *self,
                             gint64         from,
                             gint64         to)
{
  dps_sql_append (self, "SELECT (SELECT count(*) FROM rejected_transactions WHERE 1 = 1");
  dps_sql_append_instant_range (self, "event_time", from, to);
  dps_sql_append (self, "), (SELECT coalesce(sum(arrivals - 1), 0) FROM duplicate_transactions WHERE 1 = 1");
  dps_sql_append_instant_range (self, "last_seen", from, to);
  dps_sql_append (self, ")");
}

const char *
dps_sql_dimension_expr (DpsDimension dimension)
{
  switch (dimension)
    {
    case DPS_DIMENSION_CATEGORY:       return "category";
    case DPS_DIMENSION_CITY:           return "city";
    case DPS_DIMENSION_MERCHANT:       return "merchant";
    case DPS_DIMENSION_STATUS:         return "status";
    case DPS_DIMENSION_PAYMENT_METHOD: return "payment_method";
    case DPS_DIMENSION_AMOUNT_BUCKET:  return "amount_bucket";
    case DPS_DIMENSION_HOUR:           return "event_hour";
    /* 1970-01-01 (day 0) was a Thursday; +3 makes Monday 0. */
    case DPS_DIMENSION_WEEKDAY:        return "((event_date + 3) % 7)";
    case DPS_DIMENSION_DAY:
    case DPS_DIMENSION_WEEK:
    case DPS_DIMENSION_MONTH:          return "event_date";
    case DPS_DIMENSION_NONE:
    default:
      g_return_val_if_reached ("NULL");
    }
}

gboolean
dps_sql_dimension_merges_days (DpsDimension dimension)
{
  return dimension == DPS_DIMENSION_WEEK || dimension == DPS_DIMENSION_MONTH;
}

gboolean
dps_sql_dimension_is_integer (DpsDimension dimension)
{
  switch (dimension)
    {
    case DPS_DIMENSION_CATEGORY:
    case DPS_DIMENSION_CITY:
    case DPS_DIMENSION_MERCHANT:
      return FALSE;
    case DPS_DIMENSION_STATUS:
    case DPS_DIMENSION_PAYMENT_METHOD:
    case DPS_DIMENSION_AMOUNT_BUCKET:
    case DPS_DIMENSION_HOUR:
    case DPS_DIMENSION_WEEKDAY:
    case DPS_DIMENSION_DAY:
    case DPS_DIMENSION_WEEK:
    case DPS_DIMENSION_MONTH:
    case DPS_DIMENSION_NONE:
    default:
      return TRUE;
    }
}

static int
key_rank (DpsDimension  dimension,
          const char   *key)
{
  DpsStatus status = 0;
  DpsPaymentMethod method = 0;
  DpsAmountBucket bucket = 0;

  switch (dimension)
    {
    case DPS_DIMENSION_STATUS:
      return dps_status_from_string (key, &status) ? (int) status : G_MAXINT;
    case DPS_DIMENSION_PAYMENT_METHOD:
      return dps_payment_method_from_string (key, &method) ? (int) method : G_MAXINT;
    case DPS_DIMENSION_AMOUNT_BUCKET:
      return dps_amount_bucket_from_string (key, &bucket) ? (int) bucket : G_MAXINT;
    case DPS_DIMENSION_HOUR:
    case DPS_DIMENSION_WEEKDAY:
      return (int) g_ascii_strtoll (key, NULL, 10);
    case DPS_DIMENSION_CATEGORY:
    case DPS_DIMENSION_CITY:
    case DPS_DIMENSION_MERCHANT:
    case DPS_DIMENSION_DAY:
    case DPS_DIMENSION_WEEK:
    case DPS_DIMENSION_MONTH:
    case DPS_DIMENSION_NONE:
    default:
      return 0;
    }
}

int
dps_sql_dimension_compare_keys (DpsDimension  dimension,
                                const char   *a,
                                const char   *b)
{
  int x, y;

  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);
  x = key_rank (dimension, a);
  y = key_rank (dimension, b);
  if (x != y)
    return x < y ? -1 : 1;
  return strcmp (a, b);
}

char *
dps_sql_day_to_period_key (DpsDimension dimension,
                           gint32       day)
{
  if (dimension == DPS_DIMENSION_WEEK)
    {
      gint32 dow = (gint32) (((gint64) day + 3) % 7);

      if (dow < 0)
        dow += 7;
      return dps_format_date (day - dow);
    }
  if (dimension == DPS_DIMENSION_MONTH)
    {
      char *date = dps_format_date (day);

      date[7] = '\0';
      return date;
    }
  return dps_format_date (day);
}

char *
dps_sql_dimension_key (DpsDimension  dimension,
                       gint64        int_value,
                       const char   *text_value)
{
  switch (dimension)
    {
    case DPS_DIMENSION_CATEGORY:
    case DPS_DIMENSION_CITY:
    case DPS_DIMENSION_MERCHANT:
      return g_strdup (text_value != NULL ? text_value : "");
    case DPS_DIMENSION_STATUS:
      return g_strdup ((guint64) int_value < DPS_N_STATUSES
                       ? dps_status_to_string ((DpsStatus) int_value) : "?");
    case DPS_DIMENSION_PAYMENT_METHOD:
      return g_strdup ((guint64) int_value < DPS_N_PAYMENT_METHODS
                       ? dps_payment_method_to_string ((DpsPaymentMethod) int_value) : "?");
    case DPS_DIMENSION_AMOUNT_BUCKET:
      return g_strdup ((guint64) int_value < DPS_N_AMOUNT_BUCKETS
                       ? dps_amount_bucket_to_string ((DpsAmountBucket) int_value) : "?");
    case DPS_DIMENSION_HOUR:
    case DPS_DIMENSION_WEEKDAY:
      return g_strdup_printf ("%" G_GINT64_FORMAT, int_value);
    case DPS_DIMENSION_DAY:
    case DPS_DIMENSION_WEEK:
    case DPS_DIMENSION_MONTH:
      return dps_sql_day_to_period_key (dimension, (gint32) int_value);
    case DPS_DIMENSION_NONE:
    default:
      return NULL;
    }
}

const char *
dps_sql_sort_column (DpsSortKey key)
{
  switch (key)
    {
    case DPS_SORT_EVENT_TS:       return "event_ts";
    case DPS_SORT_AMOUNT:         return "amount_cents";
    case DPS_SORT_USER_ID:        return "user_id";
    case DPS_SORT_INGESTED_AT:    return "id";
    case DPS_SORT_MERCHANT:       return "merchant";
    case DPS_SORT_CATEGORY:       return "category";
    case DPS_SORT_CITY:           return "city";
    case DPS_SORT_STATUS:         return "status";
    case DPS_SORT_PAYMENT_METHOD: return "payment_method";
    case DPS_SORT_TRANSACTION_ID: return "tx_key";
    case DPS_SORT_EVENT_HOUR:     return "event_hour";
    case DPS_SORT_EVENT_DAYOFWEEK:return "event_dow";
    case DPS_SORT_CURRENCY:       return "currency";
    default:
      g_return_val_if_reached ("id");
    }
}
