/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <string.h>

#include "dps-key-order.h"

#define DIGIT_BITS 8
#define N_DIGITS (64 / DIGIT_BITS)
#define RADIX (1u << DIGIT_BITS)

/* Unsigned order of the result equals signed order of @key. */
static inline guint64
unsigned_key (gint64 key)
{
  return (guint64) key ^ G_GUINT64_CONSTANT (0x8000000000000000);
}

/* A least-significant-digit radix sort: every pass is stable, so equal
 * keys keep their input order without comparing indexes. All digit
 * counts come from one read of the input; a pass whose digit is the
 * same for every item (small or clustered keys) is skipped. */
void
dps_key_order_sort (DpsKeyOrder *items,
                    gsize        n,
                    DpsKeyOrder *scratch)
{
  gsize counts[N_DIGITS][RADIX];
  DpsKeyOrder *from = items, *to = scratch;

  g_return_if_fail (n == 0 || (items != NULL && scratch != NULL));
  if (n < 2)
    return;

  memset (counts, 0, sizeof counts);
  for (gsize i = 0; i < n; i++)
    {
      guint64 k = unsigned_key (items[i].key);

      for (guint d = 0; d < N_DIGITS; d++)
        counts[d][(k >> (d * DIGIT_BITS)) & (RADIX - 1)]++;
    }

  for (guint d = 0; d < N_DIGITS; d++)
    {
      gsize offsets[RADIX];
      gsize sum = 0;
      guint shift = d * DIGIT_BITS;
      DpsKeyOrder *swap;

      if (counts[d][(unsigned_key (from[0].key) >> shift) & (RADIX - 1)] == n)
        continue;
      for (guint b = 0; b < RADIX; b++)
        {
          offsets[b] = sum;
          sum += counts[d][b];
        }
      for (gsize i = 0; i < n; i++)
        to[offsets[(unsigned_key (from[i].key) >> shift) & (RADIX - 1)]++] = from[i];
      swap = from;
      from = to;
      to = swap;
    }

  if (from != items)
    memcpy (items, from, n * sizeof *items);
}
