/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include "dps-checkpoint.h"

G_DEFINE_BOXED_TYPE (DpsCheckpoint, dps_checkpoint,
                     dps_checkpoint_copy, dps_checkpoint_free)

DpsCheckpoint *
dps_checkpoint_new (const char *source_key,
                    gint32      partition)
{
  DpsCheckpoint *self;

  g_return_val_if_fail (source_key != NULL, NULL);

  self = g_new0 (DpsCheckpoint, 1);
  self->source_key = g_strdup (source_key);
  self->partition = partition;
  self->line = -1;
  return self;
}

DpsCheckpoint *
dps_checkpoint_copy (const DpsCheckpoint *self)
{
  DpsCheckpoint *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->source_key = g_strdup (self->source_key);
  copy->fingerprint = g_strdup (self->fingerprint);
  return copy;
}

void
dps_checkpoint_free (DpsCheckpoint *self)
{
  if (self == NULL)
    return;
  g_free (self->source_key);
  g_free (self->fingerprint);
  g_free (self);
}
