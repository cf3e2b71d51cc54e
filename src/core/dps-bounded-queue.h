/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core: a FIFO of pointers with a fixed capacity joining
 * two pipeline stages. A full queue blocks the producer (back-pressure),
 * an empty one the consumer; both wake when the queue is closed or the
 * run's GCancellable fires. */

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DpsBoundedQueue DpsBoundedQueue;

DpsBoundedQueue *dps_bounded_queue_new       (guint             capacity,
                                              GCancellable     *cancellable);
void             dps_bounded_queue_free      (DpsBoundedQueue  *self,
                                              GDestroyNotify    free_item);
/* FALSE when the queue was closed or cancelled: the item was not taken. */
gboolean         dps_bounded_queue_push      (DpsBoundedQueue  *self,
                                              gpointer          item);
/* NULL when the queue is closed and empty, or cancelled. */
gpointer         dps_bounded_queue_pop       (DpsBoundedQueue  *self);
/* Like pop, but gives up after @timeout_us (NULL, *timed_out TRUE). */
gpointer         dps_bounded_queue_pop_timeout (DpsBoundedQueue *self,
                                              gint64            timeout_us,
                                              gboolean         *timed_out);
/* No more pushes: consumers drain what is left, then get NULL. */
void             dps_bounded_queue_close     (DpsBoundedQueue  *self);
guint            dps_bounded_queue_get_length (DpsBoundedQueue *self);
guint            dps_bounded_queue_get_capacity (DpsBoundedQueue *self);

G_END_DECLS
