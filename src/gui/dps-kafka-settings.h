/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The application's Kafka settings ("kafka-brokers", "kafka-topic",
 * "kafka-group", "kafka-properties"), as the producer and the source
 * take them. Built with librdkafka only (HAVE_KAFKA in config.h).
 *
 * Secrets never live in the settings: a property holding a password or a
 * key (dps_kafka_property_is_secret()) is refused when written and
 * ignored when read; passwords come from $DPS_KAFKA_SASL_PASSWORD and
 * $DPS_KAFKA_SSL_KEY_PASSWORD. */

typedef struct {
  char       *brokers;
  char       *topic;
  char       *group;       /* never empty: the default group when none is set */
  GHashTable *properties;  /* string → string, secrets left out */
} DpsKafkaSettings;

/* What the settings say now. FALSE (DPS_KAFKA_ERROR_INVALID, with a
 * message saying where to set them) when the brokers or the topic are
 * not set. */
DpsKafkaSettings *dps_kafka_settings_load            (GSettings          *settings,
                                                      GError            **error);
DpsKafkaSettings *dps_kafka_settings_copy            (const DpsKafkaSettings *self);
void              dps_kafka_settings_free            (DpsKafkaSettings   *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsKafkaSettings, dps_kafka_settings_free)

/* Adds or replaces one librdkafka property in "kafka-properties". An
 * empty key, or a key whose value is a secret, is refused
 * (DPS_KAFKA_ERROR_INVALID; the message says where secrets go instead). */
gboolean          dps_kafka_settings_set_property    (GSettings          *settings,
                                                      const char         *key,
                                                      const char         *value,
                                                      GError            **error);
void              dps_kafka_settings_remove_property (GSettings          *settings,
                                                      const char         *key);
/* Why secrets are not kept in the settings, and where they go, for people. */
const char       *dps_kafka_settings_secret_hint     (void);

/* Checks on a worker that a broker answers and that the topic exists
 * (a producer asks for the topic's metadata, sending nothing); the
 * result is a line for people. Gives up after @timeout_ms. */
void              dps_kafka_settings_test_async      (const DpsKafkaSettings *self,
                                                      guint               timeout_ms,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
char             *dps_kafka_settings_test_finish     (GAsyncResult       *result,
                                                      GError            **error);

G_END_DECLS
