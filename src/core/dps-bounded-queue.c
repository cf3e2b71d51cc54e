/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include "dps-bounded-queue.h"

struct _DpsBoundedQueue
{
  GMutex        lock;
  GCond         not_full;
  GCond         not_empty;
  GQueue        items;         /* under lock */
  guint         capacity;
  gboolean      closed;        /* under lock */
  gboolean      cancelled;     /* under lock */
  GCancellable *cancellable;
  gulong        cancelled_id;
};

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  DpsBoundedQueue *self = user_data;

  g_mutex_lock (&self->lock);
  self->cancelled = TRUE;
  g_cond_broadcast (&self->not_full);
  g_cond_broadcast (&self->not_empty);
  g_mutex_unlock (&self->lock);
}

DpsBoundedQueue *
dps_bounded_queue_new (guint         capacity,
                       GCancellable *cancellable)
{
  DpsBoundedQueue *self = g_new0 (DpsBoundedQueue, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->not_full);
  g_cond_init (&self->not_empty);
  g_queue_init (&self->items);
  self->capacity = MAX (capacity, 1u);
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      /* Runs at once when already cancelled. */
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
    }
  return self;
}

void
dps_bounded_queue_free (DpsBoundedQueue *self,
                        GDestroyNotify   free_item)
{
  if (self == NULL)
    return;
  if (self->cancellable != NULL)
    {
      g_cancellable_disconnect (self->cancellable, self->cancelled_id);
      g_object_unref (self->cancellable);
    }
  if (free_item != NULL)
    g_queue_clear_full (&self->items, free_item);
  else
    g_queue_clear (&self->items);
  g_cond_clear (&self->not_full);
  g_cond_clear (&self->not_empty);
  g_mutex_clear (&self->lock);
  g_free (self);
}

gboolean
dps_bounded_queue_push (DpsBoundedQueue *self,
                        gpointer         item)
{
  gboolean pushed = FALSE;

  g_mutex_lock (&self->lock);
  while (!self->closed && !self->cancelled && self->items.length >= self->capacity)
    g_cond_wait (&self->not_full, &self->lock);
  if (!self->closed && !self->cancelled)
    {
      g_queue_push_tail (&self->items, item);
      g_cond_signal (&self->not_empty);
      pushed = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return pushed;
}

gpointer
dps_bounded_queue_pop_timeout (DpsBoundedQueue *self,
                               gint64           timeout_us,
                               gboolean        *timed_out)
{
  gpointer item = NULL;
  gint64 deadline = timeout_us >= 0 ? g_get_monotonic_time () + timeout_us : -1;

  if (timed_out != NULL)
    *timed_out = FALSE;

  g_mutex_lock (&self->lock);
  while (!self->cancelled && !self->closed && self->items.length == 0)
    {
      if (deadline < 0)
        g_cond_wait (&self->not_empty, &self->lock);
      else if (!g_cond_wait_until (&self->not_empty, &self->lock, deadline))
        {
          if (timed_out != NULL)
            *timed_out = self->items.length == 0;
          break;
        }
    }
  if (!self->cancelled && self->items.length > 0)
    {
      item = g_queue_pop_head (&self->items);
      g_cond_signal (&self->not_full);
      if (timed_out != NULL)
        *timed_out = FALSE;
    }
  g_mutex_unlock (&self->lock);
  return item;
}

gpointer
dps_bounded_queue_pop (DpsBoundedQueue *self)
{
  return dps_bounded_queue_pop_timeout (self, -1, NULL);
}

void
dps_bounded_queue_close (DpsBoundedQueue *self)
{
  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  g_cond_broadcast (&self->not_full);
  g_cond_broadcast (&self->not_empty);
  g_mutex_unlock (&self->lock);
}

guint
dps_bounded_queue_get_length (DpsBoundedQueue *self)
{
  guint length;

  g_mutex_lock (&self->lock);
  length = self->items.length;
  g_mutex_unlock (&self->lock);
  return length;
}

guint
dps_bounded_queue_get_capacity (DpsBoundedQueue *self)
{
  return self->capacity;
}
