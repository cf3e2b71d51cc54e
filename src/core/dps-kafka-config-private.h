/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Only libdps-core includes this: building librdkafka configurations. */

#include <librdkafka/rdkafka.h>

#include "dps-kafka-config.h"

G_BEGIN_DECLS

/* Sets one property; on failure the error names the property and, unless
 * it is a secret, the value. */
gboolean         dps_kafka_conf_set       (rd_kafka_conf_t  *conf,
                                           const char       *key,
                                           const char       *value,
                                           GQuark            domain,
                                           gint              code,
                                           GError          **error);
/* A configuration with bootstrap.servers, @defaults (key, value, …, NULL),
 * then the caller's @properties (minus the keys in @reserved, which the
 * caller sets itself), passwords from the environment unless given, and
 * librdkafka's log routed to GLib's debug log. */
rd_kafka_conf_t *dps_kafka_conf_new       (const char        *brokers,
                                           const char *const *defaults,
                                           GHashTable        *properties,
                                           const char *const *reserved,
                                           GQuark             domain,
                                           gint               code,
                                           GError           **error);
/* Broker errors that mean "nobody can be reached right now". */
gboolean         dps_kafka_error_is_transport (rd_kafka_resp_err_t err);

G_END_DECLS
