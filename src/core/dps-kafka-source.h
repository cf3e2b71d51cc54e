/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-kafka-config.h"
#include "dps-source.h"

G_BEGIN_DECLS

#define DPS_TYPE_KAFKA_SOURCE (dps_kafka_source_get_type ())
#define DPS_IS_KAFKA_SOURCE(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), DPS_TYPE_KAFKA_SOURCE))
GType dps_kafka_source_get_type (void) G_GNUC_CONST;

/* Where one partition of the topic stands. */
typedef struct {
  gint32   partition;
  gboolean assigned;         /* read by this process right now */
  gint64   committed;        /* next offset stored in the database; -1 if none yet */
  gint64   position;         /* next offset this process reads; -1 before its first record */
  gint64   high_watermark;   /* offset after the partition's last record; -1 if not known yet */
  gint64   lag;              /* records not yet in the database; -1 if not known */
} DpsKafkaPartitionLag;

/* A Kafka topic read as a member of consumer group @group (NULL: "dps"):
 * the processes of one group share the topic's partitions, and one that
 * joins or leaves moves partitions without losing or doubling a record.
 * Positions live in the database (source_checkpoints, key
 * "kafka:TOPIC@GROUP"), written with the rows they cover, and are copied
 * to the group's Kafka offsets after each commit so that Kafka tools show
 * its lag. @properties (may be NULL; copied) go to librdkafka
 * (security.protocol, sasl.*, ssl.*, session.timeout.ms…; sasl.password
 * may come from $DPS_KAFKA_SASL_PASSWORD); auto.offset.reset (earliest by
 * default, latest, or error) says where a partition without a stored
 * position starts. Errors come from dps_source_open() and read:
 * DPS_SOURCE_ERROR_INVALID for bad properties, NOT_FOUND for a missing
 * topic, UNREADABLE when access is refused. An unreachable broker is not
 * an error: the source waits (see dps_source_dup_status_text()). */
DpsSource  *dps_kafka_source_new             (const char  *brokers,
                                              const char  *topic,
                                              const char  *group,
                                              GHashTable  *properties,
                                              gsize        max_line_length);
/* TRUE: the run ends once every partition assigned to this process has
 * been read to its end (batch use). FALSE (the default): it follows the
 * topic until stopped. Set before the run. Use this rather than the
 * engine's stop_when_idle, which would also end the run while the group
 * forms or a broker is down (the source is idle then, not finished). */
void        dps_kafka_source_set_stop_at_end (DpsSource   *source,
                                              gboolean     stop_at_end);
/* "kafka:TOPIC@GROUP": the source key of its checkpoints and rejects. */
const char *dps_kafka_source_get_source_key  (DpsSource   *source);
/* Every partition this process has read or holds, by partition number
 * (DpsKafkaPartitionLag). Any thread; cheap (no network). The total of the
 * lags of assigned partitions is dps_source_get_lag(). */
GArray     *dps_kafka_source_get_partition_lag (DpsSource *source);

G_END_DECLS
