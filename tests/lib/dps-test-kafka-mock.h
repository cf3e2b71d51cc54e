/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

G_BEGIN_DECLS

/* librdkafka's mock cluster of three brokers, in this process, for the
 * Kafka tests: no server to start, nothing beyond loopback. */
typedef struct {
  rd_kafka_t              *host;        /* the idle handle the cluster lives in */
  rd_kafka_mock_cluster_t *cluster;
  char                    *bootstraps;  /* "host:port,…" of its brokers */
} DpsTestKafkaMock;

DpsTestKafkaMock *dps_test_kafka_mock_new             (void);
void              dps_test_kafka_mock_free            (DpsTestKafkaMock *mock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsTestKafkaMock, dps_test_kafka_mock_free)

void              dps_test_kafka_mock_create_topic    (DpsTestKafkaMock *mock,
                                                       const char       *topic,
                                                       int               partitions);
/* A log callback that says nothing: for handles whose warnings are
 * expected (rd_kafka_conf_set_log_cb). */
void              dps_test_kafka_quiet_log            (const rd_kafka_t *rk,
                                                       int               level,
                                                       const char       *facility,
                                                       const char       *message);
/* Every broker up, or every broker down. */
void              dps_test_kafka_mock_set_brokers_up  (DpsTestKafkaMock *mock,
                                                       gboolean          up);

G_END_DECLS
