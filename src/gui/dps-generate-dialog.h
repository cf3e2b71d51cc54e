/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-core.h"

G_BEGIN_DECLS

/* Where the generated records go ("Send to" row). */
typedef enum {
  DPS_GENERATE_DESTINATION_DATABASE,   /* through the pipeline, like an import */
  DPS_GENERATE_DESTINATION_KAFKA,      /* to the Kafka topic of the settings */
} DpsGenerateDestination;

#define DPS_TYPE_GENERATE_DIALOG (dps_generate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DpsGenerateDialog, dps_generate_dialog, DPS, GENERATE_DIALOG, AdwWindow)

/* Asks how much sample data to generate (rows, seed, period or live
 * rate, share of faulty records), remembered in @settings, and where it
 * goes. For the database, "generate" is emitted when the user confirms;
 * the dialog then closes. For the Kafka topic of the settings (builds
 * with Kafka), the dialog sends the records itself, as fast as the
 * brokers take them (spread over past days) or at the live rate, shows
 * produced, delivered and failed counts with Cancel, then the outcome;
 * "produced" (delivered, failed, error) tells when it is over. */
DpsGenerateDialog *dps_generate_dialog_new         (GtkWindow           *parent,
                                                    GSettings           *settings);
/* The generator options chosen; *rate is 0 for data spread over the
 * last days, the events per second of a live stream otherwise. */
void               dps_generate_dialog_get_options (DpsGenerateDialog   *self,
                                                    DpsGeneratorOptions *options,
                                                    double              *rate);
/* DPS_GENERATE_DESTINATION_KAFKA only in builds with Kafka. */
void               dps_generate_dialog_set_destination (DpsGenerateDialog      *self,
                                                    DpsGenerateDestination  destination);
DpsGenerateDestination dps_generate_dialog_get_destination (DpsGenerateDialog  *self);
/* What the dialog says once sending to Kafka is over; NULL before. */
const char        *dps_generate_dialog_get_outcome (DpsGenerateDialog   *self);

G_END_DECLS
