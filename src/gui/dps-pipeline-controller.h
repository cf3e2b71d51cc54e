/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-session.h"

G_BEGIN_DECLS

/* GSettings "schedule-mode" values. */
typedef enum {
  DPS_PIPELINE_SCHEDULE_OFF,
  DPS_PIPELINE_SCHEDULE_INTERVAL,
  DPS_PIPELINE_SCHEDULE_CONTINUOUS,
} DpsPipelineSchedule;

#define DPS_TYPE_PIPELINE_CONTROLLER (dps_pipeline_controller_get_type ())
G_DECLARE_FINAL_TYPE (DpsPipelineController, dps_pipeline_controller, DPS, PIPELINE_CONTROLLER, GObject)

/* What starts and stops the pipeline for the GUI, whichever control the
 * person used (the window's Pipeline menu and status bar, the Pipeline
 * view's buttons, the Schedule dialog): runs of a followed file or
 * folder, of a Kafka topic and of the live generator through the
 * session, the scheduled runs of the GSettings schedule ("schedule-mode",
 * "schedule-interval-minutes", "schedule-source-path"; it owns the one
 * DpsScheduler), the engine options of the settings ("batch-size",
 * "batch-interval-ms", "follow-poll-ms"), the per-backend settings of
 * the session ("pg-refresh-interval-seconds") and the quality checks
 * recorded with every run it did not schedule. One per session: get it
 * with dps_pipeline_controller_get_for_session(). Main thread only.
 *
 * Properties: "running", "busy", "status", "schedule-active",
 * "next-run", "schedule-problem". Signals: "run-checked" (run id),
 * "stopping". */

/* The session's controller, created on first use and kept with it. */
DpsPipelineController *dps_pipeline_controller_get_for_session (DpsSession *session);

DpsSession          *dps_pipeline_controller_get_session        (DpsPipelineController *self);
GSettings           *dps_pipeline_controller_get_settings       (DpsPipelineController *self);

/* Follows @path as it grows: a JSON Lines file, or a folder of them. The
 * path becomes what the schedule reads. Finishes once the run started. */
void                 dps_pipeline_controller_follow_async       (DpsPipelineController *self,
                                                                 const char            *path,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
/* The live generator at @rate events per second (with the settings'
 * share of faulty records), until stopped. */
void                 dps_pipeline_controller_start_generator_async (DpsPipelineController *self,
                                                                 double                 rate,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
/* Consumes the Kafka topic of the settings ("kafka-brokers",
 * "kafka-topic", "kafka-group", "kafka-properties") as a member of its
 * consumer group, until stopped; positions are stored in the database
 * with the rows. Fails at once when the brokers or the topic are not
 * set, or when this build has no Kafka support (HAVE_KAFKA). The
 * schedule does not read Kafka: such a run already waits for the
 * brokers and the group by itself. */
void                 dps_pipeline_controller_consume_kafka_async (DpsPipelineController *self,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
/* Runs the schedule's source now: the scheduler's next run when the
 * schedule is on, else one run that reads what is new, then ends. */
void                 dps_pipeline_controller_run_now_async      (DpsPipelineController *self,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
/* The engine that started (NULL with no error when the scheduler was
 * asked to run now). */
DpsEngine           *dps_pipeline_controller_start_finish       (DpsPipelineController *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);

/* Stops every run gracefully; a schedule that is on is turned off, so
 * nothing starts again by itself. */
void                 dps_pipeline_controller_stop               (DpsPipelineController *self);

/* Stops every run and the scheduler for good, leaving the settings as
 * they are: for a window that closes. "busy" turns FALSE once what was
 * read is committed. */
void                 dps_pipeline_controller_shutdown           (DpsPipelineController *self);

/* TRUE while a run goes on (the session's or the scheduler's). */
gboolean             dps_pipeline_controller_is_running         (DpsPipelineController *self);
/* TRUE while a run it started goes on, or the scheduler is on, starting
 * or still stopping. */
gboolean             dps_pipeline_controller_is_busy            (DpsPipelineController *self);
/* One line for people about what the pipeline does now: what is
 * followed or generated and what the run did, or the schedule and when
 * its next run starts; NULL when nothing goes on and the schedule is off. */
const char          *dps_pipeline_controller_get_status         (DpsPipelineController *self);
/* The engine options the settings ask for (batch size and interval). */
void                 dps_pipeline_controller_get_engine_options (DpsPipelineController *self,
                                                                 DpsEngineOptions      *options);
/* How often followed files and folders are polled, in milliseconds. */
guint                dps_pipeline_controller_get_poll_interval  (DpsPipelineController *self);
/* Running engines: the session's, then the scheduler's; newest last. */
GPtrArray           *dps_pipeline_controller_list_engines       (DpsPipelineController *self);

DpsPipelineSchedule  dps_pipeline_controller_get_schedule       (DpsPipelineController *self);
void                 dps_pipeline_controller_set_schedule       (DpsPipelineController *self,
                                                                 DpsPipelineSchedule    schedule);
guint                dps_pipeline_controller_get_interval_minutes (DpsPipelineController *self);
void                 dps_pipeline_controller_set_interval_minutes (DpsPipelineController *self,
                                                                 guint                  minutes);
/* The file or folder scheduled runs read ("" when none was chosen). */
char                *dps_pipeline_controller_dup_schedule_source (DpsPipelineController *self);
void                 dps_pipeline_controller_set_schedule_source (DpsPipelineController *self,
                                                                 const char            *path);
/* Real time (µs) of the next scheduled run; 0 when none is waiting. */
gint64               dps_pipeline_controller_get_next_run       (DpsPipelineController *self);
/* TRUE while the scheduler is started. */
gboolean             dps_pipeline_controller_get_schedule_active (DpsPipelineController *self);
/* Why the schedule is on but cannot run (no source, no database), for
 * people; NULL when it runs or is off. */
const char          *dps_pipeline_controller_get_schedule_problem (DpsPipelineController *self);

G_END_DECLS
