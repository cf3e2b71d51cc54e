/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-run-record.h"

G_DEFINE_BOXED_TYPE (DpsRunRecord, dps_run_record,
                     dps_run_record_copy, dps_run_record_free)

G_DEFINE_ENUM_TYPE (DpsRunStatus, dps_run_status,
  G_DEFINE_ENUM_VALUE (DPS_RUN_STATUS_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (DPS_RUN_STATUS_SUCCEEDED, "succeeded"),
  G_DEFINE_ENUM_VALUE (DPS_RUN_STATUS_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (DPS_RUN_STATUS_CANCELLED, "cancelled"),
  G_DEFINE_ENUM_VALUE (DPS_RUN_STATUS_INTERRUPTED, "interrupted"))

static const char *const status_names[] = {
  "running", "succeeded", "failed", "cancelled", "interrupted",
};

static const char *const status_labels[] = {
  N_("Running"), N_("Succeeded"), N_("Failed"), N_("Cancelled"), N_("Interrupted"),
};

const char *
dps_run_status_to_string (DpsRunStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
dps_run_status_from_string (const char   *text,
                            DpsRunStatus *out)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (status_names); i++)
    {
      if (strcmp (status_names[i], text) == 0)
        {
          *out = (DpsRunStatus) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
dps_run_status_get_label (DpsRunStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_labels), NULL);
  return g_dgettext (GETTEXT_PACKAGE, status_labels[status]);
}

DpsRunRecord *
dps_run_record_new (const char *kind,
                    const char *source)
{
  DpsRunRecord *self = g_new0 (DpsRunRecord, 1);

  self->kind = g_strdup (kind);
  self->source = g_strdup (source);
  self->status = DPS_RUN_STATUS_RUNNING;
  return self;
}

DpsRunRecord *
dps_run_record_copy (const DpsRunRecord *self)
{
  DpsRunRecord *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->kind = g_strdup (self->kind);
  copy->source = g_strdup (self->source);
  copy->error = g_strdup (self->error);
  copy->stage_timings = g_strdup (self->stage_timings);
  copy->quality_checks = g_strdup (self->quality_checks);
  return copy;
}

void
dps_run_record_free (DpsRunRecord *self)
{
  if (self == NULL)
    return;
  g_free (self->kind);
  g_free (self->source);
  g_free (self->error);
  g_free (self->stage_timings);
  g_free (self->quality_checks);
  g_free (self);
}
