/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-kafka"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-kafka-config-private.h"

#define MAX_KEY_LENGTH 256

G_DEFINE_QUARK (dps-kafka-error-quark, dps_kafka_error)

GHashTable *
dps_kafka_properties_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

gboolean
dps_kafka_properties_parse (GHashTable  *properties,
                            const char  *assignment,
                            GError     **error)
{
  const char *equal;
  g_autofree char *key = NULL;

  g_return_val_if_fail (properties != NULL, FALSE);
  g_return_val_if_fail (assignment != NULL, FALSE);

  equal = strchr (assignment, '=');
  if (equal != NULL)
    key = g_strstrip (g_strndup (assignment, (gsize) (equal - assignment)));
  if (key == NULL || key[0] == '\0')
    {
      /* The text may be a secret typed in the wrong place: never echo it. */
      g_set_error_literal (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                           _("A Kafka property must be written KEY=VALUE"));
      return FALSE;
    }
  g_hash_table_replace (properties, g_steal_pointer (&key), g_strdup (equal + 1));
  return TRUE;
}

gboolean
dps_kafka_property_is_secret (const char *key)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (key != NULL, FALSE);

  lower = g_ascii_strdown (key, -1);
  return strstr (lower, "password") != NULL ||
         strstr (lower, "secret") != NULL ||
         g_str_equal (lower, "sasl.oauthbearer.config") ||
         g_str_equal (lower, "ssl.key.pem") ||
         g_str_equal (lower, "ssl_key");
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '+';
}

gboolean
dps_kafka_find_record_key (const char *line,
                           gsize       length,
                           gsize      *key_start,
                           gsize      *key_length)
{
  static const char name[] = "\"transaction_id\"";
  const gsize name_length = sizeof name - 1;
  gsize from = 0;

  g_return_val_if_fail (line != NULL || length == 0, FALSE);
  g_return_val_if_fail (key_start != NULL && key_length != NULL, FALSE);

  while (from + name_length <= length)
    {
      const char *hit = memmem (line + from, length - from, name, name_length);
      gsize i;

      if (hit == NULL)
        return FALSE;
      i = (gsize) (hit - line) + name_length;
      from = i;

      /* A member name is followed by a colon; the same text as a value
       * is not. */
      while (i < length && g_ascii_isspace (line[i]))
        i++;
      if (i >= length || line[i] != ':')
        continue;
      i++;
      while (i < length && g_ascii_isspace (line[i]))
        i++;
      if (i >= length)
        return FALSE;

      if (line[i] == '"')
        {
          gsize start = ++i;

          while (i < length && line[i] != '"')
            i += line[i] == '\\' ? 2 : 1;
          if (i >= length || i == start || i - start > MAX_KEY_LENGTH)
            return FALSE;
          *key_start = start;
          *key_length = i - start;
          return TRUE;
        }
      else
        {
          gsize start = i;

          while (i < length && is_token_char (line[i]))
            i++;
          if (i == start || i - start > MAX_KEY_LENGTH)
            return FALSE;
          /* Literals are not ids. */
          if ((i - start == 4 && (memcmp (line + start, "null", 4) == 0 ||
                                  memcmp (line + start, "true", 4) == 0)) ||
              (i - start == 5 && memcmp (line + start, "false", 5) == 0))
            return FALSE;
          *key_start = start;
          *key_length = i - start;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
dps_kafka_conf_set (rd_kafka_conf_t  *conf,
                    const char       *key,
                    const char       *value,
                    GQuark            domain,
                    gint              code,
                    GError          **error)
{
  char errstr[512];

  if (rd_kafka_conf_set (conf, key, value, errstr, sizeof errstr) == RD_KAFKA_CONF_OK)
    return TRUE;

  /* librdkafka's message may quote the value: keep secrets out of it. */
  if (dps_kafka_property_is_secret (key))
    g_set_error (error, domain, code, _("Unknown Kafka property or invalid value: “%s”"), key);
  else
    g_set_error (error, domain, code, _("Invalid Kafka property “%s”: %s"), key, errstr);
  return FALSE;
}

static void
log_cb (const rd_kafka_t *rk,
        int               level,
        const char       *facility,
        const char       *message)
{
  /* Connection failures repeat every second while a broker is down: the
   * source and producer report the state; details go to the debug log. */
  g_debug ("librdkafka %s [%d]: %s", facility, level, message);
}

rd_kafka_conf_t *
dps_kafka_conf_new (const char        *brokers,
                    const char *const *defaults,
                    GHashTable        *properties,
                    const char *const *reserved,
                    GQuark             domain,
                    gint               code,
                    GError           **error)
{
  rd_kafka_conf_t *conf = rd_kafka_conf_new ();
  static const struct { const char *env; const char *key; } from_env[] = {
    { DPS_KAFKA_SASL_PASSWORD_ENV, "sasl.password" },
    { DPS_KAFKA_SSL_KEY_PASSWORD_ENV, "ssl.key.password" },
  };

  rd_kafka_conf_set_log_cb (conf, log_cb);

  if (!dps_kafka_conf_set (conf, "client.id", GETTEXT_PACKAGE, domain, code, error) ||
      !dps_kafka_conf_set (conf, "log.connection.close", "false", domain, code, error))
    goto failed;

  if (brokers == NULL || brokers[0] == '\0')
    {
      g_set_error_literal (error, domain, code, _("No Kafka broker given"));
      goto failed;
    }
  if (!dps_kafka_conf_set (conf, "bootstrap.servers", brokers, domain, code, error))
    goto failed;

  for (guint i = 0; defaults != NULL && defaults[i] != NULL; i += 2)
    if (!dps_kafka_conf_set (conf, defaults[i], defaults[i + 1], domain, code, error))
      goto failed;

  if (properties != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, properties);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (reserved != NULL && g_strv_contains (reserved, key))
            continue;
          if (!dps_kafka_conf_set (conf, key, value, domain, code, error))
            goto failed;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (from_env); i++)
    {
      const char *secret = g_getenv (from_env[i].env);

      if (secret != NULL && secret[0] != '\0' &&
          (properties == NULL || !g_hash_table_contains (properties, from_env[i].key)) &&
          !dps_kafka_conf_set (conf, from_env[i].key, secret, domain, code, error))
        goto failed;
    }
  return conf;

failed:
  rd_kafka_conf_destroy (conf);
  return NULL;
}

gboolean
dps_kafka_error_is_transport (rd_kafka_resp_err_t err)
{
  switch ((int) err)
    {
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
      return TRUE;
    default:
      return FALSE;
    }
}
