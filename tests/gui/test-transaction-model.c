/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "dps-test-db.h"
#include "dps-transaction-model.h"

/* The paging model against plain SQL on the same file. The big database
 * is made once per run (DPS_TEST_ROWS rows, 200 000 by default) and only
 * read; tests that add rows make a small one of their own. */

#define START_USEC (G_GINT64_CONSTANT (1764547200) * G_USEC_PER_SEC)   /* 2025-12-01 */
#define DAYS 60

static char          *big_dir;
static char          *big_path;
static DpsRepository *big_repository;
static guint64        big_rows;

/* ---------------------------------------------------------------------- */
/* helpers                                                                */

static sqlite3 *
open_sql (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

/* The first column of every row of @sql, with @text bound to ?1 if given. */
static GArray *
sql_ids (sqlite3    *db,
         const char *sql,
         const char *text)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  return ids;
}

static gint64
sql_count (sqlite3    *db,
           const char *where,
           const char *text)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM transactions WHERE %s", where);
  g_autoptr(GArray) ids = sql_ids (db, sql, text);

  return g_array_index (ids, gint64, 0);
}

static void
wait_idle (DpsTransactionModel *model)
{
  while (dps_transaction_model_is_busy (model))
    g_main_context_iteration (NULL, TRUE);
}

static DpsTransactionModel *
new_model (DpsRepository *repository,
           DpsFilter     *filter,
           DpsSortKey     key,
           gboolean       descending)
{
  DpsTransactionModel *model = dps_transaction_model_new (repository);
  DpsSort sort = { key, descending };

  dps_transaction_model_set_query (model, filter, &sort);
  wait_idle (model);
  return model;
}

/* The row at @position, waiting for its page. */
static DpsTransactionItem *
get_loaded (DpsTransactionModel *model,
            guint                position)
{
  DpsTransactionItem *item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (item);
  while (!dps_transaction_item_is_loaded (item))
    g_main_context_iteration (NULL, TRUE);
  return item;
}

static gint64
row_id_at (DpsTransactionModel *model,
           guint                position)
{
  g_autoptr(DpsTransactionItem) item = get_loaded (model, position);

  return dps_transaction_item_get_row (item)->row_id;
}

/* ---------------------------------------------------------------------- */
/* random filters and their SQL                                           */

static const char *const cities[] = { "Paris", "Lyon", "Marseille", "Toulouse", "Nice",
                                      "Nantes", "Bordeaux", "Lille", "Strasbourg", "Montpellier" };

typedef struct {
  DpsFilter *filter;
  GString   *where;
  char      *search;      /* bound as ?1 */
} RandomFilter;

static void
random_filter_clear (RandomFilter *r)
{
  g_clear_object (&r->filter);
  if (r->where != NULL)
    g_string_free (r->where, TRUE);
  g_clear_pointer (&r->search, g_free);
}

static void
random_filter_init (RandomFilter *r)
{
  r->filter = dps_filter_new ();
  r->where = g_string_new ("1");
  r->search = NULL;

  if (g_test_rand_bit ())
    {
      g_autoptr(GPtrArray) picked = g_ptr_array_new ();

      g_string_append (r->where, " AND city IN (");
      for (guint i = 0; i < G_N_ELEMENTS (cities); i++)
        if (g_test_rand_int_range (0, 3) == 0)
          {
            g_string_append_printf (r->where, "%s'%s'", picked->len > 0 ? "," : "", cities[i]);
            g_ptr_array_add (picked, (gpointer) cities[i]);
          }
      if (picked->len == 0)
        {
          g_string_append (r->where, "'Paris'");
          g_ptr_array_add (picked, (gpointer) "Paris");
        }
      g_string_append (r->where, ")");
      g_ptr_array_add (picked, NULL);
      dps_filter_set_cities (r->filter, (const char * const *) picked->pdata);
    }
  if (g_test_rand_bit ())
    {
      guint mask = (guint) g_test_rand_int_range (1, 15);

      dps_filter_set_statuses (r->filter, mask);
      g_string_append (r->where, " AND status IN (");
      for (guint i = 0, first = 1; i < DPS_N_STATUSES; i++)
        if (mask & (1u << i))
          {
            g_string_append_printf (r->where, "%s%u", first ? "" : ",", i);
            first = 0;
          }
      g_string_append (r->where, ")");
    }
  if (g_test_rand_bit ())
    {
      gint64 low = g_test_rand_int_range (0, 20000);
      gint64 high = low + g_test_rand_int_range (0, 60000);

      dps_filter_set_amount_range (r->filter, low, high);
      g_string_append_printf (r->where, " AND amount_cents BETWEEN %" G_GINT64_FORMAT
                              " AND %" G_GINT64_FORMAT, low, high);
    }
  if (g_test_rand_bit ())
    {
      gint64 from = START_USEC + (gint64) g_test_rand_int_range (0, DAYS) * DPS_USEC_PER_DAY;
      gint64 to = from + (gint64) g_test_rand_int_range (1, 20) * DPS_USEC_PER_DAY + 12345;

      dps_filter_set_period (r->filter, from, to);
      g_string_append_printf (r->where, " AND event_ts >= %" G_GINT64_FORMAT
                              " AND event_ts < %" G_GINT64_FORMAT, from, to);
    }
  if (g_test_rand_int_range (0, 4) == 0)
    {
      static const char *const words[] = { "car", "FNAC", "a", "de", "zz" };

      r->search = g_strdup (words[g_test_rand_int_range (0, G_N_ELEMENTS (words))]);
      dps_filter_set_search (r->filter, r->search);
      g_string_append (r->where, " AND instr(lower(merchant), lower(?1)) > 0");
    }
}

/* ---------------------------------------------------------------------- */
/* tests on the big database                                              */

static void
test_count (void)
{
  sqlite3 *db = open_sql (big_path);

  for (guint i = 0; i < 12; i++)
    {
      RandomFilter r;
      g_autoptr(DpsTransactionModel) model = NULL;

      random_filter_init (&r);
      g_test_message ("filter: %s", r.where->str);
      model = new_model (big_repository, r.filter, DPS_SORT_EVENT_TS, i % 2 == 0);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==,
                        (guint64) sql_count (db, r.where->str, r.search));
      random_filter_clear (&r);
    }
  sqlite3_close (db);
}

/* Every row once, in SQL's order, reading the list top to bottom. */
static void
check_scroll (DpsFilter  *filter,
              const char *where,
              DpsSortKey  key,
              const char *column,
              gboolean    descending)
{
  sqlite3 *db = open_sql (big_path);
  g_autoptr(DpsTransactionModel) model = new_model (big_repository, filter, key, descending);
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM transactions WHERE %s ORDER BY %s %s, id %s",
                                          where, column, descending ? "DESC" : "ASC",
                                          descending ? "DESC" : "ASC");
  g_autoptr(GArray) expected = sql_ids (db, sql, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  g_assert_cmpuint (n, ==, expected->len);
  for (guint i = 0; i < n; i++)
    {
      gint64 id = row_id_at (model, i);

      g_assert_cmpint (id, ==, g_array_index (expected, gint64, i));
      g_assert_false (g_hash_table_contains (seen, &id));
      g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), n));
  g_assert_cmpuint (g_hash_table_size (seen), ==, big_rows > 0 ? n : 0);
  sqlite3_close (db);
}

static void
test_scroll_all (void)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();

  check_scroll (filter, "1", DPS_SORT_EVENT_TS, "event_ts", TRUE);
}

static void
test_scroll_filtered (void)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  const char *picked[] = { "Lyon", "Nice", NULL };

  dps_filter_set_cities (filter, picked);
  dps_filter_set_statuses (filter, DPS_FILTER_MASK (DPS_STATUS_APPROVED));
  /* An unindexed sort: larger pages, keyset between them. */
  check_scroll (filter, "city IN ('Lyon', 'Nice') AND status = 0", DPS_SORT_AMOUNT,
                "amount_cents", FALSE);
}

/* Pages anywhere match SQL's ORDER BY … LIMIT … OFFSET, for every sort. */
static void
test_sort (void)
{
  static const struct { DpsSortKey key; const char *column; } sorts[] = {
    { DPS_SORT_EVENT_TS, "event_ts" }, { DPS_SORT_AMOUNT, "amount_cents" },
    { DPS_SORT_USER_ID, "user_id" }, { DPS_SORT_INGESTED_AT, "id" },
    { DPS_SORT_MERCHANT, "merchant" }, { DPS_SORT_CATEGORY, "category" },
    { DPS_SORT_CITY, "city" }, { DPS_SORT_STATUS, "status" },
    { DPS_SORT_PAYMENT_METHOD, "payment_method" }, { DPS_SORT_TRANSACTION_ID, "tx_key" },
    { DPS_SORT_EVENT_HOUR, "event_hour" }, { DPS_SORT_EVENT_DAYOFWEEK, "event_dow" },
    { DPS_SORT_CURRENCY, "currency" },
  };
  sqlite3 *db = open_sql (big_path);
  g_autoptr(DpsFilter) filter = dps_filter_new ();

  for (guint s = 0; s < G_N_ELEMENTS (sorts); s++)
    for (guint d = 0; d < 2; d++)
      {
        g_autoptr(DpsTransactionModel) model = new_model (big_repository, filter, sorts[s].key, d == 1);
        guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
        guint page = dps_transaction_model_get_page_size (model);
        /* Start, end, a random spot, and across the page boundaries near it. */
        guint spots[] = { 0, 1, page - 1, page, page + 1, n - 1, n - 2, n - page - 1,
                          (guint) g_test_rand_int_range (0, (gint32) n),
                          (guint) g_test_rand_int_range (0, (gint32) n) };

        g_test_message ("sort by %s %s", sorts[s].column, d == 1 ? "desc" : "asc");
        g_assert_cmpuint (n, ==, big_rows);
        for (guint k = 0; k < G_N_ELEMENTS (spots); k++)
          {
            guint position = MIN (spots[k], n - 1);
            g_autofree char *sql = g_strdup_printf ("SELECT id FROM transactions ORDER BY %s %s, id %s "
                                                    "LIMIT 3 OFFSET %u", sorts[s].column,
                                                    d == 1 ? "DESC" : "ASC", d == 1 ? "DESC" : "ASC",
                                                    position);
            g_autoptr(GArray) expected = sql_ids (db, sql, NULL);

            for (guint j = 0; j < expected->len; j++)
              g_assert_cmpint (row_id_at (model, position + j), ==, g_array_index (expected, gint64, j));
          }
      }
  sqlite3_close (db);
}

/* The last row first: read backwards from the end, not through the list. */
static void
test_jump (void)
{
  sqlite3 *db = open_sql (big_path);
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsTransactionModel) model = new_model (big_repository, filter, DPS_SORT_EVENT_TS, FALSE);
  g_autoptr(GArray) last = sql_ids (db, "SELECT id FROM transactions ORDER BY event_ts DESC, id DESC LIMIT 2", NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  g_assert_cmpint (row_id_at (model, n - 1), ==, g_array_index (last, gint64, 0));
  g_assert_cmpint (row_id_at (model, n - 2), ==, g_array_index (last, gint64, 1));

  /* Then backwards page by page from there, and a far jump to the middle. */
  for (guint i = 0; i < 3 * dps_transaction_model_get_page_size (model); i += 97)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM transactions ORDER BY event_ts, id "
                                              "LIMIT 1 OFFSET %u", n - 1 - i);
      g_autoptr(GArray) expected = sql_ids (db, sql, NULL);

      g_assert_cmpint (row_id_at (model, n - 1 - i), ==, g_array_index (expected, gint64, 0));
    }
  {
    g_autofree char *sql = g_strdup_printf ("SELECT id FROM transactions ORDER BY event_ts, id "
                                            "LIMIT 1 OFFSET %u", n / 2);
    g_autoptr(GArray) expected = sql_ids (db, sql, NULL);

    g_assert_cmpint (row_id_at (model, n / 2), ==, g_array_index (expected, gint64, 0));
  }
  sqlite3_close (db);
}

/* Far jumps in a time sort go through the rows per day (from the
 * rollups): any position, filtered or not, either direction, and with a
 * period, lands on SQL's row. */
static void
test_jump_by_day (void)
{
  sqlite3 *db = open_sql (big_path);
  const char *cities[] = { "Lyon", "Paris", NULL };

  for (guint variant = 0; variant < 6; variant++)
    {
      g_autoptr(DpsFilter) filter = dps_filter_new ();
      g_autoptr(DpsTransactionModel) model = NULL;
      g_autoptr(GArray) all = NULL;
      gboolean descending = variant % 2 == 1;
      g_autofree char *sql = NULL;
      const char *where = "1";
      guint n;

      if (variant >= 2)
        {
          dps_filter_set_cities (filter, cities);
          dps_filter_set_statuses (filter, DPS_FILTER_MASK (DPS_STATUS_APPROVED) | DPS_FILTER_MASK (DPS_STATUS_DECLINED));
          where = "city IN ('Lyon', 'Paris') AND status IN (0, 1)";
        }
      if (variant >= 4)
        {
          /* Whole UTC days: still answered by the rollups. */
          dps_filter_set_period (filter, START_USEC + 3 * DPS_USEC_PER_DAY, START_USEC + 40 * DPS_USEC_PER_DAY);
          where = "city IN ('Lyon', 'Paris') AND status IN (0, 1) AND event_ts >= 1764806400000000 "
                  "AND event_ts < 1768003200000000";
        }
      sql = g_strdup_printf ("SELECT id FROM transactions WHERE %s ORDER BY event_ts %s, id %s", where,
                             descending ? "DESC" : "ASC", descending ? "DESC" : "ASC");
      all = sql_ids (db, sql, NULL);
      model = new_model (big_repository, filter, DPS_SORT_EVENT_TS, descending);
      n = g_list_model_get_n_items (G_LIST_MODEL (model));
      g_assert_cmpuint (n, ==, all->len);

      /* Far apart, so no page has a neighbour read. */
      for (guint k = 1; k < 12; k++)
        {
          guint position = (guint) ((guint64) n * k / 12) + (guint) g_test_rand_int_range (0, 50);

          position = MIN (position, n - 1);
          g_assert_cmpint (row_id_at (model, position), ==, g_array_index (all, gint64, position));
        }
    }
  sqlite3_close (db);
}

/* Memory stays bounded: pages far behind are dropped, their rows read
 * again when needed, and the same item comes back while its page stays. */
static void
test_cache (void)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsTransactionModel) model = new_model (big_repository, filter, DPS_SORT_EVENT_TS, FALSE);
  g_autoptr(DpsTransactionItem) first = get_loaded (model, 0);
  g_autoptr(DpsTransactionItem) again = g_list_model_get_item (G_LIST_MODEL (model), 0);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  gint64 first_id = dps_transaction_item_get_row (first)->row_id;

  g_assert_true (first == again);

  /* Read far more rows than the cache holds. */
  for (guint i = 0; i < n; i += 256)
    g_object_unref (get_loaded (model, i));
  g_assert_cmpint (row_id_at (model, 0), ==, first_id);
}

static gboolean
collect_cb (const DpsRow  *row,
            gpointer       user_data,
            GError       **error)
{
  g_array_append_val ((GArray *) user_data, row->row_id);
  return TRUE;
}

static void
test_read_ranges (void)
{
  sqlite3 *db = open_sql (big_path);
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  DpsSort sort = { DPS_SORT_EVENT_TS, TRUE };
  g_autoptr(GArray) all = sql_ids (db, "SELECT id FROM transactions ORDER BY event_ts DESC, id DESC", NULL);
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  guint n = all->len;
  /* Near ranges (read through), a far one (offset) and the very end. */
  DpsPositionRange ranges[] = {
    { 0, 3 }, { 10, 1 }, { n / 10, MIN (4100, n / 5) }, { n / 2, 17 }, { n - 5, 5 },
  };
  guint k = 0;

  g_assert_true (dps_transaction_model_read_ranges (big_repository, filter, &sort, ranges,
                                                    G_N_ELEMENTS (ranges), collect_cb, got,
                                                    NULL, &error));
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    for (guint i = 0; i < ranges[r].n_items; i++, k++)
      {
        g_assert_cmpuint (k, <, got->len);
        g_assert_cmpint (g_array_index (got, gint64, k), ==,
                         g_array_index (all, gint64, ranges[r].start + i));
      }
  g_assert_cmpuint (k, ==, got->len);
  sqlite3_close (db);
}

/* Search text is data, never SQL: quotes, comments, wildcards and
 * keywords match literally (or nothing) and the table stays. */
static void
test_hostile_search (void)
{
  static const char *const hostile[] = {
    "'; DROP TABLE transactions; --", "\" OR 1=1 --", "%", "_", "\\", "a%b_c",
    "Robert'); DELETE FROM transactions;--", "' UNION SELECT * FROM sqlite_master --",
    "\xe2\x80\xae\xf0\x9f\x92\xb3", "1 OR 1", "0b6f3c2e'--",
  };
  sqlite3 *db = open_sql (big_path);
  gint64 total = sql_count (db, "1", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(DpsFilter) filter = dps_filter_new ();
      g_autoptr(DpsTransactionModel) model = NULL;

      dps_filter_set_search (filter, hostile[i]);
      model = new_model (big_repository, filter, DPS_SORT_EVENT_TS, TRUE);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==,
                        (guint64) sql_count (db, "instr(lower(merchant), lower(trim(?1))) > 0", hostile[i]));
    }
  g_assert_cmpint (sql_count (db, "1", NULL), ==, total);
  sqlite3_close (db);
}

/* ---------------------------------------------------------------------- */
/* refresh, on a database of its own                                      */

typedef struct {
  char                *dir;
  char                *path;
  DpsRepository       *repository;
  guint                changes;
  guint                change_position;
  guint                change_removed;
  guint                change_added;
} RefreshFixture;

static void
refresh_set_up (RefreshFixture *f,
                gconstpointer   data)
{
  g_autoptr(GError) error = NULL;

  f->dir = dps_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "refresh.db", NULL);
  f->repository = dps_test_db_create (f->path, 3000, 7, START_USEC, DAYS, &error);
  g_assert_no_error (error);
}

static void
refresh_tear_down (RefreshFixture *f,
                   gconstpointer   data)
{
  g_clear_object (&f->repository);
  dps_test_tmpdir_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
items_changed_cb (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  RefreshFixture *f)
{
  f->changes++;
  f->change_position = position;
  f->change_removed = removed;
  f->change_added = added;
}

static void
insert (RefreshFixture *f,
        const char     *id,
        const char     *time,
        const char     *amount)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line =
    g_strdup_printf ("{\"transaction_id\": \"%s\", \"event_ts\": \"%s\", \"user_id\": 77, "
                     "\"amount\": %s, \"merchant\": \"Fnac\", \"category\": \"electronics\", "
                     "\"city\": \"Lyon\", \"status\": \"APPROVED\", \"payment_method\": \"card\"}",
                     id, time, amount);

  dps_test_db_insert_line (f->repository, line, &error);
  g_assert_no_error (error);
}

typedef struct {
  GArray   *positions;
  gboolean  done;
} RefreshWait;

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RefreshWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (dps_transaction_model_refresh_finish (DPS_TRANSACTION_MODEL (object), result,
                                                       &wait->positions, &error));
  g_assert_no_error (error);
  wait->done = TRUE;
}

static GArray *
refresh_and_wait (DpsTransactionModel *model,
                  GPtrArray           *keep)
{
  RefreshWait wait = { NULL, FALSE };

  dps_transaction_model_refresh_async (model, keep, NULL, refreshed_cb, &wait);
  while (!wait.done || dps_transaction_model_is_busy (model))
    g_main_context_iteration (NULL, TRUE);
  return wait.positions;
}

/* Oldest first, a newer row lands: one item added at the end, every item
 * already handed out stays where it is. */
static void
test_refresh_append (RefreshFixture *f,
                     gconstpointer   data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsTransactionModel) model = new_model (f->repository, filter, DPS_SORT_EVENT_TS, FALSE);
  g_autoptr(DpsTransactionItem) item = get_loaded (model, 10);
  g_autoptr(DpsTransactionItem) same = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  g_autoptr(GArray) positions = NULL;
  gint64 id = dps_transaction_item_get_row (item)->row_id;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), f);
  insert (f, "00000000-0000-4000-8000-000000000001", "2030-01-01T00:00:00Z", "12.5");
  g_ptr_array_add (keep, (gpointer) dps_transaction_item_get_row (item));
  positions = refresh_and_wait (model, keep);

  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->change_position, ==, n);
  g_assert_cmpuint (f->change_removed, ==, 0);
  g_assert_cmpuint (f->change_added, ==, 1);
  /* Nothing was replaced: nothing to find again. */
  g_assert_cmpuint (positions->len, ==, 0);
  same = g_list_model_get_item (G_LIST_MODEL (model), 10);
  g_assert_true (same == item);
  g_assert_cmpint (row_id_at (model, 10), ==, id);
  {
    g_autoptr(DpsTransactionItem) last = get_loaded (model, n);
    g_assert_cmpint (dps_transaction_item_get_row (last)->tx.amount_cents, ==, 1250);
  }

  /* Nothing new: nothing changes. */
  g_clear_pointer (&positions, g_array_unref);
  positions = refresh_and_wait (model, NULL);
  g_assert_cmpuint (f->changes, ==, 1);
}

/* Newest first, a newer row lands: one item added at the top and the
 * items below keep their objects, one place lower. */
static void
test_refresh_prepend (RefreshFixture *f,
                      gconstpointer   data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsTransactionModel) model = new_model (f->repository, filter, DPS_SORT_EVENT_TS, TRUE);
  g_autoptr(DpsTransactionItem) item = get_loaded (model, 300);
  g_autoptr(DpsTransactionItem) same = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  g_autoptr(GArray) positions = NULL;
  gint64 id = dps_transaction_item_get_row (item)->row_id;

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), f);
  insert (f, "00000000-0000-4000-8000-000000000002", "2030-01-01T00:00:00Z", "99.99");
  insert (f, "00000000-0000-4000-8000-000000000003", "2030-01-02T00:00:00Z", "1.01");
  g_ptr_array_add (keep, (gpointer) dps_transaction_item_get_row (item));
  positions = refresh_and_wait (model, keep);

  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->change_position, ==, 0);
  g_assert_cmpuint (f->change_removed, ==, 0);
  g_assert_cmpuint (f->change_added, ==, 2);
  g_assert_cmpuint (positions->len, ==, 0);
  same = g_list_model_get_item (G_LIST_MODEL (model), 302);
  g_assert_true (same == item);
  g_assert_cmpint (row_id_at (model, 302), ==, id);
  {
    g_autoptr(DpsTransactionItem) top = get_loaded (model, 0);
    g_autoptr(DpsTransactionItem) second = get_loaded (model, 1);

    g_assert_cmpint (dps_transaction_item_get_row (top)->tx.amount_cents, ==, 101);
    g_assert_cmpint (dps_transaction_item_get_row (second)->tx.amount_cents, ==, 9999);
  }
}

/* By amount, a row lands in the middle: every item changes, and the rows
 * to keep are found at their new places. */
static void
test_refresh_middle (RefreshFixture *f,
                     gconstpointer   data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsTransactionModel) model = new_model (f->repository, filter, DPS_SORT_AMOUNT, FALSE);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_autoptr(DpsTransactionItem) low = get_loaded (model, 5);
  g_autoptr(DpsTransactionItem) high = get_loaded (model, n - 5);
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  g_autoptr(GArray) positions = NULL;
  gint64 middle = 0;

  {
    g_autoptr(DpsTransactionItem) mid = get_loaded (model, n / 2);
    middle = dps_transaction_item_get_row (mid)->tx.amount_cents;
  }
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), f);
  {
    g_autofree char *amount = g_strdup_printf ("%" G_GINT64_FORMAT ".00", middle / 100);
    insert (f, "00000000-0000-4000-8000-000000000004", "2026-01-01T00:00:00Z", amount);
  }
  g_ptr_array_add (keep, (gpointer) dps_transaction_item_get_row (low));
  g_ptr_array_add (keep, (gpointer) dps_transaction_item_get_row (high));
  positions = refresh_and_wait (model, keep);

  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->change_position, ==, 0);
  g_assert_cmpuint (f->change_removed, ==, n);
  g_assert_cmpuint (f->change_added, ==, n + 1);
  g_assert_cmpuint (g_array_index (positions, guint, 0), ==, 5);
  g_assert_cmpuint (g_array_index (positions, guint, 1), ==, n - 4);
  g_assert_cmpint (row_id_at (model, 5), ==, dps_transaction_item_get_row (low)->row_id);
  g_assert_cmpint (row_id_at (model, n - 4), ==, dps_transaction_item_get_row (high)->row_id);
}

/* The key figures come with the count, agree with it, and follow rejects
 * that land without any new row. */
static void
test_refresh_kpis (RefreshFixture *f,
                   gconstpointer   data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsTransactionModel) model = new_model (f->repository, filter, DPS_SORT_EVENT_TS, TRUE);
  g_autoptr(DpsBatch) batch = dps_batch_new ();
  g_autoptr(GArray) positions = NULL;
  g_autoptr(GError) error = NULL;
  DpsKpis shown, expected;
  DpsReject reject = { 0 };
  DpsPosition position = DPS_POSITION_INIT;

  g_assert_true (dps_transaction_model_get_kpis (model, &shown));
  g_assert_true (dps_repository_query_kpis (f->repository, filter, &expected, NULL, &error));
  g_assert_cmpint (shown.total.count, ==, g_list_model_get_n_items (G_LIST_MODEL (model)));
  g_assert_cmpint (shown.total.amount_cents, ==, expected.total.amount_cents);
  g_assert_cmpint (shown.total.approved_count, ==, expected.total.approved_count);
  g_assert_cmpint (shown.rejected, ==, expected.rejected);

  reject.reason = DPS_REJECT_OUT_OF_RANGE;
  reject.detail = g_strdup ("amount must be > 0");
  reject.raw = g_memdup2 ("{\"amount\": -1}", 15);
  reject.raw_size = reject.raw_length = 15;
  reject.event_ts = G_MININT64;
  reject.position = position;
  dps_batch_take_reject (batch, &reject);
  g_assert_true (dps_repository_write_batch (f->repository, batch, NULL, NULL, &error));
  g_assert_no_error (error);

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), f);
  positions = refresh_and_wait (model, NULL);
  g_assert_cmpuint (f->changes, ==, 0);
  g_assert_true (dps_transaction_model_get_kpis (model, &shown));
  g_assert_cmpint (shown.rejected, ==, expected.rejected + 1);
  g_assert_cmpint (shown.total.count, ==, expected.total.count);
}

/* A new query replaces everything at once, and says so. */
static void
reset_cb (DpsTransactionModel *model,
          guint               *resets)
{
  (*resets)++;
}

static void
test_requery (RefreshFixture *f,
              gconstpointer   data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(DpsTransactionModel) model = new_model (f->repository, filter, DPS_SORT_EVENT_TS, TRUE);
  DpsSort sort = { DPS_SORT_CITY, FALSE };
  const char *lyon[] = { "Lyon", NULL };
  guint resets = 0;
  sqlite3 *db = open_sql (f->path);

  g_signal_connect (model, "reset", G_CALLBACK (reset_cb), &resets);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), f);
  dps_filter_set_cities (filter, lyon);
  /* Two changes in a row: only the last one counts. */
  dps_transaction_model_set_query (model, filter, &sort);
  sort.descending = TRUE;
  dps_transaction_model_set_query (model, filter, &sort);
  wait_idle (model);

  /* A listing shorter than a page is counted by reading it. */
  g_assert_cmpuint (resets, ==, 1);
  g_assert_cmpuint (dps_transaction_model_get_page_size (model), >, sql_count (db, "city = 'Lyon'", NULL));
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_true (dps_transaction_model_is_counted (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==,
                    (guint64) sql_count (db, "city = 'Lyon'", NULL));
  {
    g_autoptr(GArray) expected = sql_ids (db, "SELECT id FROM transactions WHERE city = 'Lyon' "
                                              "ORDER BY city DESC, id DESC LIMIT 1", NULL);
    g_assert_cmpint (row_id_at (model, 0), ==, g_array_index (expected, gint64, 0));
  }
  /* The model copied the filter: changing it later changes nothing. */
  dps_filter_set_cities (filter, NULL);
  g_assert_false (dps_filter_equal (filter, dps_transaction_model_get_filter (model)));

  /* A longer one: its first page at once, the rest once counted. */
  sort.key = DPS_SORT_EVENT_TS;
  f->changes = 0;
  dps_transaction_model_set_query (model, filter, &sort);
  while (resets < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (dps_transaction_model_is_counted (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==,
                    dps_transaction_model_get_page_size (model));
  {
    g_autoptr(DpsTransactionItem) first = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_assert_true (dps_transaction_item_is_loaded (first));
  }
  wait_idle (model);
  g_assert_true (dps_transaction_model_is_counted (model));
  g_assert_cmpuint (f->changes, ==, 2);
  g_assert_cmpuint (f->change_position, ==, dps_transaction_model_get_page_size (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, (guint64) sql_count (db, "1", NULL));
  sqlite3_close (db);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  big_rows = dps_test_db_rows_from_env (200000);
  big_dir = dps_test_tmpdir_new ();
  big_path = g_build_filename (big_dir, "big.db", NULL);
  if (g_test_verbose ())
    g_printerr ("Generating %" G_GUINT64_FORMAT " rows…\n", big_rows);
  big_repository = dps_test_db_create (big_path, big_rows, 1234, START_USEC, DAYS, &error);
  g_assert_no_error (error);

  g_test_add_func ("/dps/transaction-model/count", test_count);
  g_test_add_func ("/dps/transaction-model/scroll/all", test_scroll_all);
  g_test_add_func ("/dps/transaction-model/scroll/filtered", test_scroll_filtered);
  g_test_add_func ("/dps/transaction-model/sort", test_sort);
  g_test_add_func ("/dps/transaction-model/jump", test_jump);
  g_test_add_func ("/dps/transaction-model/jump-by-day", test_jump_by_day);
  g_test_add_func ("/dps/transaction-model/cache", test_cache);
  g_test_add_func ("/dps/transaction-model/read-ranges", test_read_ranges);
  g_test_add_func ("/dps/transaction-model/hostile-search", test_hostile_search);
  g_test_add ("/dps/transaction-model/refresh/append", RefreshFixture, NULL,
              refresh_set_up, test_refresh_append, refresh_tear_down);
  g_test_add ("/dps/transaction-model/refresh/prepend", RefreshFixture, NULL,
              refresh_set_up, test_refresh_prepend, refresh_tear_down);
  g_test_add ("/dps/transaction-model/refresh/middle", RefreshFixture, NULL,
              refresh_set_up, test_refresh_middle, refresh_tear_down);
  g_test_add ("/dps/transaction-model/refresh/kpis", RefreshFixture, NULL,
              refresh_set_up, test_refresh_kpis, refresh_tear_down);
  g_test_add ("/dps/transaction-model/requery", RefreshFixture, NULL,
              refresh_set_up, test_requery, refresh_tear_down);

  status = g_test_run ();

  g_clear_object (&big_repository);
  dps_test_tmpdir_remove (big_dir);
  g_free (big_path);
  g_free (big_dir);
  return status;
}
