/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-kafka"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-kafka-config-private.h"
#include "dps-kafka-source.h"
#include "dps-record-parser.h"
#include "dps-source-private.h"

/* How exactly-once works here
 * ---------------------------
 * The database, not Kafka, holds the truth about what was consumed: each
 * batch the engine commits carries, in the same transaction as its rows
 * and rejects, one checkpoint per partition (key "kafka:TOPIC@GROUP",
 * partition, next offset). Kafka's own group offsets are only a copy,
 * written after each database commit (committed()) so that Kafka tools
 * show the group's lag; they are never read back.
 *
 * - Assignment. When the group gives this process a partition, it starts
 *   at the position stored in the database (or where auto.offset.reset
 *   says when there is none), whatever Kafka's group offset says. A crash
 *   at any point loses nothing (uncommitted records are read again) and
 *   doubles nothing (committed ones are behind the stored position).
 *
 * - Revocation. Records of a revoked partition may still be in the
 *   engine's queues, read but not committed. Two things keep them from
 *   doubling a row when another member takes the partition over:
 *   1. Lines of the revoked partition in the chunk being filled are
 *      dropped on the spot (they were never handed over).
 *   2. Before giving the partition up, the rebalance callback waits
 *      (within the group's rebalance timeout, max.poll.interval.ms, the
 *      time Kafka gives a member to rejoin) until the engine has
 *      committed every record already handed over; the new owner then
 *      finds the exact position in the database. This is the usual "commit in onPartitionsRevoked"
 *      of Kafka consumers, with the database commit as the commit. The
 *      wait needs the engine's sink on another thread than the reader
 *      (its threaded mode); on one thread it would wait for itself, so it
 *      is skipped there.
 *   When the wait cannot finish (the database is down, the engine runs
 *   on one thread, the assignment was lost to a session timeout), both
 *   members may commit the same records. The final state stays exact all
 *   the same: rows are deduplicated by transaction_id, rejects by their
 *   (source, partition, offset, content), so the second commit adds
 *   nothing but a duplicate count; the later of two checkpoints of a
 *   partition may move it back, which only makes a future reader read
 *   again records it then deduplicates.
 *
 * - Ordering. Within a partition this source hands over each offset at
 *   most once and in order: a record whose offset is below the next one
 *   expected (a fetch that was already in flight when the partition was
 *   revoked and assigned again) is dropped. A partition reassigned to the
 *   same process resumes after what it already handed over, even when the
 *   database is behind, since its own pipeline will commit those records.
 *   Offset resets (a stored position no longer in the log) are handled
 *   here, explicitly, instead of silently by librdkafka.
 *
 * - Consumption order. Each assigned partition has its own queue in
 *   librdkafka (taken off the consumer's queue when the partition is
 *   assigned, dropped when it is revoked), and read() takes a few records
 *   from each in turn. All partitions thus advance together, as they do
 *   for a consumer that keeps up with a live topic: when a backlog is
 *   loaded, a batch covers a short span of each partition instead of
 *   long runs of a few, so it holds records close in time (a producer
 *   spreads each moment over all partitions). Fetches of some partitions
 *   come back later than others': those ahead wait for the late ones,
 *   within limits (take_turns()). The consumer's own queue still brings
 *   rebalances, client errors and commit results; read() serves it
 *   before each turn.
 */

/* librdkafka's max.poll.interval.ms: how long a member may take to rejoin
 * a rebalancing group. A revocation waits for the engine at most
 * REVOKE_WAIT_SHARE of it. */
#define DEFAULT_MAX_POLL_INTERVAL_MS 300000
#define REVOKE_WAIT_SHARE    0.8
/* read() waits this long for a first record before answering IDLE; the
 * engine then waits its poll interval, showing the status text. */
#define READ_WAIT_MS         20
#define POLL_INTERVAL_MS     100
/* Records taken from one partition's queue in a turn: small, so that the
 * partitions stay in step within a chunk. */
#define TURN_RECORDS         32
/* How far a partition may run ahead of the others (records), and how long
 * one whose records are late may hold the others back. */
#define STEP_RECORDS         256
#define STALL_GRACE_US       (G_USEC_PER_SEC)
#define PROBE_WAIT_MS        300
/* While the broker is unreachable, how often reachability is checked. */
#define PROBE_INTERVAL_US    (G_USEC_PER_SEC)
#define OPEN_CHECK_MS        5000
/* librdkafka's prefetch limit (queued.max.messages.kbytes) applies to
 * each partition's own queue. It is sized so that a topic's partitions
 * together hold what librdkafka's single consumer queue would, but not
 * below PREFETCH_MIN_KB a partition: librdkafka 2.0 may wait up to a
 * second before fetching again for a partition whose queue was full,
 * and the queue must last that long. Until the partition count is
 * known, as for 8 partitions. */
#define PREFETCH_TOTAL_KB    65536
#define PREFETCH_MIN_KB      1024
#define PREFETCH_DEFAULT_KB  "8192"

typedef struct {
  gint32   partition;

  /* The source thread only. */
  gboolean at_end;         /* read up to its high watermark */
  gboolean in_chunk;       /* has records in the chunk being filled */
  gint64   next;           /* offset after the last record put in a chunk; -1: any */
  gint64   seen_high;      /* high watermark as seen in records and ends */
  rd_kafka_queue_t *queue; /* its own fetch queue while assigned; NULL */
  guint64  taken;          /* records taken from the queue, for the step */
  gint64   empty_since;    /* monotonic; 0: its queue had records */
  gboolean holds;          /* the others keep in step with it */
  gboolean joins;          /* did not hold at the last turn */

  /* Under lock; written by the source thread only (which reads them
   * without the lock). */
  gboolean known;          /* assigned at least once */
  gboolean assigned;       /* in this member's assignment */
  gint64   handed;         /* offset after the last record handed to the engine; -1 */
  gint64   position;       /* next published after each read; -1 */

  /* Under lock, from any thread. */
  gint64   stored;         /* next offset stored in the database; -1 */
  gint64   low;            /* last known watermarks; -1 */
  gint64   high;
} Partition;

typedef struct _DpsKafkaSource DpsKafkaSource;

struct _DpsKafkaSource
{
  DpsSource          parent_instance;

  /* Set at construction. */
  char              *brokers;
  char              *topic;
  char              *group;
  char              *key;
  GHashTable        *properties;
  gsize              max_line_length;
  gboolean           stop_at_end;

  /* The thread running the source (open, read, close, and the librdkafka
   * callbacks that read serves). */
  DpsRepository     *repository;
  guint32            source_id;
  rd_kafka_topic_t  *rkt;
  gint64             reset_to;         /* RD_KAFKA_OFFSET_BEGINNING or _END */
  guint              revoke_wait_ms;
  gboolean           reset_fails;      /* auto.offset.reset=error */
  gboolean           assigned_once;
  gboolean           rebalancing;      /* revoked, not yet assigned again */
  gboolean           broker_down;
  gboolean           answered;         /* records came since broker_down */
  gint64             last_probe;       /* monotonic */
  DpsChunk          *filling;          /* the chunk read() fills */
  GCancellable      *cancellable;      /* of the read() in progress */
  GError            *fatal;            /* first fatal error, reported by read() */
  GThread           *opener;
  GThread           *reader;
  rd_kafka_queue_t  *consumer_queue;   /* rebalances, errors, commit results */
  int                topic_partitions; /* as the broker said when opening; 0 */
  guint              turn;             /* partition whose turn it is in read() */

  /* Raised by librdkafka's threads when a queue read() serves was
   * empty and receives something. */
  GMutex             wake_lock;
  GCond              wake;
  gboolean           woken;

  /* Under lock: shared with committed() (the engine's sink thread) and
   * the lag getters (any thread). */
  GMutex             lock;
  GCond              stored_changed;
  rd_kafka_t        *rk;
  GArray            *partitions;       /* Partition, indexed by partition number */
  gboolean           committer_elsewhere;
  gboolean           closing;
};

typedef struct {
  DpsSourceClass parent_class;
} DpsKafkaSourceClass;

G_DEFINE_FINAL_TYPE (DpsKafkaSource, dps_kafka_source, DPS_TYPE_SOURCE)

#define DPS_KAFKA_SOURCE(obj) (G_TYPE_CHECK_INSTANCE_CAST ((obj), DPS_TYPE_KAFKA_SOURCE, DpsKafkaSource))

/* Source thread, under lock: the only place the array grows, so that
 * the source thread may index it without the lock. */
static Partition *
get_partition (DpsKafkaSource *self,
               gint32          partition)
{
  Partition *p;

  g_assert (partition >= 0);
  while (self->partitions->len <= (guint) partition)
    {
      Partition blank = { 0 };

      blank.partition = (gint32) self->partitions->len;
      blank.next = blank.seen_high = -1;
      blank.handed = blank.position = blank.stored = blank.low = blank.high = -1;
      g_array_append_val (self->partitions, blank);
    }
  p = &g_array_index (self->partitions, Partition, partition);
  p->known = TRUE;
  return p;
}

/* Any thread, under lock; NULL when never assigned. */
static Partition *
lookup_partition (DpsKafkaSource *self,
                  gint32          partition)
{
  if (partition < 0 || (guint) partition >= self->partitions->len)
    return NULL;
  return &g_array_index (self->partitions, Partition, partition);
}

/* librdkafka's threads: something arrived in an empty queue. Nothing
 * here may call librdkafka (the queue is locked). */
static void
queue_event_cb (rd_kafka_t *rk,
                void       *opaque)
{
  DpsKafkaSource *self = opaque;

  g_mutex_lock (&self->wake_lock);
  self->woken = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->wake_lock);
}

static void
release_queue (rd_kafka_queue_t **queue)
{
  if (*queue == NULL)
    return;
  /* The callback belongs to librdkafka's queue, which outlives this
   * reference: remove it first. */
  rd_kafka_queue_cb_event_enable (*queue, NULL, NULL);
  rd_kafka_queue_destroy (g_steal_pointer (queue));
}

/* Source thread, before librdkafka starts fetching @partition: gives it
 * its own queue, which read() serves in turn with the others. Without
 * one (librdkafka does not know the partition) its records keep coming
 * through the consumer's queue, which read() serves too. */
static void
take_partition_queue (DpsKafkaSource *self,
                      rd_kafka_t     *rk,
                      Partition      *p)
{
  if (p->queue != NULL)
    return;
  p->queue = rd_kafka_queue_get_partition (rk, self->topic, p->partition);
  if (p->queue == NULL)
    {
      g_debug ("Kafka: no queue of its own for %s [%d]", self->topic, p->partition);
      return;
    }
  /* Not to the consumer's queue any more (librdkafka keeps it so when
   * the partition is assigned later). */
  rd_kafka_queue_forward (p->queue, NULL);
  rd_kafka_queue_cb_event_enable (p->queue, queue_event_cb, self);
}

/* Source thread: drops the queues of partitions no longer assigned (all
 * when @all). What they still hold is of an older assignment; librdkafka
 * discards it, and take_message() would too. */
static void
release_partition_queues (DpsKafkaSource *self,
                          gboolean        all)
{
  for (guint i = 0; i < self->partitions->len; i++)
    {
      Partition *p = &g_array_index (self->partitions, Partition, i);

      if (all || !p->assigned)
        release_queue (&p->queue);
    }
}

static void
set_fatal (DpsKafkaSource *self,
           GError         *error)
{
  if (self->fatal == NULL)
    self->fatal = error;
  else
    g_error_free (error);
}

/* Under lock: refreshes the cached watermarks of assigned partitions. */
static void
refresh_watermarks (DpsKafkaSource *self)
{
  if (self->rk == NULL)
    return;
  for (guint i = 0; i < self->partitions->len; i++)
    {
      Partition *p = &g_array_index (self->partitions, Partition, i);
      int64_t low = -1, high = -1;

      if (!p->assigned)
        continue;
      if (rd_kafka_get_watermark_offsets (self->rk, self->topic, p->partition, &low, &high) ==
          RD_KAFKA_RESP_ERR_NO_ERROR)
        {
          if (low >= 0)
            p->low = low;
          p->high = MAX (p->high, (gint64) high);
        }
    }
}

static gint64
partition_lag (const Partition *p)
{
  gint64 base;

  if (p->high < 0)
    return -1;
  base = p->stored >= 0 ? p->stored : MAX (p->low, (gint64) 0);
  return MAX (p->high - base, (gint64) 0);
}

/* Drops from the chunk being filled the lines of partitions no longer
 * assigned: they were never handed over, the next owner reads them. */
static void
drop_revoked_lines (DpsKafkaSource *self,
                    DpsChunk       *chunk)
{
  guint kept = 0;
  gsize end = 0;

  for (guint i = 0; i < chunk->lines->len; i++)
    {
      DpsRawLine line = g_array_index (chunk->lines, DpsRawLine, i);
      const Partition *p = &g_array_index (self->partitions, Partition, line.position.partition);

      if (!p->assigned)
        {
          chunk->bytes -= MIN (chunk->bytes, line.full_length);
          continue;
        }
      if (line.start != end)
        memmove (chunk->data->data + end, chunk->data->data + line.start, line.length);
      line.start = end;
      end += line.length;
      g_array_index (chunk->lines, DpsRawLine, kept++) = line;
    }
  g_array_set_size (chunk->lines, kept);
  g_byte_array_set_size (chunk->data, (guint) end);
}

static GPtrArray *
load_stored_positions (DpsKafkaSource  *self,
                       GError         **error)
{
  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      GPtrArray *stored = dps_repository_list_checkpoints (self->repository, self->key, &local_error);

      if (stored != NULL)
        return stored;
      if (!dps_repository_error_is_transient (local_error) || attempt >= 20 ||
          g_cancellable_is_cancelled (self->cancellable))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("Cannot read the stored Kafka positions: "));
          return NULL;
        }
      g_usleep (MIN (50000 << MIN (attempt, 4u), 500000));
    }
}

/* Copies the database's positions of @list to the group's Kafka offsets,
 * asynchronously: only what Kafka tools show depends on them. */
static void
commit_stored (DpsKafkaSource                  *self,
               rd_kafka_t                      *rk,
               rd_kafka_topic_partition_list_t *list)
{
  rd_kafka_topic_partition_list_t *commit = NULL;

  g_mutex_lock (&self->lock);
  for (int i = 0; i < list->cnt; i++)
    {
      const rd_kafka_topic_partition_t *tp = &list->elems[i];
      const Partition *p;

      if (strcmp (tp->topic, self->topic) != 0 || tp->partition < 0)
        continue;
      p = get_partition (self, tp->partition);
      if (p->stored < 0)
        continue;
      if (commit == NULL)
        commit = rd_kafka_topic_partition_list_new (list->cnt);
      rd_kafka_topic_partition_list_add (commit, self->topic, tp->partition)->offset = p->stored;
    }
  g_mutex_unlock (&self->lock);

  if (commit != NULL)
    {
      rd_kafka_commit (rk, commit, 1);
      rd_kafka_topic_partition_list_destroy (commit);
    }
}

static void
assign_partitions (DpsKafkaSource                  *self,
                   rd_kafka_t                      *rk,
                   rd_kafka_topic_partition_list_t *list,
                   gboolean                         cooperative)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = load_stored_positions (self, &error);
  if (stored == NULL)
    set_fatal (self, g_steal_pointer (&error));

  g_mutex_lock (&self->lock);
  for (int i = 0; i < list->cnt; i++)
    {
      rd_kafka_topic_partition_t *tp = &list->elems[i];
      Partition *p;
      gint64 from = -1, start;

      if (strcmp (tp->topic, self->topic) != 0 || tp->partition < 0)
        continue;
      for (guint j = 0; stored != NULL && j < stored->len; j++)
        {
          const DpsCheckpoint *cp = g_ptr_array_index (stored, j);

          if (cp->partition == tp->partition)
            from = cp->offset;
        }
      p = get_partition (self, tp->partition);
      p->stored = from;
      /* What this process already handed over will be committed by its
       * own pipeline: do not read it again. */
      start = MAX (from, p->handed);
      tp->offset = start >= 0 ? start : self->reset_to;
      p->next = p->position = start;
      p->assigned = TRUE;
      p->at_end = FALSE;
      p->in_chunk = FALSE;
      /* Joins the others where they stand. */
      p->holds = FALSE;
      p->joins = TRUE;
      p->empty_since = 0;
      g_debug ("Kafka: assigned %s [%d] from offset %" G_GINT64_FORMAT,
               self->topic, tp->partition, start);
    }
  g_mutex_unlock (&self->lock);

  /* Before librdkafka fetches: its records go to their own queue. */
  for (int i = 0; i < list->cnt; i++)
    {
      const rd_kafka_topic_partition_t *tp = &list->elems[i];

      if (strcmp (tp->topic, self->topic) == 0 && tp->partition >= 0)
        take_partition_queue (self, rk,
                              &g_array_index (self->partitions, Partition, tp->partition));
    }

  if (cooperative)
    {
      rd_kafka_error_t *kerror = rd_kafka_incremental_assign (rk, list);

      if (kerror != NULL)
        {
          set_fatal (self, g_error_new (DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_FAILED,
                                        _("Cannot take the assigned Kafka partitions: %s"),
                                        rd_kafka_error_string (kerror)));
          rd_kafka_error_destroy (kerror);
        }
    }
  else
    {
      rd_kafka_resp_err_t err = rd_kafka_assign (rk, list);

      if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        set_fatal (self, g_error_new (DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_FAILED,
                                      _("Cannot take the assigned Kafka partitions: %s"),
                                      rd_kafka_err2str (err)));
    }
  self->assigned_once = TRUE;
  self->rebalancing = FALSE;
  self->broker_down = FALSE;

  /* A copy to Kafka may have been refused while the group rebalanced:
   * bring the group's offsets up to the database's now. */
  commit_stored (self, rk, list);
}

/* Under lock: TRUE while a record of @list handed to the engine is not
 * yet in the database. */
static gboolean
handed_not_stored (DpsKafkaSource                  *self,
                   rd_kafka_topic_partition_list_t *list)
{
  for (int i = 0; i < list->cnt; i++)
    {
      const rd_kafka_topic_partition_t *tp = &list->elems[i];
      const Partition *p;

      if (strcmp (tp->topic, self->topic) != 0 || tp->partition < 0 ||
          (guint) tp->partition >= self->partitions->len)
        continue;
      p = &g_array_index (self->partitions, Partition, tp->partition);
      if (p->handed > p->stored)
        return TRUE;
    }
  return FALSE;
}

static void
revoke_partitions (DpsKafkaSource                  *self,
                   rd_kafka_t                      *rk,
                   rd_kafka_topic_partition_list_t *list,
                   gboolean                         cooperative)
{
  gboolean lost = rd_kafka_assignment_lost (rk);
  gboolean wait;

  if (lost)
    g_debug ("Kafka: the assignment of %s was lost (session expired)", self->topic);

  g_mutex_lock (&self->lock);
  for (int i = 0; i < list->cnt; i++)
    {
      const rd_kafka_topic_partition_t *tp = &list->elems[i];
      Partition *p;

      if (strcmp (tp->topic, self->topic) != 0 || tp->partition < 0)
        continue;
      p = get_partition (self, tp->partition);
      p->assigned = FALSE;
      p->in_chunk = FALSE;
      p->next = p->handed;
    }
  if (self->filling != NULL)
    drop_revoked_lines (self, self->filling);

  /* In the threaded engine the reader runs on its own thread, not the one
   * that opened the source; committed() then comes from the sink. */
  wait = !lost && !self->closing &&
         (self->committer_elsewhere || (self->reader != NULL && self->reader != self->opener));
  if (wait && handed_not_stored (self, list))
    {
      gint64 deadline = g_get_monotonic_time () + (gint64) self->revoke_wait_ms * 1000;

      g_mutex_unlock (&self->lock);
      dps_source_set_status_text (DPS_SOURCE (self), _("Handing partitions over to another consumer"));
      g_mutex_lock (&self->lock);
      while (handed_not_stored (self, list) &&
             !g_cancellable_is_cancelled (self->cancellable) &&
             g_get_monotonic_time () < deadline)
        g_cond_wait_until (&self->stored_changed, &self->lock,
                           MIN (deadline, g_get_monotonic_time () + 100 * 1000));
      if (handed_not_stored (self, list))
        g_debug ("Kafka: partitions of %s revoked before their records were committed; "
                 "the next owner deduplicates them", self->topic);
    }

  g_mutex_unlock (&self->lock);

  /* Copy the final positions to Kafka, for the tools that show lag. */
  if (!lost && !self->closing)
    commit_stored (self, rk, list);

  if (cooperative)
    {
      rd_kafka_error_t *kerror = rd_kafka_incremental_unassign (rk, list);

      if (kerror != NULL)
        rd_kafka_error_destroy (kerror);
    }
  else
    rd_kafka_assign (rk, NULL);
  release_partition_queues (self, FALSE);
  self->rebalancing = TRUE;
}

static void
rebalance_cb (rd_kafka_t                      *rk,
              rd_kafka_resp_err_t              err,
              rd_kafka_topic_partition_list_t *list,
              void                            *opaque)
{
  DpsKafkaSource *self = opaque;
  gboolean cooperative = g_strcmp0 (rd_kafka_rebalance_protocol (rk), "COOPERATIVE") == 0;

  switch ((int) err)
    {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
      assign_partitions (self, rk, list, cooperative);
      break;

    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
      revoke_partitions (self, rk, list, cooperative);
      break;

    default:
      /* The group could not agree: hold nothing until it can. */
      g_debug ("Kafka: rebalance failed: %s", rd_kafka_err2str (err));
      g_mutex_lock (&self->lock);
      for (guint i = 0; i < self->partitions->len; i++)
        {
          Partition *p = &g_array_index (self->partitions, Partition, i);

          p->assigned = FALSE;
          p->in_chunk = FALSE;
          p->next = p->handed;
        }
      if (self->filling != NULL)
        drop_revoked_lines (self, self->filling);
      g_mutex_unlock (&self->lock);
      rd_kafka_assign (rk, NULL);
      release_partition_queues (self, TRUE);
      self->rebalancing = TRUE;
      break;
    }
}

static void
handle_error (DpsKafkaSource      *self,
              rd_kafka_resp_err_t  err,
              const char          *reason,
              gint32               partition)
{
  switch ((int) err)
    {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      set_fatal (self, g_error_new (DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_NOT_FOUND,
                                    _("The Kafka topic “%s” does not exist on %s"),
                                    self->topic, self->brokers));
      break;

    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL:
      set_fatal (self, g_error_new (DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_UNREADABLE,
                                    _("Kafka refused access to “%s”: %s"), self->topic, reason));
      break;

    case RD_KAFKA_RESP_ERR__FATAL:
      {
        char fatal[512];

        rd_kafka_fatal_error (self->rk, fatal, sizeof fatal);
        set_fatal (self, g_error_new (DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_FAILED,
                                      _("The Kafka consumer stopped: %s"), fatal));
      }
      break;

    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      if (self->reset_fails)
        set_fatal (self, g_error_new (DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_NOT_FOUND,
                                      _("The stored position of partition %d of “%s” is no longer in the topic: %s"),
                                      partition, self->topic, reason));
      else if (partition >= 0)
        {
          rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new (1);
          rd_kafka_error_t *kerror;

          /* Records were deleted by retention before they were read, or
           * the topic was created again: start over where the policy says. */
          g_warning ("The stored position of partition %d of “%s” is no longer in the topic (%s); "
                     "reading it from its %s", partition, self->topic, reason,
                     self->reset_to == RD_KAFKA_OFFSET_END ? "end" : "beginning");
          rd_kafka_topic_partition_list_add (list, self->topic, partition)->offset = self->reset_to;
          kerror = rd_kafka_seek_partitions (self->rk, list, 5000);
          if (kerror != NULL)
            {
              set_fatal (self, g_error_new (DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_FAILED,
                                            _("Cannot move to the start of partition %d of “%s”: %s"),
                                            partition, self->topic, rd_kafka_error_string (kerror)));
              rd_kafka_error_destroy (kerror);
            }
          rd_kafka_topic_partition_list_destroy (list);
          g_mutex_lock (&self->lock);
          get_partition (self, partition)->next = -1;
          g_mutex_unlock (&self->lock);
        }
      break;

    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
      self->broker_down = TRUE;
      self->answered = FALSE;
      break;

    default:
      /* Connection hiccups of one broker among several, coordinator moves:
       * librdkafka retries them. */
      g_debug ("Kafka: %s: %s", rd_kafka_err2name (err), reason);
      break;
    }
}

static void
offsets_committed_cb (rd_kafka_t                      *rk,
                      rd_kafka_resp_err_t              err,
                      rd_kafka_topic_partition_list_t *offsets,
                      void                            *opaque)
{
  /* The database has the positions; Kafka's copy only shows the lag. */
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
    g_debug ("Kafka: copying positions to the group failed (the next commit or "
             "assignment copies them again): %s", rd_kafka_err2str (err));
}

static void
client_error_cb (rd_kafka_t *rk,
                 int         err,
                 const char *reason,
                 void       *opaque)
{
  DpsKafkaSource *self = opaque;

  if (err == RD_KAFKA_RESP_ERR__FATAL)
    {
      handle_error (self, err, reason, -1);
      return;
    }
  /* Topic errors come with the records; here only what concerns the
   * client as a whole. */
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ||
      err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
      err == RD_KAFKA_RESP_ERR__SSL)
    handle_error (self, err, reason, -1);
  else
    g_debug ("Kafka: %s: %s", rd_kafka_err2name (err), reason);
}

/* Puts one record in @chunk, or notes what it says. */
static void
take_message (DpsKafkaSource     *self,
              rd_kafka_message_t *message,
              DpsChunk           *chunk)
{
  Partition *p;

  if (message->rkt == NULL || strcmp (rd_kafka_topic_name (message->rkt), self->topic) != 0 ||
      message->partition < 0)
    {
      if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR)
        handle_error (self, message->err, rd_kafka_message_errstr (message), -1);
      return;
    }

  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR &&
      message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
    {
      handle_error (self, message->err, rd_kafka_message_errstr (message), message->partition);
      return;
    }

  /* Anything from the topic suggests a broker answered, but it may have
   * been fetched before the brokers went away: each partition has its
   * own queue, so records and the client's errors come in no common
   * order. read() checks with the broker before saying it is back. */
  self->answered = TRUE;

  /* No lock: the source thread is the only writer of what is read here. */
  p = lookup_partition (self, message->partition);
  if (p == NULL || !p->assigned || (p->next >= 0 && message->offset < p->next))
    /* Not ours (any more), or fetched before a seek: already handled. */
    return;
  if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
    {
      /* The end's offset is the high watermark, even when the fetch that
       * found it brought no record. */
      p->at_end = TRUE;
      p->seen_high = MAX (p->seen_high, (gint64) message->offset);
      return;
    }
  p->next = message->offset + 1;
  p->seen_high = MAX (p->seen_high, p->next);
  p->at_end = FALSE;
  p->in_chunk = TRUE;

  chunk->bytes += message->len;
  /* Tombstones and blank values carry no record, like blank lines in a
   * file; the checkpoint still moves past them. */
  if (message->payload != NULL && message->len > 0)
    {
      const char *data = message->payload;
      gboolean blank = TRUE;

      for (gsize i = 0; i < message->len && blank; i++)
        blank = g_ascii_isspace (data[i]);
      if (!blank)
        {
          DpsPosition position = { self->source_id, message->partition, message->offset, -1 };

          dps_chunk_add_line (chunk, data, MIN (message->len, self->max_line_length + 1),
                              message->len, &position);
        }
    }
}

/* Checks that a broker answers (and the topic exists). Blocks up to
 * @timeout_ms. */
static void
probe_broker (DpsKafkaSource *self,
              int             timeout_ms)
{
  const struct rd_kafka_metadata *metadata = NULL;
  rd_kafka_resp_err_t err;

  self->last_probe = g_get_monotonic_time ();
  err = rd_kafka_metadata (self->rk, 0, self->rkt, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    {
      if (dps_kafka_error_is_transport (err))
        self->broker_down = TRUE;
      else
        handle_error (self, err, rd_kafka_err2str (err), -1);
      return;
    }
  self->broker_down = FALSE;
  if (metadata->topic_cnt >= 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
    self->topic_partitions = metadata->topics[0].partition_cnt;
  if (metadata->topic_cnt >= 1 && metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR &&
      metadata->topics[0].err != RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
    handle_error (self, metadata->topics[0].err, rd_kafka_err2str (metadata->topics[0].err), -1);
  rd_kafka_metadata_destroy (metadata);
}

static gboolean
parse_reset_policy (DpsKafkaSource  *self,
                    GError         **error)
{
  const char *policy = g_hash_table_lookup (self->properties, "auto.offset.reset");
  const char *interval = g_hash_table_lookup (self->properties, "max.poll.interval.ms");
  guint64 interval_ms = DEFAULT_MAX_POLL_INTERVAL_MS;

  /* librdkafka checks the value itself; only a number changes the wait. */
  if (interval != NULL)
    g_ascii_string_to_unsigned (interval, 10, 1, G_MAXINT32, &interval_ms, NULL);
  self->revoke_wait_ms = (guint) ((double) interval_ms * REVOKE_WAIT_SHARE);

  self->reset_fails = FALSE;
  if (policy == NULL || g_str_equal (policy, "earliest") || g_str_equal (policy, "smallest") ||
      g_str_equal (policy, "beginning"))
    self->reset_to = RD_KAFKA_OFFSET_BEGINNING;
  else if (g_str_equal (policy, "latest") || g_str_equal (policy, "largest") || g_str_equal (policy, "end"))
    self->reset_to = RD_KAFKA_OFFSET_END;
  else if (g_str_equal (policy, "error"))
    {
      self->reset_to = RD_KAFKA_OFFSET_BEGINNING;
      self->reset_fails = TRUE;
    }
  else
    {
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID,
                   _("Invalid Kafka property “auto.offset.reset”: “%s” is not earliest, latest or error"),
                   policy);
      return FALSE;
    }
  return TRUE;
}

/* librdkafka before 2.3 aborts when a cooperative-sticky consumer is
 * destroyed before its first assignment (librdkafka issue 4312): a
 * process stopped while joining would crash instead of stopping. */
static gboolean
check_assignor (DpsKafkaSource  *self,
                GError         **error)
{
  const char *strategy = g_hash_table_lookup (self->properties, "partition.assignment.strategy");

  if (strategy == NULL || strstr (strategy, "cooperative-sticky") == NULL ||
      rd_kafka_version () >= 0x02030000)
    return TRUE;
  g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID,
               _("The cooperative-sticky assignor needs librdkafka 2.3 or later; this is %s"),
               rd_kafka_version_str ());
  return FALSE;
}

static void
destroy_client (DpsKafkaSource *self)
{
  rd_kafka_t *rk;

  /* librdkafka wants the application's queues gone before it closes. */
  release_partition_queues (self, TRUE);
  release_queue (&self->consumer_queue);

  g_mutex_lock (&self->lock);
  rk = g_steal_pointer (&self->rk);
  for (guint i = 0; i < self->partitions->len; i++)
    g_array_index (self->partitions, Partition, i).assigned = FALSE;
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&self->rkt, rd_kafka_topic_destroy);
  if (rk != NULL)
    rd_kafka_destroy (rk);
}

/* Creates the consumer from @conf (taken, even on failure). */
static gboolean
create_client (DpsKafkaSource   *self,
               rd_kafka_conf_t  *conf,
               GError          **error)
{
  rd_kafka_t *rk;
  char errstr[512];

  rk = rd_kafka_new (RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == NULL)
    {
      rd_kafka_conf_destroy (conf);
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID,
                   _("Cannot create the Kafka consumer: %s"), errstr);
      return FALSE;
    }
  rd_kafka_poll_set_consumer (rk);
  g_mutex_lock (&self->lock);
  self->rk = rk;
  g_mutex_unlock (&self->lock);
  self->consumer_queue = rd_kafka_queue_get_consumer (rk);
  if (self->consumer_queue != NULL)
    rd_kafka_queue_cb_event_enable (self->consumer_queue, queue_event_cb, self);

  self->rkt = rd_kafka_topic_new (rk, self->topic, NULL);
  if (self->rkt == NULL)
    {
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID,
                   _("Invalid Kafka topic “%s”: %s"), self->topic,
                   rd_kafka_err2str (rd_kafka_last_error ()));
      destroy_client (self);
      return FALSE;
    }
  return TRUE;
}

static gboolean
dps_kafka_source_open (DpsSource      *source,
                       DpsRepository  *repository,
                       GCancellable   *cancellable,
                       GError        **error)
{
  DpsKafkaSource *self = DPS_KAFKA_SOURCE (source);
  /* What the source manages itself. */
  static const char *const reserved[] = {
    "group.id", "enable.auto.commit", "enable.auto.offset.store", "enable.partition.eof",
    "auto.offset.reset", NULL
  };
  /* Defaults a property may change. Small fetches per partition keep the
   * partitions of a topic in step, so a batch holds records close in
   * time (the database's time index then stays in cache): about 15 %
   * faster than librdkafka's 1 MB when loading a backlog. The prefetch
   * limit applies to each partition's queue; see PREFETCH_TOTAL_KB. */
  static const char *const defaults[] = {
    "max.partition.fetch.bytes", "65536",
    "queued.max.messages.kbytes", PREFETCH_DEFAULT_KB,
    NULL
  };
  rd_kafka_conf_t *spare = NULL;
  rd_kafka_topic_partition_list_t *subscription;
  rd_kafka_conf_t *conf;
  rd_kafka_resp_err_t err;
  rd_kafka_t *rk;
  gint64 deadline;

  g_return_val_if_fail (self->rk == NULL, FALSE);

  g_set_object (&self->repository, repository);
  g_clear_error (&self->fatal);
  self->assigned_once = FALSE;
  self->rebalancing = FALSE;
  self->broker_down = FALSE;
  self->opener = g_thread_self ();
  self->reader = NULL;
  self->turn = 0;
  self->topic_partitions = 0;
  g_mutex_lock (&self->lock);
  g_array_set_size (self->partitions, 0);
  self->committer_elsewhere = FALSE;
  self->closing = FALSE;
  g_mutex_unlock (&self->lock);

  if (!parse_reset_policy (self, error) || !check_assignor (self, error) ||
      !dps_repository_ensure_source (repository, self->key, &self->source_id, error))
    return FALSE;

  conf = dps_kafka_conf_new (self->brokers, defaults, self->properties, reserved,
                             DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID, error);
  if (conf == NULL)
    return FALSE;
  /* Positions are the database's; out-of-range ones are handled here. */
  if (!dps_kafka_conf_set (conf, "group.id", self->group, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID, error) ||
      !dps_kafka_conf_set (conf, "enable.auto.commit", "false", DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID, error) ||
      !dps_kafka_conf_set (conf, "enable.auto.offset.store", "false", DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID, error) ||
      !dps_kafka_conf_set (conf, "enable.partition.eof", "true", DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID, error) ||
      !dps_kafka_conf_set (conf, "auto.offset.reset", "error", DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID, error))
    {
      rd_kafka_conf_destroy (conf);
      return FALSE;
    }
  rd_kafka_conf_set_opaque (conf, self);
  rd_kafka_conf_set_rebalance_cb (conf, rebalance_cb);
  rd_kafka_conf_set_error_cb (conf, client_error_cb);
  rd_kafka_conf_set_offset_commit_cb (conf, offsets_committed_cb);

  /* The prefetch is sized for the topic once its partition count is
   * known, unless a property says. */
  if (!g_hash_table_contains (self->properties, "queued.max.messages.kbytes"))
    spare = rd_kafka_conf_dup (conf);
  if (!create_client (self, conf, error))
    {
      g_clear_pointer (&spare, rd_kafka_conf_destroy);
      return FALSE;
    }

  /* A missing topic is a clear error now; an unreachable broker is
   * waited for by read(). */
  dps_source_set_status_text (source, _("Connecting to the Kafka broker"));
  deadline = g_get_monotonic_time () + (gint64) OPEN_CHECK_MS * 1000;
  do
    probe_broker (self, 500);
  while (self->broker_down && self->fatal == NULL &&
         !g_cancellable_is_cancelled (cancellable) && g_get_monotonic_time () < deadline);
  if (self->fatal != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->fatal));
      g_clear_pointer (&spare, rd_kafka_conf_destroy);
      destroy_client (self);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_clear_pointer (&spare, rd_kafka_conf_destroy);
      destroy_client (self);
      return FALSE;
    }
  if (spare != NULL && self->topic_partitions > 0)
    {
      char kbytes[24];

      g_snprintf (kbytes, sizeof kbytes, "%d",
                  MAX (PREFETCH_MIN_KB, PREFETCH_TOTAL_KB / self->topic_partitions));
      if (strcmp (kbytes, PREFETCH_DEFAULT_KB) != 0)
        {
          /* Not yet in the group: a new client costs one connection. */
          destroy_client (self);
          if (!dps_kafka_conf_set (spare, "queued.max.messages.kbytes", kbytes,
                                   DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID, error) ||
              !create_client (self, g_steal_pointer (&spare), error))
            {
              g_clear_pointer (&spare, rd_kafka_conf_destroy);
              return FALSE;
            }
        }
    }
  g_clear_pointer (&spare, rd_kafka_conf_destroy);
  rk = self->rk;

  subscription = rd_kafka_topic_partition_list_new (1);
  rd_kafka_topic_partition_list_add (subscription, self->topic, RD_KAFKA_PARTITION_UA);
  err = rd_kafka_subscribe (rk, subscription);
  rd_kafka_topic_partition_list_destroy (subscription);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    {
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_FAILED,
                   _("Cannot subscribe to the Kafka topic “%s”: %s"), self->topic,
                   rd_kafka_err2str (err));
      destroy_client (self);
      return FALSE;
    }
  return TRUE;
}

static gboolean
all_at_end (DpsKafkaSource *self)
{
  gboolean at_end = TRUE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->partitions->len && at_end; i++)
    {
      const Partition *p = &g_array_index (self->partitions, Partition, i);

      if (p->assigned && !p->at_end)
        at_end = FALSE;
    }
  g_mutex_unlock (&self->lock);
  return at_end;
}

/* Serves the consumer's queue (rebalances, errors, commit results, and
 * the records of partitions without a queue of their own), then takes
 * up to TURN_RECORDS records from each assigned partition in turn,
 * starting with the one whose turn it is, until @chunk holds @max_lines.
 *
 * Partitions stay in step: none takes more than STEP_RECORDS records
 * ahead of the one that took the fewest among those that hold the
 * others, the partitions with records to read (not at their end). One
 * whose queue is empty although it is behind (its next fetch is on its
 * way) holds the others back at most STALL_GRACE_US; after that (its
 * broker is slow or away) it no longer counts. A partition that starts
 * to count (assigned, records again after its end or a stall) joins the
 * others where they stand.
 *
 * Returns whether anything came. *held_until is, when partitions wait
 * for one that holds them back, when it stops holding them; else 0. */
static gboolean
take_turns (DpsKafkaSource *self,
            DpsChunk       *chunk,
            guint           max_lines,
            gint64         *held_until)
{
  rd_kafka_message_t *messages[TURN_RECORDS];
  gboolean taken = FALSE, capped = FALSE;
  guint64 lowest = G_MAXUINT64, holding = G_MAXUINT64;
  gint64 now, release = G_MAXINT64;
  guint n, first;

  *held_until = 0;
  while (chunk->lines->len < max_lines && self->fatal == NULL)
    {
      rd_kafka_message_t *message = rd_kafka_consumer_poll (self->rk, 0);

      if (message == NULL)
        break;
      take_message (self, message, chunk);
      rd_kafka_message_destroy (message);
      taken = TRUE;
    }

  /* Where the partitions stand. A rebalance served above may have
   * changed them: look them up by index from here on. */
  now = g_get_monotonic_time ();
  n = self->partitions->len;
  for (guint i = 0; i < n; i++)
    {
      Partition *p = &g_array_index (self->partitions, Partition, i);
      gboolean held = p->holds, empty;

      p->holds = FALSE;
      if (!p->assigned || p->queue == NULL)
        continue;
      empty = rd_kafka_queue_length (p->queue) == 0;
      if (!empty)
        p->empty_since = 0;
      else if (p->empty_since == 0)
        p->empty_since = now;
      p->holds = !p->at_end && (!empty || now - p->empty_since < STALL_GRACE_US);
      if (held && p->holds)
        holding = MIN (holding, p->taken);
    }
  for (guint i = 0; i < n; i++)
    {
      Partition *p = &g_array_index (self->partitions, Partition, i);

      if (!p->holds)
        continue;
      /* One that starts to count joins the others where they stand. */
      if (p->joins)
        p->taken = holding != G_MAXUINT64 ? holding : 0;
      p->joins = FALSE;
      lowest = MIN (lowest, p->taken);
      if (rd_kafka_queue_length (p->queue) == 0)
        release = MIN (release, p->empty_since + STALL_GRACE_US);
    }
  for (guint i = 0; i < n; i++)
    {
      Partition *p = &g_array_index (self->partitions, Partition, i);

      if (p->holds)
        continue;
      /* Records that come to a partition at its end (a live topic) are
       * taken in turn with the others, whatever it took before. */
      if (lowest != G_MAXUINT64)
        p->taken = lowest;
      p->joins = TRUE;
    }

  first = self->turn;
  for (guint i = 0; i < n && chunk->lines->len < max_lines && self->fatal == NULL; i++)
    {
      guint index = (first + i) % n;
      Partition *p = &g_array_index (self->partitions, Partition, index);
      guint64 allowed = TURN_RECORDS;
      ssize_t count;

      if (!p->assigned || p->queue == NULL)
        continue;
      if (lowest != G_MAXUINT64)
        {
          allowed = lowest + STEP_RECORDS > p->taken ? lowest + STEP_RECORDS - p->taken : 0;
          if (allowed == 0)
            {
              capped = TRUE;
              continue;
            }
        }
      count = rd_kafka_consume_batch_queue (p->queue, 0, messages,
                                            (size_t) MIN (MIN (allowed, (guint64) TURN_RECORDS),
                                                          (guint64) (max_lines - chunk->lines->len)));
      for (ssize_t j = 0; j < count; j++)
        {
          if (messages[j]->err == RD_KAFKA_RESP_ERR_NO_ERROR)
            g_array_index (self->partitions, Partition, index).taken++;
          take_message (self, messages[j], chunk);
          rd_kafka_message_destroy (messages[j]);
        }
      if (count > 0)
        taken = TRUE;
      /* The next turn goes to the partition after the last served. */
      self->turn = (index + 1) % n;
    }

  if (capped && release != G_MAXINT64)
    *held_until = release;
  return taken;
}

static DpsSourceStatus
dps_kafka_source_read (DpsSource     *source,
                       DpsChunk      *chunk,
                       guint          max_lines,
                       GCancellable  *cancellable,
                       GError       **error)
{
  DpsKafkaSource *self = DPS_KAFKA_SOURCE (source);
  gint64 deadline = g_get_monotonic_time () + READ_WAIT_MS * 1000;
  g_autofree char *status = NULL;

  if (self->rk == NULL)
    {
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_FAILED,
                   _("The Kafka topic “%s” is not open"), self->topic);
      return DPS_SOURCE_FAILED;
    }

  self->reader = g_thread_self ();
  self->filling = chunk;
  self->cancellable = cancellable;
  while (chunk->lines->len < max_lines && self->fatal == NULL &&
         !g_cancellable_is_cancelled (cancellable))
    {
      gint64 held_until, until;

      g_mutex_lock (&self->wake_lock);
      self->woken = FALSE;
      g_mutex_unlock (&self->wake_lock);

      if (take_turns (self, chunk, max_lines, &held_until))
        continue;
      /* Wait for the first record only; then take what is ready. While
       * the partitions wait for one whose records are late, wait for it
       * here rather than leave the engine idle. */
      until = MAX (deadline, held_until);
      if (chunk->lines->len > 0 || self->fatal != NULL || g_get_monotonic_time () >= until)
        break;
      /* Short waits, so that a cancelled read ends soon. */
      until = MIN (until, g_get_monotonic_time () + READ_WAIT_MS * 1000);
      g_mutex_lock (&self->wake_lock);
      while (!self->woken && g_get_monotonic_time () < until)
        g_cond_wait_until (&self->wake, &self->wake_lock, until);
      g_mutex_unlock (&self->wake_lock);
    }
  self->filling = NULL;
  self->cancellable = NULL;

  if (self->fatal != NULL)
    {
      /* Nothing of this chunk is handed over: it is read again next time. */
      g_propagate_error (error, g_steal_pointer (&self->fatal));
      return DPS_SOURCE_FAILED;
    }

  /* Close the chunk: one checkpoint per partition it covers; publish
   * where each partition stands. */
  g_mutex_lock (&self->lock);
  refresh_watermarks (self);
  for (guint i = 0; i < self->partitions->len; i++)
    {
      Partition *p = &g_array_index (self->partitions, Partition, i);
      DpsCheckpoint checkpoint = { self->key, p->partition, p->next, -1, NULL, FALSE, 0 };

      p->high = MAX (p->high, p->seen_high);
      if (!p->in_chunk)
        continue;
      dps_chunk_set_checkpoint (chunk, &checkpoint);
      p->handed = p->position = p->next;
      p->in_chunk = FALSE;
    }
  g_mutex_unlock (&self->lock);

  if (chunk->lines->len > 0 || chunk->checkpoints->len > 0)
    {
      dps_source_set_status_text (source, NULL);
      return DPS_SOURCE_DATA;
    }

  /* Nothing now: say why. */
  if (self->broker_down &&
      (self->answered || g_get_monotonic_time () - self->last_probe >= PROBE_INTERVAL_US))
    {
      self->answered = FALSE;
      probe_broker (self, PROBE_WAIT_MS);
      if (self->fatal != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&self->fatal));
          return DPS_SOURCE_FAILED;
        }
    }
  if (self->broker_down)
    /* Translators: "Waiting for the Kafka broker at localhost:9092" */
    status = g_strdup_printf (_("Waiting for the Kafka broker at %s"), self->brokers);
  else if (!self->assigned_once || self->rebalancing)
    /* Translators: "Joining the consumer group “dps”" */
    status = g_strdup_printf (_("Joining the consumer group “%s”"), self->group);
  else if (all_at_end (self))
    {
      if (self->stop_at_end)
        {
          g_debug ("Kafka: every assigned partition of %s is read to its end", self->topic);
          return DPS_SOURCE_END;
        }
      /* Translators: "Waiting for new records in “transactions”" */
      status = g_strdup_printf (_("Waiting for new records in “%s”"), self->topic);
    }
  dps_source_set_status_text (source, status);
  return DPS_SOURCE_IDLE;
}

static gint64
dps_kafka_source_get_lag (DpsSource *source)
{
  DpsKafkaSource *self = DPS_KAFKA_SOURCE (source);
  gint64 total = 0;
  gboolean any = FALSE;

  g_mutex_lock (&self->lock);
  refresh_watermarks (self);
  for (guint i = 0; i < self->partitions->len && total >= 0; i++)
    {
      const Partition *p = &g_array_index (self->partitions, Partition, i);
      gint64 lag;

      if (!p->assigned)
        continue;
      /* One unknown partition makes the total unknown, not smaller. */
      lag = partition_lag (p);
      total = lag >= 0 ? total + lag : -1;
      any = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return any ? total : -1;
}

static void
dps_kafka_source_committed (DpsSource       *source,
                            const GPtrArray *checkpoints)
{
  DpsKafkaSource *self = DPS_KAFKA_SOURCE (source);
  rd_kafka_topic_partition_list_t *commit = NULL;

  g_mutex_lock (&self->lock);
  if (g_thread_self () != self->reader)
    self->committer_elsewhere = TRUE;
  for (guint i = 0; i < checkpoints->len; i++)
    {
      const DpsCheckpoint *cp = g_ptr_array_index (checkpoints, i);
      Partition *p;

      if (cp->partition < 0 || g_strcmp0 (cp->source_key, self->key) != 0)
        continue;
      p = lookup_partition (self, cp->partition);
      if (p == NULL)
        continue;
      p->stored = cp->offset;
      /* Partitions revoked meanwhile are the new owner's to commit. */
      if (!p->assigned || self->rk == NULL || self->closing)
        continue;
      if (commit == NULL)
        commit = rd_kafka_topic_partition_list_new ((int) checkpoints->len);
      rd_kafka_topic_partition_list_add (commit, self->topic, cp->partition)->offset = cp->offset;
    }
  g_cond_broadcast (&self->stored_changed);
  /* Asynchronous: the result comes back through the consumer's queue,
   * and a failure only delays what Kafka tools show. */
  if (commit != NULL)
    rd_kafka_commit (self->rk, commit, 1);
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&commit, rd_kafka_topic_partition_list_destroy);
}

static void
dps_kafka_source_close (DpsSource *source)
{
  DpsKafkaSource *self = DPS_KAFKA_SOURCE (source);
  rd_kafka_t *rk;

  g_mutex_lock (&self->lock);
  self->closing = TRUE;
  rk = self->rk;
  g_mutex_unlock (&self->lock);

  if (rk != NULL)
    {
      rd_kafka_resp_err_t err;

      /* librdkafka wants the application's queues gone before it closes. */
      release_partition_queues (self, TRUE);
      release_queue (&self->consumer_queue);

      /* Leaves the group at once, so that the others take the partitions
       * over without waiting for this member's session to expire. The
       * engine committed what it will commit before closing. */
      err = rd_kafka_consumer_close (rk);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        g_debug ("Kafka: closing the consumer: %s", rd_kafka_err2str (err));
    }
  destroy_client (self);
  g_clear_error (&self->fatal);
  g_clear_object (&self->repository);
  dps_source_set_status_text (source, NULL);
}

static void
dps_kafka_source_finalize (GObject *object)
{
  DpsKafkaSource *self = DPS_KAFKA_SOURCE (object);

  destroy_client (self);
  g_clear_object (&self->repository);
  g_clear_error (&self->fatal);
  g_free (self->brokers);
  g_free (self->topic);
  g_free (self->group);
  g_free (self->key);
  g_clear_pointer (&self->properties, g_hash_table_unref);
  g_array_unref (self->partitions);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->stored_changed);
  g_mutex_clear (&self->wake_lock);
  g_cond_clear (&self->wake);

  G_OBJECT_CLASS (dps_kafka_source_parent_class)->finalize (object);
}

static void
dps_kafka_source_class_init (DpsKafkaSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsSourceClass *source_class = DPS_SOURCE_CLASS (klass);

  object_class->finalize = dps_kafka_source_finalize;

  source_class->kind = "kafka";
  source_class->open = dps_kafka_source_open;
  source_class->read = dps_kafka_source_read;
  source_class->get_lag = dps_kafka_source_get_lag;
  source_class->committed = dps_kafka_source_committed;
  source_class->close = dps_kafka_source_close;
}

static void
dps_kafka_source_init (DpsKafkaSource *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->stored_changed);
  g_mutex_init (&self->wake_lock);
  g_cond_init (&self->wake);
  self->partitions = g_array_new (FALSE, TRUE, sizeof (Partition));
  self->reset_to = RD_KAFKA_OFFSET_BEGINNING;
}

DpsSource *
dps_kafka_source_new (const char *brokers,
                      const char *topic,
                      const char *group,
                      GHashTable *properties,
                      gsize       max_line_length)
{
  DpsKafkaSource *self;
  g_autofree char *description = NULL;

  g_return_val_if_fail (brokers != NULL, NULL);
  g_return_val_if_fail (topic != NULL, NULL);

  self = g_object_new (DPS_TYPE_KAFKA_SOURCE, NULL);
  self->brokers = g_strdup (brokers);
  self->topic = g_strdup (topic);
  self->group = g_strdup (group != NULL && group[0] != '\0' ? group : DPS_KAFKA_DEFAULT_GROUP);
  self->key = g_strdup_printf ("kafka:%s@%s", self->topic, self->group);
  self->max_line_length = max_line_length > 0 ? max_line_length : DPS_DEFAULT_MAX_LINE_LENGTH;
  self->properties = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (properties != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, properties);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (self->properties, g_strdup (key), g_strdup (value));
    }

  /* Translators: "Kafka topic transactions, group dps, on localhost:9092" */
  description = g_strdup_printf (_("Kafka topic %s, group %s, on %s"),
                                 self->topic, self->group, self->brokers);
  dps_source_set_description (DPS_SOURCE (self), description);
  dps_source_set_poll_interval (DPS_SOURCE (self), POLL_INTERVAL_MS);
  return DPS_SOURCE (self);
}

void
dps_kafka_source_set_stop_at_end (DpsSource *source,
                                  gboolean   stop_at_end)
{
  g_return_if_fail (DPS_IS_KAFKA_SOURCE (source));
  DPS_KAFKA_SOURCE (source)->stop_at_end = stop_at_end;
}

const char *
dps_kafka_source_get_source_key (DpsSource *source)
{
  g_return_val_if_fail (DPS_IS_KAFKA_SOURCE (source), NULL);
  return DPS_KAFKA_SOURCE (source)->key;
}

GArray *
dps_kafka_source_get_partition_lag (DpsSource *source)
{
  DpsKafkaSource *self;
  GArray *lags;

  g_return_val_if_fail (DPS_IS_KAFKA_SOURCE (source), NULL);

  self = DPS_KAFKA_SOURCE (source);
  lags = g_array_new (FALSE, TRUE, sizeof (DpsKafkaPartitionLag));
  g_mutex_lock (&self->lock);
  refresh_watermarks (self);
  for (guint i = 0; i < self->partitions->len; i++)
    {
      const Partition *p = &g_array_index (self->partitions, Partition, i);
      DpsKafkaPartitionLag lag;

      if (!p->known)
        continue;
      lag.partition = p->partition;
      lag.assigned = p->assigned;
      lag.committed = p->stored;
      lag.position = p->position;
      lag.high_watermark = p->high;
      lag.lag = partition_lag (p);
      g_array_append_val (lags, lag);
    }
  g_mutex_unlock (&self->lock);
  return lags;
}
