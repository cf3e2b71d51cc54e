/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dps-key-order.h"

#define END G_MAXINT64   /* a case's key list ends at the first END */

typedef struct {
  const char *name;
  gint64      keys[10];
  guint       sorted[10];   /* expected indexes, in key order */
} OrderCase;

static const OrderCase order_cases[] = {
  { "empty", { END }, { 0 } },
  { "one", { 42, END }, { 0 } },
  { "sorted", { -3, 0, 7, 9, END }, { 0, 1, 2, 3 } },
  { "reversed", { 9, 7, 0, -3, END }, { 3, 2, 1, 0 } },
  { "negative before positive", { 1, -1, 2, -2, END }, { 3, 1, 0, 2 } },
  { "extremes", { G_MAXINT64 - 1, G_MININT64, 0, -1, 1, END }, { 1, 3, 2, 4, 0 } },
  { "equal keys keep their order", { 5, 3, 5, 3, 5, END }, { 1, 3, 0, 2, 4 } },
  { "all equal", { 8, 8, 8, END }, { 0, 1, 2 } },
  { "differ in the top byte only",
    { G_GINT64_CONSTANT (0x0100000000000000), 0, G_GINT64_CONSTANT (-0x0100000000000000), END },
    { 2, 1, 0 } },
  { "differ in the low byte only", { 0x7f02, 0x7f01, 0x7f00, 0x7eff, END }, { 3, 2, 1, 0 } },
};

static void
test_cases (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (order_cases); c++)
    {
      const OrderCase *oc = &order_cases[c];
      DpsKeyOrder items[10], scratch[10];
      guint n = 0;

      g_test_message ("%s", oc->name);
      while (oc->keys[n] != END)
        {
          items[n].key = oc->keys[n];
          items[n].index = n;
          n++;
        }
      dps_key_order_sort (items, n, scratch);
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpuint (items[i].index, ==, oc->sorted[i]);
          g_assert_cmpint (items[i].key, ==, oc->keys[oc->sorted[i]]);
        }
    }
}

static int
compare_reference (const void *a,
                   const void *b)
{
  const DpsKeyOrder *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

typedef struct {
  const char *name;
  guint       n;
  guint64     mask;   /* bits of a random key kept: few bits, many equal keys */
} RandomCase;

static const RandomCase random_cases[] = {
  { "batch of uuid keys", 50000, G_MAXUINT64 },
  { "odd size", 1023, G_MAXUINT64 },
  { "many equal keys", 20000, 0xff },
  { "keys in one middle byte", 5000, G_GUINT64_CONSTANT (0x0000ff0000000000) },
  { "two items", 2, G_MAXUINT64 },
};

/* Against a comparison sort that breaks ties by index. */
static void
test_random (void)
{
  GRand *rand = g_rand_new_with_seed (20261130);

  for (guint c = 0; c < G_N_ELEMENTS (random_cases); c++)
    {
      const RandomCase *rc = &random_cases[c];
      g_autofree DpsKeyOrder *items = g_new (DpsKeyOrder, rc->n);
      g_autofree DpsKeyOrder *expected = g_new (DpsKeyOrder, rc->n);
      g_autofree DpsKeyOrder *scratch = g_new (DpsKeyOrder, rc->n);

      g_test_message ("%s", rc->name);
      for (guint i = 0; i < rc->n; i++)
        {
          guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

          items[i].key = (gint64) (bits & rc->mask);
          items[i].index = i;
        }
      memcpy (expected, items, rc->n * sizeof *items);
      qsort (expected, rc->n, sizeof *expected, compare_reference);
      dps_key_order_sort (items, rc->n, scratch);
      for (guint i = 0; i < rc->n; i++)
        {
          g_assert_cmpint (items[i].key, ==, expected[i].key);
          g_assert_cmpuint (items[i].index, ==, expected[i].index);
        }
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dps/key-order/cases", test_cases);
  g_test_add_func ("/dps/key-order/random", test_random);
  return g_test_run ();
}
