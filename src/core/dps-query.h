/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-transaction.h"

G_BEGIN_DECLS

/* What a breakdown groups by. Time dimensions are in UTC. */
typedef enum {
  DPS_DIMENSION_CATEGORY,
  DPS_DIMENSION_CITY,
  DPS_DIMENSION_MERCHANT,
  DPS_DIMENSION_STATUS,
  DPS_DIMENSION_PAYMENT_METHOD,
  DPS_DIMENSION_AMOUNT_BUCKET,
  DPS_DIMENSION_HOUR,        /* "0".."23" */
  DPS_DIMENSION_WEEKDAY,     /* "0" (Monday) .. "6" */
  DPS_DIMENSION_DAY,         /* "2026-11-20" */
  DPS_DIMENSION_WEEK,        /* Monday of the ISO week, "2026-11-16" */
  DPS_DIMENSION_MONTH,       /* "2026-11" */
  DPS_DIMENSION_NONE,        /* only for the second dimension */
} DpsDimension;
#define DPS_N_DIMENSIONS DPS_DIMENSION_NONE

GType        dps_dimension_get_type     (void) G_GNUC_CONST;
#define DPS_TYPE_DIMENSION (dps_dimension_get_type ())
const char  *dps_dimension_to_string    (DpsDimension  dimension);   /* "category" */
gboolean     dps_dimension_from_string  (const char   *text,
                                         DpsDimension *out);

/* Additive measures of a set of transactions. */
typedef struct {
  gint64 count;
  gint64 amount_cents;
  gint64 approved_count;
  gint64 approved_cents;
} DpsAggregate;

/* KPIs over a filtered set. */
typedef struct {
  DpsAggregate total;
  gint64       rejected;      /* rejects whose time falls in the filter's period */
  gint64       duplicates;    /* duplicate arrivals in the period */
  gint64       first_event;   /* microseconds UTC, G_MININT64 when empty */
  gint64       last_event;
  gboolean     from_rollup;   /* answered from rollups, not the base table */
} DpsKpis;

double       dps_aggregate_get_average       (const DpsAggregate *agg);   /* euros */
double       dps_aggregate_get_approval_rate (const DpsAggregate *agg);   /* 0..1 */

typedef struct {
  char         *key;          /* value of the first dimension */
  char         *key2;         /* value of the second, or NULL */
  DpsAggregate  agg;
} DpsBreakdownItem;

typedef enum {
  DPS_BREAKDOWN_ORDER_KEY,            /* natural order of the key(s) */
  DPS_BREAKDOWN_ORDER_COUNT_DESC,
  DPS_BREAKDOWN_ORDER_AMOUNT_DESC,
} DpsBreakdownOrder;

typedef struct {
  DpsDimension       dimension;
  DpsDimension       dimension2;      /* DPS_DIMENSION_NONE for one dimension */
  GArray            *items;           /* DpsBreakdownItem */
  gboolean           from_rollup;
  volatile gint      ref_count;
} DpsBreakdown;

GType         dps_breakdown_get_type  (void) G_GNUC_CONST;
#define DPS_TYPE_BREAKDOWN (dps_breakdown_get_type ())
DpsBreakdown *dps_breakdown_new       (DpsDimension  dimension,
                                       DpsDimension  dimension2);
DpsBreakdown *dps_breakdown_ref       (DpsBreakdown *self);
void          dps_breakdown_unref     (DpsBreakdown *self);
void          dps_breakdown_add       (DpsBreakdown *self,
                                       const char   *key,
                                       const char   *key2,
                                       const DpsAggregate *agg);
guint         dps_breakdown_get_n_items (DpsBreakdown *self);
const DpsBreakdownItem *
              dps_breakdown_get_item  (DpsBreakdown *self,
                                       guint         index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsBreakdown, dps_breakdown_unref)

/* Columns of transactions_flat, in its order. */
typedef enum {
  DPS_COLUMN_TRANSACTION_ID,
  DPS_COLUMN_EVENT_TS,
  DPS_COLUMN_EVENT_DATE,
  DPS_COLUMN_EVENT_HOUR,
  DPS_COLUMN_EVENT_DAYOFWEEK,
  DPS_COLUMN_USER_ID,
  DPS_COLUMN_AMOUNT,
  DPS_COLUMN_AMOUNT_BUCKET,
  DPS_COLUMN_MERCHANT,
  DPS_COLUMN_CATEGORY,
  DPS_COLUMN_CITY,
  DPS_COLUMN_STATUS,
  DPS_COLUMN_PAYMENT_METHOD,
  DPS_COLUMN_CURRENCY,
  DPS_COLUMN_INGESTED_AT,
} DpsColumn;
#define DPS_N_COLUMNS 15

GType        dps_column_get_type     (void) G_GNUC_CONST;
#define DPS_TYPE_COLUMN (dps_column_get_type ())
const char  *dps_column_to_string    (DpsColumn   column);     /* "transaction_id" */
gboolean     dps_column_from_string  (const char *text,
                                      DpsColumn  *out);
/* Translated column title ("Amount"). */
const char  *dps_column_get_title    (DpsColumn   column);

/* Sort orders the database answers; ties are broken by storage order. */
typedef enum {
  DPS_SORT_EVENT_TS,
  DPS_SORT_AMOUNT,
  DPS_SORT_USER_ID,
  DPS_SORT_INGESTED_AT,
  DPS_SORT_MERCHANT,
  DPS_SORT_CATEGORY,
  DPS_SORT_CITY,
  DPS_SORT_STATUS,
  DPS_SORT_PAYMENT_METHOD,
  DPS_SORT_TRANSACTION_ID,
  DPS_SORT_EVENT_HOUR,
  DPS_SORT_EVENT_DAYOFWEEK,
  DPS_SORT_CURRENCY,
} DpsSortKey;
#define DPS_N_SORT_KEYS (DPS_SORT_CURRENCY + 1)

typedef struct {
  DpsSortKey key;
  gboolean   descending;
} DpsSort;

/* The sort key that orders rows by @column (event_date by event_ts and
 * amount_bucket by amount, which order them the same way). */
DpsSortKey   dps_sort_key_for_column (DpsColumn   column);

/* A stored transaction as listed in the table: the record plus where and
 * when it was stored. payload is NULL in pages and cursors (fetched with
 * dps_repository_get_row()). */
typedef struct {
  gint64         row_id;        /* storage order, stable */
  gint64         ingested_at;   /* microseconds UTC */
  DpsTransaction tx;
  char          *source;        /* only from dps_repository_get_row() */
  gint64         source_offset;
  gint64         source_line;
  gint32         source_partition;
} DpsRow;

GType        dps_row_get_type   (void) G_GNUC_CONST;
#define DPS_TYPE_ROW (dps_row_get_type ())
DpsRow      *dps_row_new        (void);
DpsRow      *dps_row_copy       (const DpsRow *self);
void         dps_row_free       (DpsRow       *self);
void         dps_row_clear      (DpsRow       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsRow, dps_row_free)

/* Where a page starts: after (or before) a known row in the sort order,
 * or at an offset. */
typedef struct {
  const DpsRow *after;      /* keyset: rows strictly after this one; or NULL */
  gboolean      backwards;  /* read towards the start, from @after or the end */
  guint64       offset;     /* rows to skip when @after is NULL */
  guint         limit;
} DpsPageRequest;

G_END_DECLS
