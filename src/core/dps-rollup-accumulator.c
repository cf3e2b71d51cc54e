/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <string.h>

#include "dps-rollup-accumulator.h"

/* One rollup's groups, stored inline in an open-addressing table: a
 * lookup reads one hash and, on a match, one group next to it, where a
 * GHashTable of allocated groups read three arrays and the group. Every
 * row updates a group of each rollup, so this is most of a batch's
 * summing. */
typedef struct {
  guint32        *hashes;     /* 0: empty slot */
  DpsRollupGroup *groups;
  guint           mask;       /* capacity - 1; capacity a power of two */
  guint           size;
} GroupTable;

#define GROUP_TABLE_MIN_CAPACITY 256

struct _DpsRollupAccumulator
{
  GHashTable   *strings;                 /* interned copies: one pointer per text */
  GStringChunk *chunk;
  GroupTable    tables[16];              /* per rollup */
  guint         n_specs;
  const DpsRollupSpec *specs;
};

static guint32
group_hash (const DpsRollupGroup *g)
{
  guint32 h = (guint32) g->event_date;

  /* Strings are interned: their addresses identify them. */
  h = h * 31 + g->event_hour;
  h = h * 31 + g->status;
  h = h * 31 + g->payment_method;
  h = h * 31 + g->amount_bucket;
  h = h * 31 + GPOINTER_TO_UINT (g->category);
  h = h * 31 + GPOINTER_TO_UINT (g->city);
  h = h * 31 + GPOINTER_TO_UINT (g->merchant);
  /* Spread the low bits, which pick the slot (Fibonacci hashing), and
   * keep 0 for empty slots. */
  h *= 0x9e3779b1u;
  return h != 0 ? h : 1;
}

static gboolean
group_equal (const DpsRollupGroup *x,
             const DpsRollupGroup *y)
{
  return x->event_date == y->event_date && x->event_hour == y->event_hour &&
         x->status == y->status && x->payment_method == y->payment_method &&
         x->amount_bucket == y->amount_bucket && x->category == y->category &&
         x->city == y->city && x->merchant == y->merchant;
}

static void
group_table_init (GroupTable *t,
                  guint       capacity)
{
  t->hashes = g_new0 (guint32, capacity);
  t->groups = g_new (DpsRollupGroup, capacity);
  t->mask = capacity - 1;
  t->size = 0;
}

static void
group_table_clear (GroupTable *t)
{
  g_clear_pointer (&t->hashes, g_free);
  g_clear_pointer (&t->groups, g_free);
}

static inline guint
group_table_slot (const GroupTable *t,
                  guint32           hash)
{
  /* The top bits are the best mixed ones. */
  return (hash >> 16 ^ hash) & t->mask;
}

/* The group with @key's dimensions, added with zero sums if missing. */
static DpsRollupGroup *
group_table_get (GroupTable           *t,
                 const DpsRollupGroup *key)
{
  guint32 hash = group_hash (key);
  guint i = group_table_slot (t, hash);

  while (t->hashes[i] != 0)
    {
      if (t->hashes[i] == hash && group_equal (&t->groups[i], key))
        return &t->groups[i];
      i = (i + 1) & t->mask;
    }

  /* At most half full: probes stay short. */
  if ((t->size + 1) * 2 > t->mask + 1)
    {
      GroupTable bigger;

      group_table_init (&bigger, (t->mask + 1) * 2);
      for (guint j = 0; j <= t->mask; j++)
        if (t->hashes[j] != 0)
          {
            guint k = group_table_slot (&bigger, t->hashes[j]);

            while (bigger.hashes[k] != 0)
              k = (k + 1) & bigger.mask;
            bigger.hashes[k] = t->hashes[j];
            bigger.groups[k] = t->groups[j];
          }
      bigger.size = t->size;
      group_table_clear (t);
      *t = bigger;
      i = group_table_slot (t, hash);
      while (t->hashes[i] != 0)
        i = (i + 1) & t->mask;
    }

  t->hashes[i] = hash;
  t->groups[i] = *key;
  t->groups[i].tx_count = 0;
  t->groups[i].amount_cents = 0;
  t->size++;
  return &t->groups[i];
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
  g_assert (self->n_specs <= G_N_ELEMENTS (self->tables));
  self->strings = g_hash_table_new (g_str_hash, g_str_equal);
  self->chunk = g_string_chunk_new (4096);
  for (guint i = 0; i < self->n_specs; i++)
    group_table_init (&self->tables[i], GROUP_TABLE_MIN_CAPACITY);
  return self;
}

void
dps_rollup_accumulator_free (DpsRollupAccumulator *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_specs; i++)
    group_table_clear (&self->tables[i]);
  g_hash_table_unref (self->strings);
  g_string_chunk_free (self->chunk);
  g_free (self);
}

void
dps_rollup_accumulator_reset (DpsRollupAccumulator *self)
{
  /* Tables keep their size: the next batch has about as many groups. */
  for (guint i = 0; i < self->n_specs; i++)
    {
      GroupTable *t = &self->tables[i];

      if (t->size > 0)
        memset (t->hashes, 0, (t->mask + 1) * sizeof *t->hashes);
      t->size = 0;
    }
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

      group = group_table_get (&self->tables[i], &key);
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
      const GroupTable *t = &self->tables[i];

      for (guint j = 0; j <= t->mask; j++)
        if (t->hashes[j] != 0)
          func (&self->specs[i], &t->groups[j], user_data);
    }
}
