/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-kafka"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dps-kafka-config-private.h"
#include "dps-kafka-producer.h"

#define PROGRESS_INTERVAL   (G_USEC_PER_SEC / 10)
#define POLL_STEP_MS        20
/* After a cancellation, how long records already made may still take to
 * be delivered before they are dropped. */
#define CANCEL_GRACE_MS     10000

struct _DpsKafkaProducer
{
  GObject                   parent_instance;

  /* Set at construction. */
  rd_kafka_t               *rk;
  rd_kafka_topic_t         *rkt;
  char                     *topic;
  char                     *brokers;
  char                     *description;

  /* Under lock: written by librdkafka's callbacks and the producing
   * thread, read by anyone. */
  GMutex                    lock;
  DpsKafkaProducerProgress  progress;
  char                     *first_error;
};

G_DEFINE_FINAL_TYPE (DpsKafkaProducer, dps_kafka_producer, G_TYPE_OBJECT)

typedef struct {
  DpsGenerator *generator;
  double        rate;
} SendJob;

static void
send_job_free (gpointer data)
{
  SendJob *job = data;

  g_clear_object (&job->generator);
  g_free (job);
}

static void
note_failure (DpsKafkaProducer *self,
              guint64           count,
              const char       *reason)
{
  g_mutex_lock (&self->lock);
  self->progress.failed += count;
  if (self->first_error == NULL)
    self->first_error = g_strdup (reason);
  g_mutex_unlock (&self->lock);
}

/* Maps what librdkafka said about the topic or the cluster to our codes. */
static void
set_kafka_error (DpsKafkaProducer     *self,
                 rd_kafka_resp_err_t   err,
                 GError              **error)
{
  switch ((int) err)
    {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_NOT_FOUND,
                   _("The Kafka topic “%s” does not exist on %s"), self->topic, self->brokers);
      break;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_UNAUTHORIZED,
                   _("Kafka refused access to “%s”: %s"), self->topic, rd_kafka_err2str (err));
      break;
    case RD_KAFKA_RESP_ERR__FATAL:
      {
        char reason[512];

        rd_kafka_fatal_error (self->rk, reason, sizeof reason);
        g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_FAILED,
                     _("The Kafka producer stopped: %s"), reason);
      }
      break;
    default:
      if (dps_kafka_error_is_transport (err))
        g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_UNAVAILABLE,
                     _("Cannot reach the Kafka broker at %s: %s"), self->brokers, rd_kafka_err2str (err));
      else
        g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_FAILED,
                     _("Cannot produce to the Kafka topic “%s”: %s"), self->topic, rd_kafka_err2str (err));
      break;
    }
}

static void
delivered_cb (rd_kafka_t               *rk,
              const rd_kafka_message_t *message,
              void                     *opaque)
{
  DpsKafkaProducer *self = opaque;

  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR)
    {
      note_failure (self, 1, rd_kafka_err2str (message->err));
      return;
    }
  g_mutex_lock (&self->lock);
  self->progress.delivered++;
  self->progress.broker_unreachable = FALSE;
  g_mutex_unlock (&self->lock);
}

static void
client_error_cb (rd_kafka_t *rk,
                 int         err,
                 const char *reason,
                 void       *opaque)
{
  DpsKafkaProducer *self = opaque;

  g_debug ("Kafka producer: %s: %s", rd_kafka_err2name (err), reason);
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    {
      g_mutex_lock (&self->lock);
      self->progress.broker_unreachable = TRUE;
      g_mutex_unlock (&self->lock);
    }
}

static void
report (DpsKafkaProducer             *self,
        DpsKafkaProducerProgressFunc  progress,
        gpointer                      user_data)
{
  DpsKafkaProducerProgress snapshot;

  if (progress == NULL)
    return;
  dps_kafka_producer_get_progress (self, &snapshot);
  progress (&snapshot, user_data);
}

/* Serves delivery reports until nothing is queued, @deadline (monotonic;
 * 0 = none) passes or @cancellable fires; then drops what is left. */
static void
drain (DpsKafkaProducer *self,
       gint64            deadline,
       GCancellable     *cancellable)
{
  while (rd_kafka_outq_len (self->rk) > 0)
    {
      if (g_cancellable_is_cancelled (cancellable) ||
          (deadline > 0 && g_get_monotonic_time () >= deadline))
        {
          /* Purged records get a delivery report with an error: they
           * count as failed. */
          rd_kafka_purge (self->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT |
                                    RD_KAFKA_PURGE_F_NON_BLOCKING);
          rd_kafka_flush (self->rk, 1000);
          rd_kafka_poll (self->rk, 0);
          break;
        }
      rd_kafka_flush (self->rk, 100);
    }
}

static gboolean
check_delivered (DpsKafkaProducer  *self,
                 GError           **error)
{
  g_autofree char *reason = NULL;
  g_autofree char *failed_text = NULL;
  g_autofree char *produced_text = NULL;
  guint64 failed, produced;

  g_mutex_lock (&self->lock);
  failed = self->progress.failed;
  produced = self->progress.produced;
  reason = g_strdup (self->first_error);
  g_mutex_unlock (&self->lock);

  if (failed == 0)
    return TRUE;
  failed_text = g_strdup_printf ("%" G_GUINT64_FORMAT, failed);
  produced_text = g_strdup_printf ("%" G_GUINT64_FORMAT, MAX (produced, failed));
  g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_DELIVERY,
               /* Translators: "3 of 1000 records were not delivered to “transactions”: Broker: …" */
               g_dngettext (GETTEXT_PACKAGE,
                            "%s of %s record was not delivered to “%s”: %s",
                            "%s of %s records were not delivered to “%s”: %s",
                            failed),
               failed_text, produced_text, self->topic, reason != NULL ? reason : "");
  return FALSE;
}

static void
send_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DpsKafkaProducer *self = source_object;
  SendJob *job = task_data;
  GError *error = NULL;

  if (dps_kafka_producer_send_generated (self, job->generator, job->rate, NULL, NULL,
                                         cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
dps_kafka_producer_finalize (GObject *object)
{
  DpsKafkaProducer *self = DPS_KAFKA_PRODUCER (object);

  if (self->rk != NULL)
    {
      /* Whatever is still queued had its chance in flush(). */
      rd_kafka_purge (self->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_poll (self->rk, 0);
    }
  g_clear_pointer (&self->rkt, rd_kafka_topic_destroy);
  g_clear_pointer (&self->rk, rd_kafka_destroy);
  g_free (self->topic);
  g_free (self->brokers);
  g_free (self->description);
  g_free (self->first_error);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dps_kafka_producer_parent_class)->finalize (object);
}

static void
dps_kafka_producer_class_init (DpsKafkaProducerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_kafka_producer_finalize;
}

static void
dps_kafka_producer_init (DpsKafkaProducer *self)
{
  g_mutex_init (&self->lock);
}

DpsKafkaProducer *
dps_kafka_producer_new (const char  *brokers,
                        const char  *topic,
                        GHashTable  *properties,
                        GError     **error)
{
  /* Exactly-once delivery into the topic is not negotiable. */
  static const struct { const char *key; const char *const values[3]; } fixed[] = {
    { "enable.idempotence", { "true", NULL } },
    { "acks", { "all", "-1", NULL } },
  };
  static const char *const reserved[] = { "enable.idempotence", "acks", NULL };
  /* Defaults a property may change: batches that fill, and the Java
   * clients' partitioner, so that any producer sends an id to the same
   * partition (a duplicate stays behind its original). */
  static const char *const defaults[] = {
    "linger.ms", "20",
    "partitioner", "murmur2_random",
    NULL
  };
  g_autoptr(DpsKafkaProducer) self = NULL;
  rd_kafka_conf_t *conf;
  char errstr[512];

  g_return_val_if_fail (brokers != NULL, NULL);
  g_return_val_if_fail (topic != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (topic[0] == '\0')
    {
      g_set_error_literal (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                           _("No Kafka topic given"));
      return NULL;
    }
  for (guint i = 0; properties != NULL && i < G_N_ELEMENTS (fixed); i++)
    {
      const char *value = g_hash_table_lookup (properties, fixed[i].key);

      if (value != NULL && !g_strv_contains (fixed[i].values, value))
        {
          g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                       _("The producer always uses enable.idempotence=true and acks=all; “%s=%s” is not allowed"),
                       fixed[i].key, value);
          return NULL;
        }
    }

  self = g_object_new (DPS_TYPE_KAFKA_PRODUCER, NULL);
  self->topic = g_strdup (topic);
  self->brokers = g_strdup (brokers);
  /* Translators: "transactions on localhost:9092" */
  self->description = g_strdup_printf (_("%s on %s"), topic, brokers);

  conf = dps_kafka_conf_new (brokers, defaults, properties, reserved,
                             DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID, error);
  if (conf == NULL)
    return NULL;
  if (!dps_kafka_conf_set (conf, "enable.idempotence", "true", DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID, error) ||
      !dps_kafka_conf_set (conf, "acks", "all", DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID, error))
    goto failed;

  rd_kafka_conf_set_opaque (conf, self);
  rd_kafka_conf_set_dr_msg_cb (conf, delivered_cb);
  rd_kafka_conf_set_error_cb (conf, client_error_cb);

  self->rk = rd_kafka_new (RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (self->rk == NULL)
    {
      g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                   _("Cannot create the Kafka producer: %s"), errstr);
      goto failed;
    }
  conf = NULL;   /* owned by rk now */
  self->rkt = rd_kafka_topic_new (self->rk, topic, NULL);
  if (self->rkt == NULL)
    {
      g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                   _("Invalid Kafka topic “%s”: %s"), topic,
                   rd_kafka_err2str (rd_kafka_last_error ()));
      return NULL;
    }
  return g_steal_pointer (&self);

failed:
  if (conf != NULL)
    rd_kafka_conf_destroy (conf);
  return NULL;
}

const char *
dps_kafka_producer_get_topic (DpsKafkaProducer *self)
{
  g_return_val_if_fail (DPS_IS_KAFKA_PRODUCER (self), NULL);
  return self->topic;
}

const char *
dps_kafka_producer_get_description (DpsKafkaProducer *self)
{
  g_return_val_if_fail (DPS_IS_KAFKA_PRODUCER (self), NULL);
  return self->description;
}

gboolean
dps_kafka_producer_check_topic (DpsKafkaProducer  *self,
                                guint              timeout_ms,
                                GCancellable      *cancellable,
                                GError           **error)
{
  gint64 deadline;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;

  g_return_val_if_fail (DPS_IS_KAFKA_PRODUCER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  /* Short requests, so that a cancellation is heard. */
  while (!g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      const struct rd_kafka_metadata *metadata = NULL;
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

      err = rd_kafka_metadata (self->rk, 0, self->rkt, &metadata, (int) CLAMP (left, 1, 500));
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
        {
          if (metadata->topic_cnt >= 1)
            err = metadata->topics[0].err;
          rd_kafka_metadata_destroy (metadata);
          /* A topic being created has no leader yet: it is there. */
          if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
            return TRUE;
          if (err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || left <= 0)
            break;
          /* Brokers that create topics on demand may need a moment. */
          g_usleep (100 * 1000);
        }
      else if (left <= 0 || !dps_kafka_error_is_transport (err))
        break;
    }
  if (error != NULL && *error != NULL)
    return FALSE;
  set_kafka_error (self, err, error);
  return FALSE;
}

gboolean
dps_kafka_producer_send (DpsKafkaProducer  *self,
                         const char        *line,
                         gsize              length,
                         GCancellable      *cancellable,
                         GError           **error)
{
  gsize key_start = 0, key_length = 0;
  gboolean has_key;

  g_return_val_if_fail (DPS_IS_KAFKA_PRODUCER (self), FALSE);
  g_return_val_if_fail (line != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  has_key = dps_kafka_find_record_key (line, length, &key_start, &key_length);
  for (;;)
    {
      rd_kafka_resp_err_t err;

      if (rd_kafka_produce (self->rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                            (void *) line, length,
                            has_key ? line + key_start : NULL, has_key ? key_length : 0,
                            NULL) == 0)
        break;

      err = rd_kafka_last_error ();
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        {
          /* Wait for deliveries to make room. */
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          rd_kafka_poll (self->rk, POLL_STEP_MS);
          continue;
        }
      if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        {
          /* This record only: count it and go on. */
          g_mutex_lock (&self->lock);
          self->progress.produced++;
          g_mutex_unlock (&self->lock);
          note_failure (self, 1, rd_kafka_err2str (err));
          return TRUE;
        }
      set_kafka_error (self, err, error);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  self->progress.produced++;
  self->progress.bytes += length;
  g_mutex_unlock (&self->lock);
  /* Serve delivery reports as we go. */
  rd_kafka_poll (self->rk, 0);
  return TRUE;
}

gboolean
dps_kafka_producer_flush (DpsKafkaProducer  *self,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_return_val_if_fail (DPS_IS_KAFKA_PRODUCER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  drain (self, 0, cancellable);
  if (!check_delivered (self, error))
    return FALSE;
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
dps_kafka_producer_send_generated (DpsKafkaProducer             *self,
                                   DpsGenerator                 *generator,
                                   double                        rate,
                                   DpsKafkaProducerProgressFunc  progress,
                                   gpointer                      user_data,
                                   GCancellable                 *cancellable,
                                   GError                      **error)
{
  g_autoptr(GString) line = g_string_sized_new (1024);
  g_autoptr(GError) local_error = NULL;
  guint64 rows, made = 0;
  gint64 started, last_progress;

  g_return_val_if_fail (DPS_IS_KAFKA_PRODUCER (self), FALSE);
  g_return_val_if_fail (DPS_IS_GENERATOR (generator), FALSE);
  g_return_val_if_fail (rate >= 0.0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dps_kafka_producer_check_topic (self, 10000, cancellable, error))
    return FALSE;

  rows = dps_generator_get_options (generator)->rows;
  started = g_get_monotonic_time ();
  last_progress = started;
  while (rows == 0 || dps_generator_get_manifest (generator)->lines < rows)
    {
      gint64 now;

      if (rate > 0.0)
        {
          /* Record n is due n / rate seconds after the start: after a
           * stall the late ones go out at once instead of shifting the
           * rest. Waiting serves delivery reports. */
          gint64 due = started + (gint64) ((double) made * G_USEC_PER_SEC / rate);

          while ((now = g_get_monotonic_time ()) < due &&
                 !g_cancellable_is_cancelled (cancellable))
            rd_kafka_poll (self->rk, (int) CLAMP ((due - now) / 1000, 1, POLL_STEP_MS));
        }
      if ((made & 255) == 0 && g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;

      g_string_truncate (line, 0);
      dps_generator_next (generator, line, NULL);
      made++;
      if (!dps_kafka_producer_send (self, line->str, line->len, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              /* Made but refused by a full queue: it never left. */
              note_failure (self, 1, _("Cancelled before it was sent"));
              g_mutex_lock (&self->lock);
              self->progress.produced++;
              g_mutex_unlock (&self->lock);
            }
          break;
        }

      if (progress != NULL && (rate > 0.0 || (made & 1023) == 0) &&
          (now = g_get_monotonic_time ()) - last_progress >= PROGRESS_INTERVAL)
        {
          report (self, progress, user_data);
          last_progress = now;
        }
    }

  if (local_error != NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      drain (self, g_get_monotonic_time () + CANCEL_GRACE_MS * 1000, NULL);
      report (self, progress, user_data);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Records made are delivered even when cancelled, within a grace
   * period, so that the manifest describes the topic. */
  drain (self, local_error != NULL ? g_get_monotonic_time () + CANCEL_GRACE_MS * 1000 : 0, NULL);
  report (self, progress, user_data);
  if (!check_delivered (self, error))
    return FALSE;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

void
dps_kafka_producer_send_generated_async (DpsKafkaProducer    *self,
                                         DpsGenerator        *generator,
                                         double               rate,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendJob *job;

  g_return_if_fail (DPS_IS_KAFKA_PRODUCER (self));
  g_return_if_fail (DPS_IS_GENERATOR (generator));

  job = g_new0 (SendJob, 1);
  job->generator = g_object_ref (generator);
  job->rate = MAX (rate, 0.0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_kafka_producer_send_generated_async);
  g_task_set_task_data (task, job, send_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, send_in_thread);
}

gboolean
dps_kafka_producer_send_generated_finish (DpsKafkaProducer  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dps_kafka_producer_get_progress (DpsKafkaProducer         *self,
                                 DpsKafkaProducerProgress *progress)
{
  g_return_if_fail (DPS_IS_KAFKA_PRODUCER (self));
  g_return_if_fail (progress != NULL);

  g_mutex_lock (&self->lock);
  *progress = self->progress;
  g_mutex_unlock (&self->lock);
}
