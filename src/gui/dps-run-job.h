/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-session.h"

G_BEGIN_DECLS

/* Totals of a job: its finished runs plus the one going on. */
typedef struct {
  gint64 rows_read;
  gint64 rows_loaded;
  gint64 rows_rejected;
  gint64 rows_duplicate;
  gint64 bytes_read;
} DpsRunJobTotals;

/* A source that could not be loaded, and why. */
typedef struct {
  char   *label;
  GError *error;
} DpsRunJobFailure;

#define DPS_TYPE_RUN_JOB (dps_run_job_get_type ())
G_DECLARE_FINAL_TYPE (DpsRunJob, dps_run_job, DPS, RUN_JOB, GObject)

/* One user request (an import of several files, a batch of generated
 * data) run through the session's engine, one source after the other,
 * never on the main thread. "finished" tells when it is over. */
DpsRunJob     *dps_run_job_new              (DpsSession             *session,
                                             const char             *title,
                                             const DpsEngineOptions *options);
/* @label names the source for people (a file name). With
 * @expected_rows > 0 progress is measured in rows instead of bytes. */
void           dps_run_job_add_source       (DpsRunJob              *self,
                                             DpsSource              *source,
                                             const char             *label,
                                             gint64                  expected_rows);
/* Report a source that loaded nothing but unreadable lines (not JSON at
 * all) as a failure naming it. */
void           dps_run_job_set_check_format (DpsRunJob              *self,
                                             gboolean                check_format);
void           dps_run_job_start            (DpsRunJob              *self);
/* Stops the run now (what was committed stays) and skips the rest. */
void           dps_run_job_cancel           (DpsRunJob              *self);
/* Stops gracefully: the current run commits what it read; the sources
 * after it are skipped. */
void           dps_run_job_stop             (DpsRunJob              *self);

const char    *dps_run_job_get_title        (DpsRunJob              *self);
gboolean       dps_run_job_is_running       (DpsRunJob              *self);
gboolean       dps_run_job_was_cancelled    (DpsRunJob              *self);
guint          dps_run_job_get_n_sources    (DpsRunJob              *self);
/* Index of the source being read (n_sources once over). */
guint          dps_run_job_get_position     (DpsRunJob              *self);
const char    *dps_run_job_get_current_label (DpsRunJob             *self);
gint64         dps_run_job_get_expected_rows (DpsRunJob             *self);
/* The engine of the source being read, or NULL between runs. */
DpsEngine     *dps_run_job_get_engine       (DpsRunJob              *self);
void           dps_run_job_get_totals       (DpsRunJob              *self,
                                             DpsRunJobTotals        *totals);
/* DpsRunJobFailure* in the order they happened. */
GPtrArray     *dps_run_job_get_failures     (DpsRunJob              *self);
/* pipeline_runs ids of the runs this job recorded. */
GArray        *dps_run_job_get_run_ids      (DpsRunJob              *self);

G_END_DECLS
