/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DPS_TYPE_SCHEDULE_DIALOG (dps_schedule_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DpsScheduleDialog, dps_schedule_dialog, DPS, SCHEDULE_DIALOG, AdwWindow)

/* How the pipeline repeats ("schedule-mode", "schedule-interval-minutes"
 * in @settings) for the followed @path (NULL when none yet). "apply" is
 * emitted once the settings are written. */
DpsScheduleDialog *dps_schedule_dialog_new (GtkWindow  *parent,
                                            GSettings  *settings,
                                            const char *path);

G_END_DECLS
