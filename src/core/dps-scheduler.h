/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-engine.h"

G_BEGIN_DECLS

/* Makes the source of each run (a new one every time). */
typedef DpsSource *(*DpsSourceFactory) (gpointer user_data);

typedef enum {
  DPS_SCHEDULE_INTERVAL,     /* a run every interval: reads what is new, then ends */
  DPS_SCHEDULE_CONTINUOUS,   /* one run that follows its source, restarted if it fails */
} DpsScheduleMode;

typedef struct {
  DpsScheduleMode mode;
  guint           interval_seconds;       /* INTERVAL: time between run starts */
  double          max_reject_rate;        /* quality check threshold, 0..1 */
  guint           max_backoff_seconds;    /* cap of the wait before retrying a failed run */
} DpsScheduleOptions;

void dps_schedule_options_init (DpsScheduleOptions *options);

#define DPS_TYPE_SCHEDULER (dps_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (DpsScheduler, dps_scheduler, DPS, SCHEDULER, GObject)

/* The role Airflow played: runs a pipeline again and again on its own
 * thread, never two runs of it at once, retrying failed runs with
 * backoff, and checks the data after each load (recorded with the run).
 * Signals are emitted on the main context that called start(). */
DpsScheduler *dps_scheduler_new          (DpsRepository            *repository,
                                          DpsSourceFactory          factory,
                                          gpointer                  factory_data,
                                          GDestroyNotify            factory_data_free,
                                          const DpsEngineOptions   *engine_options,
                                          const DpsScheduleOptions *options);
/* The same for a file or a folder at @path: each run reads what is new
 * there (a file is followed from its checkpoint; a folder's new and
 * grown files are read), @poll_ms between looks. */
DpsScheduler *dps_scheduler_new_for_path (DpsRepository            *repository,
                                          const char               *path,
                                          guint                     poll_ms,
                                          const DpsEngineOptions   *engine_options,
                                          const DpsScheduleOptions *options);
void          dps_scheduler_start        (DpsScheduler             *self);
/* Stops the current run gracefully and waits for the thread to end. */
void          dps_scheduler_stop         (DpsScheduler             *self);
/* Starts the next run now instead of at its time. */
void          dps_scheduler_run_now      (DpsScheduler             *self);
gboolean      dps_scheduler_is_running   (DpsScheduler             *self);
/* Real time (µs) of the next run; 0 while a run is going on or stopped. */
gint64        dps_scheduler_get_next_run (DpsScheduler             *self);
/* The engine of the current (or last) run, for its metrics; may be NULL. */
DpsEngine    *dps_scheduler_dup_engine   (DpsScheduler             *self);

G_END_DECLS
