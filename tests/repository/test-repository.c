/* SPDX-License-Identifier: GPL-3.0-or-later */

/* One suite for every repository backend: run with --backend=sqlite (a
 * temporary file) or --backend=postgres (the server of $DPS_TEST_PG_URI,
 * one schema per test; see build-aux/pg-throwaway). Data come from the
 * generator through the record parser and are written with
 * dps_repository_write_batch(); answers are checked against sums computed
 * here over the generated rows. */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#if HAVE_POSTGRES_REPOSITORY
# include <libpq-fe.h>
# include "dps-postgres-repository.h"
#endif

#include "dps-core.h"

typedef enum {
  BACKEND_SQLITE,
  BACKEND_POSTGRES,
} Backend;

static Backend backend = BACKEND_SQLITE;
/* For SQLite: rows stored before batches go in key order, or -1 for the
 * default (more rows than these tests load). */
static gint64 key_order_rows = -1;

/* 2026-11-02T00:00:00Z, a Monday. */
#define START (G_GINT64_CONSTANT (1793577600) * DPS_USEC_PER_SECOND)
#define DAYS  21

/* ---------------------------------------------------------------------- */
/* databases                                                              */

typedef struct {
  Backend        backend;
  char          *uri;
  char          *dir;       /* SQLite: a temporary folder… */
  char          *path;      /* …holding this file */
  char          *schema;    /* PostgreSQL: the schema of this test */
  DpsRepository *repo;
} Db;

#if HAVE_POSTGRES_REPOSITORY
static guint schema_counter;

static PGconn *
pg_connect (const char *uri)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test server: %s", PQerrorMessage (conn));
  return conn;
}

static void
pg_exec (PGconn     *conn,
         const char *sql)
{
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
}
#endif

static void
db_make (Db      *db,
         Backend  which)
{
  memset (db, 0, sizeof *db);
  db->backend = which;
  if (which == BACKEND_SQLITE)
    {
      db->dir = g_dir_make_tmp ("dps-repository-XXXXXX", NULL);
      g_assert_nonnull (db->dir);
      db->path = g_build_filename (db->dir, "transactions.db", NULL);
      db->uri = g_strconcat ("sqlite://", db->path, NULL);
      return;
    }
#if HAVE_POSTGRES_REPOSITORY
  {
    const char *base = g_getenv ("DPS_TEST_PG_URI");
    g_autofree char *sql = NULL;
    PGconn *conn;

    g_assert_nonnull (base);
    db->schema = g_strdup_printf ("case_%d_%u", (int) getpid (), ++schema_counter);
    sql = g_strdup_printf ("SET client_min_messages = warning; "
                           "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
                           db->schema, db->schema);
    conn = pg_connect (base);
    pg_exec (conn, sql);
    PQfinish (conn);
    db->uri = g_strdup_printf ("%s?options=-csearch_path%%3D%s", base, db->schema);
  }
#else
  g_assert_not_reached ();
#endif
}

static DpsRepository *
db_open (Db *db)
{
  g_autoptr(GError) error = NULL;
  DpsRepository *repo = dps_repository_open (db->uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (repo);
  if (db->backend == BACKEND_SQLITE && key_order_rows >= 0)
    dps_sqlite_repository_set_key_order_rows (repo, key_order_rows);
  return repo;
}

static void
db_clear (Db *db)
{
  g_clear_object (&db->repo);
  if (db->path != NULL)
    {
      g_autofree char *wal = g_strconcat (db->path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db->path, "-shm", NULL);

      g_unlink (db->path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (db->dir);
    }
  g_free (db->uri);
  g_free (db->dir);
  g_free (db->path);
  g_free (db->schema);
}

/* Runs backend SQL behind the repository's back. */
static void
db_exec (Db         *db,
         const char *sqlite_sql,
         const char *postgres_sql)
{
  if (db->backend == BACKEND_SQLITE)
    {
      sqlite3 *handle = NULL;
      char *message = NULL;

      g_assert_cmpint (sqlite3_open (db->path, &handle), ==, SQLITE_OK);
      if (sqlite3_exec (handle, sqlite_sql, NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", sqlite_sql, message);
      sqlite3_close (handle);
      return;
    }
#if HAVE_POSTGRES_REPOSITORY
  {
    PGconn *conn = pg_connect (db->uri);

    pg_exec (conn, postgres_sql);
    PQfinish (conn);
  }
#endif
}

/* ---------------------------------------------------------------------- */
/* generated data                                                         */

typedef struct {
  GPtrArray  *batches;        /* DpsBatch* */
  GPtrArray  *stored;         /* DpsTransaction*: what must be stored, in load order */
  GHashTable *arrivals;       /* id (16 bytes) → gint64*: valid lines with that id */
  GPtrArray  *categories;     /* distinct values, sorted */
  GPtrArray  *cities;
  GPtrArray  *merchants;
  guint64     valid_lines;
  guint64     duplicates;
  guint64     rejects;
  gint64      rejects_by_reason[DPS_N_REJECT_REASONS];
  gint64      amount_cents;
  char       *source_key;
} Dataset;

static guint
id_hash (gconstpointer key)
{
  guint h;

  memcpy (&h, (const guint8 *) key + 8, sizeof h);
  return h;
}

static gboolean
id_equal (gconstpointer a,
          gconstpointer b)
{
  return memcmp (a, b, 16) == 0;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
dataset_free (Dataset *d)
{
  g_ptr_array_unref (d->batches);
  g_ptr_array_unref (d->stored);
  g_hash_table_unref (d->arrivals);
  g_ptr_array_unref (d->categories);
  g_ptr_array_unref (d->cities);
  g_ptr_array_unref (d->merchants);
  g_free (d->source_key);
  g_free (d);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Dataset, dataset_free)

/* Adds one parsed line to @batch and to what must be stored. */
static void
dataset_add_line (Dataset         *d,
                  DpsBatch        *batch,
                  DpsRecordParser *parser,
                  const char      *line,
                  gsize            length,
                  DpsPosition     *position)
{
  DpsTransaction tx = { 0 };
  DpsReject reject = { 0 };

  dps_reject_clear (&reject);
  if (dps_record_parser_parse (parser, line, length, length, &tx, &reject))
    {
      gint64 *count = g_hash_table_lookup (d->arrivals, tx.id);

      d->valid_lines++;
      if (count == NULL)
        {
          count = g_new0 (gint64, 1);
          g_hash_table_insert (d->arrivals, g_memdup2 (tx.id, 16), count);
          g_ptr_array_add (d->stored, dps_transaction_copy (&tx));
          d->amount_cents += tx.amount_cents;
        }
      else
        d->duplicates++;
      (*count)++;
      dps_batch_take_row (batch, &tx, position);
    }
  else
    {
      reject.position = *position;
      d->rejects++;
      d->rejects_by_reason[reject.reason]++;
      dps_batch_take_reject (batch, &reject);
    }
  batch->bytes += length + 1;
}

static Dataset *
dataset_new (void)
{
  Dataset *d = g_new0 (Dataset, 1);

  d->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_batch_free);
  d->stored = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_transaction_free);
  d->arrivals = g_hash_table_new_full (id_hash, id_equal, g_free, g_free);
  d->categories = g_ptr_array_new ();
  d->cities = g_ptr_array_new ();
  d->merchants = g_ptr_array_new ();
  return d;
}

static void
dataset_finish (Dataset *d)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* The lists borrow the strings kept alive by @seen's copies: keep them
   * in the lists instead. */
  for (guint i = 0; i < d->stored->len; i++)
    {
      const DpsTransaction *tx = d->stored->pdata[i];
      g_autofree char *c = g_strconcat ("c:", tx->category, NULL);
      g_autofree char *t = g_strconcat ("t:", tx->city, NULL);
      g_autofree char *m = g_strconcat ("m:", tx->merchant, NULL);

      if (!g_hash_table_contains (seen, c))
        {
          g_hash_table_add (seen, g_strdup (c));
          g_ptr_array_add (d->categories, g_strdup (tx->category));
        }
      if (!g_hash_table_contains (seen, t))
        {
          g_hash_table_add (seen, g_strdup (t));
          g_ptr_array_add (d->cities, g_strdup (tx->city));
        }
      if (!g_hash_table_contains (seen, m))
        {
          g_hash_table_add (seen, g_strdup (m));
          g_ptr_array_add (d->merchants, g_strdup (tx->merchant));
        }
    }
  g_ptr_array_set_free_func (d->categories, g_free);
  g_ptr_array_set_free_func (d->cities, g_free);
  g_ptr_array_set_free_func (d->merchants, g_free);
  g_ptr_array_sort (d->categories, compare_strings);
  g_ptr_array_sort (d->cities, compare_strings);
  g_ptr_array_sort (d->merchants, compare_strings);
}

/* @rows generated lines (a share @dirty of them bad or duplicated), cut
 * into batches of @batch_rows lines, each with the file's checkpoint. */
static Dataset *
dataset_generate (DpsRepository *repo,
                  guint64        seed,
                  guint          rows,
                  double         dirty,
                  guint          batch_rows)
{
  Dataset *d = dataset_new ();
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions options;
  DpsBatch *batch = NULL;
  guint32 source_id = 0;
  gint64 offset = 0;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.start = START;
  options.days = DAYS;
  options.dirty_ratio = dirty;
  generator = dps_generator_new (&options);

  d->source_key = g_strdup_printf ("file:/data/generated-%" G_GUINT64_FORMAT ".jsonl", seed);
  dps_repository_ensure_source (repo, d->source_key, &source_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (source_id, >, 0);

  for (guint i = 0; i < rows; i++)
    {
      DpsPosition position = { source_id, -1, offset, (gint64) i + 1 };

      if (batch == NULL)
        batch = dps_batch_new ();
      g_string_truncate (line, 0);
      dps_generator_next (generator, line, NULL);
      dataset_add_line (d, batch, parser, line->str, line->len, &position);
      offset += (gint64) line->len + 1;

      if ((i + 1) % batch_rows == 0 || i + 1 == rows)
        {
          g_autoptr(DpsCheckpoint) cp = dps_checkpoint_new (d->source_key, -1);

          cp->offset = offset;
          cp->line = (gint64) i + 1;
          cp->complete = i + 1 == rows;
          dps_batch_set_checkpoint (batch, cp);
          g_ptr_array_add (d->batches, g_steal_pointer (&batch));
        }
    }
  dataset_finish (d);
  return d;
}

static void
dataset_write (Dataset        *d,
               DpsRepository  *repo,
               gint64          run_id,
               DpsBatchResult *total)
{
  GThreadPool *pool = g_thread_pool_new (dps_batch_sum_rollups_func, NULL, 1, FALSE, NULL);

  memset (total, 0, sizeof *total);
  for (guint i = 0; i < d->batches->len; i++)
    {
      g_autoptr(GError) error = NULL;
      DpsBatch *batch = d->batches->pdata[i];
      DpsBatchResult result;

      batch->run_id = run_id;
      /* Every other batch comes with its rollup sums, made on another
       * thread while it is written, as the threaded engine does. */
      if (i % 2 == 0 && dps_batch_get_n_rows (batch) > 0)
        dps_batch_sum_rollups_async (batch, pool);
      g_assert_true (dps_repository_write_batch (repo, batch, &result, NULL, &error));
      g_assert_no_error (error);
      dps_batch_result_add (total, &result);
    }
  g_thread_pool_free (pool, FALSE, TRUE);
}

/* ---------------------------------------------------------------------- */
/* answers computed here                                                  */

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

static gboolean
search_matches (const char           *search,
                const DpsTransaction *tx)
{
  g_autofree char *merchant = g_ascii_strdown (tx->merchant, -1);
  g_autofree char *needle = g_ascii_strdown (search, -1);
  g_autoptr(GString) nibbles = g_string_new (NULL);
  char id[DPS_UUID_TEXT_LEN + 1];
  g_autoptr(GString) hex = g_string_new (NULL);
  gboolean hex_only = TRUE;

  if (strstr (merchant, needle) != NULL)
    return TRUE;
  if (is_integer_text (search) && tx->user_id == g_ascii_strtoll (search, NULL, 10))
    return TRUE;

  for (const char *p = search; *p != '\0'; p++)
    {
      if (*p == '-')
        continue;
      if (!g_ascii_isxdigit (*p))
        hex_only = FALSE;
      g_string_append_c (nibbles, g_ascii_tolower (*p));
    }
  if (!hex_only || nibbles->len < 4 || nibbles->len > 32)
    return FALSE;
  dps_uuid_to_string (tx->id, id);
  for (const char *p = id; *p != '\0'; p++)
    if (*p != '-')
      g_string_append_c (hex, *p);
  return strncmp (hex->str, nibbles->str, nibbles->len) == 0;
}

static gboolean
tx_matches (DpsFilter            *filter,
            const DpsTransaction *tx)
{
  const char * const *values;
  gint64 min_cents, max_cents, from, to;
  guint mask;

  if ((values = dps_filter_get_categories (filter)) != NULL && !g_strv_contains (values, tx->category))
    return FALSE;
  if ((values = dps_filter_get_cities (filter)) != NULL && !g_strv_contains (values, tx->city))
    return FALSE;
  if ((values = dps_filter_get_merchants (filter)) != NULL && !g_strv_contains (values, tx->merchant))
    return FALSE;
  if ((mask = dps_filter_get_statuses (filter)) != 0 && (mask & (1u << tx->status)) == 0)
    return FALSE;
  if ((mask = dps_filter_get_payment_methods (filter)) != 0 && (mask & (1u << tx->payment_method)) == 0)
    return FALSE;
  if ((mask = dps_filter_get_amount_buckets (filter)) != 0 && (mask & (1u << tx->amount_bucket)) == 0)
    return FALSE;
  if ((mask = dps_filter_get_weekdays (filter)) != 0 && (mask & (1u << tx->event_dayofweek)) == 0)
    return FALSE;
  if ((mask = dps_filter_get_hours (filter)) != 0 && (mask & (1u << tx->event_hour)) == 0)
    return FALSE;
  dps_filter_get_period (filter, &from, &to);
  if (from != DPS_FILTER_NO_TIME && tx->event_ts < from)
    return FALSE;
  if (to != DPS_FILTER_NO_TIME && tx->event_ts >= to)
    return FALSE;
  dps_filter_get_amount_range (filter, &min_cents, &max_cents);
  if (min_cents != DPS_FILTER_NO_AMOUNT && tx->amount_cents < min_cents)
    return FALSE;
  if (max_cents != DPS_FILTER_NO_AMOUNT && tx->amount_cents > max_cents)
    return FALSE;
  if (dps_filter_get_search (filter) != NULL && !search_matches (dps_filter_get_search (filter), tx))
    return FALSE;
  return TRUE;
}

static void
aggregate_add (DpsAggregate         *agg,
               const DpsTransaction *tx)
{
  agg->count++;
  agg->amount_cents += tx->amount_cents;
  if (tx->status == DPS_STATUS_APPROVED)
    {
      agg->approved_count++;
      agg->approved_cents += tx->amount_cents;
    }
}

static void
brute_kpis (const Dataset *d,
            DpsFilter     *filter,
            DpsAggregate  *agg,
            gint64        *first,
            gint64        *last)
{
  memset (agg, 0, sizeof *agg);
  *first = G_MININT64;
  *last = G_MININT64;
  for (guint i = 0; i < d->stored->len; i++)
    {
      const DpsTransaction *tx = d->stored->pdata[i];

      if (!tx_matches (filter, tx))
        continue;
      aggregate_add (agg, tx);
      if (*first == G_MININT64 || tx->event_ts < *first)
        *first = tx->event_ts;
      if (*last == G_MININT64 || tx->event_ts > *last)
        *last = tx->event_ts;
    }
}

static char *
brute_key (DpsDimension          dimension,
           const DpsTransaction *tx)
{
  switch (dimension)
    {
    case DPS_DIMENSION_CATEGORY:       return g_strdup (tx->category);
    case DPS_DIMENSION_CITY:           return g_strdup (tx->city);
    case DPS_DIMENSION_MERCHANT:       return g_strdup (tx->merchant);
    case DPS_DIMENSION_STATUS:         return g_strdup (dps_status_to_string (tx->status));
    case DPS_DIMENSION_PAYMENT_METHOD: return g_strdup (dps_payment_method_to_string (tx->payment_method));
    case DPS_DIMENSION_AMOUNT_BUCKET:  return g_strdup (dps_amount_bucket_to_string (tx->amount_bucket));
    case DPS_DIMENSION_HOUR:           return g_strdup_printf ("%u", tx->event_hour);
    case DPS_DIMENSION_WEEKDAY:        return g_strdup_printf ("%u", tx->event_dayofweek);
    case DPS_DIMENSION_DAY:            return dps_format_date (tx->event_date);
    case DPS_DIMENSION_WEEK:           return dps_format_date (tx->event_date - tx->event_dayofweek);
    case DPS_DIMENSION_MONTH:
      {
        char *date = dps_format_date (tx->event_date);

        date[7] = '\0';
        return date;
      }
    case DPS_DIMENSION_NONE:
    default:
      return NULL;
    }
}

/* "key\x1fkey2" → DpsAggregate*. */
static GHashTable *
brute_breakdown (const Dataset *d,
                 DpsFilter     *filter,
                 DpsDimension   dimension,
                 DpsDimension   dimension2)
{
  GHashTable *groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < d->stored->len; i++)
    {
      const DpsTransaction *tx = d->stored->pdata[i];
      g_autofree char *key = NULL, *key2 = NULL, *joined = NULL;
      DpsAggregate *agg;

      if (!tx_matches (filter, tx))
        continue;
      key = brute_key (dimension, tx);
      key2 = brute_key (dimension2, tx);
      joined = g_strconcat (key, "\x1f", key2 != NULL ? key2 : "", NULL);
      agg = g_hash_table_lookup (groups, joined);
      if (agg == NULL)
        {
          agg = g_new0 (DpsAggregate, 1);
          g_hash_table_insert (groups, g_steal_pointer (&joined), agg);
        }
      aggregate_add (agg, tx);
    }
  return groups;
}

static void
assert_aggregate_equal (const DpsAggregate *a,
                        const DpsAggregate *b)
{
  g_assert_cmpint (a->count, ==, b->count);
  g_assert_cmpint (a->amount_cents, ==, b->amount_cents);
  g_assert_cmpint (a->approved_count, ==, b->approved_count);
  g_assert_cmpint (a->approved_cents, ==, b->approved_cents);
}

/* Rank of a key in its dimension's natural order. */
static int
natural_compare (DpsDimension  dimension,
                 const char   *a,
                 const char   *b)
{
  switch (dimension)
    {
    case DPS_DIMENSION_STATUS:
      {
        DpsStatus x = 0, y = 0;
        dps_status_from_string (a, &x);
        dps_status_from_string (b, &y);
        return (int) x - (int) y;
      }
    case DPS_DIMENSION_PAYMENT_METHOD:
      {
        DpsPaymentMethod x = 0, y = 0;
        dps_payment_method_from_string (a, &x);
        dps_payment_method_from_string (b, &y);
        return (int) x - (int) y;
      }
    case DPS_DIMENSION_AMOUNT_BUCKET:
      {
        DpsAmountBucket x = 0, y = 0;
        dps_amount_bucket_from_string (a, &x);
        dps_amount_bucket_from_string (b, &y);
        return (int) x - (int) y;
      }
    case DPS_DIMENSION_HOUR:
    case DPS_DIMENSION_WEEKDAY:
      return atoi (a) - atoi (b);
    case DPS_DIMENSION_CATEGORY:
    case DPS_DIMENSION_CITY:
    case DPS_DIMENSION_MERCHANT:
    case DPS_DIMENSION_DAY:
    case DPS_DIMENSION_WEEK:
    case DPS_DIMENSION_MONTH:
    case DPS_DIMENSION_NONE:
    default:
      return strcmp (a, b);
    }
}

/* @breakdown (all groups) holds exactly the brute-force groups, in the
 * order asked for. */
static void
assert_breakdown_matches (DpsBreakdown      *breakdown,
                          GHashTable        *expected,
                          DpsDimension       dimension,
                          DpsDimension       dimension2,
                          DpsBreakdownOrder  order)
{
  g_assert_cmpuint (dps_breakdown_get_n_items (breakdown), ==, g_hash_table_size (expected));
  for (guint i = 0; i < dps_breakdown_get_n_items (breakdown); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);
      g_autofree char *joined = g_strconcat (item->key, "\x1f", item->key2 != NULL ? item->key2 : "", NULL);
      const DpsAggregate *agg = g_hash_table_lookup (expected, joined);

      g_assert_nonnull (agg);
      assert_aggregate_equal (&item->agg, agg);
      if (i == 0)
        continue;

      {
        const DpsBreakdownItem *prev = dps_breakdown_get_item (breakdown, i - 1);
        int c = natural_compare (dimension, prev->key, item->key);

        if (order == DPS_BREAKDOWN_ORDER_KEY)
          {
            if (c == 0 && dimension2 != DPS_DIMENSION_NONE)
              c = natural_compare (dimension2, prev->key2, item->key2);
            g_assert_cmpint (c, <, 0);
          }
        else if (order == DPS_BREAKDOWN_ORDER_COUNT_DESC)
          g_assert_cmpint (prev->agg.count, >=, item->agg.count);
        else
          g_assert_cmpint (prev->agg.amount_cents, >=, item->agg.amount_cents);
      }
    }
}

static void
assert_breakdowns_identical (DpsBreakdown *a,
                             DpsBreakdown *b)
{
  g_assert_cmpuint (dps_breakdown_get_n_items (a), ==, dps_breakdown_get_n_items (b));
  for (guint i = 0; i < dps_breakdown_get_n_items (a); i++)
    {
      const DpsBreakdownItem *x = dps_breakdown_get_item (a, i);
      const DpsBreakdownItem *y = dps_breakdown_get_item (b, i);

      g_assert_cmpstr (x->key, ==, y->key);
      g_assert_cmpstr (x->key2, ==, y->key2);
      assert_aggregate_equal (&x->agg, &y->agg);
    }
}

static void
assert_tx_equal (const DpsTransaction *a,
                 const DpsTransaction *b)
{
  g_assert_cmpmem (a->id, 16, b->id, 16);
  g_assert_cmpint (a->event_ts, ==, b->event_ts);
  g_assert_cmpint (a->user_id, ==, b->user_id);
  g_assert_cmpint (a->amount_cents, ==, b->amount_cents);
  g_assert_cmpstr (a->merchant, ==, b->merchant);
  g_assert_cmpstr (a->category, ==, b->category);
  g_assert_cmpstr (a->city, ==, b->city);
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpint (a->payment_method, ==, b->payment_method);
  g_assert_cmpstr (a->currency, ==, b->currency);
  g_assert_cmpint (a->event_date, ==, b->event_date);
  g_assert_cmpint (a->event_hour, ==, b->event_hour);
  g_assert_cmpint (a->event_dayofweek, ==, b->event_dayofweek);
  g_assert_cmpint (a->amount_bucket, ==, b->amount_bucket);
}

static DpsFilter *
forced_base (DpsFilter *filter)
{
  DpsFilter *copy = dps_filter_copy (filter);
  gint64 min_cents, max_cents;

  /* An amount range covering every amount: only the base table answers. */
  dps_filter_get_amount_range (copy, &min_cents, &max_cents);
  if (min_cents == DPS_FILTER_NO_AMOUNT && max_cents == DPS_FILTER_NO_AMOUNT)
    dps_filter_set_amount_range (copy, 0, G_MAXINT64 / 4);
  return copy;
}

/* ---------------------------------------------------------------------- */
/* fixtures                                                               */

typedef struct {
  Db db;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  db_make (&f->db, backend);
  f->db.repo = db_open (&f->db);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  db_clear (&f->db);
}

static void
assert_kpis (DpsRepository *repo,
             const Dataset *d,
             DpsFilter     *filter)
{
  g_autoptr(GError) error = NULL;
  DpsAggregate expected;
  gint64 first, last;
  DpsKpis kpis;
  guint64 count = 0;

  brute_kpis (d, filter, &expected, &first, &last);
  g_assert_true (dps_repository_query_kpis (repo, filter, &kpis, NULL, &error));
  g_assert_no_error (error);
  assert_aggregate_equal (&kpis.total, &expected);
  if (expected.count == 0)
    g_assert_cmpint (kpis.first_event, ==, G_MININT64);
  else if (kpis.from_rollup)
    {
      /* Rollups know days: the period is rounded out to them. */
      g_assert_cmpint (kpis.first_event, ==, (first / DPS_USEC_PER_DAY) * DPS_USEC_PER_DAY);
      g_assert_cmpint (kpis.last_event, ==, (last / DPS_USEC_PER_DAY + 1) * DPS_USEC_PER_DAY - 1);
    }
  else
    {
      g_assert_cmpint (kpis.first_event, ==, first);
      g_assert_cmpint (kpis.last_event, ==, last);
    }

  g_assert_true (dps_repository_count_rows (repo, filter, &count, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, (guint64) expected.count);
}

/* ---------------------------------------------------------------------- */
/* loading                                                                */

static void
test_load_counts (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 11, 12000, 0.08, 1500);
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  g_autoptr(GError) error = NULL;
  DpsBatchResult total;
  DpsRepositoryInfo info;
  DpsRejectQuery query;
  gint64 by_reason[DPS_N_REJECT_REASONS];
  gint64 first, last;
  DpsAggregate expected;
  DpsKpis kpis;

  g_assert_cmpuint (d->duplicates, >, 0);
  g_assert_cmpuint (d->rejects, >, 0);

  dataset_write (d, f->db.repo, 0, &total);
  g_assert_cmpuint (total.loaded, ==, d->stored->len);
  g_assert_cmpuint (total.duplicates, ==, d->duplicates);
  g_assert_cmpuint (total.rejected, ==, d->rejects);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint ((gint64) total.rejected_by_reason[i], ==, d->rejects_by_reason[i]);

  /* Exact counts and cents, from the rollups and from the base table. */
  assert_kpis (f->db.repo, d, everything);
  {
    g_autoptr(DpsFilter) base = forced_base (everything);
    assert_kpis (f->db.repo, d, base);
  }
  g_assert_true (dps_repository_query_kpis (f->db.repo, everything, &kpis, NULL, &error));
  g_assert_true (kpis.from_rollup);
  g_assert_cmpint (kpis.total.amount_cents, ==, d->amount_cents);
  g_assert_cmpint (kpis.rejected, ==, (gint64) d->rejects);
  g_assert_cmpint (kpis.duplicates, ==, (gint64) d->duplicates);

  dps_reject_query_init (&query);
  g_assert_true (dps_repository_count_rejects (f->db.repo, &query, by_reason, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (by_reason[i], ==, d->rejects_by_reason[i]);

  g_assert_true (dps_repository_get_info (f->db.repo, &info, &error));
  g_assert_no_error (error);
  brute_kpis (d, everything, &expected, &first, &last);
  g_assert_cmpint (info.rows, ==, (gint64) d->stored->len);
  g_assert_cmpint (info.rejects, ==, (gint64) d->rejects);
  g_assert_cmpint (info.duplicates, ==, (gint64) d->duplicates);
  g_assert_cmpint (info.first_event, ==, first);
  g_assert_cmpint (info.last_event, ==, last);
  g_assert_cmpint (info.schema_version, ==, info.latest_version);
  g_assert_cmpstr (info.backend, ==, f->db.backend == BACKEND_SQLITE ? "SQLite" : "PostgreSQL");
  dps_repository_info_clear (&info);

  {
    gint64 null_keys = -1;
    gboolean equal = FALSE;
    g_autofree char *detail = NULL;

    g_assert_true (dps_repository_count_null_keys (f->db.repo, &null_keys, &error));
    g_assert_cmpint (null_keys, ==, 0);
    g_assert_true (dps_repository_check_rollups (f->db.repo, G_MININT32, G_MAXINT32, &equal, &detail, &error));
    g_assert_no_error (error);
    g_assert_true (equal);
    g_assert_null (detail);
  }

  /* Every stored row, as generated, with its payload and position. */
  for (guint i = 0; i < d->stored->len; i += 97)
    {
      const DpsTransaction *tx = d->stored->pdata[i];
      g_autoptr(DpsRow) row = NULL;

      g_assert_true (dps_repository_get_row (f->db.repo, tx->id, &row, &error));
      g_assert_no_error (error);
      g_assert_nonnull (row);
      assert_tx_equal (&row->tx, tx);
      g_assert_cmpstr (row->tx.payload, ==, tx->payload);
      g_assert_cmpstr (row->source, ==, d->source_key);
      g_assert_cmpint (row->source_partition, ==, -1);
      g_assert_cmpint (row->source_line, >=, 1);
      g_assert_cmpint (row->source_offset, >=, 0);
      g_assert_cmpint (row->ingested_at, >, 0);
    }
  {
    guint8 missing[16] = { 0xde, 0xad, 0xbe, 0xef };
    g_autoptr(DpsRow) row = NULL;

    g_assert_true (dps_repository_get_row (f->db.repo, missing, &row, &error));
    g_assert_null (row);
  }
}

/* A line of the record contract with the given id; the other fields
 * follow @n. */
static char *
line_with_id (const guint8 id[16],
              guint        n)
{
  static const char *const cities[] = { "Lyon", "Paris", "Nantes" };
  static const char *const statuses[] = { "APPROVED", "DECLINED", "PENDING" };
  char text[DPS_UUID_TEXT_LEN + 1];
  g_autofree char *when = dps_format_timestamp (START + (gint64) n * 3600 * DPS_USEC_PER_SECOND);

  dps_uuid_to_string (id, text);
  return g_strdup_printf ("{\"transaction_id\": \"%s\", \"event_ts\": \"%s\", \"user_id\": %u, "
                          "\"amount\": %u.%02u, \"merchant\": \"Fnac\", \"category\": \"books\", "
                          "\"city\": \"%s\", \"status\": \"%s\", \"payment_method\": \"card\"}",
                          text, when, 1 + n % 50, 1 + n % 700, n % 100,
                          cities[n % G_N_ELEMENTS (cities)], statuses[n % G_N_ELEMENTS (statuses)]);
}

/* Identifiers that share their first 8 bytes (one index key in SQLite),
 * and repeated ones, at every place of a batch: stored once each,
 * counted as duplicates when repeated, whatever their neighbours. */
static void
test_key_collisions (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_new ();
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, 16);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  DpsBatchResult total;
  guint32 source_id = 0;
  guint n = 0;

  d->source_key = g_strdup ("file:/data/collisions.jsonl");
  dps_repository_ensure_source (f->db.repo, d->source_key, &source_id, &error);
  g_assert_no_error (error);

  for (guint b = 0; b < 4; b++)
    {
      DpsBatch *batch = dps_batch_new ();
      guint rows = b == 0 ? 70 : 150 + 37 * b;

      for (guint i = 0; i < rows; i++, n++)
        {
          DpsPosition position = { source_id, -1, (gint64) n * 300, (gint64) n + 1 };
          guint8 id[16];
          g_autofree char *line = NULL;
          guint pick = (guint) g_rand_int_range (rand, 0, 10);

          for (guint k = 0; k < 16; k++)
            id[k] = (guint8) g_rand_int_range (rand, 0, 256);
          if (ids->len > 0 && pick < 3)
            {
              /* The first half of an earlier id (of this batch or an
               * earlier one), with a new second half. */
              memcpy (id, &g_array_index (ids, guint8, 16 * (guint) g_rand_int_range (rand, 0, (gint32) ids->len)), 8);
            }
          else if (ids->len > 0 && pick < 5)
            {
              /* An earlier id again. */
              memcpy (id, &g_array_index (ids, guint8, 16 * (guint) g_rand_int_range (rand, 0, (gint32) ids->len)), 16);
            }
          id[6] = (guint8) ((id[6] & 0x0f) | 0x40);
          id[8] = (guint8) ((id[8] & 0x3f) | 0x80);
          g_array_append_vals (ids, id, 1);

          line = line_with_id (id, n);
          dataset_add_line (d, batch, parser, line, strlen (line), &position);
        }
      g_ptr_array_add (d->batches, batch);
    }
  dataset_finish (d);
  g_assert_cmpuint (d->duplicates, >, 50);
  g_assert_cmpuint (d->rejects, ==, 0);

  dataset_write (d, f->db.repo, 0, &total);
  g_assert_cmpuint (total.loaded, ==, d->stored->len);
  g_assert_cmpuint (total.duplicates, ==, d->duplicates);
  assert_kpis (f->db.repo, d, everything);
  {
    g_autoptr(DpsFilter) base = forced_base (everything);
    assert_kpis (f->db.repo, d, base);
  }

  /* Every row under its own id, with its own payload and position. */
  for (guint i = 0; i < d->stored->len; i++)
    {
      const DpsTransaction *tx = d->stored->pdata[i];
      g_autoptr(DpsRow) row = NULL;

      g_assert_true (dps_repository_get_row (f->db.repo, tx->id, &row, &error));
      g_assert_no_error (error);
      g_assert_nonnull (row);
      assert_tx_equal (&row->tx, tx);
      g_assert_cmpstr (row->tx.payload, ==, tx->payload);
      g_assert_cmpint (row->source_offset, ==, (row->source_line - 1) * 300);
    }
  {
    gboolean equal = FALSE;
    g_autofree char *detail = NULL;

    g_assert_true (dps_repository_check_rollups (f->db.repo, G_MININT32, G_MAXINT32, &equal, &detail, &error));
    g_assert_no_error (error);
    g_assert_true (equal);
  }
}

static void
test_reimport (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 12, 6000, 0.06, 1000);
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  g_autoptr(GPtrArray) duplicates = NULL;
  g_autoptr(GError) error = NULL;
  DpsBatchResult first, second;
  DpsRejectQuery query;
  gint64 by_reason[DPS_N_REJECT_REASONS];
  gint64 arrivals = 0;
  DpsKpis kpis;

  dataset_write (d, f->db.repo, 0, &first);
  /* The same batches again: nothing new, every row a duplicate. */
  dataset_write (d, f->db.repo, 0, &second);
  g_assert_cmpuint (second.loaded, ==, 0);
  g_assert_cmpuint (second.duplicates, ==, d->valid_lines);
  g_assert_cmpuint (second.rejected, ==, d->rejects);

  assert_kpis (f->db.repo, d, everything);
  g_assert_true (dps_repository_query_kpis (f->db.repo, everything, &kpis, NULL, &error));
  g_assert_cmpint (kpis.duplicates, ==, (gint64) (d->duplicates + d->valid_lines));

  /* Rejects are stored once per place in the source. */
  dps_reject_query_init (&query);
  g_assert_true (dps_repository_count_rejects (f->db.repo, &query, by_reason, &error));
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (by_reason[i], ==, d->rejects_by_reason[i]);

  /* Arrivals per id: every valid line of it, twice. */
  duplicates = dps_repository_list_duplicates (f->db.repo, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (duplicates->len, ==, g_hash_table_size (d->arrivals));
  for (guint i = 0; i < duplicates->len; i++)
    {
      const DpsDuplicateInfo *info = duplicates->pdata[i];
      const gint64 *count = g_hash_table_lookup (d->arrivals, info->id);

      g_assert_nonnull (count);
      g_assert_cmpint (info->arrivals, ==, 2 * *count);
      g_assert_cmpstr (info->last_source, ==, d->source_key);
      g_assert_cmpint (info->first_seen, <=, info->last_seen);
      if (i > 0)
        g_assert_cmpint (((DpsDuplicateInfo *) duplicates->pdata[i - 1])->arrivals, >=, info->arrivals);
      arrivals += info->arrivals - 1;
    }
  g_assert_cmpint (arrivals, ==, (gint64) (d->duplicates + d->valid_lines));

  g_clear_pointer (&duplicates, g_ptr_array_unref);
  duplicates = dps_repository_list_duplicates (f->db.repo, 5, &error);
  g_assert_cmpuint (duplicates->len, ==, 5);
}

/* ---------------------------------------------------------------------- */
/* filters                                                                */

static void
pick_values (GRand      *rand,
             GPtrArray  *values,
             GStrvBuilder *builder)
{
  guint n = (guint) g_rand_int_range (rand, 1, 4);

  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, values->pdata[g_rand_int_range (rand, 0, (gint32) values->len)]);
}

static guint
random_mask (GRand *rand,
             guint  n_values)
{
  guint mask = 0;

  while (mask == 0 || mask == (1u << n_values) - 1)
    mask = (guint) g_rand_int (rand) & ((1u << n_values) - 1);
  return mask;
}

static DpsFilter *
random_filter (GRand         *rand,
               const Dataset *d)
{
  DpsFilter *filter = dps_filter_new ();

  if (g_rand_double (rand) < 0.35)
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) values = NULL;
      pick_values (rand, d->categories, b);
      values = g_strv_builder_end (b);
      dps_filter_set_categories (filter, (const char * const *) values);
    }
  if (g_rand_double (rand) < 0.3)
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) values = NULL;
      pick_values (rand, d->cities, b);
      values = g_strv_builder_end (b);
      dps_filter_set_cities (filter, (const char * const *) values);
    }
  if (g_rand_double (rand) < 0.15)
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) values = NULL;
      pick_values (rand, d->merchants, b);
      values = g_strv_builder_end (b);
      dps_filter_set_merchants (filter, (const char * const *) values);
    }
  if (g_rand_double (rand) < 0.3)
    dps_filter_set_statuses (filter, random_mask (rand, DPS_N_STATUSES));
  if (g_rand_double (rand) < 0.2)
    dps_filter_set_payment_methods (filter, random_mask (rand, DPS_N_PAYMENT_METHODS));
  if (g_rand_double (rand) < 0.15)
    dps_filter_set_amount_buckets (filter, random_mask (rand, DPS_N_AMOUNT_BUCKETS));
  if (g_rand_double (rand) < 0.15)
    dps_filter_set_weekdays (filter, random_mask (rand, 7));
  if (g_rand_double (rand) < 0.15)
    dps_filter_set_hours (filter, random_mask (rand, 24));
  if (g_rand_double (rand) < 0.5)
    {
      gint64 day0 = START / DPS_USEC_PER_DAY + g_rand_int_range (rand, -1, DAYS);
      gint64 day1 = day0 + g_rand_int_range (rand, 1, 10);
      gint64 from = day0 * DPS_USEC_PER_DAY, to = day1 * DPS_USEC_PER_DAY;

      /* Sometimes not on day boundaries: only the base table answers. */
      if (g_rand_double (rand) < 0.3)
        from += g_rand_int_range (rand, 1, G_MAXINT32) * G_GINT64_CONSTANT (13);
      if (g_rand_double (rand) < 0.5)
        dps_filter_set_period (filter, from, to);
      else
        dps_filter_set_period (filter, g_rand_boolean (rand) ? from : DPS_FILTER_NO_TIME, to);
    }
  if (g_rand_double (rand) < 0.1)
    dps_filter_set_amount_range (filter, g_rand_int_range (rand, 0, 5000),
                                 g_rand_boolean (rand) ? g_rand_int_range (rand, 5000, 80000)
                                                       : DPS_FILTER_NO_AMOUNT);
  if (g_rand_double (rand) < 0.1)
    {
      const DpsTransaction *tx = d->stored->pdata[g_rand_int_range (rand, 0, (gint32) d->stored->len)];
      char id[DPS_UUID_TEXT_LEN + 1];
      g_autofree char *text = NULL;

      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0:
          {
            g_autofree char *part = g_utf8_substring (tx->merchant, 1, 4);
            text = g_ascii_strup (part, -1);
          }
          break;
        case 1:
          text = g_strdup_printf ("%" G_GINT64_FORMAT, tx->user_id);
          break;
        default:
          dps_uuid_to_string (tx->id, id);
          text = g_strndup (id, (gsize) g_rand_int_range (rand, 4, 14));
          break;
        }
      dps_filter_set_search (filter, text);
    }
  return filter;
}

static const DpsDimension time_dimensions[] = {
  DPS_DIMENSION_DAY, DPS_DIMENSION_WEEK, DPS_DIMENSION_MONTH, DPS_DIMENSION_WEEKDAY,
  DPS_DIMENSION_HOUR,
};

static void
check_breakdown (DpsRepository     *repo,
                 const Dataset     *d,
                 DpsFilter         *filter,
                 DpsDimension       dimension,
                 DpsDimension       dimension2,
                 DpsBreakdownOrder  order)
{
  g_autoptr(GHashTable) expected = brute_breakdown (d, filter, dimension, dimension2);
  g_autoptr(DpsFilter) base = forced_base (filter);
  g_autoptr(DpsBreakdown) answer = NULL;
  g_autoptr(DpsBreakdown) from_base = NULL;
  g_autoptr(GError) error = NULL;

  g_test_message ("breakdown by %s, %s, order %d", dps_dimension_to_string (dimension),
                  dimension2 != DPS_DIMENSION_NONE ? dps_dimension_to_string (dimension2) : "-", order);
  answer = dps_repository_query_breakdown (repo, filter, dimension, dimension2, order, 0, NULL, &error);
  g_assert_no_error (error);
  assert_breakdown_matches (answer, expected, dimension, dimension2, order);

  /* The rollup (when one answered) and the base table agree, order too. */
  from_base = dps_repository_query_breakdown (repo, base, dimension, dimension2, order, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (from_base->from_rollup);
  assert_breakdowns_identical (answer, from_base);

  /* A limit keeps the first groups. */
  if (dps_breakdown_get_n_items (answer) > 2)
    {
      g_autoptr(DpsBreakdown) limited =
        dps_repository_query_breakdown (repo, filter, dimension, dimension2, order, 2, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (dps_breakdown_get_n_items (limited), ==, 2);
      for (guint i = 0; i < 2; i++)
        {
          g_assert_cmpstr (dps_breakdown_get_item (limited, i)->key, ==, dps_breakdown_get_item (answer, i)->key);
          g_assert_cmpstr (dps_breakdown_get_item (limited, i)->key2, ==, dps_breakdown_get_item (answer, i)->key2);
        }
    }
}

static void
test_random_filters (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 13, 8000, 0.03, 2000);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  guint from_rollup = 0, from_base = 0;
  DpsBatchResult total;

  dataset_write (d, f->db.repo, 0, &total);

  for (guint i = 0; i < 120; i++)
    {
      g_autoptr(DpsFilter) filter = random_filter (rand, d);
      g_autoptr(DpsFilter) base = forced_base (filter);
      g_autoptr(GError) error = NULL;
      DpsDimension dimension = (DpsDimension) g_rand_int_range (rand, 0, DPS_N_DIMENSIONS);
      DpsDimension dimension2 = time_dimensions[g_rand_int_range (rand, 0, G_N_ELEMENTS (time_dimensions))];
      DpsBreakdownOrder order = (DpsBreakdownOrder) g_rand_int_range (rand, 0, 3);
      g_autofree char *text = dps_filter_to_string (filter);
      DpsKpis kpis;

      g_test_message ("filter %u: %s", i, text);
      assert_kpis (f->db.repo, d, filter);
      assert_kpis (f->db.repo, d, base);
      g_assert_true (dps_repository_query_kpis (f->db.repo, filter, &kpis, NULL, &error));
      if (kpis.from_rollup)
        from_rollup++;
      else
        from_base++;

      check_breakdown (f->db.repo, d, filter, dimension, DPS_DIMENSION_NONE, order);
      if (dimension != dimension2)
        check_breakdown (f->db.repo, d, filter, dimension, dimension2, order);
      check_breakdown (f->db.repo, d, filter, time_dimensions[i % G_N_ELEMENTS (time_dimensions)],
                       DPS_DIMENSION_NONE, DPS_BREAKDOWN_ORDER_KEY);
    }
  /* Both paths were exercised. */
  g_assert_cmpuint (from_rollup, >, 10);
  g_assert_cmpuint (from_base, >, 10);
}

/* ---------------------------------------------------------------------- */
/* pages                                                                  */

static int
compare_sort_values (DpsSortKey    key,
                     const DpsRow *a,
                     const DpsRow *b)
{
#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)
  switch (key)
    {
    case DPS_SORT_EVENT_TS:       return CMP (a->tx.event_ts, b->tx.event_ts);
    case DPS_SORT_AMOUNT:         return CMP (a->tx.amount_cents, b->tx.amount_cents);
    case DPS_SORT_USER_ID:        return CMP (a->tx.user_id, b->tx.user_id);
    case DPS_SORT_INGESTED_AT:    return 0;
    case DPS_SORT_MERCHANT:       return strcmp (a->tx.merchant, b->tx.merchant);
    case DPS_SORT_CATEGORY:       return strcmp (a->tx.category, b->tx.category);
    case DPS_SORT_CITY:           return strcmp (a->tx.city, b->tx.city);
    case DPS_SORT_STATUS:         return CMP (a->tx.status, b->tx.status);
    case DPS_SORT_PAYMENT_METHOD: return CMP (a->tx.payment_method, b->tx.payment_method);
    case DPS_SORT_TRANSACTION_ID: return memcmp (a->tx.id, b->tx.id, 16);
    default:
      g_assert_not_reached ();
    }
#undef CMP
}

static gboolean
collect_row_cb (const DpsRow  *row,
                gpointer       user_data,
                GError       **error)
{
  g_ptr_array_add (user_data, dps_row_copy (row));
  return TRUE;
}

static GPtrArray *
all_rows (DpsRepository *repo,
          DpsFilter     *filter,
          const DpsSort *sort)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_row_free);

  g_assert_true (dps_repository_foreach_row (repo, filter, sort, collect_row_cb, rows, NULL, &error));
  g_assert_no_error (error);
  return rows;
}

/* Keyset pages forwards and backwards, and offset pages, give every row
 * of foreach_row once, in the same order. */
static void
check_pages (DpsRepository *repo,
             DpsFilter     *filter,
             const DpsSort *sort,
             guint64        expected_count)
{
  g_autoptr(GPtrArray) all = all_rows (repo, filter, sort);
  g_autoptr(GPtrArray) forward = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_row_free);
  g_autoptr(GPtrArray) backward = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_row_free);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  const guint page = 97;

  g_assert_cmpuint (all->len, ==, expected_count);
  for (guint i = 0; i < all->len; i++)
    {
      DpsRow *row = all->pdata[i];

      g_assert_true (g_hash_table_add (ids, &row->row_id));
      if (i > 0)
        {
          DpsRow *prev = all->pdata[i - 1];
          int c = compare_sort_values (sort->key, prev, row);

          if (sort->descending)
            c = -c;
          /* Ties in storage order, in the sort's direction. */
          if (c == 0)
            c = sort->descending ? (prev->row_id > row->row_id ? -1 : 1)
                                 : (prev->row_id < row->row_id ? -1 : 1);
          g_assert_cmpint (c, <, 0);
        }
    }

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      DpsPageRequest request = { forward->len > 0 ? forward->pdata[forward->len - 1] : NULL, FALSE, 0, page };
      g_autoptr(GPtrArray) rows = dps_repository_query_page (repo, filter, sort, &request, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < rows->len; i++)
        g_ptr_array_add (forward, dps_row_copy (rows->pdata[i]));
      if (rows->len < page)
        break;
    }
  g_assert_cmpuint (forward->len, ==, all->len);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpint (((DpsRow *) forward->pdata[i])->row_id, ==, ((DpsRow *) all->pdata[i])->row_id);

  /* Backwards from the end: each page in the sort's order, before the last. */
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      DpsPageRequest request = { backward->len > 0 ? backward->pdata[0] : NULL, TRUE, 0, page };
      g_autoptr(GPtrArray) rows = dps_repository_query_page (repo, filter, sort, &request, NULL, &error);

      g_assert_no_error (error);
      for (guint i = rows->len; i > 0; i--)
        g_ptr_array_insert (backward, 0, dps_row_copy (rows->pdata[i - 1]));
      if (rows->len < page)
        break;
    }
  g_assert_cmpuint (backward->len, ==, all->len);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpint (((DpsRow *) backward->pdata[i])->row_id, ==, ((DpsRow *) all->pdata[i])->row_id);

  /* Offsets. */
  for (guint64 offset = 0; offset < all->len; offset += 3 * page + 1)
    {
      g_autoptr(GError) error = NULL;
      DpsPageRequest request = { NULL, FALSE, offset, page };
      g_autoptr(GPtrArray) rows = dps_repository_query_page (repo, filter, sort, &request, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, MIN (page, all->len - offset));
      for (guint i = 0; i < rows->len; i++)
        g_assert_cmpint (((DpsRow *) rows->pdata[i])->row_id, ==, ((DpsRow *) all->pdata[offset + i])->row_id);
    }
}

static void
test_pagination (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 14, 3000, 0.02, 700);
  static const DpsSortKey keys[] = {
    DPS_SORT_EVENT_TS, DPS_SORT_AMOUNT, DPS_SORT_USER_ID, DPS_SORT_INGESTED_AT,
    DPS_SORT_MERCHANT, DPS_SORT_CATEGORY, DPS_SORT_CITY, DPS_SORT_STATUS,
    DPS_SORT_PAYMENT_METHOD, DPS_SORT_TRANSACTION_ID,
  };
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  g_autoptr(DpsFilter) some = dps_filter_new ();
  const char *categories[] = { NULL, NULL };
  DpsBatchResult total;
  DpsAggregate agg;
  gint64 first, last;

  dataset_write (d, f->db.repo, 0, &total);
  categories[0] = d->categories->pdata[0];
  dps_filter_set_categories (some, categories);
  dps_filter_set_statuses (some, DPS_FILTER_MASK (DPS_STATUS_APPROVED) | DPS_FILTER_MASK (DPS_STATUS_PENDING));
  brute_kpis (d, some, &agg, &first, &last);
  g_assert_cmpint (agg.count, >, 100);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    for (guint descending = 0; descending < 2; descending++)
      {
        DpsSort sort = { keys[i], descending };

        check_pages (f->db.repo, everything, &sort, d->stored->len);
        check_pages (f->db.repo, some, &sort, (guint64) agg.count);
      }
}

/* ---------------------------------------------------------------------- */
/* values that look like SQL                                              */

static const char *const nasty[] = {
  "O'Brien",
  "Robert'); DROP TABLE transactions; --",
  "back\\slash\\",
  "100% off",
  "under_score",
  "SELECT * FROM raw_transactions",
  "semi;colon",
  "double \"quote\"",
  "%",
  "_",
  "' OR '1'='1",
  "$1",
  "Café Noël",
};

static void
test_sql_metacharacters (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_new ();
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(GError) error = NULL;
  DpsBatch *batch = dps_batch_new ();
  guint32 source_id = 0;
  DpsBatchResult total;
  guint line = 0;

  d->source_key = g_strdup ("file:/data/it's; a \"path\" %_.jsonl");
  g_assert_true (dps_repository_ensure_source (f->db.repo, d->source_key, &source_id, &error));
  g_assert_no_error (error);

  /* Merchant i has i + 1 rows, category and city are nasty too. */
  for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
    for (guint k = 0; k <= i; k++)
      {
        g_autoptr(JsonBuilder) builder = json_builder_new ();
        g_autoptr(JsonGenerator) generator = json_generator_new ();
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *id = g_uuid_string_random ();
        g_autofree char *category = g_ascii_strdown (nasty[(i + k) % G_N_ELEMENTS (nasty)], -1);
        g_autofree char *text = NULL;
        DpsPosition position = { source_id, -1, (gint64) line * 300, (gint64) line + 1 };

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "transaction_id");
        json_builder_add_string_value (builder, id);
        json_builder_set_member_name (builder, "event_ts");
        json_builder_add_string_value (builder, "2026-11-20T13:45:12.123456+00:00");
        json_builder_set_member_name (builder, "user_id");
        json_builder_add_int_value (builder, 1000 + line);
        json_builder_set_member_name (builder, "amount");
        json_builder_add_double_value (builder, 10.5 + line);
        json_builder_set_member_name (builder, "merchant");
        json_builder_add_string_value (builder, nasty[i]);
        json_builder_set_member_name (builder, "category");
        json_builder_add_string_value (builder, category);
        json_builder_set_member_name (builder, "city");
        json_builder_add_string_value (builder, nasty[G_N_ELEMENTS (nasty) - 1 - i]);
        json_builder_set_member_name (builder, "status");
        json_builder_add_string_value (builder, "APPROVED");
        json_builder_set_member_name (builder, "payment_method");
        json_builder_add_string_value (builder, "card");
        json_builder_end_object (builder);
        root = json_builder_get_root (builder);
        json_generator_set_root (generator, root);
        text = json_generator_to_data (generator, NULL);
        dataset_add_line (d, batch, parser, text, strlen (text), &position);
        line++;
      }
  g_assert_cmpuint (d->rejects, ==, 0);
  g_ptr_array_add (d->batches, batch);
  dataset_finish (d);
  dataset_write (d, f->db.repo, 0, &total);
  g_assert_cmpuint (total.loaded, ==, line);

  for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
    {
      const char *values[] = { nasty[i], NULL };
      g_autoptr(DpsFilter) by_merchant = dps_filter_new ();
      g_autoptr(DpsFilter) by_search = dps_filter_new ();
      g_autoptr(DpsFilter) by_city = dps_filter_new ();
      g_autoptr(DpsBreakdown) merchants = NULL;
      DpsSort sort = { DPS_SORT_MERCHANT, FALSE };
      DpsAggregate expected;
      gint64 first, last;

      dps_filter_set_merchants (by_merchant, values);
      assert_kpis (f->db.repo, d, by_merchant);
      {
        DpsKpis kpis;
        g_assert_true (dps_repository_query_kpis (f->db.repo, by_merchant, &kpis, NULL, &error));
        g_assert_cmpint (kpis.total.count, ==, i + 1);
      }
      /* Searches are literal: % and _ match themselves only. */
      dps_filter_set_search (by_search, nasty[i]);
      assert_kpis (f->db.repo, d, by_search);
      dps_filter_set_cities (by_city, values);
      assert_kpis (f->db.repo, d, by_city);
      brute_kpis (d, by_search, &expected, &first, &last);
      check_pages (f->db.repo, by_search, &sort, (guint64) expected.count);

      merchants = dps_repository_query_breakdown (f->db.repo, by_merchant, DPS_DIMENSION_MERCHANT,
                                                  DPS_DIMENSION_CATEGORY, DPS_BREAKDOWN_ORDER_KEY, 0,
                                                  NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (dps_breakdown_get_n_items (merchants), >=, 1);
      g_assert_cmpstr (dps_breakdown_get_item (merchants, 0)->key, ==, nasty[i]);
    }

  /* Nothing was dropped or changed by the values above. */
  {
    g_autoptr(DpsFilter) everything = dps_filter_new ();
    DpsSort sort = { DPS_SORT_MERCHANT, TRUE };

    assert_kpis (f->db.repo, d, everything);
    check_pages (f->db.repo, everything, &sort, line);
    check_breakdown (f->db.repo, d, everything, DPS_DIMENSION_MERCHANT, DPS_DIMENSION_CITY,
                     DPS_BREAKDOWN_ORDER_KEY);
  }
}

/* ---------------------------------------------------------------------- */
/* checkpoints, runs, rejects                                             */

static void
test_checkpoints (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(DpsBatch) batch = dps_batch_new ();
  g_autoptr(DpsCheckpoint) a = dps_checkpoint_new ("kafka:it's \"topic\"@group", 0);
  g_autoptr(DpsCheckpoint) b = dps_checkpoint_new ("kafka:it's \"topic\"@group", 3);
  g_autoptr(DpsCheckpoint) loaded = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time ();

  g_assert_true (dps_repository_load_checkpoint (f->db.repo, a->source_key, 0, &loaded, &error));
  g_assert_no_error (error);
  g_assert_null (loaded);

  a->offset = 1234567890123;
  a->line = -1;
  b->offset = 42;
  b->line = 17;
  b->fingerprint = g_strdup ("sha256:ab'cd;\"ef\"");
  b->complete = TRUE;
  dps_batch_set_checkpoint (batch, b);
  dps_batch_set_checkpoint (batch, a);
  g_assert_true (dps_repository_write_batch (f->db.repo, batch, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (dps_repository_load_checkpoint (f->db.repo, a->source_key, 3, &loaded, &error));
  g_assert_nonnull (loaded);
  g_assert_cmpstr (loaded->source_key, ==, b->source_key);
  g_assert_cmpint (loaded->partition, ==, 3);
  g_assert_cmpint (loaded->offset, ==, 42);
  g_assert_cmpint (loaded->line, ==, 17);
  g_assert_cmpstr (loaded->fingerprint, ==, b->fingerprint);
  g_assert_true (loaded->complete);
  g_assert_cmpint (loaded->updated_at, >=, before);
  g_assert_cmpint (loaded->updated_at, <=, g_get_real_time ());

  list = dps_repository_list_checkpoints (f->db.repo, a->source_key, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((DpsCheckpoint *) list->pdata[0])->partition, ==, 0);
  g_assert_cmpint (((DpsCheckpoint *) list->pdata[0])->offset, ==, 1234567890123);
  g_assert_null (((DpsCheckpoint *) list->pdata[0])->fingerprint);
  g_assert_false (((DpsCheckpoint *) list->pdata[0])->complete);
  g_assert_cmpint (((DpsCheckpoint *) list->pdata[1])->partition, ==, 3);

  /* A later batch replaces the position. */
  dps_batch_reset (batch);
  b->offset = 43;
  g_clear_pointer (&b->fingerprint, g_free);
  b->complete = FALSE;
  dps_batch_set_checkpoint (batch, b);
  g_assert_true (dps_repository_write_batch (f->db.repo, batch, NULL, NULL, &error));
  g_clear_pointer (&loaded, dps_checkpoint_free);
  g_assert_true (dps_repository_load_checkpoint (f->db.repo, b->source_key, 3, &loaded, &error));
  g_assert_cmpint (loaded->offset, ==, 43);
  g_assert_null (loaded->fingerprint);
  g_assert_false (loaded->complete);

  g_clear_pointer (&list, g_ptr_array_unref);
  list = dps_repository_list_checkpoints (f->db.repo, "file:/nothing", &error);
  g_assert_cmpuint (list->len, ==, 0);
}

/* A process id no process has (a child that exited). */
static gint64
dead_pid (void)
{
  pid_t pid = fork ();

  if (pid == 0)
    _exit (0);
  g_assert_cmpint (pid, >, 0);
  waitpid (pid, NULL, 0);
  return pid;
}

static void
test_runs (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 15, 3000, 0.05, 1000);
  g_autoptr(DpsRunRecord) first = dps_run_record_new ("import", "/data/it's \"here\"; -- .jsonl");
  g_autoptr(DpsRunRecord) second = dps_run_record_new ("follow", "/data/b.jsonl");
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql_sqlite = NULL, *sql_pg = NULL;
  DpsRunRecord *stored;
  DpsBatchResult total;
  DpsRepositoryInfo info;

  g_assert_true (dps_repository_begin_run (f->db.repo, first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first->id, >, 0);
  g_assert_cmpint (first->started_at, >, 0);

  /* Counters move with the batches, in their transactions. */
  dataset_write (d, f->db.repo, first->id, &total);

  first->status = DPS_RUN_STATUS_FAILED;
  first->finished_at = first->started_at + 1234567;
  first->error = g_strdup ("Could not read “it's”: \"quoted\"; DROP TABLE pipeline_runs; --");
  first->stage_timings = g_strdup ("{\"read\":1.25,\"parse\":0.5,\"write\":2}");
  first->quality_checks = g_strdup ("[{\"name\":\"null_keys\",\"passed\":true,\"detail\":\"\"}]");
  first->rejected_by_reason[DPS_REJECT_INVALID_UUID] = 7;
  first->rejected_by_reason[DPS_REJECT_MALFORMED_JSON] = 3;
  g_assert_true (dps_repository_update_run (f->db.repo, first, &error));
  g_assert_no_error (error);

  g_assert_true (dps_repository_begin_run (f->db.repo, second, &error));
  g_assert_cmpint (second->id, >, first->id);

  runs = dps_repository_list_runs (f->db.repo, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->id, ==, second->id);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->status, ==, DPS_RUN_STATUS_RUNNING);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->finished_at, ==, 0);
  stored = runs->pdata[1];
  g_assert_cmpint (stored->id, ==, first->id);
  g_assert_cmpstr (stored->kind, ==, "import");
  g_assert_cmpstr (stored->source, ==, first->source);
  g_assert_cmpint (stored->started_at, ==, first->started_at);
  g_assert_cmpint (stored->finished_at, ==, first->finished_at);
  g_assert_cmpint (stored->status, ==, DPS_RUN_STATUS_FAILED);
  g_assert_cmpstr (stored->error, ==, first->error);
  g_assert_cmpstr (stored->stage_timings, ==, first->stage_timings);
  g_assert_cmpstr (stored->quality_checks, ==, first->quality_checks);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (stored->rejected_by_reason[i], ==, first->rejected_by_reason[i]);
  g_assert_cmpint (stored->rows_read, ==, (gint64) (d->valid_lines + d->rejects));
  g_assert_cmpint (stored->rows_loaded, ==, (gint64) d->stored->len);
  g_assert_cmpint (stored->rows_rejected, ==, (gint64) d->rejects);
  g_assert_cmpint (stored->rows_duplicate, ==, (gint64) d->duplicates);
  g_assert_cmpint (stored->bytes_read, >, 0);

  /* Rejects remember their run. */
  {
    DpsRejectQuery query;
    g_autoptr(GPtrArray) rejects = NULL;

    dps_reject_query_init (&query);
    query.limit = 10;
    rejects = dps_repository_list_rejects (f->db.repo, &query, &error);
    g_assert_cmpuint (rejects->len, ==, 10);
    g_assert_cmpint (((DpsStoredReject *) rejects->pdata[0])->run_id, ==, first->id);
  }

  g_clear_pointer (&runs, g_ptr_array_unref);
  runs = dps_repository_list_runs (f->db.repo, 1, &error);
  g_assert_cmpuint (runs->len, ==, 1);

  /* A run left "running" by a process that died is marked interrupted by
   * the next run. */
  sql_sqlite = g_strdup_printf ("UPDATE pipeline_runs SET pid = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
                                dead_pid (), second->id);
  sql_pg = g_strdup (sql_sqlite);
  db_exec (&f->db, sql_sqlite, sql_pg);
  {
    g_autoptr(DpsRunRecord) third = dps_run_record_new ("import", "/data/c.jsonl");

    g_assert_true (dps_repository_begin_run (f->db.repo, third, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&runs, g_ptr_array_unref);
  runs = dps_repository_list_runs (f->db.repo, 0, &error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[1])->id, ==, second->id);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[1])->status, ==, DPS_RUN_STATUS_INTERRUPTED);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[1])->finished_at, >, 0);
  g_assert_nonnull (((DpsRunRecord *) runs->pdata[1])->error);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->status, ==, DPS_RUN_STATUS_RUNNING);

  g_assert_true (dps_repository_get_info (f->db.repo, &info, &error));
  g_assert_cmpint (info.runs, ==, 3);
  dps_repository_info_clear (&info);
}

typedef struct {
  GPtrArray *rejects;
  guint      stop_after;
} RejectCollector;

static gboolean
collect_reject_cb (const DpsStoredReject  *reject,
                   gpointer                user_data,
                   GError                **error)
{
  RejectCollector *collector = user_data;

  g_ptr_array_add (collector->rejects, dps_stored_reject_copy (reject));
  if (collector->stop_after > 0 && collector->rejects->len == collector->stop_after)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "enough");
      return FALSE;
    }
  return TRUE;
}

static void
test_rejects (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 16, 4000, 0.3, 800);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_stored_reject_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsBreakdown) series = NULL;
  RejectCollector collector = { g_ptr_array_new_with_free_func ((GDestroyNotify) dps_stored_reject_free), 0 };
  DpsBatchResult total;
  DpsRejectQuery query;
  gint64 by_reason[DPS_N_REJECT_REASONS];
  gint64 in_series = 0;
  guint n_batch_rejects = 0;

  dataset_write (d, f->db.repo, 0, &total);
  /* Written again (a resumed import): stored once. */
  dataset_write (d, f->db.repo, 0, &total);
  g_assert_cmpuint (total.rejected, ==, d->rejects);

  dps_reject_query_init (&query);
  g_assert_true (dps_repository_count_rejects (f->db.repo, &query, by_reason, &error));
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpint (by_reason[i], ==, d->rejects_by_reason[i]);

  /* Keyset pages of the listing give them all, in batch order, raw bytes
   * and positions as they were read. */
  query.limit = 50;
  for (;;)
    {
      g_autoptr(GPtrArray) page = dps_repository_list_rejects (f->db.repo, &query, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (pages, dps_stored_reject_copy (page->pdata[i]));
      if (page->len < query.limit)
        break;
      query.after_id = ((DpsStoredReject *) page->pdata[page->len - 1])->id;
    }
  g_assert_cmpuint (pages->len, ==, d->rejects);
  for (guint b = 0; b < d->batches->len; b++)
    {
      DpsBatch *batch = d->batches->pdata[b];

      for (guint i = 0; i < batch->rejects->len; i++, n_batch_rejects++)
        {
          const DpsReject *expected = &g_array_index (batch->rejects, DpsReject, i);
          const DpsStoredReject *stored = pages->pdata[n_batch_rejects];

          g_assert_cmpint (stored->reject.reason, ==, expected->reason);
          g_assert_cmpmem (stored->reject.raw, stored->reject.raw_size, expected->raw, expected->raw_size);
          g_assert_cmpuint (stored->reject.raw_length, ==, expected->raw_length);
          g_assert_cmpint (stored->reject.position.offset, ==, expected->position.offset);
          g_assert_cmpint (stored->reject.position.line, ==, expected->position.line);
          g_assert_cmpint (stored->reject.position.partition, ==, -1);
          g_assert_cmpstr (stored->reject.field, ==, expected->field);
          g_assert_cmpstr (stored->reject.detail, ==, expected->detail);
          g_assert_cmpstr (stored->reject.transaction_id, ==, expected->transaction_id);
          g_assert_cmpint (stored->reject.event_ts, ==, expected->event_ts);
          g_assert_cmpstr (stored->source, ==, d->source_key);
          g_assert_cmpint (stored->rejected_at, >, 0);
          if (n_batch_rejects > 0)
            g_assert_cmpint (stored->id, >, ((DpsStoredReject *) pages->pdata[n_batch_rejects - 1])->id);
        }
    }

  /* By reason, and streamed. */
  dps_reject_query_init (&query);
  query.reasons = DPS_FILTER_MASK (DPS_REJECT_INVALID_UTF8) | DPS_FILTER_MASK (DPS_REJECT_LINE_TOO_LONG);
  g_assert_true (dps_repository_foreach_reject (f->db.repo, &query, collect_reject_cb, &collector, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (collector.rejects->len, ==,
                   d->rejects_by_reason[DPS_REJECT_INVALID_UTF8] + d->rejects_by_reason[DPS_REJECT_LINE_TOO_LONG]);
  for (guint i = 0; i < collector.rejects->len; i++)
    {
      DpsRejectReason reason = ((DpsStoredReject *) collector.rejects->pdata[i])->reject.reason;
      g_assert_true (reason == DPS_REJECT_INVALID_UTF8 || reason == DPS_REJECT_LINE_TOO_LONG);
    }

  /* A callback may stop the stream with its own error. */
  g_ptr_array_set_size (collector.rejects, 0);
  collector.stop_after = 3;
  dps_reject_query_init (&query);
  g_assert_false (dps_repository_foreach_reject (f->db.repo, &query, collect_reject_cb, &collector, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (collector.rejects->len, ==, 3);
  /* …and the repository answers the next call. */
  g_assert_true (dps_repository_count_rejects (f->db.repo, &query, by_reason, &error));
  g_assert_no_error (error);

  /* Periods use the record's time, else the time it was stored. */
  series = dps_repository_reject_series (f->db.repo, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < dps_breakdown_get_n_items (series); i++)
    in_series += dps_breakdown_get_item (series, i)->agg.count;
  g_assert_cmpint (in_series, ==, (gint64) d->rejects);
  {
    gint64 in_period = 0, expected = 0;
    gint64 day = START / DPS_USEC_PER_DAY + 3;

    query.from = day * DPS_USEC_PER_DAY;
    query.to = (day + 2) * DPS_USEC_PER_DAY;
    g_assert_true (dps_repository_count_rejects (f->db.repo, &query, by_reason, &error));
    for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
      in_period += by_reason[i];
    for (guint i = 0; i < pages->len; i++)
      {
        const DpsStoredReject *stored = pages->pdata[i];
        gint64 t = stored->reject.event_ts != G_MININT64 ? stored->reject.event_ts : stored->rejected_at;

        if (t >= query.from && t < query.to)
          expected++;
      }
    g_assert_cmpint (in_period, ==, expected);
    g_assert_cmpint (in_period, >, 0);
  }

  g_ptr_array_unref (collector.rejects);
}

/* ---------------------------------------------------------------------- */
/* rollups, migrations, cancellation                                      */

static void
test_rollup_checks (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 17, 3000, 0.0, 1000);
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  DpsBatchResult total;
  gboolean equal = FALSE;

  dataset_write (d, f->db.repo, 0, &total);
  db_exec (&f->db,
           "UPDATE rollup_merchant SET tx_count = tx_count + 5 "
           "WHERE event_date = (SELECT min(event_date) FROM rollup_merchant)",
           "UPDATE rollup_merchant SET tx_count = tx_count + 5 "
           "WHERE event_date = (SELECT min(event_date) FROM rollup_merchant)");

  g_assert_true (dps_repository_check_rollups (f->db.repo, G_MININT32, G_MAXINT32, &equal, &detail, &error));
  g_assert_no_error (error);
  g_assert_false (equal);
  g_assert_nonnull (detail);
  g_assert_nonnull (strstr (detail, "rollup_merchant"));
  g_clear_pointer (&detail, g_free);

  /* Days outside the damage still match. */
  g_assert_true (dps_repository_check_rollups (f->db.repo, START / DPS_USEC_PER_DAY + 5, G_MAXINT32,
                                               &equal, &detail, &error));
  g_assert_true (equal);

  g_assert_true (dps_repository_rebuild_rollups (f->db.repo, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dps_repository_check_rollups (f->db.repo, G_MININT32, G_MAXINT32, &equal, &detail, &error));
  g_assert_true (equal);
  assert_kpis (f->db.repo, d, everything);
  check_breakdown (f->db.repo, d, everything, DPS_DIMENSION_MERCHANT, DPS_DIMENSION_DAY,
                   DPS_BREAKDOWN_ORDER_AMOUNT_DESC);
}

/* The one integer @sql answers on a SQLite file, behind the repository's
 * back. */
static gint64
sqlite_query_int (const char *path,
                  const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return value;
}

/* The text of every stored record reads back exactly as received, whether
 * it was canonical (SQLite then keeps the fields only and rebuilds it) or
 * not (kept as received). */
static void
test_raw_payloads (Fixture       *f,
                   gconstpointer  data)
{
  static const struct {
    const char *line;
    gboolean    canonical;
  } cases[] = {
    { "{\"transaction_id\": \"6f1c2a9e-1d7b-4c55-9a43-2f0e8d1b7c01\", \"event_ts\": \"2026-11-02T08:15:00.000000+00:00\", "
      "\"user_id\": 42, \"amount\": 12.5, \"merchant\": \"Fnac\", \"category\": \"electronics\", "
      "\"city\": \"Paris\", \"status\": \"APPROVED\", \"payment_method\": \"card\", \"currency\": \"EUR\"}", TRUE },
    /* Two decimals, a whole amount and one cent. */
    { "{\"transaction_id\": \"6f1c2a9e-1d7b-4c55-9a43-2f0e8d1b7c02\", \"event_ts\": \"2026-11-02T23:59:59.999999+00:00\", "
      "\"user_id\": 5000, \"amount\": 749.99, \"merchant\": \"McDonald's\", \"category\": \"restaurants\", "
      "\"city\": \"Saint-Étienne\", \"status\": \"REFUNDED\", \"payment_method\": \"bank_transfer\", \"currency\": \"EUR\"}", TRUE },
    { "{\"transaction_id\": \"6f1c2a9e-1d7b-4c55-9a43-2f0e8d1b7c03\", \"event_ts\": \"2026-11-03T00:00:00.000001+00:00\", "
      "\"user_id\": 1, \"amount\": 5.0, \"merchant\": \"Carrefour\", \"category\": \"grocery\", "
      "\"city\": \"Lyon\", \"status\": \"DECLINED\", \"payment_method\": \"wallet\", \"currency\": \"EUR\"}", TRUE },
    { "{\"transaction_id\": \"6f1c2a9e-1d7b-4c55-9a43-2f0e8d1b7c04\", \"event_ts\": \"2026-11-03T10:00:00.250000+00:00\", "
      "\"user_id\": 7, \"amount\": 0.01, \"merchant\": \"Pharmacie\", \"category\": \"health\", "
      "\"city\": \"Nantes\", \"status\": \"PENDING\", \"payment_method\": \"card\", \"currency\": \"EUR\"}", TRUE },
    /* Not canonical: kept as received. */
    { "{\"transaction_id\":\"6f1c2a9e-1d7b-4c55-9a43-2f0e8d1b7c05\",\"event_ts\":\"2026-11-02T08:15:00+00:00\","
      "\"user_id\":42,\"amount\":12.50,\"merchant\":\"Fnac\",\"category\":\"electronics\","
      "\"city\":\"Paris\",\"status\":\"APPROVED\",\"payment_method\":\"card\",\"currency\":\"EUR\"}", FALSE },
    { "{\"event_ts\": \"2026-11-02T08:15:00.000000+00:00\", \"transaction_id\": \"6f1c2a9e-1d7b-4c55-9a43-2f0e8d1b7c06\", "
      "\"user_id\": 42, \"amount\": 12.5, \"merchant\": \"Fnac\", \"category\": \"electronics\", "
      "\"city\": \"Paris\", \"status\": \"APPROVED\", \"payment_method\": \"card\", \"currency\": \"EUR\"}", FALSE },
    { "{\"transaction_id\": \"6F1C2A9E-1D7B-4C55-9A43-2F0E8D1B7C07\", \"event_ts\": \"2026-11-02T08:15:00.000000Z\", "
      "\"user_id\": 42, \"amount\": 12.5, \"merchant\": \" Fnac \", \"category\": \"Electronics\", "
      "\"city\": \"Paris\", \"status\": \"approved\", \"payment_method\": \"card\", \"currency\": \"eur\"}", FALSE },
    { "{\"transaction_id\": \"6f1c2a9e-1d7b-4c55-9a43-2f0e8d1b7c08\", \"event_ts\": \"2026-11-02T08:15:00.000000+00:00\", "
      "\"user_id\": 42, \"amount\": 12.5, \"merchant\": \"Le \\\"Bistrot\\\"\", \"category\": \"restaurants\", "
      "\"city\": \"Paris\", \"status\": \"APPROVED\", \"payment_method\": \"card\", \"currency\": \"EUR\"}", FALSE },
    { "{\"transaction_id\": \"6f1c2a9e-1d7b-4c55-9a43-2f0e8d1b7c09\", \"event_ts\": \"1969-12-31T23:59:59.000000+00:00\", "
      "\"user_id\": 42, \"amount\": 12.5, \"merchant\": \"Fnac\", \"category\": \"electronics\", "
      "\"city\": \"Paris\", \"status\": \"APPROVED\", \"payment_method\": \"card\", \"currency\": \"EUR\"}", FALSE },
  };
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsBatch) batch = dps_batch_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  DpsBatchResult result;
  guint32 source_id = 0;
  guint n_canonical = 0;

  dps_repository_ensure_source (f->db.repo, "file:/data/raw.jsonl", &source_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DpsPosition position = { source_id, -1, (gint64) i * 400, (gint64) i + 1 };
      DpsTransaction tx = { 0 };
      DpsReject reject = { 0 };

      dps_reject_clear (&reject);
      g_test_message ("line %u: %s", i + 1, cases[i].line);
      g_assert_true (dps_record_parser_parse (parser, cases[i].line, strlen (cases[i].line),
                                              strlen (cases[i].line), &tx, &reject));
      g_assert_cmpint (tx.payload_is_canonical, ==, cases[i].canonical);
      n_canonical += cases[i].canonical;
      g_ptr_array_add (ids, g_memdup2 (tx.id, 16));
      dps_batch_take_row (batch, &tx, &position);
    }
  g_assert_true (dps_repository_write_batch (f->db.repo, batch, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.loaded, ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DpsRow) row = NULL;

      g_assert_true (dps_repository_get_row (f->db.repo, ids->pdata[i], &row, &error));
      g_assert_no_error (error);
      g_assert_nonnull (row);
      g_assert_cmpstr (row->tx.payload, ==, cases[i].line);
      g_assert_cmpint (row->source_line, ==, (gint64) i + 1);
    }

  if (f->db.backend == BACKEND_SQLITE)
    {
      sqlite3 *handle = NULL;
      sqlite3_stmt *stmt = NULL;
      guint n = 0;

      /* Only the texts that are not canonical take room… */
      g_assert_cmpint (sqlite_query_int (f->db.path, "SELECT count(*) FROM transaction_payloads WHERE payload = ''"),
                       ==, (gint64) n_canonical);

      g_assert_cmpint (sqlite3_open (f->db.path, &handle), ==, SQLITE_OK);

      /* …and the original project's view shows every one as received. */
      g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT payload, source_line FROM raw_transactions "
                                           "ORDER BY source_line", -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, (int) n + 1);
          g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, cases[n].line);
          n++;
        }
      g_assert_cmpuint (n, ==, G_N_ELEMENTS (cases));
      sqlite3_finalize (stmt);
      sqlite3_close (handle);
    }
}

/* Generated records are canonical: the view rebuilds each one's text
 * byte for byte. */
static void
test_raw_view_generated (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 31, 3000, 0.0, 1000);
  g_autoptr(GHashTable) texts = g_hash_table_new (g_str_hash, g_str_equal);
  DpsBatchResult total;
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  for (guint i = 0; i < d->stored->len; i++)
    {
      const DpsTransaction *tx = d->stored->pdata[i];

      g_assert_true (tx->payload_is_canonical);
      g_hash_table_add (texts, tx->payload);
    }
  dataset_write (d, f->db.repo, 0, &total);
  g_assert_cmpuint (total.loaded, ==, d->stored->len);

  g_assert_cmpint (sqlite3_open (f->db.path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT payload FROM raw_transactions", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);

      if (!g_hash_table_contains (texts, text))
        g_error ("raw_transactions rebuilt a text that was not received: %s", text);
      n++;
    }
  g_assert_cmpuint (n, ==, d->stored->len);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Rows are numbered in arrival order, or batch by batch in key order
 * once the database is large (from the first row in the key-order run). */
static void
test_insert_order (Fixture       *f,
                   gconstpointer  data)
{
  const guint batch_rows = 500;
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 23, 2000, 0.0, batch_rows);
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));
  DpsBatchResult total;
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  dataset_write (d, f->db.repo, 0, &total);
  g_assert_cmpuint (total.loaded, ==, 2000);
  for (guint i = 0; i < d->stored->len; i++)
    {
      gint64 key = dps_uuid_to_key (((DpsTransaction *) d->stored->pdata[i])->id);

      g_array_append_val (expected, key);
    }
  if (key_order_rows == 0)
    for (guint from = 0; from < expected->len; from += batch_rows)
      qsort (&g_array_index (expected, gint64, from), MIN (batch_rows, expected->len - from),
             sizeof (gint64), compare_keys);

  g_assert_cmpint (sqlite3_open (f->db.path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT tx_key FROM transactions ORDER BY id", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_assert_cmpuint (n, <, expected->len);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, g_array_index (expected, gint64, n));
      n++;
    }
  g_assert_cmpuint (n, ==, expected->len);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
}

/* SQLite prefers large writes from the commit after its first write in
 * key order, when the page cache it then gave up is returned; a new
 * connection starts over with a full cache. */
static void
test_large_writes (Fixture       *f,
                   gconstpointer  data)
{
  enum { WRITE, COMMIT, REOPEN };
  static const struct {
    int      action;
    gboolean prefers;   /* after it */
  } steps[] = {
    { WRITE,  FALSE },  /* 0 rows stored before it: arrival order */
    { WRITE,  FALSE },  /* 500 before it: key order, not committed yet */
    { COMMIT, TRUE  },
    { WRITE,  TRUE  },
    { COMMIT, TRUE  },
    { REOPEN, FALSE },
    { WRITE,  FALSE },
    { COMMIT, TRUE  },
  };
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 31, 2000, 0.0, 500);
  g_autoptr(GError) error = NULL;
  guint next = 0;

  g_assert_cmpuint (d->batches->len, ==, 4);
  dps_sqlite_repository_set_key_order_rows (f->db.repo, 500);
  g_assert_false (dps_repository_prefers_large_writes (f->db.repo));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      switch (steps[i].action)
        {
        case WRITE:
          g_assert_true (dps_repository_write_batch_open (f->db.repo, d->batches->pdata[next++], NULL, NULL,
                                                          &error));
          break;
        case COMMIT:
          g_assert_true (dps_repository_commit_open (f->db.repo, &error));
          break;
        case REOPEN:
          g_clear_object (&f->db.repo);
          f->db.repo = db_open (&f->db);
          dps_sqlite_repository_set_key_order_rows (f->db.repo, 500);
          break;
        default:
          g_assert_not_reached ();
        }
      g_assert_no_error (error);
      g_assert_cmpint (dps_repository_prefers_large_writes (f->db.repo), ==, steps[i].prefers);
    }
}

/* Batches written into an open transaction are stored, with their
 * checkpoints, only once it commits; a repository closed before that
 * (as by a crash) keeps none of them. */
static void
test_open_transaction (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Dataset) d = NULL;
  g_autoptr(DpsCheckpoint) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  DpsRepositoryInfo info;
  DpsBatchResult total = { 0 };

  if (!dps_repository_can_keep_open (f->db.repo))
    {
      /* PostgreSQL commits each batch. */
      g_assert_cmpint (f->db.backend, ==, BACKEND_POSTGRES);
      g_assert_true (dps_repository_commit_open (f->db.repo, &error));
      dps_repository_rollback_open (f->db.repo);
      return;
    }

  d = dataset_generate (f->db.repo, 77, 3000, 0.05, 1000);
  g_assert_cmpuint (d->batches->len, ==, 3);

  /* Two batches written, then the repository goes away uncommitted. */
  for (guint i = 0; i < 2; i++)
    {
      DpsBatchResult result;

      g_assert_true (dps_repository_write_batch_open (f->db.repo, d->batches->pdata[i], &result, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (result.loaded + result.duplicates + result.rejected, ==,
                        dps_batch_get_n_rows (d->batches->pdata[i]) + dps_batch_get_n_rejects (d->batches->pdata[i]));
    }
  g_clear_object (&f->db.repo);
  f->db.repo = db_open (&f->db);
  g_assert_true (dps_repository_get_info (f->db.repo, &info, &error));
  g_assert_cmpint (info.rows, ==, 0);
  g_assert_cmpint (info.rejects, ==, 0);
  dps_repository_info_clear (&info);
  g_assert_true (dps_repository_load_checkpoint (f->db.repo, d->source_key, -1, &loaded, &error));
  g_assert_null (loaded);

  /* Written again, rolled back: still nothing. */
  g_assert_true (dps_repository_write_batch_open (f->db.repo, d->batches->pdata[0], NULL, NULL, &error));
  dps_repository_rollback_open (f->db.repo);
  g_assert_true (dps_repository_get_info (f->db.repo, &info, &error));
  g_assert_cmpint (info.rows, ==, 0);
  dps_repository_info_clear (&info);

  /* All three in one transaction, committed: everything, and the last
   * batch's checkpoint. */
  for (guint i = 0; i < d->batches->len; i++)
    {
      DpsBatchResult result;

      g_assert_true (dps_repository_write_batch_open (f->db.repo, d->batches->pdata[i], &result, NULL, &error));
      g_assert_no_error (error);
      dps_batch_result_add (&total, &result);
    }
  g_assert_true (dps_repository_commit_open (f->db.repo, &error));
  g_assert_no_error (error);
  /* Nothing is open any more: committing again does nothing. */
  g_assert_true (dps_repository_commit_open (f->db.repo, &error));

  g_assert_cmpuint (total.loaded, ==, d->stored->len);
  g_assert_cmpuint (total.duplicates, ==, d->duplicates);
  g_assert_cmpuint (total.rejected, ==, d->rejects);
  g_clear_object (&f->db.repo);
  f->db.repo = db_open (&f->db);
  g_assert_true (dps_repository_get_info (f->db.repo, &info, &error));
  g_assert_cmpint (info.rows, ==, (gint64) d->stored->len);
  g_assert_cmpint (info.rejects, ==, (gint64) d->rejects);
  dps_repository_info_clear (&info);
  assert_kpis (f->db.repo, d, everything);
  g_assert_true (dps_repository_load_checkpoint (f->db.repo, d->source_key, -1, &loaded, &error));
  g_assert_nonnull (loaded);
  g_assert_cmpint (loaded->line, ==, 3000);
  g_assert_true (loaded->complete);
}

static void
test_migrations (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 18, 500, 0.0, 500);
  g_autoptr(DpsRepository) again = NULL;
  g_autoptr(DpsRepository) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  DpsBatchResult total;
  DpsRepositoryInfo info;

  dataset_write (d, f->db.repo, 0, &total);

  /* Opening again migrates nothing and keeps everything. */
  again = dps_repository_open (f->db.uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dps_repository_migrate (again, &error));
  g_assert_true (dps_repository_get_info (again, &info, &error));
  g_assert_cmpint (info.schema_version, ==, info.latest_version);
  g_assert_cmpint (info.schema_version, >=, 1);
  g_assert_cmpint (info.rows, ==, (gint64) d->stored->len);
  dps_repository_info_clear (&info);
  assert_kpis (again, d, everything);
  g_clear_object (&again);

  /* A schema from a newer version is refused, not touched. */
  g_clear_object (&f->db.repo);
  db_exec (&f->db, "PRAGMA user_version = 999",
           "INSERT INTO schema_migrations (version, application) VALUES (999, 'the future')");
  refused = dps_repository_open (f->db.uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_TOO_NEW);
  g_assert_null (refused);
  g_assert_false (dps_repository_error_is_transient (error));
  g_clear_error (&error);

  /* Without migrating it opens, and says what it holds. */
  again = dps_repository_open (f->db.uri, DPS_REPOSITORY_FLAGS_NO_MIGRATE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (dps_repository_migrate (again, &error));
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_TOO_NEW);
  g_clear_error (&error);
  g_assert_true (dps_repository_get_info (again, &info, &error));
  g_assert_cmpint (info.schema_version, ==, 999);
  dps_repository_info_clear (&info);
}

/* New files take large pages; a file that already chose its page size
 * (here SQLite's default, as every database made before) keeps it, and
 * loads and answers the same. */
static void
test_page_size (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 23, 3000, 0.0, 3000);
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  g_autoptr(GError) error = NULL;
  DpsBatchResult total;
  guint32 source_id = 0;
  DpsBatch *first;
  Db old;

  dataset_write (d, f->db.repo, 0, &total);
  g_assert_cmpint (sqlite_query_int (f->db.path, "PRAGMA page_size"), ==, 16384);

  db_make (&old, BACKEND_SQLITE);
  db_exec (&old, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL", NULL);
  old.repo = db_open (&old);
  /* The rows name their source by the id the first file gave it. */
  g_assert_true (dps_repository_ensure_source (old.repo, d->source_key, &source_id, &error));
  g_assert_no_error (error);
  first = d->batches->pdata[0];
  g_assert_cmpuint (source_id, ==, dps_batch_get_row (first, 0)->position.source_id);
  dataset_write (d, old.repo, 0, &total);
  g_assert_cmpuint (total.loaded, ==, d->stored->len);
  assert_kpis (old.repo, d, everything);
  g_assert_cmpint (sqlite_query_int (old.path, "PRAGMA page_size"), ==, 4096);
  db_clear (&old);
}

typedef struct {
  const char    *uri;
  gint          *waiting;        /* atomic: threads not yet at the start */
  DpsRepository *repo;
  GError        *error;
} OpenTogether;

static gpointer
open_together (gpointer data)
{
  OpenTogether *o = data;

  /* Start as close together as possible: the race is in the first
   * statements that set the new file up. */
  g_atomic_int_add (o->waiting, -1);
  while (g_atomic_int_get (o->waiting) > 0)
    ;
  o->repo = dps_repository_open (o->uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &o->error);
  return NULL;
}

/* Two programs opening one new file at once (the application and the
 * CLI, a test and the process it watches) both get it: the one that
 * finds it being set up waits instead of failing with "locked". */
static void
test_open_together (void)
{
  for (guint round = 0; round < 60; round++)
    {
      OpenTogether o[2] = { { 0 } };
      GThread *threads[2];
      gint waiting = G_N_ELEMENTS (o);
      Db db;

      db_make (&db, BACKEND_SQLITE);
      for (guint i = 0; i < G_N_ELEMENTS (o); i++)
        {
          o[i].uri = db.uri;
          o[i].waiting = &waiting;
          threads[i] = g_thread_new ("open-together", open_together, &o[i]);
        }
      for (guint i = 0; i < G_N_ELEMENTS (o); i++)
        {
          g_thread_join (threads[i]);
          g_assert_no_error (o[i].error);
          g_assert_nonnull (o[i].repo);
        }
      g_assert_cmpint (sqlite_query_int (db.path, "PRAGMA page_size"), ==, 16384);
      for (guint i = 0; i < G_N_ELEMENTS (o); i++)
        g_object_unref (o[i].repo);
      db_clear (&db);
    }
}

static void
test_foreign_database (void)
{
  g_autoptr(DpsRepository) repo = NULL;
  g_autoptr(GError) error = NULL;
  Db db;

  /* A database someone else made is not taken over. */
  db_make (&db, backend);
  if (backend == BACKEND_SQLITE)
    {
      sqlite3 *handle = NULL;

      g_assert_cmpint (sqlite3_open (db.path, &handle), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (handle, "CREATE TABLE transactions (x)", NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (handle);
    }
  else
    db_exec (&db, NULL, "CREATE TABLE transactions_flat (transaction_id uuid PRIMARY KEY)");
  repo = dps_repository_open (db.uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CORRUPT);
  g_assert_null (repo);
  db_clear (&db);
}

typedef struct {
  GCancellable *cancellable;
  guint         seen;
} CancelAfter;

static gboolean
cancel_after_cb (const DpsRow  *row,
                 gpointer       user_data,
                 GError       **error)
{
  CancelAfter *state = user_data;

  if (++state->seen == 10)
    g_cancellable_cancel (state->cancellable);
  return TRUE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 19, 12000, 0.0, 4000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  g_autoptr(GError) error = NULL;
  CancelAfter state = { cancellable, 0 };
  DpsSort sort = { DPS_SORT_AMOUNT, TRUE };
  DpsBatchResult total;
  DpsKpis kpis;

  dataset_write (d, f->db.repo, 0, &total);

  g_assert_false (dps_repository_foreach_row (f->db.repo, everything, &sort, cancel_after_cb, &state,
                                              cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (state.seen, <, d->stored->len);

  /* Already cancelled: nothing runs. */
  g_assert_false (dps_repository_query_kpis (f->db.repo, everything, &kpis, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The repository goes on. */
  assert_kpis (f->db.repo, d, everything);
}

#if HAVE_POSTGRES_REPOSITORY
/* ---------------------------------------------------------------------- */
/* PostgreSQL answers as SQLite does                                      */

static void
assert_rows_equal_ignoring_storage (GPtrArray *a,
                                    GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_tx_equal (&((DpsRow *) a->pdata[i])->tx, &((DpsRow *) b->pdata[i])->tx);
}

static void
test_equals_sqlite (void)
{
  Db pg, lite;
  g_autoptr(Dataset) dp = NULL;
  g_autoptr(Dataset) dl = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRunRecord) run_pg = dps_run_record_new ("import", "/data/x.jsonl");
  g_autoptr(DpsRunRecord) run_lite = dps_run_record_new ("import", "/data/x.jsonl");
  DpsBatchResult total_pg, total_lite;
  static const DpsSortKey keys[] = {
    DPS_SORT_EVENT_TS, DPS_SORT_AMOUNT, DPS_SORT_USER_ID, DPS_SORT_INGESTED_AT,
    DPS_SORT_MERCHANT, DPS_SORT_CATEGORY, DPS_SORT_CITY, DPS_SORT_STATUS,
    DPS_SORT_PAYMENT_METHOD, DPS_SORT_TRANSACTION_ID,
  };

  db_make (&pg, BACKEND_POSTGRES);
  db_make (&lite, BACKEND_SQLITE);
  pg.repo = db_open (&pg);
  lite.repo = db_open (&lite);

  /* The same lines, twice (duplicates and idempotent rejects on both). */
  dp = dataset_generate (pg.repo, 21, 6000, 0.1, 900);
  dl = dataset_generate (lite.repo, 21, 6000, 0.1, 900);
  g_assert_true (dps_repository_begin_run (pg.repo, run_pg, &error));
  g_assert_true (dps_repository_begin_run (lite.repo, run_lite, &error));
  dataset_write (dp, pg.repo, run_pg->id, &total_pg);
  dataset_write (dl, lite.repo, run_lite->id, &total_lite);
  g_assert_cmpmem (&total_pg, sizeof total_pg, &total_lite, sizeof total_lite);
  dataset_write (dp, pg.repo, run_pg->id, &total_pg);
  dataset_write (dl, lite.repo, run_lite->id, &total_lite);
  g_assert_cmpmem (&total_pg, sizeof total_pg, &total_lite, sizeof total_lite);

  /* Key figures and breakdowns for random filters, every dimension pair. */
  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(DpsFilter) filter = random_filter (rand, dl);
      DpsKpis a, b;

      dps_repository_query_kpis (pg.repo, filter, &a, NULL, &error);
      g_assert_no_error (error);
      dps_repository_query_kpis (lite.repo, filter, &b, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (&a, sizeof a, &b, sizeof b);

      for (guint k = 0; k < 3; k++)
        {
          DpsDimension d1 = (DpsDimension) ((i * 3 + k) % DPS_N_DIMENSIONS);
          DpsDimension d2 = k == 0 ? DPS_DIMENSION_NONE : (DpsDimension) ((i + 5 * k) % DPS_N_DIMENSIONS);
          DpsBreakdownOrder order = (DpsBreakdownOrder) ((i + k) % 3);
          g_autoptr(DpsBreakdown) x = NULL;
          g_autoptr(DpsBreakdown) y = NULL;

          if (d1 == d2)
            d2 = DPS_DIMENSION_NONE;
          x = dps_repository_query_breakdown (pg.repo, filter, d1, d2, order, i % 2 ? 5 : 0, NULL, &error);
          g_assert_no_error (error);
          y = dps_repository_query_breakdown (lite.repo, filter, d1, d2, order, i % 2 ? 5 : 0, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpint (x->from_rollup, ==, y->from_rollup);
          assert_breakdowns_identical (x, y);
        }

      /* A page of rows in every order. */
      {
        DpsSort sort = { keys[i % G_N_ELEMENTS (keys)], i % 2 };
        DpsPageRequest request = { NULL, i % 3 == 0, (guint64) (i % 4) * 7, 50 };
        g_autoptr(GPtrArray) x = dps_repository_query_page (pg.repo, filter, &sort, &request, NULL, &error);
        g_autoptr(GPtrArray) y = dps_repository_query_page (lite.repo, filter, &sort, &request, NULL, &error);

        g_assert_no_error (error);
        assert_rows_equal_ignoring_storage (x, y);
      }
    }

  /* Every row in every order. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(DpsFilter) everything = dps_filter_new ();
      DpsSort sort = { keys[i], i % 2 };
      g_autoptr(GPtrArray) x = all_rows (pg.repo, everything, &sort);
      g_autoptr(GPtrArray) y = all_rows (lite.repo, everything, &sort);

      assert_rows_equal_ignoring_storage (x, y);
      if (i == 0)
        for (guint r = 0; r < x->len; r += 50)
          {
            g_autoptr(DpsRow) a = NULL;
            g_autoptr(DpsRow) b = NULL;
            const guint8 *id = ((DpsRow *) x->pdata[r])->tx.id;

            g_assert_true (dps_repository_get_row (pg.repo, id, &a, &error));
            g_assert_true (dps_repository_get_row (lite.repo, id, &b, &error));
            assert_tx_equal (&a->tx, &b->tx);
            g_assert_cmpstr (a->tx.payload, ==, b->tx.payload);
            g_assert_cmpstr (a->source, ==, b->source);
            g_assert_cmpint (a->source_offset, ==, b->source_offset);
            g_assert_cmpint (a->source_line, ==, b->source_line);
            g_assert_cmpint (a->source_partition, ==, b->source_partition);
          }
    }

  /* Quality answers. */
  {
    DpsRejectQuery query;
    gint64 x[DPS_N_REJECT_REASONS], y[DPS_N_REJECT_REASONS];
    g_autoptr(GPtrArray) rx = NULL;
    g_autoptr(GPtrArray) ry = NULL;
    g_autoptr(DpsBreakdown) sx = NULL;
    g_autoptr(DpsBreakdown) sy = NULL;
    g_autoptr(GPtrArray) dx = NULL;
    g_autoptr(GPtrArray) dy = NULL;

    dps_reject_query_init (&query);
    g_assert_true (dps_repository_count_rejects (pg.repo, &query, x, &error));
    g_assert_true (dps_repository_count_rejects (lite.repo, &query, y, &error));
    g_assert_cmpmem (x, sizeof x, y, sizeof y);

    query.reasons = DPS_FILTER_MASK (DPS_REJECT_INVALID_UTF8) | DPS_FILTER_MASK (DPS_REJECT_MISSING_FIELD);
    rx = dps_repository_list_rejects (pg.repo, &query, &error);
    ry = dps_repository_list_rejects (lite.repo, &query, &error);
    g_assert_cmpuint (rx->len, ==, ry->len);
    for (guint i = 0; i < rx->len; i++)
      {
        const DpsStoredReject *a = rx->pdata[i], *b = ry->pdata[i];

        g_assert_cmpint (a->reject.reason, ==, b->reject.reason);
        g_assert_cmpmem (a->reject.raw, a->reject.raw_size, b->reject.raw, b->reject.raw_size);
        g_assert_cmpstr (a->reject.detail, ==, b->reject.detail);
        g_assert_cmpstr (a->reject.field, ==, b->reject.field);
        g_assert_cmpstr (a->reject.transaction_id, ==, b->reject.transaction_id);
        g_assert_cmpint (a->reject.event_ts, ==, b->reject.event_ts);
        g_assert_cmpint (a->reject.position.offset, ==, b->reject.position.offset);
        g_assert_cmpint (a->reject.position.line, ==, b->reject.position.line);
        g_assert_cmpstr (a->source, ==, b->source);
      }

    dps_reject_query_init (&query);
    query.from = (START / DPS_USEC_PER_DAY + 2) * DPS_USEC_PER_DAY;
    sx = dps_repository_reject_series (pg.repo, &query, &error);
    sy = dps_repository_reject_series (lite.repo, &query, &error);
    assert_breakdowns_identical (sx, sy);

    dx = dps_repository_list_duplicates (pg.repo, 0, &error);
    dy = dps_repository_list_duplicates (lite.repo, 0, &error);
    g_assert_cmpuint (dx->len, ==, dy->len);
    for (guint i = 0; i < dx->len; i++)
      {
        const DpsDuplicateInfo *a = dx->pdata[i], *b = dy->pdata[i];

        g_assert_cmpint (a->arrivals, ==, b->arrivals);
        g_assert_cmpstr (a->last_source, ==, b->last_source);
      }
  }

  /* Runs, positions and the summary. */
  {
    g_autoptr(GPtrArray) rx = dps_repository_list_runs (pg.repo, 0, &error);
    g_autoptr(GPtrArray) ry = dps_repository_list_runs (lite.repo, 0, &error);
    g_autoptr(GPtrArray) cx = dps_repository_list_checkpoints (pg.repo, dp->source_key, &error);
    g_autoptr(GPtrArray) cy = dps_repository_list_checkpoints (lite.repo, dl->source_key, &error);
    DpsRepositoryInfo ix, iy;
    const DpsRunRecord *a = rx->pdata[0], *b = ry->pdata[0];

    g_assert_cmpint (a->rows_read, ==, b->rows_read);
    g_assert_cmpint (a->rows_loaded, ==, b->rows_loaded);
    g_assert_cmpint (a->rows_rejected, ==, b->rows_rejected);
    g_assert_cmpint (a->rows_duplicate, ==, b->rows_duplicate);
    g_assert_cmpint (a->bytes_read, ==, b->bytes_read);
    g_assert_cmpuint (cx->len, ==, 1);
    g_assert_cmpuint (cy->len, ==, 1);
    g_assert_cmpint (((DpsCheckpoint *) cx->pdata[0])->offset, ==, ((DpsCheckpoint *) cy->pdata[0])->offset);
    g_assert_cmpint (((DpsCheckpoint *) cx->pdata[0])->line, ==, ((DpsCheckpoint *) cy->pdata[0])->line);
    g_assert_true (((DpsCheckpoint *) cx->pdata[0])->complete);

    g_assert_true (dps_repository_get_info (pg.repo, &ix, &error));
    g_assert_true (dps_repository_get_info (lite.repo, &iy, &error));
    g_assert_cmpint (ix.rows, ==, iy.rows);
    g_assert_cmpint (ix.rejects, ==, iy.rejects);
    g_assert_cmpint (ix.duplicates, ==, iy.duplicates);
    g_assert_cmpint (ix.runs, ==, iy.runs);
    g_assert_cmpint (ix.first_event, ==, iy.first_event);
    g_assert_cmpint (ix.last_event, ==, iy.last_event);
    dps_repository_info_clear (&ix);
    dps_repository_info_clear (&iy);
  }

  db_clear (&pg);
  db_clear (&lite);
}

/* A statement waiting on a lock is cancelled from another thread. */
typedef struct {
  DpsRepository *repo;
  GCancellable  *cancellable;
  GError        *error;
  gboolean       ok;
  gboolean       started;
  GMutex         lock;
  GCond          cond;
} BlockedQuery;

static gpointer
blocked_query_thread (gpointer data)
{
  BlockedQuery *q = data;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  DpsKpis kpis;

  /* An amount range: the base table, which another session holds locked. */
  dps_filter_set_amount_range (filter, 0, 100);
  g_mutex_lock (&q->lock);
  q->started = TRUE;
  g_cond_signal (&q->cond);
  g_mutex_unlock (&q->lock);
  q->ok = dps_repository_query_kpis (q->repo, filter, &kpis, q->cancellable, &q->error);
  return NULL;
}

static gboolean
backend_waits_on_lock (PGconn *admin)
{
  PGresult *res = PQexec (admin, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                 "AND application_name = 'data-pipeline-streaming'");
  gboolean waiting = PQresultStatus (res) == PGRES_TUPLES_OK && atoi (PQgetvalue (res, 0, 0)) > 0;

  PQclear (res);
  return waiting;
}

static void
test_cancel_blocked (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Dataset) d = dataset_generate (f->db.repo, 20, 500, 0.0, 500);
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  BlockedQuery q = { f->db.repo, g_cancellable_new (), NULL, TRUE, FALSE };
  DpsBatchResult total;
  PGconn *locker, *admin;
  GThread *thread;

  dataset_write (d, f->db.repo, 0, &total);
  g_mutex_init (&q.lock);
  g_cond_init (&q.cond);

  locker = pg_connect (f->db.uri);
  admin = pg_connect (g_getenv ("DPS_TEST_PG_URI"));
  pg_exec (locker, "BEGIN");
  pg_exec (locker, "LOCK TABLE transactions IN ACCESS EXCLUSIVE MODE");

  thread = g_thread_new ("blocked", blocked_query_thread, &q);
  /* Wait until the query is really waiting on the lock: it can end only
   * by being cancelled. */
  while (!backend_waits_on_lock (admin))
    g_usleep (20000);
  g_cancellable_cancel (q.cancellable);
  g_thread_join (thread);

  g_assert_false (q.ok);
  g_assert_error (q.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&q.error);

  pg_exec (locker, "ROLLBACK");
  PQfinish (locker);
  PQfinish (admin);
  assert_kpis (f->db.repo, d, everything);

  g_object_unref (q.cancellable);
  g_mutex_clear (&q.lock);
  g_cond_clear (&q.cond);
}
#endif

/* ---------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  const char *name = "sqlite";
  int kept = 1;

  /* --backend=sqlite|postgres, taken out before GTest sees the arguments. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--backend="))
        name = argv[i] + strlen ("--backend=");
      else
        argv[kept++] = argv[i];
    }
  argc = kept;
  argv[argc] = NULL;

  g_test_init (&argc, &argv, NULL);

  if (g_str_equal (name, "postgres"))
    {
#if HAVE_POSTGRES_REPOSITORY
      if (g_getenv ("DPS_TEST_PG_URI") == NULL)
        {
          g_test_message ("DPS_TEST_PG_URI is not set: run under build-aux/pg-throwaway");
          return 77;
        }
      backend = BACKEND_POSTGRES;
#else
      g_printerr ("This build has no PostgreSQL repository\n");
      return 77;
#endif
    }
  else if (g_str_equal (name, "sqlite-key-order"))
    key_order_rows = 0;   /* every batch in key order */
  else
    g_assert_cmpstr (name, ==, "sqlite");

#define ADD(path, func) \
  G_STMT_START { \
    g_autofree char *test_path = g_strdup_printf ("/dps/repository/%s/" path, name); \
    g_test_add (test_path, Fixture, NULL, fixture_set_up, func, fixture_tear_down); \
  } G_STMT_END

  ADD ("load-counts", test_load_counts);
  ADD ("reimport", test_reimport);
  ADD ("key-collisions", test_key_collisions);
  ADD ("random-filters", test_random_filters);
  ADD ("pagination", test_pagination);
  ADD ("sql-metacharacters", test_sql_metacharacters);
  ADD ("checkpoints", test_checkpoints);
  ADD ("runs", test_runs);
  ADD ("rejects", test_rejects);
  ADD ("rollup-checks", test_rollup_checks);
  ADD ("migrations", test_migrations);
  ADD ("raw-payloads", test_raw_payloads);
  ADD ("open-transaction", test_open_transaction);
  if (backend == BACKEND_SQLITE)
    {
      ADD ("raw-view-generated", test_raw_view_generated);
      ADD ("insert-order", test_insert_order);
      ADD ("large-writes", test_large_writes);
      ADD ("page-size", test_page_size);
      g_test_add_func ("/dps/repository/sqlite/open-together", test_open_together);
    }
  ADD ("cancel", test_cancel);
  {
    g_autofree char *test_path = g_strdup_printf ("/dps/repository/%s/foreign-database", name);
    g_test_add_func (test_path, test_foreign_database);
  }
#if HAVE_POSTGRES_REPOSITORY
  if (backend == BACKEND_POSTGRES)
    {
      g_test_add_func ("/dps/repository/postgres/equals-sqlite", test_equals_sqlite);
      ADD ("cancel-blocked", test_cancel_blocked);
    }
#endif
#undef ADD

  return g_test_run ();
}
