/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dps-batch.h"
#include "dps-rollup-accumulator.h"
#include "dps-test-db.h"

static void
take_rows (DpsBatch  *batch,
           GPtrArray *rows,
           guint      from,
           guint      to)
{
  for (guint i = from; i < to; i++)
    {
      g_autoptr(DpsTransaction) copy = dps_transaction_copy (rows->pdata[i]);

      dps_batch_take_row (batch, copy, NULL);
    }
}

static void
describe_cb (const DpsRollupSpec  *spec,
             const DpsRollupGroup *g,
             gpointer              user_data)
{
  g_ptr_array_add (user_data,
                   g_strdup_printf ("%s %d %u %u %u %u %s %s %s: %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                    spec->table, g->event_date, g->event_hour, g->status,
                                    g->payment_method, g->amount_bucket,
                                    g->category ? g->category : "-", g->city ? g->city : "-",
                                    g->merchant ? g->merchant : "-", g->tx_count, g->amount_cents));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
describe (DpsRollupAccumulator *sums)
{
  GPtrArray *groups = g_ptr_array_new_with_free_func (g_free);

  dps_rollup_accumulator_foreach (sums, describe_cb, groups);
  g_ptr_array_sort (groups, compare_strings);
  return groups;
}

/* The sums waited for are those of the batch's rows, summed afresh. */
static void
assert_sums_exact (DpsBatch *batch)
{
  g_autoptr(DpsRollupAccumulator) fresh = dps_rollup_accumulator_new ();
  DpsRollupAccumulator *sums = dps_batch_wait_rollups (batch);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) got = NULL;

  g_assert_nonnull (sums);
  for (guint i = 0; i < batch->rows->len; i++)
    dps_rollup_accumulator_add (fresh, &dps_batch_get_row (batch, i)->tx);
  expected = describe (fresh);
  got = describe (sums);
  g_assert_cmpuint (got->len, ==, expected->len);
  g_assert_cmpuint (got->len, >, 0);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpstr (got->pdata[i], ==, expected->pdata[i]);
}

/* What happens to a batch after its sums were asked for. */
typedef enum {
  AFTER_NOTHING,
  AFTER_TAKE_ROW,
  AFTER_APPEND,
  AFTER_APPENDED_TO_ANOTHER,
  AFTER_RESET,
  AFTER_ASK_AGAIN,
} After;

typedef struct {
  const char *name;
  After       after;
  gboolean    has_sums;   /* whether the batch still has sums after it */
} SumsCase;

static const SumsCase sums_cases[] = {
  { "nothing", AFTER_NOTHING, TRUE },
  { "a row taken", AFTER_TAKE_ROW, FALSE },
  { "a batch appended", AFTER_APPEND, FALSE },
  { "appended to another batch", AFTER_APPENDED_TO_ANOTHER, FALSE },
  { "reset", AFTER_RESET, FALSE },
  { "asked again after a row taken", AFTER_ASK_AGAIN, TRUE },
};

static void
test_sums_async (void)
{
  g_autoptr(GPtrArray) rows = dps_test_db_parsed_rows (3000, 4, 5);
  GThreadPool *pool = g_thread_pool_new (dps_batch_sum_rollups_func, NULL, 1, FALSE, NULL);

  for (guint c = 0; c < G_N_ELEMENTS (sums_cases); c++)
    {
      const SumsCase *sc = &sums_cases[c];
      g_autoptr(DpsBatch) batch = dps_batch_new ();
      g_autoptr(DpsBatch) other = dps_batch_new ();

      g_test_message ("%s", sc->name);
      take_rows (batch, rows, 0, 2500);
      take_rows (other, rows, 2500, 3000);
      g_assert_false (dps_batch_has_rollups (batch));
      g_assert_null (dps_batch_wait_rollups (batch));

      /* Whatever comes next may run while the sums are being made. */
      dps_batch_sum_rollups_async (batch, pool);
      g_assert_true (dps_batch_has_rollups (batch));
      switch (sc->after)
        {
        case AFTER_NOTHING:
          break;
        case AFTER_TAKE_ROW:
          take_rows (batch, rows, 2500, 2501);
          break;
        case AFTER_APPEND:
          dps_batch_append (batch, other);
          break;
        case AFTER_APPENDED_TO_ANOTHER:
          dps_batch_append (other, batch);
          break;
        case AFTER_RESET:
          dps_batch_reset (batch);
          break;
        case AFTER_ASK_AGAIN:
          take_rows (batch, rows, 2500, 2600);
          dps_batch_sum_rollups_async (batch, pool);
          break;
        default:
          g_assert_not_reached ();
        }

      g_assert_cmpint (dps_batch_has_rollups (batch), ==, sc->has_sums);
      if (sc->has_sums)
        assert_sums_exact (batch);
      else
        g_assert_null (dps_batch_wait_rollups (batch));
    }

  /* Freed while the sums are being made: waits for them first. */
  for (guint i = 0; i < 20; i++)
    {
      DpsBatch *batch = dps_batch_new ();

      take_rows (batch, rows, 0, 3000);
      dps_batch_sum_rollups_async (batch, pool);
      dps_batch_free (batch);
    }
  g_thread_pool_free (pool, FALSE, TRUE);
}

/* Rows i..i+n of @batch have the texts of @rows from @from on. */
static void
assert_texts (DpsBatch  *batch,
              guint      i,
              GPtrArray *rows,
              guint      from,
              guint      n)
{
  for (guint k = 0; k < n; k++)
    {
      const DpsTransaction *got = &dps_batch_get_row (batch, i + k)->tx;
      const DpsTransaction *want = rows->pdata[from + k];

      g_assert_cmpstr (got->merchant, ==, want->merchant);
      g_assert_cmpstr (got->category, ==, want->category);
      g_assert_cmpstr (got->city, ==, want->city);
      g_assert_cmpmem (got->id, 16, want->id, 16);
    }
}

/* A batch keeps each text of the rows it takes once: equal texts are
 * one string, and they stay valid when their rows move to another batch
 * and the first is freed. */
static void
test_shared_texts (void)
{
  g_autoptr(GPtrArray) rows = dps_test_db_parsed_rows (3000, 4, 6);
  g_autoptr(DpsBatch) batch = dps_batch_new ();
  DpsBatch *other = dps_batch_new ();
  guint shared = 0;

  take_rows (batch, rows, 0, 1000);
  assert_texts (batch, 0, rows, 0, 1000);
  for (guint k = 1; k < 1000; k++)
    {
      const DpsTransaction *a = &dps_batch_get_row (batch, 0)->tx;
      const DpsTransaction *b = &dps_batch_get_row (batch, k)->tx;

      if (strcmp (a->category, b->category) == 0)
        {
          g_assert_true (a->category == b->category);
          shared++;
        }
    }
  g_assert_cmpuint (shared, >, 0);

  /* Moved, from a batch since freed: every text still reads. */
  take_rows (other, rows, 0, 3000);
  take_rows (other, rows, 0, 3000);
  dps_batch_append (batch, other);
  dps_batch_free (other);
  g_assert_cmpuint (dps_batch_get_n_rows (batch), ==, 7000);
  assert_texts (batch, 0, rows, 0, 1000);
  assert_texts (batch, 1000, rows, 0, 3000);
  assert_texts (batch, 4000, rows, 0, 3000);

  dps_batch_reset (batch);
  g_assert_cmpuint (batch->strings->len, ==, 0);
  take_rows (batch, rows, 2000, 3000);
  assert_texts (batch, 0, rows, 2000, 1000);
}

/* Batches appended hand over their rows where they are: the rows keep
 * their addresses and their order, and rows taken afterwards follow
 * them, whatever the blocks' fill. */
static void
test_append_keeps_rows (void)
{
  static const struct {
    guint first;          /* rows taken before appending */
    guint appended[3];    /* rows of each batch appended */
    guint after;          /* rows taken after */
  } cases[] = {
    { 0,    { 1000, 0, 0 },    5 },
    { 1023, { 1, 1024, 1025 }, 2000 },
    { 1024, { 0, 0, 0 },       1 },
    { 5,    { 3000, 7, 0 },    0 },
    { 0,    { 0, 0, 0 },       0 },
  };
  g_autoptr(GPtrArray) rows = dps_test_db_parsed_rows (3100, 4, 6);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(DpsBatch) batch = dps_batch_new ();
      g_autoptr(GPtrArray) addresses = g_ptr_array_new ();
      g_autoptr(GArray) from = g_array_new (FALSE, FALSE, sizeof (guint));
      guint n = 0;

      /* Row k of the batch is rows[from[k]]. */
      take_rows (batch, rows, 0, cases[c].first);
      for (guint k = 0; k < cases[c].first; k++)
        g_array_append_val (from, k);
      for (guint a = 0; a < G_N_ELEMENTS (cases[c].appended); a++)
        {
          DpsBatch *other = dps_batch_new ();

          take_rows (other, rows, 0, cases[c].appended[a]);
          for (guint k = 0; k < cases[c].appended[a]; k++)
            {
              g_ptr_array_add (addresses, (gpointer) dps_batch_get_row (other, k));
              g_array_append_val (from, k);
            }
          dps_batch_append (batch, other);
          g_assert_cmpuint (dps_batch_get_n_rows (other), ==, 0);
          g_assert_true (dps_batch_is_empty (other));
          dps_batch_free (other);
        }
      take_rows (batch, rows, 100, 100 + cases[c].after);
      for (guint k = 0; k < cases[c].after; k++)
        {
          guint i = 100 + k;

          g_array_append_val (from, i);
        }

      g_assert_cmpuint (dps_batch_get_n_rows (batch), ==, from->len);
      for (guint k = 0; k < from->len; k++)
        assert_texts (batch, k, rows, g_array_index (from, guint, k), 1);
      for (guint k = 0; k < addresses->len; k++)
        {
          g_assert_true (dps_batch_get_row (batch, cases[c].first + k) == addresses->pdata[k]);
          n++;
        }
      g_assert_cmpuint (n, ==, cases[c].appended[0] + cases[c].appended[1] + cases[c].appended[2]);

      dps_batch_reset (batch);
      g_assert_true (dps_batch_is_empty (batch));
      take_rows (batch, rows, 7, 9);
      assert_texts (batch, 0, rows, 7, 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dps/batch/sums-async", test_sums_async);
  g_test_add_func ("/dps/batch/shared-texts", test_shared_texts);
  g_test_add_func ("/dps/batch/append-keeps-rows", test_append_keeps_rows);
  return g_test_run ();
}
