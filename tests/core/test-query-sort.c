/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include "dps-test-db.h"

#define N_ROWS 3000

typedef struct {
  char          *dir;
  char          *path;
  DpsRepository *repository;
  sqlite3       *db;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = dps_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "sort.db", NULL);
  /* Three days only: many equal hours, days, cities and statuses, so
   * ties are everywhere. */
  f->repository = dps_test_db_create (f->path, N_ROWS, 42,
                                      G_GINT64_CONSTANT (1764547200) * G_USEC_PER_SEC, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &f->db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
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
}

/* Row ids in the order SQL gives for ORDER BY <column>, id. */
static GArray *
sql_order (Fixture    *f,
           const char *column,
           const char *where,
           gboolean    descending)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM transactions WHERE %s ORDER BY %s %s, id %s",
                                          where, column, descending ? "DESC" : "ASC",
                                          descending ? "DESC" : "ASC");
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_prepare_v2 (f->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

static const struct {
  DpsColumn   column;
  const char *sql;
} sorts[] = {
  { DPS_COLUMN_EVENT_TS, "event_ts" },
  { DPS_COLUMN_AMOUNT, "amount_cents" },
  { DPS_COLUMN_USER_ID, "user_id" },
  { DPS_COLUMN_INGESTED_AT, "id" },
  { DPS_COLUMN_MERCHANT, "merchant" },
  { DPS_COLUMN_CITY, "city" },
  { DPS_COLUMN_STATUS, "status" },
  { DPS_COLUMN_TRANSACTION_ID, "tx_key" },
  { DPS_COLUMN_EVENT_HOUR, "event_hour" },
  { DPS_COLUMN_EVENT_DAYOFWEEK, "event_dow" },
  { DPS_COLUMN_CURRENCY, "currency" },
};

/* Keyset pages forwards, then backwards from the end, give the SQL order;
 * the rows before any row number its position. */
static void
check_sort (Fixture    *f,
            DpsFilter  *filter,
            const char *where)
{
  for (guint s = 0; s < G_N_ELEMENTS (sorts); s++)
    for (guint d = 0; d < 2; d++)
      {
        DpsSort sort = { dps_sort_key_for_column (sorts[s].column), d == 1 };
        g_autoptr(GArray) expected = sql_order (f, sorts[s].sql, where, d == 1);
        g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_row_free);
        g_autoptr(DpsRow) cursor = NULL;
        g_autoptr(GError) error = NULL;
        guint64 before;

        g_test_message ("sort by %s %s", sorts[s].sql, d == 1 ? "desc" : "asc");
        for (;;)
          {
            DpsPageRequest request = { cursor, FALSE, 0, 97 };
            g_autoptr(GPtrArray) page = dps_repository_query_page (f->repository, filter, &sort,
                                                                   &request, NULL, &error);

            g_assert_no_error (error);
            for (guint i = 0; i < page->len; i++)
              g_ptr_array_add (all, dps_row_copy (g_ptr_array_index (page, i)));
            if (page->len < request.limit)
              break;
            g_clear_pointer (&cursor, dps_row_free);
            cursor = dps_row_copy (g_ptr_array_index (page, page->len - 1));
          }
        g_assert_cmpuint (all->len, ==, expected->len);
        for (guint i = 0; i < all->len; i++)
          g_assert_cmpint (((DpsRow *) g_ptr_array_index (all, i))->row_id, ==,
                           g_array_index (expected, gint64, i));

        /* The last page read backwards from the end. */
        {
          DpsPageRequest request = { NULL, TRUE, 0, 50 };
          g_autoptr(GPtrArray) page = dps_repository_query_page (f->repository, filter, &sort,
                                                                 &request, NULL, &error);
          guint n = MIN (50, expected->len);

          g_assert_no_error (error);
          g_assert_cmpuint (page->len, ==, n);
          for (guint i = 0; i < n; i++)
            g_assert_cmpint (((DpsRow *) g_ptr_array_index (page, i))->row_id, ==,
                             g_array_index (expected, gint64, expected->len - n + i));
        }

        for (guint k = 0; k < 20 && all->len > 0; k++)
          {
            guint i = k == 0 ? 0 : k == 1 ? all->len - 1 : (guint) g_test_rand_int_range (0, (gint32) all->len);

            g_assert_true (dps_repository_count_rows_before (f->repository, filter, &sort,
                                                             g_ptr_array_index (all, i),
                                                             &before, NULL, &error));
            g_assert_no_error (error);
            g_assert_cmpuint (before, ==, i);
          }
      }
}

static void
test_sort_all (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();

  check_sort (f, filter, "1");
}

static void
test_sort_filtered (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  const char *cities[] = { "Paris", "Lyon", NULL };

  dps_filter_set_cities (filter, cities);
  dps_filter_set_statuses (filter, DPS_FILTER_MASK (DPS_STATUS_APPROVED) |
                                   DPS_FILTER_MASK (DPS_STATUS_PENDING));
  check_sort (f, filter, "city IN ('Paris', 'Lyon') AND status IN (0, 2)");
}

static void
test_column_keys (void)
{
  /* Every column sorts; date and bucket by the finer value they come from. */
  g_assert_cmpint (dps_sort_key_for_column (DPS_COLUMN_EVENT_DATE), ==, DPS_SORT_EVENT_TS);
  g_assert_cmpint (dps_sort_key_for_column (DPS_COLUMN_AMOUNT_BUCKET), ==, DPS_SORT_AMOUNT);
  g_assert_cmpint (dps_sort_key_for_column (DPS_COLUMN_CURRENCY), ==, DPS_SORT_CURRENCY);
  g_assert_cmpint (dps_sort_key_for_column (DPS_COLUMN_EVENT_HOUR), ==, DPS_SORT_EVENT_HOUR);
  g_assert_cmpint (dps_sort_key_for_column (DPS_COLUMN_EVENT_DAYOFWEEK), ==, DPS_SORT_EVENT_DAYOFWEEK);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/query/sort/column-keys", test_column_keys);
  g_test_add ("/dps/query/sort/all", Fixture, NULL, fixture_set_up, test_sort_all, fixture_tear_down);
  g_test_add ("/dps/query/sort/filtered", Fixture, NULL, fixture_set_up, test_sort_filtered,
              fixture_tear_down);

  return g_test_run ();
}
