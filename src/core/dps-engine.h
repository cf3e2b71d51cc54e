/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-repository.h"
#include "dps-source.h"

G_BEGIN_DECLS

#define DPS_ENGINE_ERROR (dps_engine_error_quark ())
typedef enum {
  DPS_ENGINE_ERROR_FAILED,
  DPS_ENGINE_ERROR_BUSY,            /* already running */
  DPS_ENGINE_ERROR_RETRIES_EXHAUSTED,
} DpsEngineError;
GQuark dps_engine_error_quark (void);

typedef struct {
  guint    batch_rows;          /* a batch closes at this many rows… */
  guint    batch_interval_ms;   /* …or this long after its first row */
  guint    commit_rows;         /* batches commit together up to this many rows, where
                                 * the repository can; <= batch_rows: each alone */
  guint    commit_interval_ms;  /* …or this long after the first was written; and
                                 * always as soon as nothing more is ready */
  guint    backlog_rows;        /* while more parsed rows wait, batches are written
                                 * together up to this many rows (at most commit_rows),
                                 * where commits are grouped (the parsed queue then
                                 * holds this many more) */
  guint    transform_threads;   /* 0: read, parse and write on the calling thread */
  guint    chunk_lines;         /* lines handed from stage to stage at once */
  guint    queue_chunks;        /* capacity of each queue between stages (the parsed
                                 * queue holds a batch's, or a backlog's, worth of
                                 * chunks more) */
  guint    max_retries;         /* transient write errors in a row before failing; 0 = forever */
  gsize    max_line_length;
  gboolean stop_when_idle;      /* end the run when the source has nothing more right now */
} DpsEngineOptions;

/* 50,000 rows / 1 s batches, written together up to 150,000 rows (where
 * that pays) and committed together up to 1,000,000 rows / 5 s while the
 * sink has a backlog, a transform thread per processor but one (the
 * sink's), and at least one. */
void dps_engine_options_init (DpsEngineOptions *options);

typedef enum {
  DPS_ENGINE_STATE_IDLE,
  DPS_ENGINE_STATE_RUNNING,
  DPS_ENGINE_STATE_WAITING,         /* source idle (following), or retrying a write */
  DPS_ENGINE_STATE_FINISHED,
  DPS_ENGINE_STATE_FAILED,
  DPS_ENGINE_STATE_CANCELLED,
} DpsEngineState;

/* A snapshot a caller samples at any time (a timer in the GUI, a progress
 * line in the CLI): never a message per record. */
typedef struct {
  DpsEngineState state;
  gint64  run_id;
  gint64  rows_read;
  gint64  rows_loaded;
  gint64  rows_rejected;
  gint64  rows_duplicate;
  gint64  rejected_by_reason[DPS_N_REJECT_REASONS];
  gint64  bytes_read;
  gint64  batches;
  gint64  retries;
  double  rate_recent;             /* lines per second over the last seconds */
  double  rate_average;            /* lines per second since the start */
  guint   raw_queue_length;        /* source → transform */
  guint   raw_queue_capacity;
  guint   parsed_queue_length;     /* transform → sink */
  guint   parsed_queue_capacity;
  gint64  lag;                     /* bytes or records behind the source's end; -1 unknown */
  gint64  source_size;             /* bytes of the source when known, else -1 */
  double  last_batch_ms;           /* commit latency of the last batch */
  guint   last_batch_rows;
  gint32  last_batch_day_from;     /* UTC day numbers of the last batch's rows */
  gint32  last_batch_day_to;       /* (from > to when it had none) */
  double  elapsed_seconds;
  char    waiting_reason[160];     /* why WAITING, for people */
} DpsEngineMetrics;

#define DPS_TYPE_ENGINE (dps_engine_get_type ())
G_DECLARE_FINAL_TYPE (DpsEngine, dps_engine, DPS, ENGINE, GObject)

/* @repository should be the engine's own (its writes hold its lock). */
DpsEngine     *dps_engine_new            (DpsRepository          *repository,
                                          DpsSource              *source,
                                          const DpsEngineOptions *options);
DpsSource     *dps_engine_get_source     (DpsEngine              *self);

/* Runs to the end of the source (or until stopped, cancelled, or a fatal
 * error), blocking the calling thread. Records the run in pipeline_runs. */
gboolean       dps_engine_run            (DpsEngine              *self,
                                          GCancellable           *cancellable,
                                          GError                **error);
/* The same on a worker thread; @callback runs on the caller's main context. */
void           dps_engine_run_async      (DpsEngine              *self,
                                          GCancellable           *cancellable,
                                          GAsyncReadyCallback     callback,
                                          gpointer                user_data);
gboolean       dps_engine_run_finish     (DpsEngine              *self,
                                          GAsyncResult           *result,
                                          GError                **error);
/* Graceful stop from any thread: read no more, commit what was read. */
void           dps_engine_stop           (DpsEngine              *self);

void           dps_engine_get_metrics    (DpsEngine              *self,
                                          DpsEngineMetrics       *metrics);
/* The run as recorded (counts, status, error) once it has begun. */
DpsRunRecord  *dps_engine_dup_run        (DpsEngine              *self);

G_END_DECLS
