/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-generator.h"
#include "dps-kafka-config.h"

G_BEGIN_DECLS

/* Counts so far, sampled by the caller (a timer in the GUI). */
typedef struct {
  guint64  produced;           /* records handed to the client */
  guint64  delivered;          /* acknowledged by every in-sync replica */
  guint64  failed;             /* given up: not in the topic */
  guint64  bytes;              /* value bytes produced */
  gboolean broker_unreachable; /* no broker answers right now; the client retries */
} DpsKafkaProducerProgress;

/* Called on the producing thread at most ~10 times a second, and once at
 * the end. */
typedef void (*DpsKafkaProducerProgressFunc) (const DpsKafkaProducerProgress *progress,
                                              gpointer                        user_data);

#define DPS_TYPE_KAFKA_PRODUCER (dps_kafka_producer_get_type ())
G_DECLARE_FINAL_TYPE (DpsKafkaProducer, dps_kafka_producer, DPS, KAFKA_PRODUCER, GObject)

/* An idempotent producer (enable.idempotence=true, acks=all: a record
 * retried after a lost acknowledgement is stored once) writing JSON
 * values keyed by their transaction_id to @topic. @properties (may be
 * NULL) are passed to librdkafka (security.protocol, sasl.*, ssl.*…);
 * sasl.password may come from $DPS_KAFKA_SASL_PASSWORD. Nothing is sent
 * before the first call that produces. */
DpsKafkaProducer *dps_kafka_producer_new          (const char                   *brokers,
                                                   const char                   *topic,
                                                   GHashTable                   *properties,
                                                   GError                      **error);
const char       *dps_kafka_producer_get_topic    (DpsKafkaProducer             *self);
/* "topic on brokers", for people. */
const char       *dps_kafka_producer_get_description (DpsKafkaProducer          *self);

/* Waits (up to @timeout_ms) for the brokers to describe the topic: FALSE
 * with DPS_KAFKA_ERROR_NOT_FOUND when it does not exist, UNAVAILABLE when
 * no broker answers, UNAUTHORIZED when refused. Called by
 * dps_kafka_producer_send_generated() before it produces. */
gboolean          dps_kafka_producer_check_topic  (DpsKafkaProducer             *self,
                                                   guint                         timeout_ms,
                                                   GCancellable                 *cancellable,
                                                   GError                      **error);

/* Queues one record (the key is read from the line's transaction_id; a
 * line without a readable id has no key). Waits while the client's queue
 * is full. Delivery is reported later: see dps_kafka_producer_flush(). */
gboolean          dps_kafka_producer_send         (DpsKafkaProducer             *self,
                                                   const char                   *line,
                                                   gsize                         length,
                                                   GCancellable                 *cancellable,
                                                   GError                      **error);
/* Waits until every queued record is delivered or failed. Cancelling
 * stops waiting and drops what is still queued (counted as failed). FALSE
 * with DPS_KAFKA_ERROR_DELIVERY when any record, ever, failed: the
 * message says how many, and the first reason. */
gboolean          dps_kafka_producer_flush        (DpsKafkaProducer             *self,
                                                   GCancellable                 *cancellable,
                                                   GError                      **error);

/* Produces what @generator makes, until it has made options->rows lines
 * (forever when 0, until cancelled), at @rate records per second (0 = as
 * fast as possible), then flushes. When cancelled, the records already
 * made are still delivered (so the generator's manifest describes the
 * topic) and it fails with G_IO_ERROR_CANCELLED; a delivery failure wins
 * over the cancellation. Blocks: run it on a worker thread, or use the
 * _async variant. */
gboolean          dps_kafka_producer_send_generated (DpsKafkaProducer           *self,
                                                   DpsGenerator                 *generator,
                                                   double                        rate,
                                                   DpsKafkaProducerProgressFunc  progress,
                                                   gpointer                      user_data,
                                                   GCancellable                 *cancellable,
                                                   GError                      **error);
/* The same on a worker thread; sample dps_kafka_producer_get_progress()
 * on a timer meanwhile. @callback runs on the caller's main context. */
void              dps_kafka_producer_send_generated_async (DpsKafkaProducer     *self,
                                                   DpsGenerator                 *generator,
                                                   double                        rate,
                                                   GCancellable                 *cancellable,
                                                   GAsyncReadyCallback           callback,
                                                   gpointer                      user_data);
gboolean          dps_kafka_producer_send_generated_finish (DpsKafkaProducer    *self,
                                                   GAsyncResult                 *result,
                                                   GError                      **error);

/* Any thread. */
void              dps_kafka_producer_get_progress (DpsKafkaProducer             *self,
                                                   DpsKafkaProducerProgress     *progress);

G_END_DECLS
