/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <string.h>

#include "dps-rollup-accumulator.h"

struct _DpsRollupAccumulator
{
  GHashTable   *strings;                 /* interned copies: one pointer per text */
  GStringChunk *chunk;
  GHashTable   *groups[16];               /* per rollup: DpsRollupGroup* (key and value) */
  guint         n_specs;
  const DpsRollupSpec *specs;
};

static guint
group_hash (gconstpointer data)
{
  const DpsRollupGroup *g = data;
  guint h = (guint) g->event_date;

  /* Strings are interned: their addresses identify them. */
  h = h * 31 + g->event_hour;
  h = h * 31 + g->status;
  h = h * 31 + g->payment_method;
  h = h * 31 + g->amount_bucket;
  h = h * 31 + GPOINTER_TO_UINT (g->category);
  h = h * 31 + GPOINTER_TO_UINT (g->city);
  h = h * 31 + GPOINTER_TO_UINT (g->merchant);
  return h;
}

static gboolean
group_equal (gconstpointer a,
             gconstpointer b)
{
  const DpsRollupGroup *x = a, *y = b;

  return x->event_date == y->event_date && x->event_hour == y->event_hour &&
         x->status == y->status && x->payment_method == y->payment_method &&
         x->amount_bucket == y->amount_bucket && x->category == y->category &&
         x->city == y->city && x->merchant == y->merchant;
}

static const char *
intern (DpsRollupAccumulator *self,
        const char           *text)
{
  const char *interned = g_hash_table_lookup (self->strings, text);

  if (interned == NULL)
    {
      interned = g_string_chunk_insert (self->chunk, text);
      g_hash_table_add (self->strings, (gpointer) interned);
    }
  return interned;
}

DpsRollupAccumulator *
dps_rollup_accumulator_new (void)
{
  DpsRollupAccumulator *self = g_new0 (DpsRollupAccumulator, 1);

  self->specs = dps_rollup_get_specs (&self->n_specs);
  g_assert (self->n_specs <= G_N_ELEMENTS (self->groups));
  self->strings = g_hash_table_new (g_str_hash, g_str_equal);
  self->chunk = g_string_chunk_new (4096);
  for (guint i = 0; i < self->n_specs; i++)
    self->groups[i] = g_hash_table_new_full (group_hash, group_equal, g_free, NULL);
  return self;
}

void
dps_rollup_accumulator_free (DpsRollupAccumulator *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_specs; i++)
    g_hash_table_unref (self->groups[i]);
  g_hash_table_unref (self->strings);
  g_string_chunk_free (self->chunk);
  g_free (self);
}

void
dps_rollup_accumulator_reset (DpsRollupAccumulator *self)
{
  for (guint i = 0; i < self->n_specs; i++)
    g_hash_table_remove_all (self->groups[i]);
  /* Interned strings stay: the same few names come back batch after batch. */
  if (g_hash_table_size (self->strings) > 100000)
    {
      g_hash_table_remove_all (self->strings);
      g_string_chunk_clear (self->chunk);
    }
}

void
dps_rollup_accumulator_add (DpsRollupAccumulator *self,
                            const DpsTransaction *tx)
{
  const char *category = intern (self, tx->category);
  const char *city = intern (self, tx->city);
  const char *merchant = intern (self, tx->merchant);

  for (guint i = 0; i < self->n_specs; i++)
    {
      DpsRollupDims dims = self->specs[i].dims;
      DpsRollupGroup key = { 0 };
      DpsRollupGroup *group;

      key.event_date = tx->event_date;
      if (dims & DPS_ROLLUP_DIM_HOUR)
        key.event_hour = tx->event_hour;
      if (dims & DPS_ROLLUP_DIM_STATUS)
        key.status = (guint8) tx->status;
      if (dims & DPS_ROLLUP_DIM_PAYMENT_METHOD)
        key.payment_method = (guint8) tx->payment_method;
      if (dims & DPS_ROLLUP_DIM_AMOUNT_BUCKET)
        key.amount_bucket = (guint8) tx->amount_bucket;
      if (dims & DPS_ROLLUP_DIM_CATEGORY)
        key.category = category;
      if (dims & DPS_ROLLUP_DIM_CITY)
        key.city = city;
      if (dims & DPS_ROLLUP_DIM_MERCHANT)
        key.merchant = merchant;

      group = g_hash_table_lookup (self->groups[i], &key);
      if (group == NULL)
        {
          group = g_memdup2 (&key, sizeof key);
          g_hash_table_add (self->groups[i], group);
        }
      group->tx_count++;
      group->amount_cents += tx->amount_cents;
    }
}

void
dps_rollup_accumulator_foreach (DpsRollupAccumulator *self,
                                DpsRollupGroupFunc    func,
                                gpointer              user_data)
{
  for (guint i = 0; i < self->n_specs; i++)
    {
      GHashTableIter iter;
      gpointer group;

      g_hash_table_iter_init (&iter, self->groups[i]);
      while (g_hash_table_iter_next (&iter, &group, NULL))
        func (&self->specs[i], group, user_data);
    }
}
