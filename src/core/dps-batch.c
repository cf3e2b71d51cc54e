/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <string.h>

#include "dps-batch.h"
#include "dps-rollup-accumulator.h"

static void
batch_row_clear (gpointer data)
{
  DpsBatchRow *row = data;

  /* The texts belong to the batch's string chunks. */
  row->tx.merchant = row->tx.category = row->tx.city = NULL;
  dps_transaction_clear (&row->tx);
}

/* Rows are taken into blocks of this many; a block never grows, so the
 * rows' addresses hold while the batch, or one it is appended to, lives. */
#define BLOCK_ROWS 1024

typedef struct {
  guint       len;
  DpsBatchRow rows[BLOCK_ROWS];
} RowBlock;

static void
row_block_free (gpointer data)
{
  RowBlock *block = data;

  for (guint i = 0; i < block->len; i++)
    batch_row_clear (&block->rows[i]);
  g_free (block);
}

static void
string_chunk_free (gpointer data)
{
  g_string_chunk_free (data);
}

/* Replaces *@text by the chunk's copy of it. */
static void
share_string (GStringChunk  *chunk,
              char         **text)
{
  char *shared;

  if (*text == NULL)
    return;
  shared = g_string_chunk_insert_const (chunk, *text);
  g_free (*text);
  *text = shared;
}

static void
reject_clear (gpointer data)
{
  dps_reject_clear (data);
}

DpsBatch *
dps_batch_new (void)
{
  DpsBatch *self = g_new0 (DpsBatch, 1);

  self->rows = g_ptr_array_sized_new (BLOCK_ROWS);
  self->blocks = g_ptr_array_new_with_free_func (row_block_free);
  self->rejects = g_array_new (FALSE, FALSE, sizeof (DpsReject));
  g_array_set_clear_func (self->rejects, reject_clear);
  self->checkpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_checkpoint_free);
  self->strings = g_ptr_array_new_with_free_func (string_chunk_free);
  g_mutex_init (&self->rollups_lock);
  g_cond_init (&self->rollups_done);
  return self;
}

/* Before any change: the sums no longer match the rows. */
static void
drop_rollups (DpsBatch *self)
{
  dps_batch_wait_rollups (self);
  self->rollups_requested = FALSE;
}

void
dps_batch_free (DpsBatch *self)
{
  if (self == NULL)
    return;
  drop_rollups (self);
  g_clear_pointer (&self->rollups, dps_rollup_accumulator_free);
  g_mutex_clear (&self->rollups_lock);
  g_cond_clear (&self->rollups_done);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->blocks);
  g_array_unref (self->rejects);
  g_ptr_array_unref (self->checkpoints);
  g_ptr_array_unref (self->strings);
  g_free (self);
}

void
dps_batch_reset (DpsBatch *self)
{
  g_return_if_fail (self != NULL);

  drop_rollups (self);
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->blocks, 0);
  g_array_set_size (self->rejects, 0);
  g_ptr_array_set_size (self->checkpoints, 0);
  g_ptr_array_set_size (self->strings, 0);
  self->bytes = 0;
}

void
dps_batch_take_row (DpsBatch          *self,
                    DpsTransaction    *tx,
                    const DpsPosition *position)
{
  RowBlock *block;
  DpsBatchRow *row;

  g_return_if_fail (self != NULL);
  g_return_if_fail (tx != NULL);

  drop_rollups (self);
  block = self->blocks->len > 0 ? g_ptr_array_index (self->blocks, self->blocks->len - 1) : NULL;
  if (block == NULL || block->len == BLOCK_ROWS)
    {
      /* Not zeroed: a row is written whole before it counts. */
      block = g_malloc (sizeof (RowBlock));
      block->len = 0;
      g_ptr_array_add (self->blocks, block);
    }
  row = &block->rows[block->len++];
  dps_transaction_move (&row->tx, tx);
  /* Rows waiting for the sink are most of a run's memory, and most of a
   * row's texts repeat (a few categories, cities and merchants): kept
   * once per batch read, a row costs about 40 % less. */
  if (self->strings->len == 0)
    g_ptr_array_add (self->strings, g_string_chunk_new (512));
  {
    GStringChunk *chunk = g_ptr_array_index (self->strings, self->strings->len - 1);

    share_string (chunk, &row->tx.merchant);
    share_string (chunk, &row->tx.category);
    share_string (chunk, &row->tx.city);
  }
  if (position != NULL)
    row->position = *position;
  else
    {
      DpsPosition init = DPS_POSITION_INIT;
      row->position = init;
    }
  g_ptr_array_add (self->rows, row);
}

void
dps_batch_take_reject (DpsBatch  *self,
                       DpsReject *reject)
{
  DpsReject copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (reject != NULL);

  copy = *reject;
  g_array_append_val (self->rejects, copy);
  /* The strings now belong to the batch: forget them without freeing. */
  memset (reject, 0, sizeof *reject);
  dps_reject_clear (reject);
}

void
dps_batch_set_checkpoint (DpsBatch            *self,
                          const DpsCheckpoint *checkpoint)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (checkpoint != NULL);

  for (guint i = 0; i < self->checkpoints->len; i++)
    {
      DpsCheckpoint *old = g_ptr_array_index (self->checkpoints, i);

      if (old->partition == checkpoint->partition &&
          g_strcmp0 (old->source_key, checkpoint->source_key) == 0)
        {
          g_ptr_array_index (self->checkpoints, i) = dps_checkpoint_copy (checkpoint);
          dps_checkpoint_free (old);
          return;
        }
    }
  g_ptr_array_add (self->checkpoints, dps_checkpoint_copy (checkpoint));
}

/* Moves the pointers of @from, and their ownership, to the end of @to. */
static void
hand_over (GPtrArray      *to,
           GPtrArray      *from,
           GDestroyNotify  free_func)
{
  g_ptr_array_extend (to, from, NULL, NULL);
  g_ptr_array_set_free_func (from, NULL);
  g_ptr_array_set_size (from, 0);
  g_ptr_array_set_free_func (from, free_func);
}

void
dps_batch_append (DpsBatch *self,
                  DpsBatch *other)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  drop_rollups (self);
  drop_rollups (other);
  /* The rows stay where they are: their blocks, and the chunks that hold
   * their texts, change hands. */
  g_ptr_array_extend (self->rows, other->rows, NULL, NULL);
  g_ptr_array_set_size (other->rows, 0);
  hand_over (self->blocks, other->blocks, row_block_free);
  hand_over (self->strings, other->strings, string_chunk_free);

  /* Bytes are moved, ownership with them: the source array must not run
   * its clear function on what was moved, so it is cut without one. */
  g_array_append_vals (self->rejects, other->rejects->data, other->rejects->len);
  g_array_set_clear_func (other->rejects, NULL);
  g_array_set_size (other->rejects, 0);
  g_array_set_clear_func (other->rejects, reject_clear);

  for (guint i = 0; i < other->checkpoints->len; i++)
    dps_batch_set_checkpoint (self, g_ptr_array_index (other->checkpoints, i));
  g_ptr_array_set_size (other->checkpoints, 0);

  self->bytes += other->bytes;
  other->bytes = 0;
}

void
dps_batch_sum_rollups_async (DpsBatch    *self,
                             GThreadPool *pool)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (pool != NULL);

  drop_rollups (self);
  if (self->rollups == NULL)
    self->rollups = dps_rollup_accumulator_new ();
  self->rollups_requested = TRUE;
  self->rollups_pending = TRUE;
  g_thread_pool_push (pool, self, NULL);
}

void
dps_batch_sum_rollups_func (gpointer data,
                            gpointer user_data)
{
  DpsBatch *self = data;

  /* The rows do not change while the sums are pending: every change
   * waits for them first. */
  dps_rollup_accumulator_reset (self->rollups);
  for (guint i = 0; i < self->rows->len; i++)
    dps_rollup_accumulator_add (self->rollups, &dps_batch_get_row (self, i)->tx);

  g_mutex_lock (&self->rollups_lock);
  self->rollups_pending = FALSE;
  g_cond_broadcast (&self->rollups_done);
  g_mutex_unlock (&self->rollups_lock);
}

gboolean
dps_batch_has_rollups (const DpsBatch *self)
{
  return self->rollups_requested;
}

struct _DpsRollupAccumulator *
dps_batch_wait_rollups (DpsBatch *self)
{
  if (!self->rollups_requested)
    return NULL;
  g_mutex_lock (&self->rollups_lock);
  while (self->rollups_pending)
    g_cond_wait (&self->rollups_done, &self->rollups_lock);
  g_mutex_unlock (&self->rollups_lock);
  return self->rollups;
}

guint
dps_batch_get_n_rows (const DpsBatch *self)
{
  return self->rows->len;
}

guint
dps_batch_get_n_rejects (const DpsBatch *self)
{
  return self->rejects->len;
}

gboolean
dps_batch_is_empty (const DpsBatch *self)
{
  return self->rows->len == 0 && self->rejects->len == 0 &&
         self->checkpoints->len == 0;
}

void
dps_batch_result_add (DpsBatchResult       *total,
                      const DpsBatchResult *part)
{
  total->loaded += part->loaded;
  total->duplicates += part->duplicates;
  total->rejected += part->rejected;
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    total->rejected_by_reason[i] += part->rejected_by_reason[i];
}
