/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <string.h>

#include "dps-reject.h"

G_DEFINE_BOXED_TYPE (DpsReject, dps_reject, dps_reject_copy, dps_reject_free)

DpsReject *
dps_reject_new (void)
{
  DpsReject *self = g_new0 (DpsReject, 1);
  DpsPosition init = DPS_POSITION_INIT;

  self->position = init;
  self->event_ts = G_MININT64;
  return self;
}

DpsReject *
dps_reject_copy (const DpsReject *self)
{
  DpsReject *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->detail = g_strdup (self->detail);
  copy->field = g_strdup (self->field);
  copy->raw = self->raw != NULL ? g_memdup2 (self->raw, self->raw_size + 1) : NULL;
  copy->transaction_id = g_strdup (self->transaction_id);
  return copy;
}

void
dps_reject_clear (DpsReject *self)
{
  DpsPosition init = DPS_POSITION_INIT;

  g_return_if_fail (self != NULL);

  g_free (self->detail);
  g_free (self->field);
  g_free (self->raw);
  g_free (self->transaction_id);
  memset (self, 0, sizeof *self);
  self->position = init;
  self->event_ts = G_MININT64;
}

void
dps_reject_free (DpsReject *self)
{
  if (self == NULL)
    return;
  dps_reject_clear (self);
  g_free (self);
}

void
dps_reject_set_raw (DpsReject  *self,
                    const char *raw,
                    gsize       length)
{
  gsize keep = MIN (length, (gsize) DPS_REJECT_RAW_MAX);

  g_return_if_fail (self != NULL);

  g_free (self->raw);
  /* One byte more, always NUL, so valid text can be read as a C string. */
  self->raw = g_malloc (keep + 1);
  if (keep > 0)
    memcpy (self->raw, raw, keep);
  self->raw[keep] = '\0';
  self->raw_size = keep;
  self->raw_length = length;
}

char *
dps_reject_dup_raw_text (const DpsReject *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->raw == NULL)
    return g_strdup ("");
  return g_utf8_make_valid ((const char *) self->raw, (gssize) self->raw_size);
}
