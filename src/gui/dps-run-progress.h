/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-run-job.h"

G_BEGIN_DECLS

#define DPS_TYPE_RUN_PROGRESS (dps_run_progress_get_type ())
G_DECLARE_FINAL_TYPE (DpsRunProgress, dps_run_progress, DPS, RUN_PROGRESS, GtkWidget)

/* A panel showing a job's progress (rows, rows/s, bytes, time left),
 * sampled from the engine's metrics four times a second, with Cancel. */
GtkWidget *dps_run_progress_new     (DpsRunJob      *job);
DpsRunJob *dps_run_progress_get_job (DpsRunProgress *self);
/* Samples the metrics now instead of at the next tick. */
void       dps_run_progress_update  (DpsRunProgress *self);

G_END_DECLS
