/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core: SQL text with bound parameters, shared by the
 * backends. Values never enter the text: every value from a filter is a
 * parameter, so quotes, %, _, backslashes and keywords are plain data. */

#include "dps-filter.h"
#include "dps-query.h"
#include "dps-repository.h"
#include "dps-rollup.h"

G_BEGIN_DECLS

typedef enum {
  DPS_SQL_DIALECT_SQLITE,
  DPS_SQL_DIALECT_POSTGRES,
} DpsSqlDialect;

typedef enum {
  DPS_SQL_PARAM_INT,
  DPS_SQL_PARAM_TEXT,
  DPS_SQL_PARAM_BLOB,
} DpsSqlParamType;

typedef struct {
  DpsSqlParamType type;
  gint64          value;    /* INT */
  char           *text;     /* TEXT */
  guint8         *blob;     /* BLOB */
  gsize           size;     /* BLOB */
} DpsSqlParam;

typedef struct {
  DpsSqlDialect dialect;
  GString      *sql;
  GArray       *params;     /* DpsSqlParam */
} DpsSqlBuilder;

/* Which columns a condition is written against. */
typedef enum {
  DPS_SQL_TARGET_BASE,      /* the transactions table */
  DPS_SQL_TARGET_ROLLUP,    /* a rollup: event_date instead of event_ts */
} DpsSqlTarget;

void         dps_sql_builder_init         (DpsSqlBuilder *self,
                                           DpsSqlDialect  dialect);
void         dps_sql_builder_clear        (DpsSqlBuilder *self);
void         dps_sql_append               (DpsSqlBuilder *self,
                                           const char    *text);
void         dps_sql_append_printf        (DpsSqlBuilder *self,
                                           const char    *format,
                                           ...) G_GNUC_PRINTF (2, 3);
/* Appends a placeholder and records its value. */
void         dps_sql_param_int            (DpsSqlBuilder *self,
                                           gint64         value);
void         dps_sql_param_text           (DpsSqlBuilder *self,
                                           const char    *text);
void         dps_sql_param_blob           (DpsSqlBuilder *self,
                                           const guint8  *data,
                                           gsize          size);
/* Appends " AND …" for every restriction of @filter. */
void         dps_sql_append_filter        (DpsSqlBuilder *self,
                                           DpsFilter     *filter,
                                           DpsSqlTarget   target);
/* The user id a search text also matches (an integer of at most 18
 * digits), as dps_sql_append_filter() reads it. */
gboolean     dps_sql_search_user_id       (const char    *search,
                                           gint64        *user_id);
/* " AND …" selecting the transactions whose id starts with @search, as
 * dps_sql_append_filter() reads a search text; FALSE (nothing appended)
 * when the text is not a transaction id prefix. */
gboolean     dps_sql_append_search_uuid_range (DpsSqlBuilder *self,
                                           const char    *search);
/* " AND column >= from AND column < to" for a column holding instants in
 * the backend's own time type (microsecond integers in SQLite, timestamptz
 * in PostgreSQL); open ends are DPS_FILTER_NO_TIME. */
void         dps_sql_append_instant_range (DpsSqlBuilder *self,
                                           const char    *column,
                                           gint64         from,
                                           gint64         to);
/* The conditions of a reject listing, on rejected_transactions AS r. */
void         dps_sql_append_reject_query  (DpsSqlBuilder *self,
                                           const DpsRejectQuery *query);
/* The key figures of @filter: count, amount, approved count, approved
 * amount, first and last event (six columns, one row), from @rollup's
 * sums or, when NULL, from the rows. */
void         dps_sql_build_kpis           (DpsSqlBuilder     *self,
                                           DpsFilter         *filter,
                                           const DpsRollupSpec *rollup);
/* Keys k1, k2 (NULL without @dimension2) and the four measures of each
 * group, from @rollup or the rows. Ordered and limited in SQL unless
 * @merges (periods merged after the query, which orders and limits). */
void         dps_sql_build_breakdown      (DpsSqlBuilder     *self,
                                           DpsFilter         *filter,
                                           const DpsRollupSpec *rollup,
                                           DpsDimension       dimension,
                                           DpsDimension       dimension2,
                                           DpsBreakdownOrder  order,
                                           guint              limit,
                                           gboolean           merges);
/* SELECT rejects, duplicate arrivals (two columns) in a period. */
void         dps_sql_build_period_counts  (DpsSqlBuilder *self,
                                           gint64         from,
                                           gint64         to);

/* The SQL expression grouping by @dimension (event_date for week and
 * month, which callers merge: see dps_sql_dimension_merges_days()). */
const char  *dps_sql_dimension_expr       (DpsDimension   dimension);
gboolean     dps_sql_dimension_merges_days(DpsDimension   dimension);
/* Text of a grouped key as the query API returns it. */
char        *dps_sql_dimension_key        (DpsDimension   dimension,
                                           gint64         int_value,
                                           const char    *text_value);
/* Whether the dimension's SQL value is an integer code. */
gboolean     dps_sql_dimension_is_integer (DpsDimension   dimension);
/* Compares two keys of @dimension in their natural order (codes for
 * statuses, methods and buckets, numbers for hours and weekdays, bytes for
 * texts and dates), as ORDER BY on the SQL values does. */
int          dps_sql_dimension_compare_keys (DpsDimension dimension,
                                           const char   *a,
                                           const char   *b);
/* Day number → key of the week or month containing it. */
char        *dps_sql_day_to_period_key    (DpsDimension   dimension,
                                           gint32         day);
/* Column and direction for ORDER BY of a sort key on the base table. */
const char  *dps_sql_sort_column          (DpsSortKey     key);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DpsSqlBuilder, dps_sql_builder_clear)

G_END_DECLS
