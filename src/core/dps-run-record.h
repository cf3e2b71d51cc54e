/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-enums.h"

G_BEGIN_DECLS

typedef enum {
  DPS_RUN_STATUS_RUNNING     = 0,
  DPS_RUN_STATUS_SUCCEEDED   = 1,
  DPS_RUN_STATUS_FAILED      = 2,
  DPS_RUN_STATUS_CANCELLED   = 3,
  DPS_RUN_STATUS_INTERRUPTED = 4,   /* found still "running" by a later process */
} DpsRunStatus;

GType        dps_run_status_get_type    (void) G_GNUC_CONST;
#define DPS_TYPE_RUN_STATUS (dps_run_status_get_type ())
const char  *dps_run_status_to_string   (DpsRunStatus status);
gboolean     dps_run_status_from_string (const char   *text,
                                         DpsRunStatus *out);
/* Translated label ("Succeeded"). */
const char  *dps_run_status_get_label   (DpsRunStatus status);

/* One row of pipeline_runs. */
typedef struct {
  gint64        id;                  /* assigned by the repository */
  char         *kind;                /* "import", "follow", "folder", "generator", "kafka" */
  char         *source;              /* what was read; never holds a password */
  gint64        started_at;          /* microseconds since the epoch */
  gint64        finished_at;         /* 0 while running */
  gint64        rows_read;
  gint64        rows_loaded;
  gint64        rows_rejected;
  gint64        rows_duplicate;
  gint64        bytes_read;
  DpsRunStatus  status;
  char         *error;               /* full message of a failed run, else NULL */
  char         *stage_timings;       /* JSON object: stage name -> seconds */
  char         *quality_checks;      /* JSON array of {name, passed, detail} */
  gint64        rejected_by_reason[DPS_N_REJECT_REASONS];
} DpsRunRecord;

GType         dps_run_record_get_type  (void) G_GNUC_CONST;
#define DPS_TYPE_RUN_RECORD (dps_run_record_get_type ())

DpsRunRecord *dps_run_record_new       (const char         *kind,
                                        const char         *source);
DpsRunRecord *dps_run_record_copy      (const DpsRunRecord *self);
void          dps_run_record_free      (DpsRunRecord       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsRunRecord, dps_run_record_free)

G_END_DECLS
