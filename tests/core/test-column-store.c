/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "dps-test-db.h"

#define N_ROWS   12000
#define N_DIRTY  3000
#define N_DAYS   60
/* 2025-11-03, a Monday */
#define START    (G_GINT64_CONSTANT (1762128000) * G_USEC_PER_SEC)
#define HOUR     (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

typedef struct {
  char          *dir;
  char          *path;
  DpsRepository *repository;
  sqlite3       *db;
  /* values taken from stored rows */
  char           uuid_prefix[16];
  char           short_uuid_prefix[8];
  char           user_id[24];
  char          *merchant_fragment;
  char          *merchants[3];
  char          *city;
  char          *categories[3];
  gint64         amount_low;
  gint64         amount_high;
} Fixture;

static char *
sql_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_nonnull (text);
  return text;
}

static gint64
sql_int (sqlite3    *db,
         const char *sql)
{
  g_autofree char *text = sql_text (db, sql);

  return g_ascii_strtoll (text, NULL, 10);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *merchant = NULL;

  f->dir = dps_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "store.db", NULL);
  f->repository = dps_test_db_create (f->path, N_ROWS, 7, START, N_DAYS, &error);
  g_assert_no_error (error);
  /* Rejects and duplicates too, for the key figures. */
  g_assert_true (dps_test_db_load (f->repository, "dirty.jsonl", N_DIRTY, 8, START, N_DAYS, 0.05, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &f->db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  uuid = sql_text (f->db, "SELECT lower(hex(tx_uuid)) FROM transactions WHERE id = 77");
  /* "0b6f3c2e-8": nine digits across the first dash. */
  g_snprintf (f->uuid_prefix, sizeof f->uuid_prefix, "%.8s-%c", uuid, uuid[8]);
  g_strlcpy (f->short_uuid_prefix, uuid, 5);
  g_snprintf (f->user_id, sizeof f->user_id, "%" G_GINT64_FORMAT,
              sql_int (f->db, "SELECT user_id FROM transactions WHERE id = 123"));
  merchant = sql_text (f->db, "SELECT merchant FROM transactions WHERE id = 5");
  g_assert_cmpuint (strlen (merchant), >=, 4);
  /* A fragment in other letter case: the search ignores ASCII case. */
  f->merchant_fragment = g_ascii_strup (merchant + 1, 3);
  f->merchants[0] = sql_text (f->db, "SELECT min(merchant) FROM transactions");
  f->merchants[1] = sql_text (f->db, "SELECT max(merchant) FROM transactions");
  f->city = sql_text (f->db, "SELECT city FROM transactions WHERE id = 9");
  f->categories[0] = sql_text (f->db, "SELECT min(category) FROM transactions");
  f->categories[1] = sql_text (f->db, "SELECT max(category) FROM transactions");
  /* Bounds that rows hold exactly: inclusive on both ends. */
  f->amount_low = sql_int (f->db, "SELECT amount_cents FROM transactions WHERE id = 11");
  f->amount_high = sql_int (f->db, "SELECT amount_cents FROM transactions WHERE id = 12");
  if (f->amount_low > f->amount_high)
    {
      gint64 swap = f->amount_low;

      f->amount_low = f->amount_high;
      f->amount_high = swap;
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  sqlite3_close (f->db);
  g_clear_object (&f->repository);
  dps_test_tmpdir_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_free (f->merchant_fragment);
  for (guint i = 0; i < 2; i++)
    {
      g_free (f->merchants[i]);
      g_free (f->categories[i]);
    }
  g_free (f->city);
}

/* The filters every answer is checked on. */
typedef enum {
  SEARCH_NONE,
  SEARCH_MERCHANT,
  SEARCH_USER_ID,
  SEARCH_UUID,
  SEARCH_SHORT_UUID,
  SEARCH_NOTHING,
} SearchKind;

typedef struct {
  const char *name;
  SearchKind  search;
  gboolean    amount_low;     /* bounds from stored amounts */
  gboolean    amount_high;
  gint64      from;           /* offsets from START, 0 = open */
  gint64      to;
  guint       weekdays;
  guint       hours;
  guint       statuses;
  guint       methods;
  guint       buckets;
  gboolean    city;
  gboolean    categories;
  gboolean    merchants;
  gboolean    unknown_category;
} FilterCase;

#define DAY DPS_USEC_PER_DAY
#define M(x) DPS_FILTER_MASK (x)

static const FilterCase cases[] = {
  { "everything" },
  { "merchant fragment", SEARCH_MERCHANT },
  { "user id", SEARCH_USER_ID },
  { "id prefix", SEARCH_UUID },
  { "short id prefix", SEARCH_SHORT_UUID },
  { "amount range", .amount_low = TRUE, .amount_high = TRUE },
  { "amount from", .amount_low = TRUE },
  { "amount up to", .amount_high = TRUE },
  { "unaligned period", .from = 3 * DAY + 1234567, .to = 20 * DAY + 7 * HOUR + 1 },
  { "period from", .from = 41 * DAY + 5 * HOUR + 999999 },
  { "aligned period", .from = 10 * DAY, .to = 24 * DAY },
  { "two hours", .from = 30 * DAY + 10 * HOUR + 1, .to = 30 * DAY + 12 * HOUR },
  { "weekday x hour", .weekdays = M (0) | M (5), .hours = 0x3fe00 },
  { "city + weekday x hour", .city = TRUE, .weekdays = M (2), .hours = M (14) | M (15) },
  { "categories + statuses + method", .categories = TRUE,
    .statuses = M (DPS_STATUS_APPROVED) | M (DPS_STATUS_REFUNDED), .methods = M (DPS_PAYMENT_METHOD_CARD) },
  { "merchants + buckets", .merchants = TRUE,
    .buckets = M (DPS_AMOUNT_BUCKET_20_100) | M (DPS_AMOUNT_BUCKET_GE_500) },
  { "search + amount + period + weekday", SEARCH_MERCHANT, .amount_low = TRUE,
    .from = 2 * DAY + 17, .to = 50 * DAY, .weekdays = M (1) | M (3) | M (4) },
  { "id prefix + status", SEARCH_UUID, .statuses = M (DPS_STATUS_DECLINED) | M (DPS_STATUS_APPROVED) },
  { "nothing found", SEARCH_NOTHING },
  { "unknown category", .unknown_category = TRUE },
  { "empty period", .from = 5 * DAY, .to = 5 * DAY },
};

static DpsFilter *
make_filter (Fixture          *f,
             const FilterCase *c)
{
  DpsFilter *filter = dps_filter_new ();
  const char *search = NULL;

  switch (c->search)
    {
    case SEARCH_MERCHANT:    search = f->merchant_fragment; break;
    case SEARCH_USER_ID:     search = f->user_id; break;
    case SEARCH_UUID:        search = f->uuid_prefix; break;
    case SEARCH_SHORT_UUID:  search = f->short_uuid_prefix; break;
    case SEARCH_NOTHING:     search = "no such merchant"; break;
    case SEARCH_NONE:
    default:
      break;
    }
  dps_filter_set_search (filter, search);
  dps_filter_set_amount_range (filter, c->amount_low ? f->amount_low : DPS_FILTER_NO_AMOUNT,
                               c->amount_high ? f->amount_high : DPS_FILTER_NO_AMOUNT);
  dps_filter_set_period (filter, c->from != 0 ? START + c->from : DPS_FILTER_NO_TIME,
                         c->to != 0 ? START + c->to : DPS_FILTER_NO_TIME);
  dps_filter_set_weekdays (filter, c->weekdays);
  dps_filter_set_hours (filter, c->hours);
  dps_filter_set_statuses (filter, c->statuses);
  dps_filter_set_payment_methods (filter, c->methods);
  dps_filter_set_amount_buckets (filter, c->buckets);
  if (c->city)
    {
      const char *cities[] = { f->city, NULL };

      dps_filter_set_cities (filter, cities);
    }
  if (c->categories)
    dps_filter_set_categories (filter, (const char * const *) f->categories);
  if (c->merchants)
    dps_filter_set_merchants (filter, (const char * const *) f->merchants);
  if (c->unknown_category)
    {
      const char *categories[] = { "no-such-category", NULL };

      dps_filter_set_categories (filter, categories);
    }
  return filter;
}

static const struct {
  DpsDimension dimension;
  DpsDimension dimension2;
} pairs[] = {
  { DPS_DIMENSION_CATEGORY, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_CITY, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_MERCHANT, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_STATUS, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_PAYMENT_METHOD, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_AMOUNT_BUCKET, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_HOUR, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_WEEKDAY, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_DAY, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_WEEK, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_MONTH, DPS_DIMENSION_NONE },
  { DPS_DIMENSION_WEEKDAY, DPS_DIMENSION_HOUR },
  { DPS_DIMENSION_DAY, DPS_DIMENSION_HOUR },
  { DPS_DIMENSION_WEEK, DPS_DIMENSION_HOUR },
};

static void
assert_same_aggregate (const DpsAggregate *a,
                       const DpsAggregate *b)
{
  g_assert_cmpint (a->count, ==, b->count);
  g_assert_cmpint (a->amount_cents, ==, b->amount_cents);
  g_assert_cmpint (a->approved_count, ==, b->approved_count);
  g_assert_cmpint (a->approved_cents, ==, b->approved_cents);
}

/* Every KPI and breakdown of the store equals the repository's. */
static void
assert_store_answers_like_sql (DpsColumnStore *store,
                               DpsRepository  *repository,
                               DpsFilter      *filter,
                               const char     *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsColumnStoreAnswer) answer = NULL;
  DpsKpis expected = { { 0 } }, got;

  g_test_message ("filter: %s", name);
  answer = dps_column_store_query (store, filter, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);

  expected.first_event = expected.last_event = G_MININT64;
  g_assert_true (dps_repository_query_kpis (repository, filter, &expected, NULL, &error));
  g_assert_no_error (error);
  dps_column_store_answer_get_kpis (answer, &got);
  assert_same_aggregate (&got.total, &expected.total);
  g_assert_cmpint (got.rejected, ==, expected.rejected);
  g_assert_cmpint (got.duplicates, ==, expected.duplicates);
  g_assert_false (got.from_rollup);
  /* Rollups know days, not instants. */
  if (!expected.from_rollup)
    {
      g_assert_cmpint (got.first_event, ==, expected.first_event);
      g_assert_cmpint (got.last_event, ==, expected.last_event);
    }
  else if (expected.total.count == 0)
    g_assert_cmpint (got.first_event, ==, G_MININT64);

  for (guint p = 0; p < G_N_ELEMENTS (pairs); p++)
    for (DpsBreakdownOrder order = DPS_BREAKDOWN_ORDER_KEY; order <= DPS_BREAKDOWN_ORDER_AMOUNT_DESC; order++)
      for (guint limit = 0; limit <= 3; limit += 3)
        {
          g_autoptr(DpsBreakdown) want = NULL;
          g_autoptr(DpsBreakdown) have = NULL;

          want = dps_repository_query_breakdown (repository, filter, pairs[p].dimension,
                                                 pairs[p].dimension2, order, limit, NULL, &error);
          g_assert_no_error (error);
          have = dps_column_store_answer_get_breakdown (answer, pairs[p].dimension,
                                                        pairs[p].dimension2, order, limit);
          g_assert_nonnull (have);
          g_assert_false (have->from_rollup);
          g_assert_cmpint (have->dimension, ==, pairs[p].dimension);
          g_assert_cmpint (have->dimension2, ==, pairs[p].dimension2);
          g_assert_cmpuint (dps_breakdown_get_n_items (have), ==, dps_breakdown_get_n_items (want));
          for (guint i = 0; i < dps_breakdown_get_n_items (want); i++)
            {
              const DpsBreakdownItem *x = dps_breakdown_get_item (have, i);
              const DpsBreakdownItem *y = dps_breakdown_get_item (want, i);

              g_assert_cmpstr (x->key, ==, y->key);
              g_assert_cmpstr (x->key2, ==, y->key2);
              assert_same_aggregate (&x->agg, &y->agg);
            }
        }
}

static DpsColumnStore *
loaded_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  DpsColumnStore *store = dps_column_store_new (path);

  g_assert_false (dps_column_store_is_ready (store));
  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dps_column_store_is_ready (store));
  return store;
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(DpsColumnStore) store = loaded_store (f->path);
  gboolean scanned = FALSE;

  g_assert_cmpint (dps_column_store_get_n_rows (store), ==,
                   sql_int (f->db, "SELECT count(*) FROM transactions"));
  g_assert_cmpuint (dps_column_store_get_memory_size (store), >, 0);
  /* The id prefix matches a few rows, not all of them. */
  g_assert_cmpuint (strlen (f->uuid_prefix), ==, 10);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DpsFilter) filter = make_filter (f, &cases[i]);

      scanned |= dps_column_store_filter_needs_scan (filter, DPS_DIMENSION_NONE, DPS_DIMENSION_NONE);
      assert_store_answers_like_sql (store, f->repository, filter, cases[i].name);
    }
  g_assert_true (scanned);
}

/* Some of the filters match something: the comparisons are not all of
 * empty answers. */
static void
test_filters_match (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DpsColumnStore) store = loaded_store (f->path);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DpsFilter) filter = make_filter (f, &cases[i]);
      g_autoptr(DpsColumnStoreAnswer) answer = dps_column_store_query (store, filter, NULL, NULL);
      DpsKpis kpis;
      gboolean empty = cases[i].search == SEARCH_NOTHING || cases[i].unknown_category ||
                       (cases[i].from == cases[i].to && cases[i].from != 0);

      g_assert_nonnull (answer);
      dps_column_store_answer_get_kpis (answer, &kpis);
      if (empty)
        g_assert_cmpint (kpis.total.count, ==, 0);
      else
        g_assert_cmpint (kpis.total.count, >, 0);
      if (cases[i].search == SEARCH_NONE && !empty && cases[i].weekdays == 0 && !cases[i].city &&
          !cases[i].merchants && cases[i].buckets == 0 && cases[i].statuses == 0)
        g_assert_cmpint (kpis.total.count, >, 20);
    }
}

static void
test_filter_needs_scan (void)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();

  g_assert_false (dps_column_store_filter_needs_scan (filter, DPS_DIMENSION_CATEGORY, DPS_DIMENSION_NONE));
  dps_filter_set_amount_range (filter, 100, DPS_FILTER_NO_AMOUNT);
  g_assert_true (dps_column_store_filter_needs_scan (filter, DPS_DIMENSION_CATEGORY, DPS_DIMENSION_NONE));
  dps_filter_set_amount_range (filter, DPS_FILTER_NO_AMOUNT, DPS_FILTER_NO_AMOUNT);
  dps_filter_set_search (filter, "abc");
  g_assert_true (dps_column_store_filter_needs_scan (filter, DPS_DIMENSION_NONE, DPS_DIMENSION_NONE));
}

/* Rows appended after a sync: the next sync reads only those, and
 * answers as a store loaded from scratch. */
static void
test_incremental (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(DpsColumnStore) store = loaded_store (f->path);
  g_autoptr(DpsColumnStore) fresh = NULL;
  g_autoptr(GError) error = NULL;
  guint64 before = dps_column_store_get_n_rows (store);

  g_assert_true (dps_test_db_load (f->repository, "more.jsonl", 4000, 99, START, N_DAYS + 10, 0.02, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dps_column_store_get_n_rows (store), ==, before);
  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dps_column_store_get_n_rows (store), ==,
                   sql_int (f->db, "SELECT count(*) FROM transactions"));
  g_assert_cmpint (dps_column_store_get_n_rows (store), >, before);

  fresh = loaded_store (f->path);
  g_assert_cmpint (dps_column_store_get_n_rows (fresh), ==, dps_column_store_get_n_rows (store));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DpsFilter) filter = make_filter (f, &cases[i]);

      assert_store_answers_like_sql (store, f->repository, filter, cases[i].name);
    }
}

/* Another database in place of the file, then rows deleted from the end
 * and others stored in their place: both are read again from scratch. */
static void
test_replaced (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DpsColumnStore) store = loaded_store (f->path);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  /* A new file in place of the old one, as a reset does: the store
   * still has the old one open. */
  g_clear_object (&f->repository);
  sqlite3_close (f->db);
  f->repository = dps_test_db_create (f->path, 5000, 1234, START, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &f->db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dps_column_store_is_ready (store));
  g_assert_cmpint (dps_column_store_get_n_rows (store), ==, 5000);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DpsFilter) filter = make_filter (f, &cases[i]);

      assert_store_answers_like_sql (store, f->repository, filter, cases[i].name);
    }

  /* Rowids going backwards: the tail deleted, then new rows reusing
   * their ids. */
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM transactions WHERE id > 3000;"
                                 "DELETE FROM transaction_payloads WHERE id > 3000", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dps_column_store_get_n_rows (store), ==, 3000);

  g_assert_true (dps_test_db_load (f->repository, "after.jsonl", 1500, 4321, START, 20, 0.0, &error));
  g_assert_no_error (error);
  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dps_column_store_get_n_rows (store), ==,
                   sql_int (f->db, "SELECT count(*) FROM transactions"));
  {
    g_autoptr(DpsFilter) filter = dps_filter_new ();

    dps_filter_set_amount_range (filter, 1, DPS_FILTER_NO_AMOUNT);
    assert_store_answers_like_sql (store, f->repository, filter, "after rewrite");
  }
}

/* A value the columns cannot hold exactly: the store says so instead of
 * answering wrong, and forgets its rows. */
static void
test_unsupported (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(DpsColumnStore) store = loaded_store (f->path);
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  DpsColumnStoreAnswer *answer;
  sqlite3 *db;

  g_assert_null (dps_column_store_dup_unsupported_reason (store));
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO transactions (tx_key, tx_uuid, event_ts, event_date, "
                                 "event_hour, event_dow, user_id, amount_cents, amount_bucket, merchant, "
                                 "category, city, status, payment_method, currency, ingested_at) "
                                 "SELECT (SELECT min(tx_key) FROM transactions) - 1, tx_uuid, event_ts, event_date, event_hour, "
                                 "event_dow, 5000000000, amount_cents, amount_bucket, merchant, category, "
                                 "city, status, payment_method, currency, ingested_at "
                                 "FROM transactions WHERE id = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (dps_column_store_is_ready (store));
  reason = dps_column_store_dup_unsupported_reason (store);
  g_assert_nonnull (reason);
  g_assert_cmpint (dps_column_store_get_n_rows (store), ==, 0);
  answer = dps_column_store_query (store, filter, NULL, &error);
  g_assert_null (answer);
  g_assert_error (error, DPS_COLUMN_STORE_ERROR, DPS_COLUMN_STORE_ERROR_UNSUPPORTED);
}

/* A cancelled sync keeps what it read and the next one goes on. */
static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(DpsColumnStore) store = dps_column_store_new (f->path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsFilter) filter = dps_filter_new ();

  g_cancellable_cancel (cancellable);
  g_assert_false (dps_column_store_sync (store, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (dps_column_store_is_ready (store));
  g_assert_null (dps_column_store_query (store, filter, NULL, &error));
  g_assert_error (error, DPS_COLUMN_STORE_ERROR, DPS_COLUMN_STORE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  g_assert_true (dps_column_store_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dps_column_store_is_ready (store));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/column-store/needs-scan", test_filter_needs_scan);
  g_test_add ("/dps/column-store/filters", Fixture, NULL, fixture_set_up, test_filters, fixture_tear_down);
  g_test_add ("/dps/column-store/filters-match", Fixture, NULL, fixture_set_up, test_filters_match,
              fixture_tear_down);
  g_test_add ("/dps/column-store/incremental", Fixture, NULL, fixture_set_up, test_incremental,
              fixture_tear_down);
  g_test_add ("/dps/column-store/replaced", Fixture, NULL, fixture_set_up, test_replaced, fixture_tear_down);
  g_test_add ("/dps/column-store/unsupported", Fixture, NULL, fixture_set_up, test_unsupported,
              fixture_tear_down);
  g_test_add ("/dps/column-store/cancelled", Fixture, NULL, fixture_set_up, test_cancelled,
              fixture_tear_down);

  return g_test_run ();
}
