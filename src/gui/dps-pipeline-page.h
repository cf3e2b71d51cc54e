/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-pipeline-controller.h"
#include "dps-pipeline-diagram.h"
#include "dps-session.h"

G_BEGIN_DECLS

#define DPS_TYPE_PIPELINE_PAGE (dps_pipeline_page_get_type ())
G_DECLARE_FINAL_TYPE (DpsPipelinePage, dps_pipeline_page, DPS, PIPELINE_PAGE, AdwBin)

/* The Pipeline view: the live diagram, the controls (follow, generator,
 * run now, stop, schedule), throughput over the last minutes and the
 * run history with each run's quality checks and error; while a Kafka
 * topic is consumed, the lag of each of its partitions. Its commands
 * are the "pipeline." actions:
 *   pipeline.follow (s)          follow a file or folder; "" asks for a file
 *   pipeline.follow-folder (s)   the same; "" asks for a folder
 *   pipeline.start-generator     the live generator at the chosen rate
 *   pipeline.consume-kafka       the Kafka topic of the settings, until
 *                                stopped (only in builds with Kafka)
 *   pipeline.run-now             load what is new in the scheduled source
 *   pipeline.stop                stop every run, turn the schedule off
 *   pipeline.schedule-file (s)   what the schedule reads; "" asks
 *   pipeline.schedule-folder (s) the same, asking for a folder */
GtkWidget          *dps_pipeline_page_new            (DpsSession      *session);
/* The "pipeline" actions above, for a window to insert beside its own. */
GActionGroup       *dps_pipeline_page_get_action_group (DpsPipelinePage *self);
DpsSession         *dps_pipeline_page_get_session    (DpsPipelinePage *self);
DpsPipelineDiagram *dps_pipeline_page_get_diagram    (DpsPipelinePage *self);
/* The run history (DpsRunItem), newest first. */
GListModel         *dps_pipeline_page_get_history    (DpsPipelinePage *self);
/* Samples the running engines now instead of at the next second. */
void                dps_pipeline_page_sample         (DpsPipelinePage *self);
/* The partitions the Kafka list shows (DpsKafkaPartitionLag, by
 * partition number): those of the Kafka run going on, or where the last
 * one stopped; empty when the list is hidden. Free with g_array_unref(). */
GArray             *dps_pipeline_page_dup_partition_lag (DpsPipelinePage *self);
/* Reads the run history again (on a worker). */
void                dps_pipeline_page_refresh_history (DpsPipelinePage *self);

G_END_DECLS
