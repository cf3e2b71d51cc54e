/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-pipeline-controller.h"

G_BEGIN_DECLS

#define DPS_TYPE_SCHEDULE_DIALOG (dps_schedule_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DpsScheduleDialog, dps_schedule_dialog, DPS, SCHEDULE_DIALOG, AdwWindow)

/* How the pipeline repeats by itself: the schedule of @controller (its
 * mode, the minutes between runs and the file or folder it reads), the
 * same one the Pipeline view edits. Apply writes the three at once. */
DpsScheduleDialog *dps_schedule_dialog_new        (GtkWindow             *parent,
                                                   DpsPipelineController *controller);
/* The file or folder shown, applied with the rest ("" when none). */
const char        *dps_schedule_dialog_get_source (DpsScheduleDialog     *self);
void               dps_schedule_dialog_set_source (DpsScheduleDialog     *self,
                                                   const char            *path);

G_END_DECLS
