/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-session.h"

G_BEGIN_DECLS

#define DPS_TYPE_PIPELINE_RUNNER (dps_pipeline_runner_get_type ())
G_DECLARE_FINAL_TYPE (DpsPipelineRunner, dps_pipeline_runner, DPS, PIPELINE_RUNNER, GObject)

/* The pipeline of a window: a followed file or folder run by a
 * DpsScheduler on the settings' schedule ("schedule-mode",
 * "schedule-interval-minutes"), with the batch and poll settings. Its
 * runs write through a connection of their own; the session hears of
 * what they load. */
DpsPipelineRunner *dps_pipeline_runner_new          (DpsSession        *session,
                                                     GSettings         *settings);
/* Follows @path (a JSONL file or a folder of them) from now on: every
 * N minutes when the schedule says so, else continuously. */
void               dps_pipeline_runner_follow       (DpsPipelineRunner *self,
                                                     const char        *path);
const char        *dps_pipeline_runner_get_path     (DpsPipelineRunner *self);
/* Starts the next scheduled run now; FALSE when no schedule runs (the
 * caller then runs dps_pipeline_runner_create_source() once). */
gboolean           dps_pipeline_runner_run_now      (DpsPipelineRunner *self);
/* A source reading what is new in the followed path, or NULL if none. */
DpsSource         *dps_pipeline_runner_create_source (DpsPipelineRunner *self);
/* Rereads the schedule: "off" stops the scheduler, another mode
 * restarts it on the followed path. */
void               dps_pipeline_runner_apply_schedule (DpsPipelineRunner *self);
/* Stops the scheduler, committing what its run read (off the main thread). */
void               dps_pipeline_runner_stop         (DpsPipelineRunner *self);
/* A scheduler is running. */
gboolean           dps_pipeline_runner_is_active    (DpsPipelineRunner *self);
/* Active, starting or still stopping. */
gboolean           dps_pipeline_runner_is_busy      (DpsPipelineRunner *self);
/* One line for people: what is followed, what the current run did, when
 * the next one starts. */
const char        *dps_pipeline_runner_get_status   (DpsPipelineRunner *self);
/* The engine options the settings ask for (batch size and interval). */
void               dps_pipeline_runner_get_engine_options (DpsPipelineRunner *self,
                                                     DpsEngineOptions  *options);

G_END_DECLS
