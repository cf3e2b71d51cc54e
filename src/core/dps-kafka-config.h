/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the Kafka producer and source share. Only built with librdkafka
 * (HAVE_KAFKA in config.h). */

#define DPS_KAFKA_ERROR (dps_kafka_error_quark ())
typedef enum {
  DPS_KAFKA_ERROR_FAILED,
  DPS_KAFKA_ERROR_INVALID,          /* unknown property, bad value */
  DPS_KAFKA_ERROR_NOT_FOUND,        /* the topic does not exist */
  DPS_KAFKA_ERROR_UNAVAILABLE,      /* no broker could be reached */
  DPS_KAFKA_ERROR_UNAUTHORIZED,     /* authentication or authorization refused */
  DPS_KAFKA_ERROR_DELIVERY,         /* some records were not delivered */
} DpsKafkaError;
GQuark   dps_kafka_error_quark          (void);

/* Passwords may come from the environment instead of a property, so that
 * they never show in a command line or a settings file. A property given
 * explicitly wins. */
#define DPS_KAFKA_SASL_PASSWORD_ENV    "DPS_KAFKA_SASL_PASSWORD"
#define DPS_KAFKA_SSL_KEY_PASSWORD_ENV "DPS_KAFKA_SSL_KEY_PASSWORD"

/* The consumer group used when none is given. */
#define DPS_KAFKA_DEFAULT_GROUP "dps"

/* librdkafka properties (security.protocol, sasl.mechanism, ssl.ca.location…)
 * are a string → string table: g_hash_table_new_full (g_str_hash,
 * g_str_equal, g_free, g_free). */
GHashTable *dps_kafka_properties_new    (void);
/* Adds "key=value" to @properties; FALSE (DPS_KAFKA_ERROR_INVALID) when
 * there is no '=' or the key is empty. */
gboolean    dps_kafka_properties_parse  (GHashTable  *properties,
                                         const char  *assignment,
                                         GError     **error);
/* TRUE for keys whose value must never be shown or logged (passwords,
 * secrets, private keys). */
gboolean    dps_kafka_property_is_secret (const char *key);

/* Where the record key is in a JSON line: the value of its
 * "transaction_id" member (a string's bytes without the quotes, or a bare
 * number), however broken the rest of the line is. FALSE when no id can
 * be read. */
gboolean    dps_kafka_find_record_key   (const char  *line,
                                         gsize        length,
                                         gsize       *key_start,
                                         gsize       *key_length);

G_END_DECLS
