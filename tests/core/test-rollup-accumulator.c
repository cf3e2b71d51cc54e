/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dps-rollup-accumulator.h"
#include "dps-test-db.h"

typedef struct {
  gint64 count;
  gint64 amount;
} Sums;

/* A group as text: the rollup's table and the values of its dimensions. */
static char *
group_text (const DpsRollupSpec *spec,
            gint32               date,
            guint                hour,
            guint                status,
            guint                payment_method,
            guint                bucket,
            const char          *category,
            const char          *city,
            const char          *merchant)
{
  DpsRollupDims d = spec->dims;

  return g_strdup_printf ("%s %d h%d s%d p%d b%d c=%s t=%s m=%s", spec->table, date,
                          d & DPS_ROLLUP_DIM_HOUR ? (int) hour : -1,
                          d & DPS_ROLLUP_DIM_STATUS ? (int) status : -1,
                          d & DPS_ROLLUP_DIM_PAYMENT_METHOD ? (int) payment_method : -1,
                          d & DPS_ROLLUP_DIM_AMOUNT_BUCKET ? (int) bucket : -1,
                          d & DPS_ROLLUP_DIM_CATEGORY ? category : "-",
                          d & DPS_ROLLUP_DIM_CITY ? city : "-",
                          d & DPS_ROLLUP_DIM_MERCHANT ? merchant : "-");
}

static void
collect_cb (const DpsRollupSpec  *spec,
            const DpsRollupGroup *group,
            gpointer              user_data)
{
  GHashTable *seen = user_data;
  char *text = group_text (spec, group->event_date, group->event_hour, group->status,
                           group->payment_method, group->amount_bucket,
                           group->category, group->city, group->merchant);
  Sums *sums = g_new (Sums, 1);

  /* Every group is reported once. */
  g_assert_false (g_hash_table_contains (seen, text));
  sums->count = group->tx_count;
  sums->amount = group->amount_cents;
  g_hash_table_insert (seen, text, sums);
}

/* The accumulator's groups equal sums made the plain way, one text key
 * per group, over rows [from, to). */
static void
assert_sums (DpsRollupAccumulator *acc,
             GPtrArray            *rows,
             guint                 from,
             guint                 to)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) got = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint n_specs;
  const DpsRollupSpec *specs = dps_rollup_get_specs (&n_specs);
  GHashTableIter iter;
  gpointer key, value;

  for (guint r = from; r < to; r++)
    {
      const DpsTransaction *tx = rows->pdata[r];

      for (guint s = 0; s < n_specs; s++)
        {
          char *text = group_text (&specs[s], tx->event_date, tx->event_hour, tx->status,
                                   tx->payment_method, tx->amount_bucket,
                                   tx->category, tx->city, tx->merchant);
          Sums *sums = g_hash_table_lookup (expected, text);

          if (sums == NULL)
            {
              sums = g_new0 (Sums, 1);
              g_hash_table_insert (expected, text, sums);
            }
          else
            g_free (text);
          sums->count++;
          sums->amount += tx->amount_cents;
        }
    }

  dps_rollup_accumulator_foreach (acc, collect_cb, got);
  g_assert_cmpuint (g_hash_table_size (got), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Sums *want = value;
      const Sums *have = g_hash_table_lookup (got, key);

      g_assert_nonnull (have);
      g_assert_cmpint (have->count, ==, want->count);
      g_assert_cmpint (have->amount, ==, want->amount);
    }
}

typedef struct {
  const char *name;
  guint       rows;
  guint       days;
  guint       batch;   /* rows summed between resets */
} SumCase;

static const SumCase sum_cases[] = {
  { "nothing", 0, 1, 1 },
  { "one row", 1, 1, 1 },
  { "one day, one batch", 2000, 1, 2000 },
  /* Tables grow several times within a batch, and keep their size
   * across resets. */
  { "many days, one batch", 30000, 60, 30000 },
  { "many days, batches", 30000, 60, 7001 },
  { "a batch per row", 300, 3, 1 },
};

static void
test_sums (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (sum_cases); c++)
    {
      const SumCase *sc = &sum_cases[c];
      g_autoptr(GPtrArray) rows = dps_test_db_parsed_rows (sc->rows, sc->days, 7 + c);
      g_autoptr(DpsRollupAccumulator) acc = dps_rollup_accumulator_new ();
      guint from = 0;

      g_test_message ("%s", sc->name);
      for (guint r = 0; r < sc->rows; r++)
        {
          dps_rollup_accumulator_add (acc, rows->pdata[r]);
          if (r + 1 - from == sc->batch || r + 1 == sc->rows)
            {
              assert_sums (acc, rows, from, r + 1);
              dps_rollup_accumulator_reset (acc);
              from = r + 1;
            }
        }
      assert_sums (acc, rows, sc->rows, sc->rows);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dps/rollup-accumulator/sums", test_sums);
  return g_test_run ();
}
