/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dps-core.h"
#include "dps-kafka-settings.h"

static GHashTable *
copy_properties (GHashTable *properties)
{
  GHashTable *copy = dps_kafka_properties_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, properties);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* "kafka-properties" as a table, with @key set to @value (removed when
 * @value is NULL). */
static void
write_properties (GSettings  *settings,
                  const char *key,
                  const char *value)
{
  g_autoptr(GVariant) current = g_settings_get_value (settings, "kafka-properties");
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GVariantBuilder builder;
  GVariantIter iter;
  const char *k, *v;

  g_variant_iter_init (&iter, current);
  while (g_variant_iter_next (&iter, "{&s&s}", &k, &v))
    g_hash_table_insert (table, g_strdup (k), g_strdup (v));
  if (value != NULL)
    g_hash_table_insert (table, g_strdup (key), g_strdup (value));
  else
    g_hash_table_remove (table, key);

  /* Sorted: the same table always reads the same. */
  {
    GHashTableIter hiter;
    gpointer hkey;

    g_hash_table_iter_init (&hiter, table);
    while (g_hash_table_iter_next (&hiter, &hkey, NULL))
      g_ptr_array_add (keys, g_strdup (hkey));
    g_ptr_array_sort (keys, compare_names);
  }
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; i < keys->len; i++)
    {
      const char *name = g_ptr_array_index (keys, i);

      g_variant_builder_add (&builder, "{ss}", name, (const char *) g_hash_table_lookup (table, name));
    }
  g_settings_set_value (settings, "kafka-properties", g_variant_builder_end (&builder));
}

DpsKafkaSettings *
dps_kafka_settings_load (GSettings  *settings,
                         GError    **error)
{
  g_autoptr(DpsKafkaSettings) self = NULL;
  g_autoptr(GVariant) properties = NULL;
  GVariantIter iter;
  const char *key, *value;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (DpsKafkaSettings, 1);
  self->brokers = g_strstrip (g_settings_get_string (settings, "kafka-brokers"));
  self->topic = g_strstrip (g_settings_get_string (settings, "kafka-topic"));
  self->group = g_strstrip (g_settings_get_string (settings, "kafka-group"));
  if (self->group[0] == '\0')
    {
      g_free (self->group);
      self->group = g_strdup (DPS_KAFKA_DEFAULT_GROUP);
    }
  self->properties = dps_kafka_properties_new ();
  properties = g_settings_get_value (settings, "kafka-properties");
  g_variant_iter_init (&iter, properties);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      /* Written by another program: never used, never shown. */
      if (dps_kafka_property_is_secret (key))
        {
          g_warning_once ("Ignoring the Kafka property “%s” of the settings: secrets are read from the environment only",
                     key);
          continue;
        }
      g_hash_table_insert (self->properties, g_strdup (key), g_strdup (value));
    }

  if (self->brokers[0] == '\0')
    {
      g_set_error_literal (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                           _("No Kafka broker is set: enter the bootstrap servers in Preferences, on the Kafka page"));
      return NULL;
    }
  if (self->topic[0] == '\0')
    {
      g_set_error_literal (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                           _("No Kafka topic is set: enter it in Preferences, on the Kafka page"));
      return NULL;
    }
  return g_steal_pointer (&self);
}

DpsKafkaSettings *
dps_kafka_settings_copy (const DpsKafkaSettings *self)
{
  DpsKafkaSettings *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (DpsKafkaSettings, 1);
  copy->brokers = g_strdup (self->brokers);
  copy->topic = g_strdup (self->topic);
  copy->group = g_strdup (self->group);
  copy->properties = copy_properties (self->properties);
  return copy;
}

void
dps_kafka_settings_free (DpsKafkaSettings *self)
{
  if (self == NULL)
    return;
  g_free (self->brokers);
  g_free (self->topic);
  g_free (self->group);
  g_clear_pointer (&self->properties, g_hash_table_unref);
  g_free (self);
}

const char *
dps_kafka_settings_secret_hint (void)
{
  return _("Passwords and keys are never saved in the settings. Start the application with the SASL "
           "password in the environment variable DPS_KAFKA_SASL_PASSWORD and the SSL key password in "
           "DPS_KAFKA_SSL_KEY_PASSWORD; give a private key as a file with ssl.key.location.");
}

gboolean
dps_kafka_settings_set_property (GSettings   *settings,
                                 const char  *key,
                                 const char  *value,
                                 GError     **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = g_strstrip (g_strdup (key));
  if (name[0] == '\0')
    {
      g_set_error_literal (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                           _("A property needs a name, as in “security.protocol=SASL_SSL”"));
      return FALSE;
    }
  if (dps_kafka_property_is_secret (name))
    {
      /* TRANSLATORS: %s is a librdkafka property such as "sasl.password";
       * the explanation of where secrets go follows */
      g_set_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID,
                   _("“%s” holds a secret and is not saved. %s"), name, dps_kafka_settings_secret_hint ());
      return FALSE;
    }
  write_properties (settings, name, value);
  return TRUE;
}

void
dps_kafka_settings_remove_property (GSettings  *settings,
                                    const char *key)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (key != NULL);

  write_properties (settings, key, NULL);
}

typedef struct {
  DpsKafkaSettings *kafka;
  guint             timeout_ms;
} TestJob;

static void
test_job_free (gpointer data)
{
  TestJob *job = data;

  dps_kafka_settings_free (job->kafka);
  g_free (job);
}

static void
test_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TestJob *job = task_data;
  const DpsKafkaSettings *kafka = job->kafka;
  g_autoptr(DpsKafkaProducer) producer = NULL;
  GError *error = NULL;

  producer = dps_kafka_producer_new (kafka->brokers, kafka->topic, kafka->properties, &error);
  if (producer == NULL || !dps_kafka_producer_check_topic (producer, job->timeout_ms, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* TRANSLATORS: the answer of Test Connection; "“transactions” is ready on localhost:9092" */
  g_task_return_pointer (task, g_strdup_printf (_("Connected: “%s” is ready on %s."),
                                                kafka->topic, kafka->brokers),
                         g_free);
}

void
dps_kafka_settings_test_async (const DpsKafkaSettings *self,
                               guint                   timeout_ms,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  TestJob *job;

  g_return_if_fail (self != NULL);

  job = g_new0 (TestJob, 1);
  job->kafka = dps_kafka_settings_copy (self);
  job->timeout_ms = timeout_ms;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dps_kafka_settings_test_async);
  g_task_set_task_data (task, job, test_job_free);
  g_task_run_in_thread (task, test_in_thread);
}

char *
dps_kafka_settings_test_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
