/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-bounded-queue.h"
#include "dps-engine.h"
#include "dps-record-parser.h"

#define RATE_SAMPLES 64
#define ADD_US(field, value) __atomic_fetch_add (&(field), (value), __ATOMIC_RELAXED)
#define GET_US(field) __atomic_load_n (&(field), __ATOMIC_RELAXED)
#define RATE_WINDOW_US (5 * G_USEC_PER_SEC)

/* A parsed chunk on its way to the sink, with its place in the order. */
typedef struct {
  guint64   seq;
  DpsBatch *batch;
} Parsed;

typedef struct {
  gint64 time;       /* monotonic */
  gint64 lines;      /* cumulative lines committed */
} RateSample;

/* A batch written in a transaction that is still open: what its commit
 * will report. */
typedef struct {
  DpsBatchResult result;
  gint64         latency_us;
  guint          lines;         /* rows and rejects */
  gsize          bytes;
  gint32         day_from;      /* of its rows; G_MAXINT32 without rows */
  gint32         day_to;
  GPtrArray     *checkpoints;   /* DpsCheckpoint*, owned */
} Written;

/* Accumulates parsed chunks, in source order, into write batches. */
typedef struct {
  DpsBatch   *pending;
  gint64      pending_since;   /* monotonic time of its first content; 0 = empty */
  guint       pending_chunks;  /* in it, still counted in flight */
  guint64     next_seq;
  GHashTable *reorder;         /* seq → Parsed*, chunks that overtook others */

  /* Batches written but not committed (see DpsEngineOptions.commit_rows). */
  GArray     *written;         /* Written */
  gint64      written_since;   /* monotonic time of the first; 0 = none */
  guint       written_lines;
} Sink;

struct _DpsEngine
{
  GObject           parent_instance;

  /* Set at construction. */
  DpsRepository    *repository;
  DpsSource        *source;
  DpsEngineOptions  options;

  /* One run's machinery; created and destroyed by dps_engine_run(). */
  GCancellable     *cancellable;     /* internal: cancelled by the caller's or a fatal error */
  DpsBoundedQueue  *raw_queue;       /* DpsChunk* */
  DpsBoundedQueue  *parsed_queue;    /* Parsed* */
  GAsyncQueue      *chunk_pool;      /* DpsChunk* to reuse */
  GThreadPool      *rollup_pool;     /* sums batches for the rollups; threaded path only */
  gint              transforms_alive;/* atomic */

  /* Chunks read and not yet written, wherever they are: in a queue, a
   * transform thread, the sink's reorder buffer or its pending batch.
   * The source waits while there are max_in_flight of them, so that
   * chunks passing a slow transform thread cannot pile up in the reorder
   * buffer, and a larger write leaves less room behind it: the rows held
   * are bounded alike whatever the write's size. */
  GMutex            flight_lock;
  GCond             flight_cond;
  guint             in_flight;       /* under flight_lock */
  guint             max_in_flight;   /* under flight_lock; 0: not counted (the inline path) */
  /* Room once the repository prefers large writes (see flight_widen()). */
  guint             max_in_flight_large;

  gint              stop_requested;  /* atomic */
  gint              running;         /* atomic */

  /* Stage busy time, microseconds (atomic adds). */
  gint64            read_us;
  gint64            transform_us;
  gint64            write_us;

  /* Under lock: what callers may read while the run goes on. */
  GMutex            lock;
  DpsEngineMetrics  metrics;
  DpsRunRecord     *run;
  GError           *error;           /* first fatal error */
  RateSample        samples[RATE_SAMPLES];
  guint             n_samples;
  gint64            started;         /* monotonic */
};

G_DEFINE_FINAL_TYPE (DpsEngine, dps_engine, G_TYPE_OBJECT)
G_DEFINE_QUARK (dps-engine-error-quark, dps_engine_error)

static void
parsed_free (gpointer data)
{
  Parsed *parsed = data;

  dps_batch_free (parsed->batch);
  g_free (parsed);
}

/* ---------------------------------------------------------------------- */
/* shared state                                                           */

static void
set_state (DpsEngine      *self,
           DpsEngineState  state,
           const char     *reason)
{
  g_mutex_lock (&self->lock);
  self->metrics.state = state;
  g_strlcpy (self->metrics.waiting_reason, reason != NULL ? reason : "",
             sizeof self->metrics.waiting_reason);
  g_mutex_unlock (&self->lock);
}

/* Keeps the first fatal error. A failing source lets what it read drain
 * into the database; a failing sink stops every stage at once. */
static void
fail (DpsEngine *self,
      GError    *error,
      gboolean   stop_now)
{
  g_mutex_lock (&self->lock);
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&self->lock);
  if (stop_now)
    g_cancellable_cancel (self->cancellable);
}

static gboolean
should_stop (DpsEngine *self)
{
  return g_atomic_int_get (&self->stop_requested) || g_cancellable_is_cancelled (self->cancellable);
}

/* Sleeps up to @ms, waking early when stopped or cancelled. */
static void
pause_for (DpsEngine *self,
           guint      ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!should_stop (self))
    {
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        break;
      g_usleep ((gulong) MIN (left, (gint64) 20000));
    }
}

/* Sleeps up to @ms, waking early only when cancelled: a stopped run still
 * commits what it read, and its retries keep their backoff. */
static void
backoff_for (DpsEngine *self,
             guint      ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!g_cancellable_is_cancelled (self->cancellable))
    {
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        break;
      g_usleep ((gulong) MIN (left, (gint64) 20000));
    }
}

static void
flight_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  DpsEngine *self = user_data;

  g_mutex_lock (&self->flight_lock);
  g_cond_broadcast (&self->flight_cond);
  g_mutex_unlock (&self->flight_lock);
}

/* The source's turn to read a chunk; FALSE when cancelled. */
static gboolean
flight_acquire (DpsEngine *self)
{
  gboolean ok;

  g_mutex_lock (&self->flight_lock);
  while (self->in_flight >= self->max_in_flight && !g_cancellable_is_cancelled (self->cancellable))
    g_cond_wait (&self->flight_cond, &self->flight_lock);
  ok = !g_cancellable_is_cancelled (self->cancellable);
  if (ok)
    self->in_flight++;
  g_mutex_unlock (&self->flight_lock);
  return ok;
}

static void
flight_release_n (DpsEngine *self,
                  guint      n)
{
  if (n == 0)
    return;
  g_mutex_lock (&self->flight_lock);
  if (self->max_in_flight > 0)
    {
      g_assert (self->in_flight >= n);
      self->in_flight -= n;
      g_cond_signal (&self->flight_cond);
    }
  g_mutex_unlock (&self->flight_lock);
}

static void
flight_release (DpsEngine *self)
{
  flight_release_n (self, 1);
}

/* Until the repository prefers large writes, a backlog is written a batch
 * at a time, and rows parsed ahead of that would only wait: the room for
 * a backlog's write is given once it pays. A SQLite writer gives up most
 * of its page cache at the same moment, so a large load holds about as
 * much memory as a small one. */
static void
flight_widen (DpsEngine *self)
{
  if (self->max_in_flight_large == 0 || !dps_repository_prefers_large_writes (self->repository))
    return;
  g_mutex_lock (&self->flight_lock);
  self->max_in_flight = self->max_in_flight_large;
  self->max_in_flight_large = 0;
  g_cond_broadcast (&self->flight_cond);
  g_mutex_unlock (&self->flight_lock);
}

static DpsChunk *
take_chunk (DpsEngine *self)
{
  DpsChunk *chunk = self->chunk_pool != NULL ? g_async_queue_try_pop (self->chunk_pool) : NULL;

  if (chunk == NULL)
    return dps_chunk_new ();
  dps_chunk_reset (chunk);
  return chunk;
}

static void
give_chunk (DpsEngine *self,
            DpsChunk  *chunk)
{
  /* Keep a few for reuse; the pool is bounded by what is in flight. */
  if (self->chunk_pool != NULL && g_async_queue_length (self->chunk_pool) < 32)
    g_async_queue_push (self->chunk_pool, chunk);
  else
    dps_chunk_free (chunk);
}

/* ---------------------------------------------------------------------- */
/* transform                                                              */

static DpsBatch *
parse_chunk (DpsEngine       *self,
             DpsRecordParser *parser,
             DpsChunk        *chunk)
{
  DpsBatch *batch = dps_batch_new ();
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < chunk->lines->len; i++)
    {
      const DpsRawLine *line = &g_array_index (chunk->lines, DpsRawLine, i);
      const char *data = (const char *) chunk->data->data + line->start;
      DpsTransaction tx;
      DpsReject reject;

      memset (&tx, 0, sizeof tx);
      memset (&reject, 0, sizeof reject);
      dps_reject_clear (&reject);
      if (dps_record_parser_parse (parser, data, line->length, line->full_length, &tx, &reject))
        {
          /* A canonical text is rebuilt from the fields where it is
           * needed: not carrying it through the queues and the batch
           * spares most of a row's memory. */
          if (tx.payload_is_canonical)
            g_clear_pointer (&tx.payload, g_free);
          dps_batch_take_row (batch, &tx, &line->position);
        }
      else
        {
          reject.position = line->position;
          dps_batch_take_reject (batch, &reject);
        }
    }
  for (guint i = 0; i < chunk->checkpoints->len; i++)
    dps_batch_set_checkpoint (batch, g_ptr_array_index (chunk->checkpoints, i));
  batch->bytes = chunk->bytes;

  ADD_US (self->transform_us, g_get_monotonic_time () - start);
  return batch;
}

static gpointer
transform_thread (gpointer data)
{
  DpsEngine *self = data;
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  DpsChunk *chunk;

  dps_record_parser_set_max_line_length (parser, self->options.max_line_length);
  while ((chunk = dps_bounded_queue_pop (self->raw_queue)) != NULL)
    {
      Parsed *parsed = g_new0 (Parsed, 1);

      parsed->seq = chunk->seq;
      parsed->batch = parse_chunk (self, parser, chunk);
      give_chunk (self, chunk);
      if (!dps_bounded_queue_push (self->parsed_queue, parsed))
        {
          parsed_free (parsed);
          break;
        }
    }

  /* The last transform out tells the sink nothing more comes. */
  if (g_atomic_int_dec_and_test (&self->transforms_alive))
    dps_bounded_queue_close (self->parsed_queue);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* sink                                                                   */

static void
written_clear (gpointer data)
{
  Written *w = data;

  g_clear_pointer (&w->checkpoints, g_ptr_array_unref);
}

/* Takes what the commit of @batch will report; its checkpoints move. */
static void
written_from_batch (Written              *w,
                    DpsBatch             *batch,
                    const DpsBatchResult *result,
                    gint64                latency_us)
{
  w->result = *result;
  w->latency_us = latency_us;
  w->lines = batch->rows->len + batch->rejects->len;
  w->bytes = batch->bytes;
  w->day_from = G_MAXINT32;
  w->day_to = G_MININT32;
  for (guint i = 0; i < batch->rows->len; i++)
    {
      gint32 day = dps_batch_get_row (batch, i)->tx.event_date;

      w->day_from = MIN (w->day_from, day);
      w->day_to = MAX (w->day_to, day);
    }
  w->checkpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_checkpoint_free);
  for (guint i = 0; i < batch->checkpoints->len; i++)
    g_ptr_array_add (w->checkpoints, dps_checkpoint_copy (g_ptr_array_index (batch->checkpoints, i)));
}

static void
sink_init (Sink *sink)
{
  sink->pending = dps_batch_new ();
  sink->pending_since = 0;
  sink->pending_chunks = 0;
  sink->next_seq = 0;
  sink->reorder = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, parsed_free);
  sink->written = g_array_new (FALSE, TRUE, sizeof (Written));
  g_array_set_clear_func (sink->written, written_clear);
  sink->written_since = 0;
  sink->written_lines = 0;
}

static void
sink_clear (Sink *sink)
{
  g_clear_pointer (&sink->pending, dps_batch_free);
  g_clear_pointer (&sink->reorder, g_hash_table_unref);
  g_clear_pointer (&sink->written, g_array_unref);
}

/* Reports @n_written batches committed together as one step, so that a
 * caller sampling the metrics never sees part of a commit, and the rate
 * gets one sample per commit however many batches it held. */
static void
record_commit (DpsEngine     *self,
               const Written *written,
               guint          n_written)
{
  gint64 now = g_get_monotonic_time ();
  gint64 lines;
  RateSample *oldest = NULL;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < n_written; i++)
    {
      const Written *w = &written[i];
      const DpsBatchResult *result = &w->result;

      self->metrics.rows_loaded += (gint64) result->loaded;
      self->metrics.rows_duplicate += (gint64) result->duplicates;
      self->metrics.rows_rejected += (gint64) result->rejected;
      for (guint r = 0; r < DPS_N_REJECT_REASONS; r++)
        self->metrics.rejected_by_reason[r] += (gint64) result->rejected_by_reason[r];
      self->metrics.batches++;
      self->metrics.last_batch_ms = (double) w->latency_us / 1000.0;
      self->metrics.last_batch_rows = w->lines;
      if (w->day_from <= w->day_to)
        {
          self->metrics.last_batch_day_from = w->day_from;
          self->metrics.last_batch_day_to = w->day_to;
        }
      if (self->run != NULL)
        {
          self->run->rows_read += w->lines;
          self->run->bytes_read += (gint64) w->bytes;
        }
    }

  if (self->run != NULL)
    {
      self->run->rows_loaded = self->metrics.rows_loaded;
      self->run->rows_duplicate = self->metrics.rows_duplicate;
      self->run->rows_rejected = self->metrics.rows_rejected;
      memcpy (self->run->rejected_by_reason, self->metrics.rejected_by_reason,
              sizeof self->run->rejected_by_reason);
    }

  lines = self->metrics.rows_loaded + self->metrics.rows_duplicate + self->metrics.rows_rejected;
  memmove (&self->samples[1], &self->samples[0], sizeof (RateSample) * (RATE_SAMPLES - 1));
  self->samples[0].time = now;
  self->samples[0].lines = lines;
  self->n_samples = MIN (self->n_samples + 1, (guint) RATE_SAMPLES);
  for (guint i = 0; i < self->n_samples; i++)
    if (now - self->samples[i].time <= RATE_WINDOW_US)
      oldest = &self->samples[i];
  if (oldest != NULL && oldest != &self->samples[0] && now > oldest->time)
    self->metrics.rate_recent = (double) (lines - oldest->lines) * G_USEC_PER_SEC / (double) (now - oldest->time);
  g_mutex_unlock (&self->lock);
}

static gint64
backoff_ms (guint attempt)
{
  gint64 base = MIN ((gint64) 100 << MIN (attempt, 10u), (gint64) 5000);

  /* ±25 % jitter so competing writers do not retry in step. */
  return base * 3 / 4 + g_random_int_range (0, (gint32) (base / 2 + 1));
}

/* Commits the batches written in the open transaction, then reports
 * them (metrics, and the source may now confirm their positions). */
static gboolean
sink_commit (DpsEngine *self,
             Sink      *sink)
{
  g_autoptr(GError) error = NULL;
  gint64 start;
  gboolean ok;

  if (sink->written->len == 0)
    return TRUE;
  start = g_get_monotonic_time ();
  ok = dps_repository_commit_open (self->repository, &error);
  ADD_US (self->write_us, g_get_monotonic_time () - start);
  if (ok)
    {
      /* Before it is reported: a caller that saw the commit sees the room. */
      flight_widen (self);
      record_commit (self, (const Written *) sink->written->data, sink->written->len);
      for (guint i = 0; i < sink->written->len; i++)
        dps_source_committed (self->source, g_array_index (sink->written, Written, i).checkpoints);
    }
  g_array_set_size (sink->written, 0);
  sink->written_since = 0;
  sink->written_lines = 0;
  if (!ok)
    fail (self, g_steal_pointer (&error), TRUE);
  return ok;
}

/* The pending batch's chunks are written: room for the source to read
 * as many. */
static void
sink_release_pending (DpsEngine *self,
                      Sink      *sink)
{
  flight_release_n (self, sink->pending_chunks);
  sink->pending_chunks = 0;
}

/* Whether batches are written in a transaction kept open for more. */
static gboolean
sink_keeps_open (DpsEngine *self)
{
  return self->options.commit_rows > self->options.batch_rows &&
         dps_repository_can_keep_open (self->repository);
}

/* Writes the pending batch, retrying transient errors with backoff, and
 * commits it (and those written before it in the same transaction) when
 * @commit_now or when the open transaction is large or old enough. */
static gboolean
sink_flush (DpsEngine *self,
            Sink      *sink,
            gboolean   commit_now)
{
  DpsBatch *batch = sink->pending;
  gboolean keep_open = sink_keeps_open (self);
  guint attempt = 0;

  if (dps_batch_is_empty (batch))
    {
      sink_release_pending (self, sink);
      return commit_now ? sink_commit (self, sink) : TRUE;
    }

  g_mutex_lock (&self->lock);
  batch->run_id = self->run != NULL ? self->run->id : 0;
  g_mutex_unlock (&self->lock);

  /* On the threaded path the rollup sums are made on another processor
   * while the repository writes the rows; the sink, which sets the pace,
   * then only upserts them. */
  if (self->rollup_pool != NULL && dps_batch_get_n_rows (batch) > 0)
    dps_batch_sum_rollups_async (batch, self->rollup_pool);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      DpsBatchResult result;
      gint64 start = g_get_monotonic_time ();
      gboolean ok = keep_open
        ? dps_repository_write_batch_open (self->repository, batch, &result, self->cancellable, &error)
        : dps_repository_write_batch (self->repository, batch, &result, self->cancellable, &error);
      gint64 took = g_get_monotonic_time () - start;

      ADD_US (self->write_us, took);
      if (ok)
        {
          Written w = { 0 };

          written_from_batch (&w, batch, &result, took);
          if (keep_open)
            {
              if (sink->written->len == 0)
                sink->written_since = g_get_monotonic_time ();
              sink->written_lines += w.lines;
              g_array_append_val (sink->written, w);
            }
          else
            {
              record_commit (self, &w, 1);
              dps_source_committed (self->source, w.checkpoints);
              written_clear (&w);
            }
          if (attempt > 0)
            set_state (self, DPS_ENGINE_STATE_RUNNING, NULL);
          break;
        }

      /* The failed write took the open transaction with it: the batches
       * written before this one are no longer held, so the run stops
       * here; the next one reads them again from the last commit. */
      if (sink->written->len > 0)
        {
          g_array_set_size (sink->written, 0);
          sink->written_since = 0;
          sink->written_lines = 0;
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
              !g_cancellable_is_cancelled (self->cancellable))
            fail (self, g_steal_pointer (&error), TRUE);
          return FALSE;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_cancellable_is_cancelled (self->cancellable))
        return FALSE;

      if (dps_repository_error_is_transient (error) &&
          (self->options.max_retries == 0 || attempt < self->options.max_retries))
        {
          g_autofree char *reason = g_strdup_printf (_("Retrying: %s"), error->message);

          set_state (self, DPS_ENGINE_STATE_WAITING, reason);
          g_mutex_lock (&self->lock);
          self->metrics.retries++;
          g_mutex_unlock (&self->lock);
          backoff_for (self, (guint) backoff_ms (attempt));
          attempt++;
          continue;
        }

      if (dps_repository_error_is_transient (error))
        {
          g_prefix_error (&error, _("Gave up after %u attempts: "), attempt + 1);
          error->domain = DPS_ENGINE_ERROR;
          error->code = DPS_ENGINE_ERROR_RETRIES_EXHAUSTED;
        }
      fail (self, g_steal_pointer (&error), TRUE);
      return FALSE;
    }

  dps_batch_reset (batch);
  sink->pending_since = 0;
  sink_release_pending (self, sink);
  if (sink->written->len > 0 &&
      (commit_now || sink->written_lines >= self->options.commit_rows ||
       g_get_monotonic_time () - sink->written_since >= (gint64) self->options.commit_interval_ms * 1000))
    return sink_commit (self, sink);
  return TRUE;
}

/* Whether the pending batch is to be written now. While a backlog waits
 * (in the parsed queue, or in the reorder buffer behind a chunk a slower
 * parser just gave), full batches are written together, up to
 * backlog_rows, once the repository says larger writes pay: SQLite's,
 * once its key index outgrew the page cache, inserts a write's keys in
 * one ordered pass over the index, where each batch alone made a pass of
 * its own, reading and writing most of the index's pages. Only rows
 * parsed already are taken: the sink never waits for more. */
static gboolean
batch_is_full (DpsEngine *self,
               Sink      *sink)
{
  guint lines = dps_batch_get_n_rows (sink->pending) + dps_batch_get_n_rejects (sink->pending);

  if (lines < self->options.batch_rows)
    return FALSE;
  return lines >= self->options.backlog_rows ||
         self->parsed_queue == NULL ||
         (dps_bounded_queue_get_length (self->parsed_queue) == 0 &&
          !g_hash_table_contains (sink->reorder, &sink->next_seq)) ||
         !sink_keeps_open (self) ||
         !dps_repository_prefers_large_writes (self->repository);
}

/* Takes @parsed (in any order); writes whenever a batch is full. */
static gboolean
sink_accept (DpsEngine *self,
             Sink      *sink,
             Parsed    *parsed)
{
  g_hash_table_insert (sink->reorder, &parsed->seq, parsed);

  for (;;)
    {
      Parsed *next = g_hash_table_lookup (sink->reorder, &sink->next_seq);

      if (next == NULL)
        break;
      if (sink->pending_since == 0)
        sink->pending_since = g_get_monotonic_time ();
      dps_batch_append (sink->pending, next->batch);
      g_hash_table_remove (sink->reorder, &sink->next_seq);
      sink->next_seq++;
      sink->pending_chunks++;

      if (batch_is_full (self, sink) && !sink_flush (self, sink, FALSE))
        return FALSE;
    }
  return TRUE;
}

static gint64
sink_time_left (DpsEngine *self,
                Sink      *sink)
{
  if (sink->pending_since == 0)
    return -1;
  return MAX (sink->pending_since + (gint64) self->options.batch_interval_ms * 1000 -
              g_get_monotonic_time (), (gint64) 0);
}

static gpointer
sink_thread (gpointer data)
{
  DpsEngine *self = data;
  Sink sink;

  sink_init (&sink);
  for (;;)
    {
      gboolean timed_out = FALSE;
      Parsed *parsed;

      /* Nothing to write next: what is written is committed now rather
       * than kept waiting (a follower's latency, a quiet source). */
      if (sink.written->len > 0 && dps_bounded_queue_get_length (self->parsed_queue) == 0 &&
          !sink_commit (self, &sink))
        break;

      parsed = dps_bounded_queue_pop_timeout (self->parsed_queue, sink_time_left (self, &sink), &timed_out);
      if (parsed != NULL)
        {
          if (!sink_accept (self, &sink, parsed))
            break;
        }
      else if (timed_out)
        {
          if (!sink_flush (self, &sink, TRUE))
            break;
        }
      else
        {
          /* Closed and drained (or cancelled): commit what is complete. */
          if (!g_cancellable_is_cancelled (self->cancellable))
            sink_flush (self, &sink, TRUE);
          else
            sink_commit (self, &sink);
          break;
        }
    }
  /* Written batches not reported as committed must not become so. */
  dps_repository_rollback_open (self->repository);
  sink_clear (&sink);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* source                                                                 */

/* Reads one chunk; returns it (DATA) or NULL with *status set. */
static DpsChunk *
read_chunk (DpsEngine       *self,
            guint64         *seq,
            DpsSourceStatus *status)
{
  DpsChunk *chunk = take_chunk (self);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 lag;

  *status = dps_source_read (self->source, chunk, self->options.chunk_lines,
                             self->cancellable, &error);
  ADD_US (self->read_us, g_get_monotonic_time () - start);

  lag = dps_source_get_lag (self->source);
  g_mutex_lock (&self->lock);
  self->metrics.lag = lag;
  if (*status == DPS_SOURCE_DATA)
    {
      self->metrics.rows_read += chunk->lines->len;
      self->metrics.bytes_read += (gint64) chunk->bytes;
    }
  g_mutex_unlock (&self->lock);

  switch (*status)
    {
    case DPS_SOURCE_DATA:
      chunk->seq = (*seq)++;
      return chunk;

    case DPS_SOURCE_FAILED:
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, g_steal_pointer (&error), FALSE);
      break;

    case DPS_SOURCE_IDLE:
    case DPS_SOURCE_END:
    default:
      break;
    }
  give_chunk (self, chunk);
  return NULL;
}

static void
wait_idle (DpsEngine *self)
{
  g_autofree char *status = dps_source_dup_status_text (self->source);

  /* The source may know better what it waits for (a broker, a group). */
  set_state (self, DPS_ENGINE_STATE_WAITING,
             status != NULL && status[0] != '\0' ? status : _("Waiting for new data"));
  pause_for (self, dps_source_get_poll_interval (self->source));
  if (!should_stop (self))
    set_state (self, DPS_ENGINE_STATE_RUNNING, NULL);
}

static gpointer
source_thread (gpointer data)
{
  DpsEngine *self = data;
  guint64 seq = 0;

  while (!should_stop (self))
    {
      DpsSourceStatus status;
      DpsChunk *chunk;

      if (!flight_acquire (self))
        break;
      if (should_stop (self))
        {
          /* Stopped while waiting for room: read no more. */
          flight_release (self);
          break;
        }
      chunk = read_chunk (self, &seq, &status);
      if (chunk != NULL)
        {
          if (!dps_bounded_queue_push (self->raw_queue, chunk))
            {
              dps_chunk_free (chunk);
              break;
            }
          continue;
        }
      flight_release (self);
      if (status == DPS_SOURCE_IDLE && !self->options.stop_when_idle)
        {
          wait_idle (self);
          continue;
        }
      break;
    }

  dps_bounded_queue_close (self->raw_queue);
  return NULL;
}

/* Everything on the calling thread: the single-threaded path. */
static void
run_inline (DpsEngine *self)
{
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  guint64 seq = 0;
  Sink sink;

  dps_record_parser_set_max_line_length (parser, self->options.max_line_length);
  sink_init (&sink);
  while (!should_stop (self))
    {
      DpsSourceStatus status;
      DpsChunk *chunk = read_chunk (self, &seq, &status);

      if (chunk != NULL)
        {
          Parsed *parsed = g_new0 (Parsed, 1);

          parsed->seq = chunk->seq;
          parsed->batch = parse_chunk (self, parser, chunk);
          give_chunk (self, chunk);
          if (!sink_accept (self, &sink, parsed))
            break;
          if (sink_time_left (self, &sink) == 0 && !sink_flush (self, &sink, FALSE))
            break;
          continue;
        }
      if (status == DPS_SOURCE_IDLE && !self->options.stop_when_idle)
        {
          if (!sink_flush (self, &sink, TRUE))
            break;
          wait_idle (self);
          continue;
        }
      break;
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    sink_flush (self, &sink, TRUE);
  else
    sink_commit (self, &sink);
  dps_repository_rollback_open (self->repository);
  sink_clear (&sink);
}

/* The chunks that @rows lines fill. */
static guint
chunks_for (const DpsEngine *self,
            guint            rows)
{
  return (rows + self->options.chunk_lines - 1) / self->options.chunk_lines;
}

/* The parsed queue's room for @rows parsed ahead. */
static guint
parsed_room (const DpsEngine *self,
             guint            rows)
{
  return self->options.queue_chunks + chunks_for (self, rows);
}

/* Chunks in flight with @parsed of them in the parsed queue: both queues
 * full, a chunk in each parser and a batch being written. */
static guint
flight_room (const DpsEngine *self,
             guint            parsed)
{
  return self->options.queue_chunks + parsed + self->options.transform_threads +
         chunks_for (self, self->options.batch_rows);
}

static void
run_threaded (DpsEngine *self)
{
  guint n = self->options.transform_threads;
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  gulong flight_id;

  /* While the sink writes a batch, the parsers fill the next one: the
   * parsed queue holds a batch's worth of chunks, or the parsers would
   * stop early and the sink then wait for most of its next batch. Where
   * a backlog is written together (batch_is_full()), it holds that
   * much: what piles up while the sink writes is its next write. */
  guint held = sink_keeps_open (self) ? MAX (self->options.batch_rows, self->options.backlog_rows)
                                       : self->options.batch_rows;
  guint parsed_capacity = parsed_room (self, held);

  g_atomic_int_set (&self->transforms_alive, (gint) n);
  self->in_flight = 0;
  /* Room for both queues full, a chunk in each parser and a batch being
   * written. A write larger than a batch takes the rest from the parsed
   * queue's room: the rows held do not grow with the size of a write.
   * Until larger writes pay, the parsed queue has room for one batch
   * (see flight_widen()). */
  self->max_in_flight_large = flight_room (self, parsed_capacity);
  self->max_in_flight = flight_room (self, parsed_room (self, self->options.batch_rows));
  if (self->max_in_flight >= self->max_in_flight_large)
    self->max_in_flight_large = 0;
  flight_id = g_cancellable_connect (self->cancellable, G_CALLBACK (flight_cancelled_cb), self, NULL);

  g_mutex_lock (&self->lock);
  self->raw_queue = dps_bounded_queue_new (self->options.queue_chunks, self->cancellable);
  self->parsed_queue = dps_bounded_queue_new (parsed_capacity, self->cancellable);
  self->metrics.raw_queue_capacity = self->options.queue_chunks;
  self->metrics.parsed_queue_capacity = parsed_capacity;
  g_mutex_unlock (&self->lock);

  self->rollup_pool = g_thread_pool_new (dps_batch_sum_rollups_func, NULL, 1, FALSE, NULL);
  g_ptr_array_add (threads, g_thread_new ("dps-sink", sink_thread, self));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (threads, g_thread_new ("dps-transform", transform_thread, self));
  g_ptr_array_add (threads, g_thread_new ("dps-source", source_thread, self));

  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  /* The sink waited for every sum it asked for before freeing its batch. */
  g_thread_pool_free (self->rollup_pool, FALSE, TRUE);
  self->rollup_pool = NULL;
  g_cancellable_disconnect (self->cancellable, flight_id);
  g_mutex_lock (&self->flight_lock);
  self->max_in_flight = 0;
  self->max_in_flight_large = 0;
  g_mutex_unlock (&self->flight_lock);

  g_mutex_lock (&self->lock);
  self->metrics.raw_queue_length = 0;
  self->metrics.parsed_queue_length = 0;
  dps_bounded_queue_free (self->raw_queue, (GDestroyNotify) dps_chunk_free);
  dps_bounded_queue_free (self->parsed_queue, parsed_free);
  self->raw_queue = NULL;
  self->parsed_queue = NULL;
  g_mutex_unlock (&self->lock);
}

/* ---------------------------------------------------------------------- */

static void
cancel_chain_cb (GCancellable *external,
                 gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static char *
stage_timings_json (DpsEngine *self,
                    double     wall)
{
  char read_s[G_ASCII_DTOSTR_BUF_SIZE];
  char transform_s[G_ASCII_DTOSTR_BUF_SIZE];
  char write_s[G_ASCII_DTOSTR_BUF_SIZE];
  char wall_s[G_ASCII_DTOSTR_BUF_SIZE];

  /* JSON numbers take a decimal point, whatever LC_NUMERIC says. */
  g_ascii_formatd (read_s, sizeof read_s, "%.3f", (double) GET_US (self->read_us) / G_USEC_PER_SEC);
  g_ascii_formatd (transform_s, sizeof transform_s, "%.3f",
                   (double) GET_US (self->transform_us) / G_USEC_PER_SEC);
  g_ascii_formatd (write_s, sizeof write_s, "%.3f", (double) GET_US (self->write_us) / G_USEC_PER_SEC);
  g_ascii_formatd (wall_s, sizeof wall_s, "%.3f", wall);
  return g_strdup_printf ("{\"read\":%s,\"transform\":%s,\"write\":%s,\"wall\":%s}",
                          read_s, transform_s, write_s, wall_s);
}

static void
dps_engine_dispose (GObject *object)
{
  DpsEngine *self = DPS_ENGINE (object);

  g_clear_object (&self->repository);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (dps_engine_parent_class)->dispose (object);
}

static void
dps_engine_finalize (GObject *object)
{
  DpsEngine *self = DPS_ENGINE (object);

  g_clear_pointer (&self->run, dps_run_record_free);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->flight_lock);
  g_cond_clear (&self->flight_cond);

  G_OBJECT_CLASS (dps_engine_parent_class)->finalize (object);
}

static void
dps_engine_class_init (DpsEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dps_engine_dispose;
  object_class->finalize = dps_engine_finalize;
}

static void
dps_engine_init (DpsEngine *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->flight_lock);
  g_cond_init (&self->flight_cond);
  self->metrics.lag = -1;
  self->metrics.source_size = -1;
}

void
dps_engine_options_init (DpsEngineOptions *options)
{
  memset (options, 0, sizeof *options);
  /* Large batches load fastest (each commit rewrites the index pages it
   * touched); followers that need low latency shorten the interval. */
  options->batch_rows = 50000;
  options->batch_interval_ms = 1000;
  /* The sink writes on a thread of its own, busy most of a load: it
   * keeps a processor, the parsers share the others. A parser per
   * processor preempted the sink, and loads were slower. */
  options->transform_threads = MAX (g_get_num_processors (), 2u) - 1;
  options->chunk_lines = 1024;
  /* Room for the parsers to keep working while the sink commits (a
   * commit takes the time of parsing a few chunks). Every chunk in flight
   * is memory: deeper queues only hold more parsed rows waiting for the
   * sink, which sets the pace. */
  options->queue_chunks = 8;
  /* With a repository that can keep a transaction open (SQLite), a load
   * commits several batches at once: each commit writes every index page
   * its rows touched, and rows with random keys touch most of the key
   * index's pages, so fewer commits write much less. The transaction
   * stays open only while parsed rows wait for the sink (a backlog);
   * when it catches up, it commits at once. A ten-million-row load spent
   * 5-6 s committing at 200,000 rows or 1 s, 2-3 s at 1,000,000 rows. */
  options->commit_rows = 1000000;
  /* Written together, a backlog's keys go into SQLite's large key index
   * in one ordered pass. Threaded ten-million-row loads went from 117k-
   * 183k rows/s a batch at a time to 168k-197k rows/s at 80,000 rows, 207k at
   * 100,000 and 209k-222k at 200,000. The parsed queue grows with it, to
   * refill a write while it is made, once such writes pay (flight_widen()),
   * when SQLite gives up most of its page cache. Peak RSS of such a load
   * was then within 1 % of a million-row load's at 150,000 rows, 11-13 %
   * over at 200,000, for about the same speed. */
  options->backlog_rows = 150000;
  options->commit_interval_ms = 5000;
  options->max_retries = 10;
  options->max_line_length = DPS_DEFAULT_MAX_LINE_LENGTH;
}

DpsEngine *
dps_engine_new (DpsRepository          *repository,
                DpsSource              *source,
                const DpsEngineOptions *options)
{
  DpsEngine *self;

  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), NULL);
  g_return_val_if_fail (DPS_IS_SOURCE (source), NULL);

  self = g_object_new (DPS_TYPE_ENGINE, NULL);
  self->repository = g_object_ref (repository);
  self->source = g_object_ref (source);
  if (options != NULL)
    self->options = *options;
  else
    dps_engine_options_init (&self->options);
  self->options.batch_rows = MAX (self->options.batch_rows, 1u);
  self->options.batch_interval_ms = MAX (self->options.batch_interval_ms, 1u);
  /* A transaction open over several batches commits no sooner than one. */
  self->options.commit_interval_ms = MAX (self->options.commit_interval_ms, self->options.batch_interval_ms);
  /* A write larger than a commit would only hold more rows: it commits
   * once written. */
  self->options.backlog_rows = MIN (self->options.backlog_rows, self->options.commit_rows);
  self->options.chunk_lines = CLAMP (self->options.chunk_lines, 1u, self->options.batch_rows);
  self->options.queue_chunks = MAX (self->options.queue_chunks, 1u);
  if (self->options.max_line_length == 0)
    self->options.max_line_length = DPS_DEFAULT_MAX_LINE_LENGTH;
  return self;
}

DpsSource *
dps_engine_get_source (DpsEngine *self)
{
  g_return_val_if_fail (DPS_IS_ENGINE (self), NULL);
  return self->source;
}

gboolean
dps_engine_run (DpsEngine     *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(DpsRunRecord) run = NULL;
  gulong chain_id = 0;
  DpsRunStatus status;
  double wall;
  gboolean cancelled;

  g_return_val_if_fail (DPS_IS_ENGINE (self), FALSE);

  if (!g_atomic_int_compare_and_exchange (&self->running, 0, 1))
    {
      g_set_error_literal (error, DPS_ENGINE_ERROR, DPS_ENGINE_ERROR_BUSY,
                           _("This pipeline is already running"));
      return FALSE;
    }

  /* A fresh run. */
  g_mutex_lock (&self->lock);
  memset (&self->metrics, 0, sizeof self->metrics);
  self->metrics.state = DPS_ENGINE_STATE_RUNNING;
  self->metrics.last_batch_day_from = 1;
  self->metrics.last_batch_day_to = 0;
  self->metrics.lag = -1;
  self->metrics.source_size = -1;
  self->n_samples = 0;
  self->started = g_get_monotonic_time ();
  g_clear_error (&self->error);
  g_clear_pointer (&self->run, dps_run_record_free);
  g_mutex_unlock (&self->lock);
  self->read_us = self->transform_us = self->write_us = 0;
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    chain_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_chain_cb),
                                      g_object_ref (self->cancellable), g_object_unref);
  self->chunk_pool = g_async_queue_new_full ((GDestroyNotify) dps_chunk_free);

  run = dps_run_record_new (dps_source_get_kind (self->source),
                            dps_source_get_description (self->source));
  if (!dps_repository_begin_run (self->repository, run, &local_error))
    goto out;
  g_mutex_lock (&self->lock);
  self->run = dps_run_record_copy (run);
  self->metrics.run_id = run->id;
  g_mutex_unlock (&self->lock);

  if (!dps_source_open (self->source, self->repository, self->cancellable, &local_error))
    fail (self, g_steal_pointer (&local_error), TRUE);
  else
    {
      if (self->options.transform_threads == 0)
        run_inline (self);
      else
        run_threaded (self);
      dps_source_close (self->source);
    }

out:
  wall = (double) (g_get_monotonic_time () - self->started) / G_USEC_PER_SEC;
  cancelled = cancellable != NULL && g_cancellable_is_cancelled (cancellable);

  g_mutex_lock (&self->lock);
  if (local_error == NULL && self->error != NULL)
    local_error = g_error_copy (self->error);
  if (local_error != NULL)
    status = DPS_RUN_STATUS_FAILED;
  else if (cancelled)
    status = DPS_RUN_STATUS_CANCELLED;
  else
    status = DPS_RUN_STATUS_SUCCEEDED;
  self->metrics.state = status == DPS_RUN_STATUS_FAILED ? DPS_ENGINE_STATE_FAILED
                      : status == DPS_RUN_STATUS_CANCELLED ? DPS_ENGINE_STATE_CANCELLED
                      : DPS_ENGINE_STATE_FINISHED;
  self->metrics.waiting_reason[0] = '\0';
  self->metrics.elapsed_seconds = wall;
  if (wall > 0)
    self->metrics.rate_average = (double) (self->metrics.rows_loaded + self->metrics.rows_rejected +
                                           self->metrics.rows_duplicate) / wall;
  if (self->run != NULL)
    {
      self->run->status = status;
      self->run->finished_at = g_get_real_time ();
      g_free (self->run->error);
      self->run->error = local_error != NULL ? g_strdup (local_error->message) : NULL;
      g_free (self->run->stage_timings);
      self->run->stage_timings = stage_timings_json (self, wall);
      g_clear_pointer (&run, dps_run_record_free);
      run = dps_run_record_copy (self->run);
    }
  g_mutex_unlock (&self->lock);

  if (run != NULL && run->id > 0)
    {
      g_autoptr(GError) update_error = NULL;

      if (!dps_repository_update_run (self->repository, run, &update_error))
        g_warning ("Could not record the end of run %" G_GINT64_FORMAT ": %s",
                   run->id, update_error->message);
    }

  if (chain_id != 0)
    g_cancellable_disconnect (cancellable, chain_id);
  g_clear_object (&self->cancellable);
  g_async_queue_unref (self->chunk_pool);
  self->chunk_pool = NULL;
  /* A stop asked before the run began still applies to it; only a
   * finished run clears it. */
  g_atomic_int_set (&self->stop_requested, 0);
  g_atomic_int_set (&self->running, 0);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The run was cancelled"));
      return FALSE;
    }
  return TRUE;
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (dps_engine_run (DPS_ENGINE (source_object), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
dps_engine_run_async (DpsEngine           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DPS_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_engine_run_async);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
dps_engine_run_finish (DpsEngine     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dps_engine_stop (DpsEngine *self)
{
  g_return_if_fail (DPS_IS_ENGINE (self));
  g_atomic_int_set (&self->stop_requested, 1);
}

void
dps_engine_get_metrics (DpsEngine        *self,
                        DpsEngineMetrics *metrics)
{
  g_return_if_fail (DPS_IS_ENGINE (self));
  g_return_if_fail (metrics != NULL);

  g_mutex_lock (&self->lock);
  *metrics = self->metrics;
  if (self->metrics.state == DPS_ENGINE_STATE_RUNNING || self->metrics.state == DPS_ENGINE_STATE_WAITING)
    {
      double wall = (double) (g_get_monotonic_time () - self->started) / G_USEC_PER_SEC;

      metrics->elapsed_seconds = wall;
      if (wall > 0)
        metrics->rate_average = (double) (self->metrics.rows_loaded + self->metrics.rows_rejected +
                                          self->metrics.rows_duplicate) / wall;
    }
  /* Queue depths are read live; the queues exist only while running. */
  if (self->raw_queue != NULL && self->parsed_queue != NULL)
    {
      metrics->raw_queue_length = dps_bounded_queue_get_length (self->raw_queue);
      metrics->parsed_queue_length = dps_bounded_queue_get_length (self->parsed_queue);
    }
  g_mutex_unlock (&self->lock);
}

DpsRunRecord *
dps_engine_dup_run (DpsEngine *self)
{
  DpsRunRecord *run;

  g_return_val_if_fail (DPS_IS_ENGINE (self), NULL);

  g_mutex_lock (&self->lock);
  run = self->run != NULL ? dps_run_record_copy (self->run) : NULL;
  g_mutex_unlock (&self->lock);
  return run;
}
