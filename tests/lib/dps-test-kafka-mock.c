/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dps-test-kafka-mock.h"

#define N_BROKERS 3

void
dps_test_kafka_quiet_log (const rd_kafka_t *rk,
                          int               level,
                          const char       *facility,
                          const char       *message)
{
}

DpsTestKafkaMock *
dps_test_kafka_mock_new (void)
{
  DpsTestKafkaMock *mock = g_new0 (DpsTestKafkaMock, 1);
  rd_kafka_conf_t *conf = rd_kafka_conf_new ();
  char errstr[256];

  /* The idle host handle has no bootstrap.servers: keep its warning quiet. */
  rd_kafka_conf_set_log_cb (conf, dps_test_kafka_quiet_log);
  mock->host = rd_kafka_new (RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  g_assert_nonnull (mock->host);
  mock->cluster = rd_kafka_mock_cluster_new (mock->host, N_BROKERS);
  g_assert_nonnull (mock->cluster);
  mock->bootstraps = g_strdup (rd_kafka_mock_cluster_bootstraps (mock->cluster));
  return mock;
}

void
dps_test_kafka_mock_free (DpsTestKafkaMock *mock)
{
  rd_kafka_mock_cluster_destroy (mock->cluster);
  rd_kafka_destroy (mock->host);
  g_free (mock->bootstraps);
  g_free (mock);
}

void
dps_test_kafka_mock_create_topic (DpsTestKafkaMock *mock,
                                  const char       *topic,
                                  int               partitions)
{
  g_assert_cmpint (rd_kafka_mock_topic_create (mock->cluster, topic, partitions, 1), ==,
                   RD_KAFKA_RESP_ERR_NO_ERROR);
}

void
dps_test_kafka_mock_set_brokers_up (DpsTestKafkaMock *mock,
                                    gboolean          up)
{
  for (int id = 1; id <= N_BROKERS; id++)
    g_assert_cmpint (up ? rd_kafka_mock_broker_set_up (mock->cluster, id)
                        : rd_kafka_mock_broker_set_down (mock->cluster, id),
                     ==, RD_KAFKA_RESP_ERR_NO_ERROR);
}
