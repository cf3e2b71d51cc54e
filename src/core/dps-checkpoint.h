/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How far one source (or one Kafka partition of it) has been consumed.
 * Written in the same database transaction as the rows it covers. */
typedef struct {
  char     *source_key;   /* "file:/abs/path", "kafka:topic@group", "generator:seed" */
  gint32    partition;    /* -1 for files */
  gint64    offset;       /* next byte (files) or next Kafka offset to read */
  gint64    line;         /* lines consumed so far (files), else -1 */
  char     *fingerprint;  /* identity of the bytes before offset; NULL if none */
  gboolean  complete;     /* the source was read to its end by a one-shot import */
  gint64    updated_at;   /* microseconds since the epoch, set by the repository */
} DpsCheckpoint;

GType          dps_checkpoint_get_type  (void) G_GNUC_CONST;
#define DPS_TYPE_CHECKPOINT (dps_checkpoint_get_type ())

DpsCheckpoint *dps_checkpoint_new       (const char          *source_key,
                                         gint32               partition);
DpsCheckpoint *dps_checkpoint_copy      (const DpsCheckpoint *self);
void           dps_checkpoint_free      (DpsCheckpoint       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsCheckpoint, dps_checkpoint_free)

G_END_DECLS
