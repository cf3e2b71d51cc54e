/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-core.h"

G_BEGIN_DECLS

#define DPS_TYPE_GENERATE_DIALOG (dps_generate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DpsGenerateDialog, dps_generate_dialog, DPS, GENERATE_DIALOG, AdwWindow)

/* Asks how much sample data to generate (rows, seed, period or live
 * rate, share of faulty records), remembered in @settings. "generate"
 * is emitted when the user confirms; the dialog then closes. */
DpsGenerateDialog *dps_generate_dialog_new         (GtkWindow           *parent,
                                                    GSettings           *settings);
/* The generator options chosen; *rate is 0 for data spread over the
 * last days, the events per second of a live stream otherwise. */
void               dps_generate_dialog_get_options (DpsGenerateDialog   *self,
                                                    DpsGeneratorOptions *options,
                                                    double              *rate);

G_END_DECLS
