/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An item to put in key order, and where it came from. */
typedef struct {
  gint64 key;
  guint  index;
} DpsKeyOrder;

/* Sorts @items by key, smallest first; items with equal keys keep their
 * order. @scratch holds @n items and is overwritten. Linear in @n: meant
 * for the tens of thousands of rows of a batch. */
void dps_key_order_sort (DpsKeyOrder *items,
                         gsize        n,
                         DpsKeyOrder *scratch);

G_END_DECLS
