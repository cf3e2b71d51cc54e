/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>

#include "dps-core.h"

#if HAVE_KAFKA

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <string.h>

#include "dps-repository-private.h"
#include "dps-test-db.h"
#include "dps-test-kafka-mock.h"

/* 2026-11-01T09:30:00Z */
#define START (G_GINT64_CONSTANT (1793525400) * DPS_USEC_PER_SECOND)
/* Liveness bound of every wait: never reached unless something is broken. */
#define PATIENCE_US (90 * G_USEC_PER_SEC)

/* ---------------------------------------------------------------------- */
/* a mock cluster                                                          */

/* Consumer settings under which the mock's group settles quickly. */
static GHashTable *
group_properties (void)
{
  GHashTable *properties = dps_kafka_properties_new ();

  g_hash_table_insert (properties, g_strdup ("session.timeout.ms"), g_strdup ("3000"));
  g_hash_table_insert (properties, g_strdup ("heartbeat.interval.ms"), g_strdup ("500"));
  return properties;
}

/* ---------------------------------------------------------------------- */
/* what was produced                                                       */

typedef struct {
  GHashTable *ids;          /* valid transaction ids (text) */
  guint64     lines;
  guint64     valid;
  guint64     duplicates;
  guint64     rejects;
  gint64      valid_cents;
} Expected;

static void
expected_init (Expected *expected)
{
  memset (expected, 0, sizeof *expected);
  expected->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
expected_clear (Expected *expected)
{
  g_clear_pointer (&expected->ids, g_hash_table_unref);
}

static DpsGenerator *
make_generator (guint64 seed,
                guint64 rows,
                double  dirty)
{
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.start = START;
  options.days = 7;
  options.dirty_ratio = dirty;
  options.max_line_length = 4096;
  return dps_generator_new (&options);
}

/* What "dps generate --seed SEED --rows ROWS --start 2026-11-01 --days 7
 * --dirty DIRTY" makes. */
static DpsGenerator *
make_cli_generator (guint64 seed,
                    guint64 rows,
                    double  dirty)
{
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.start = START / DPS_USEC_PER_DAY * DPS_USEC_PER_DAY;
  options.days = 7;
  options.dirty_ratio = dirty;
  return dps_generator_new (&options);
}

/* Makes @count lines and notes what they are; sends them when @producer. */
static void
produce (DpsKafkaProducer *producer,
         DpsGenerator     *generator,
         guint64           count,
         Expected         *expected)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint64 before = dps_generator_get_manifest (generator)->lines;
  const DpsGeneratorManifest *manifest;

  for (guint64 i = 0; i < count; i++)
    {
      DpsGeneratedKind kind;

      g_string_truncate (line, 0);
      kind = dps_generator_next (generator, line, NULL);
      if (kind == DPS_GENERATED_VALID)
        {
          gsize start, length;

          g_assert_true (dps_kafka_find_record_key (line->str, line->len, &start, &length));
          g_hash_table_add (expected->ids, g_strndup (line->str + start, length));
        }
      if (producer != NULL)
        g_assert_true (dps_kafka_producer_send (producer, line->str, line->len, NULL, &error));
      g_assert_no_error (error);
    }
  if (producer != NULL)
    {
      DpsKafkaProducerProgress progress;

      g_assert_true (dps_kafka_producer_flush (producer, NULL, &error));
      g_assert_no_error (error);
      dps_kafka_producer_get_progress (producer, &progress);
      g_assert_cmpuint (progress.delivered, ==, progress.produced);
      g_assert_cmpuint (progress.failed, ==, 0);
    }

  manifest = dps_generator_get_manifest (generator);
  g_assert_cmpuint (manifest->lines, ==, before + count);
  expected->lines = manifest->lines;
  expected->valid = manifest->valid;
  expected->duplicates = manifest->duplicates;
  expected->rejects = manifest->rejects;
  expected->valid_cents = manifest->valid_amount_cents;
  g_assert_cmpuint (g_hash_table_size (expected->ids), ==, expected->valid);
}

/* ---------------------------------------------------------------------- */
/* what the database holds                                                 */

static char *
make_db_uri (const char *dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_strconcat ("sqlite://", path, NULL);
}

static DpsRepository *
open_db (const char *uri)
{
  g_autoptr(GError) error = NULL;
  DpsRepository *repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);

  g_assert_no_error (error);
  return repository;
}

/* Records stored so far: rows, rejects and duplicate arrivals. */
static guint64
stored_lines (DpsRepository *repository)
{
  g_autoptr(GError) error = NULL;
  DpsRepositoryInfo info = { 0 };
  guint64 total;

  g_assert_true (dps_repository_get_info (repository, &info, &error));
  g_assert_no_error (error);
  total = (guint64) (info.rows + info.rejects + info.duplicates);
  dps_repository_info_clear (&info);
  return total;
}

static void
wait_for_stored (DpsRepository *repository,
                 guint64        lines)
{
  gint64 deadline = g_get_monotonic_time () + PATIENCE_US;

  while (stored_lines (repository) < lines)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);
    }
}

static gboolean
collect_id_cb (const DpsRow  *row,
               gpointer       user_data,
               GError       **error)
{
  GHashTable *ids = user_data;
  char text[DPS_UUID_TEXT_LEN + 1];

  dps_uuid_to_string (row->tx.id, text);
  g_assert_true (g_hash_table_add (ids, g_strdup (text)));
  return TRUE;
}

/* The database holds exactly what was produced: the same ids, the same
 * sum, every reject once. Duplicate arrivals are counted exactly when
 * @exact_arrivals; otherwise a group member that lost its session (a
 * slow machine) may have read records again, which only adds arrivals. */
static void
assert_stored (DpsRepository  *repository,
               const Expected *expected,
               gboolean        exact_arrivals)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  DpsSort sort = { DPS_SORT_TRANSACTION_ID, FALSE };
  DpsRepositoryInfo info = { 0 };
  DpsKpis kpis;
  GHashTableIter iter;
  gpointer id;

  g_assert_true (dps_repository_get_info (repository, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.rows, ==, (gint64) expected->valid);
  g_assert_cmpint (info.rejects, ==, (gint64) expected->rejects);
  if (exact_arrivals)
    g_assert_cmpint (info.duplicates, ==, (gint64) expected->duplicates);
  else
    g_assert_cmpint (info.duplicates, >=, (gint64) expected->duplicates);
  dps_repository_info_clear (&info);

  g_assert_true (dps_repository_query_kpis (repository, filter, &kpis, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kpis.total.count, ==, (gint64) expected->valid);
  g_assert_cmpint (kpis.total.amount_cents, ==, expected->valid_cents);

  g_assert_true (dps_repository_foreach_row (repository, filter, &sort, collect_id_cb, ids, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (ids), ==, g_hash_table_size (expected->ids));
  g_hash_table_iter_init (&iter, expected->ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_assert_true (g_hash_table_contains (ids, id));
}

static void
assert_exact (DpsRepository  *repository,
              const Expected *expected)
{
  assert_stored (repository, expected, TRUE);
}

/* Every reject says which topic (source key), partition and offset it
 * came from, and no two share a position. */
static void
assert_rejects_have_positions (DpsRepository *repository,
                               const char    *key,
                               gint           partitions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejects = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  DpsRejectQuery query;

  dps_reject_query_init (&query);
  rejects = dps_repository_list_rejects (repository, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejects->len, >, 0);
  for (guint i = 0; i < rejects->len; i++)
    {
      const DpsStoredReject *reject = g_ptr_array_index (rejects, i);

      g_assert_cmpstr (reject->source, ==, key);
      g_assert_cmpint (reject->reject.position.partition, >=, 0);
      g_assert_cmpint (reject->reject.position.partition, <, partitions);
      g_assert_cmpint (reject->reject.position.offset, >=, 0);
      g_assert_cmpint (reject->reject.position.line, ==, -1);
      g_assert_true (g_hash_table_add (seen, g_strdup_printf ("%d@%" G_GINT64_FORMAT,
                                                              reject->reject.position.partition,
                                                              reject->reject.position.offset)));
    }
}

/* The checkpoints of @key, by partition (offset), -1 where none. */
static void
stored_positions (DpsRepository *repository,
                  const char    *key,
                  gint64        *offsets,
                  guint          n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checkpoints = dps_repository_list_checkpoints (repository, key, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    offsets[i] = -1;
  for (guint i = 0; i < checkpoints->len; i++)
    {
      const DpsCheckpoint *cp = g_ptr_array_index (checkpoints, i);

      g_assert_cmpint (cp->partition, >=, 0);
      g_assert_cmpint (cp->partition, <, (gint) n);
      offsets[cp->partition] = cp->offset;
    }
}

/* The group's offsets as Kafka tools see them. */
static void
kafka_committed (DpsTestKafkaMock *mock,
                 const char       *topic,
                 const char       *group,
                 gint64           *offsets,
                 guint             n)
{
  rd_kafka_conf_t *conf = rd_kafka_conf_new ();
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new ((int) n);
  char errstr[256];
  rd_kafka_t *rk;

  rd_kafka_conf_set_log_cb (conf, dps_test_kafka_quiet_log);
  g_assert_cmpint (rd_kafka_conf_set (conf, "bootstrap.servers", mock->bootstraps, errstr, sizeof errstr), ==, RD_KAFKA_CONF_OK);
  g_assert_cmpint (rd_kafka_conf_set (conf, "group.id", group, errstr, sizeof errstr), ==, RD_KAFKA_CONF_OK);
  rk = rd_kafka_new (RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  g_assert_nonnull (rk);
  for (guint i = 0; i < n; i++)
    rd_kafka_topic_partition_list_add (list, topic, (int32_t) i);
  g_assert_cmpint (rd_kafka_committed (rk, list, 10000), ==, RD_KAFKA_RESP_ERR_NO_ERROR);
  for (guint i = 0; i < n; i++)
    offsets[i] = list->elems[i].offset;
  rd_kafka_topic_partition_list_destroy (list);
  rd_kafka_destroy_flags (rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

/* ---------------------------------------------------------------------- */
/* an engine on a thread                                                   */

typedef struct {
  DpsEngine *engine;
  DpsSource *source;
  GThread   *thread;
  GError    *error;
  gboolean   ok;
} Consumer;

static gpointer
consumer_thread (gpointer data)
{
  Consumer *consumer = data;

  consumer->ok = dps_engine_run (consumer->engine, NULL, &consumer->error);
  return NULL;
}

static Consumer *
consumer_start (DpsRepository *repository,
                DpsSource     *source,
                guint          batch_rows)
{
  Consumer *consumer = g_new0 (Consumer, 1);
  DpsEngineOptions options;

  dps_engine_options_init (&options);
  options.batch_rows = batch_rows;
  options.batch_interval_ms = 200;
  options.transform_threads = 1;
  consumer->source = g_object_ref (source);
  consumer->engine = dps_engine_new (repository, source, &options);
  consumer->thread = g_thread_new ("test-consumer", consumer_thread, consumer);
  return consumer;
}

/* Stops (unless it ends by itself) and waits; asserts a clean run. */
static void
consumer_finish (Consumer *consumer,
                 gboolean  stop)
{
  if (stop)
    dps_engine_stop (consumer->engine);
  g_thread_join (consumer->thread);
  g_assert_no_error (consumer->error);
  g_assert_true (consumer->ok);
  g_object_unref (consumer->engine);
  g_object_unref (consumer->source);
  g_free (consumer);
}

static guint
assigned_partitions (DpsSource *source)
{
  g_autoptr(GArray) lags = dps_kafka_source_get_partition_lag (source);
  guint n = 0;

  for (guint i = 0; i < lags->len; i++)
    n += g_array_index (lags, DpsKafkaPartitionLag, i).assigned ? 1 : 0;
  return n;
}

/* ---------------------------------------------------------------------- */
/* tests                                                                   */

static void
test_record_key (void)
{
  static const struct { const char *line; const char *key; } cases[] = {
    { "{\"transaction_id\": \"0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44\", \"amount\": 1}", "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44" },
    { "{\"amount\":1,\"transaction_id\" :\"abc\"}", "abc" },
    { "{\"merchant\": \"transaction_id\", \"transaction_id\": \"x-1\"}", "x-1" },
    { "{\"transaction_id\": 12345, \"amount\": 2}", "12345" },
    { "{\"transaction_id\": \"not closed", NULL },
    { "{\"transaction_id\": null}", NULL },
    { "{\"transaction_id\": \"\"}", NULL },
    { "{\"amount\": 3}", NULL },
    { "not json at all", NULL },
    { "", NULL },
  };
  g_autoptr(GHashTable) properties = dps_kafka_properties_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize start = 0, length = 0;
      gboolean found = dps_kafka_find_record_key (cases[i].line, strlen (cases[i].line), &start, &length);

      g_assert_cmpint (found, ==, cases[i].key != NULL);
      if (found)
        {
          g_autofree char *key = g_strndup (cases[i].line + start, length);

          g_assert_cmpstr (key, ==, cases[i].key);
        }
    }

  g_assert_true (dps_kafka_properties_parse (properties, "security.protocol=SASL_SSL", &error));
  g_assert_true (dps_kafka_properties_parse (properties, " sasl.username = bob=1", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (properties, "security.protocol"), ==, "SASL_SSL");
  g_assert_cmpstr (g_hash_table_lookup (properties, "sasl.username"), ==, " bob=1");
  g_assert_false (dps_kafka_properties_parse (properties, "hunter2", &error));
  g_assert_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID);
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);
  g_assert_false (dps_kafka_properties_parse (properties, "=x", &error));
  g_assert_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID);

  g_assert_true (dps_kafka_property_is_secret ("sasl.password"));
  g_assert_true (dps_kafka_property_is_secret ("ssl.key.password"));
  g_assert_true (dps_kafka_property_is_secret ("sasl.oauthbearer.client.secret"));
  g_assert_false (dps_kafka_property_is_secret ("sasl.username"));
  g_assert_false (dps_kafka_property_is_secret ("ssl.ca.location"));
}

/* Two processes' worth of consumers share a group: one joins while the
 * other loads, then the first stops mid-way and the other takes its
 * partitions over from the stored positions. */
static void
test_group_rebalance (void)
{
  const char *topic = "group-topic";
  const char *group = "group-test";
  g_autoptr(DpsTestKafkaMock) mock = dps_test_kafka_mock_new ();
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *uri = make_db_uri (dir, "group.db");
  g_autoptr(GHashTable) properties = group_properties ();
  g_autoptr(DpsKafkaProducer) producer = NULL;
  g_autoptr(DpsGenerator) generator = make_generator (11, 100000, 0.03);
  g_autoptr(DpsRepository) reader = NULL;
  g_autoptr(DpsRepository) repository_a = NULL;
  g_autoptr(DpsRepository) repository_b = NULL;
  g_autoptr(DpsSource) source_a = NULL;
  g_autoptr(DpsSource) source_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lags = NULL;
  Consumer *a, *b;
  Expected expected;
  gint64 deadline;
  gint64 stored[4], committed[4];

  dps_test_kafka_mock_create_topic (mock, topic, 4);
  producer = dps_kafka_producer_new (mock->bootstraps, topic, NULL, &error);
  g_assert_no_error (error);

  expected_init (&expected);
  produce (producer, generator, 25000, &expected);
  g_assert_cmpuint (expected.rejects, >, 0);
  g_assert_cmpuint (expected.duplicates, >, 0);

  reader = open_db (uri);
  repository_a = open_db (uri);
  repository_b = open_db (uri);
  source_a = dps_kafka_source_new (mock->bootstraps, topic, group, properties, 4096);
  source_b = dps_kafka_source_new (mock->bootstraps, topic, group, properties, 4096);

  /* One consumer alone reads every partition part of the way… */
  a = consumer_start (repository_a, source_a, 2000);
  wait_for_stored (reader, expected.lines);
  g_assert_cmpuint (assigned_partitions (source_a), ==, 4);

  /* …then a second joins: two partitions move to it with their positions. */
  b = consumer_start (repository_b, source_b, 2000);
  deadline = g_get_monotonic_time () + PATIENCE_US;
  while (assigned_partitions (source_a) != 2 || assigned_partitions (source_b) != 2)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  produce (producer, generator, 25000, &expected);
  wait_for_stored (reader, expected.lines);

  /* More records, and one consumer leaves while they are read. */
  produce (producer, generator, 50000, &expected);
  consumer_finish (a, TRUE);

  wait_for_stored (reader, expected.lines);
  /* The survivor holds every partition, read to its end. */
  deadline = g_get_monotonic_time () + PATIENCE_US;
  while (assigned_partitions (source_b) != 4 || dps_source_get_lag (source_b) != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  g_assert_cmpint (dps_source_get_lag (source_b), ==, 0);
  lags = dps_kafka_source_get_partition_lag (source_b);
  g_assert_cmpuint (lags->len, ==, 4);
  stored_positions (reader, dps_kafka_source_get_source_key (source_b), stored, 4);
  for (guint i = 0; i < 4; i++)
    {
      const DpsKafkaPartitionLag *lag = &g_array_index (lags, DpsKafkaPartitionLag, i);

      g_assert_cmpint (lag->partition, ==, (gint) i);
      g_assert_true (lag->assigned);
      g_assert_cmpint (lag->lag, ==, 0);
      g_assert_cmpint (lag->committed, ==, lag->high_watermark);
      g_assert_cmpint (lag->committed, ==, stored[i]);
      g_assert_cmpint (lag->position, ==, stored[i]);
    }
  consumer_finish (b, TRUE);

  assert_stored (reader, &expected, FALSE);

  /* Kafka tools see the same positions as the database. */
  kafka_committed (mock, topic, group, committed, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (committed[i], ==, stored[i]);

  expected_clear (&expected);
  g_clear_object (&reader);
  g_clear_object (&repository_a);
  g_clear_object (&repository_b);
  dps_test_tmpdir_remove (dir);
}

static void
test_missing_topic (void)
{
  g_autoptr(DpsTestKafkaMock) mock = dps_test_kafka_mock_new ();
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *uri = make_db_uri (dir, "missing.db");
  g_autoptr(DpsRepository) repository = open_db (uri);
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) properties = group_properties ();

  /* The mock creates topics on demand; a real cluster without
   * auto.create.topics.enable answers like this. */
  rd_kafka_mock_topic_set_error (mock->cluster, "no-such-topic", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  source = dps_kafka_source_new (mock->bootstraps, "no-such-topic", NULL, NULL, 0);
  engine = dps_engine_new (repository, source, NULL);
  g_assert_false (dps_engine_run (engine, NULL, &error));
  g_assert_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-topic"));
  g_clear_error (&error);
  g_clear_object (&engine);
  g_clear_object (&source);

  /* A property librdkafka does not know; a secret's value is never shown. */
  g_hash_table_insert (properties, g_strdup ("no.such.property"), g_strdup ("1"));
  source = dps_kafka_source_new (mock->bootstraps, "t", NULL, properties, 0);
  engine = dps_engine_new (repository, source, NULL);
  g_assert_false (dps_engine_run (engine, NULL, &error));
  g_assert_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no.such.property"));
  g_clear_error (&error);
  g_clear_object (&engine);
  g_clear_object (&source);

  /* A secret's value is never shown, even when librdkafka would. */
  g_hash_table_remove (properties, "no.such.property");
  g_hash_table_insert (properties, g_strdup ("no.such.password"), g_strdup ("hunter2"));
  source = dps_kafka_source_new (mock->bootstraps, "t", NULL, properties, 0);
  engine = dps_engine_new (repository, source, NULL);
  g_assert_false (dps_engine_run (engine, NULL, &error));
  g_assert_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no.such.password"));
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);
  g_clear_object (&engine);
  g_clear_object (&source);

  g_hash_table_remove (properties, "no.such.password");
  if (rd_kafka_version () < 0x02030000)
    {
      g_hash_table_insert (properties, g_strdup ("partition.assignment.strategy"),
                           g_strdup ("cooperative-sticky"));
      source = dps_kafka_source_new (mock->bootstraps, "t", NULL, properties, 0);
      engine = dps_engine_new (repository, source, NULL);
      g_assert_false (dps_engine_run (engine, NULL, &error));
      g_assert_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "cooperative-sticky"));
      g_clear_error (&error);
      g_clear_object (&engine);
      g_clear_object (&source);
      g_hash_table_remove (properties, "partition.assignment.strategy");
    }
  g_hash_table_insert (properties, g_strdup ("auto.offset.reset"), g_strdup ("sometimes"));
  source = dps_kafka_source_new (mock->bootstraps, "t", NULL, properties, 0);
  engine = dps_engine_new (repository, source, NULL);
  g_assert_false (dps_engine_run (engine, NULL, &error));
  g_assert_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_INVALID);

  g_clear_object (&engine);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}


/* ---------------------------------------------------------------------- */
/* the dps tool                                                            */

static const char *
dps_cli (void)
{
  const char *path = g_getenv ("DPS_CLI");

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return NULL;
  return path;
}

/* Starts dps with @args (NULL-terminated), output to files in @dir. */
static GSubprocess *
spawn_cli (const char *dir,
           const char *name,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = g_strdup_printf ("%s/%s.out", dir, name);
  g_autofree char *err = g_strdup_printf ("%s/%s.err", dir, name);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) dps_cli ());
  va_start (args, name);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  g_subprocess_launcher_set_stderr_file_path (launcher, err);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static char *
read_output (const char *dir,
             const char *name,
             const char *stream)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.%s", dir, name, stream);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Waits for @process; returns its exit status. */
static int
wait_cli (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* Two dps processes consume one group into one SQLite file; one is killed
 * (SIGKILL) mid-way, the other takes its partitions over from the stored
 * positions; a restart then finds nothing left to read. */
static void
test_cli_kill (void)
{
  const char *topic = "cli-topic";
  g_autoptr(DpsTestKafkaMock) mock = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(DpsGenerator) generator = make_cli_generator (5, 30000, 0.03);
  g_autoptr(DpsRepository) reader = NULL;
  g_autoptr(GSubprocess) generate = NULL;
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GSubprocess) again = NULL;
  g_autofree char *summary = NULL;
  Expected expected;

  if (dps_cli () == NULL)
    {
      g_test_skip ("DPS_CLI is not set");
      return;
    }
  mock = dps_test_kafka_mock_new ();
  dir = dps_test_tmpdir_new ();
  uri = make_db_uri (dir, "cli.db");
  dps_test_kafka_mock_create_topic (mock, topic, 4);

  expected_init (&expected);
  produce (NULL, generator, 30000, &expected);
  generate = spawn_cli (dir, "generate", "generate", "--rows", "30000", "--seed", "5",
                        "--start", "2026-11-01", "--days", "7", "--dirty", "0.03",
                        "--kafka", mock->bootstraps, "--topic", topic, NULL);
  g_assert_cmpint (wait_cli (generate), ==, 0);
  summary = read_output (dir, "generate", "err");
  g_assert_nonnull (strstr (summary, "30,000") != NULL ? summary : strstr (summary, "30000"));

  reader = open_db (uri);
#define INGEST_ARGS "ingest", "--db", uri, "--kafka", mock->bootstraps, "--topic", topic, \
                    "--group", "cli", "--batch-rows", "500", "--batch-ms", "100", "--threads", "1", \
                    "-X", "session.timeout.ms=3000", "-X", "heartbeat.interval.ms=500"
  a = spawn_cli (dir, "a", INGEST_ARGS, NULL);
  b = spawn_cli (dir, "b", INGEST_ARGS, NULL);

  /* Kill one while both load. */
  wait_for_stored (reader, expected.lines / 4);
  g_subprocess_send_signal (a, SIGKILL);
  g_assert_true (g_subprocess_wait (a, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (a));

  /* The other takes over, once the group has given up on the dead one. */
  wait_for_stored (reader, expected.lines);
  g_subprocess_send_signal (b, SIGTERM);
  g_assert_cmpint (wait_cli (b), ==, 0);
  assert_stored (reader, &expected, FALSE);

  /* A later run resumes from the stored positions: nothing to read. */
  again = spawn_cli (dir, "again", INGEST_ARGS, "--stop-when-idle", NULL);
  g_assert_cmpint (wait_cli (again), ==, 0);
  g_clear_pointer (&summary, g_free);
  summary = read_output (dir, "again", "out");
  g_assert_nonnull (strstr (summary, "loaded 0 rows, rejected 0, duplicates 0"));
  assert_stored (reader, &expected, FALSE);
#undef INGEST_ARGS

  expected_clear (&expected);
  g_clear_object (&reader);
  dps_test_tmpdir_remove (dir);
}

/* Records the brokers refuse are counted, reported in one clear line, and
 * make dps exit non-zero. */
static void
test_cli_delivery_failure (void)
{
  g_autoptr(DpsTestKafkaMock) mock = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GSubprocess) generate = NULL;
  g_autofree char *errors = NULL;
  rd_kafka_resp_err_t refusals[64];

  if (dps_cli () == NULL)
    {
      g_test_skip ("DPS_CLI is not set");
      return;
    }
  mock = dps_test_kafka_mock_new ();
  dir = dps_test_tmpdir_new ();
  dps_test_kafka_mock_create_topic (mock, "refused", 1);
  /* Every produce request (API key 0) is refused for good. */
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    refusals[i] = RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED;
  rd_kafka_mock_push_request_errors_array (mock->cluster, 0, G_N_ELEMENTS (refusals), refusals);

  generate = spawn_cli (dir, "generate", "generate", "--rows", "200", "--kafka", mock->bootstraps,
                        "--topic", "refused", NULL);
  g_assert_cmpint (wait_cli (generate), ==, 1);
  errors = read_output (dir, "generate", "err");
  g_assert_nonnull (strstr (errors, "200 of 200 records were not delivered to “refused”"));
  g_assert_nonnull (strstr (errors, "uthorization"));

  dps_test_tmpdir_remove (dir);
}

/* ---------------------------------------------------------------------- */
/* a repository that fails once                                            */

typedef enum {
  FAIL_BEFORE_COMMIT,   /* the batch is rolled back */
  FAIL_AFTER_COMMIT,    /* committed, but the engine never hears of it */
} FailMode;

typedef struct {
  DpsRepository  parent_instance;
  DpsRepository *inner;
  FailMode       mode;
  guint          fail_at;   /* 1-based batch number; 0 = never */
  guint          batches;
} FlakyRepository;

typedef struct {
  DpsRepositoryClass parent_class;
} FlakyRepositoryClass;

static GType flaky_repository_get_type (void);
G_DEFINE_TYPE (FlakyRepository, flaky_repository, DPS_TYPE_REPOSITORY)

#define FLAKY(obj) ((FlakyRepository *) (obj))

static gboolean
flaky_ensure_source (DpsRepository *self, const char *key, guint32 *out_id, GError **error)
{
  return dps_repository_ensure_source (FLAKY (self)->inner, key, out_id, error);
}

static gboolean
flaky_write_batch (DpsRepository  *repository,
                   DpsBatch       *batch,
                   DpsBatchResult *result,
                   GCancellable   *cancellable,
                   GError        **error)
{
  FlakyRepository *self = FLAKY (repository);

  if (++self->batches == self->fail_at)
    {
      if (self->mode == FAIL_AFTER_COMMIT &&
          !dps_repository_write_batch (self->inner, batch, result, cancellable, error))
        return FALSE;
      g_set_error_literal (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_FAILED,
                           "the disk caught fire");
      return FALSE;
    }
  return dps_repository_write_batch (self->inner, batch, result, cancellable, error);
}

static gboolean
flaky_load_checkpoint (DpsRepository *self, const char *key, gint32 partition,
                       DpsCheckpoint **out, GError **error)
{
  return dps_repository_load_checkpoint (FLAKY (self)->inner, key, partition, out, error);
}

static GPtrArray *
flaky_list_checkpoints (DpsRepository *self, const char *key, GError **error)
{
  return dps_repository_list_checkpoints (FLAKY (self)->inner, key, error);
}

static gboolean
flaky_begin_run (DpsRepository *self, DpsRunRecord *run, GError **error)
{
  return dps_repository_begin_run (FLAKY (self)->inner, run, error);
}

static gboolean
flaky_update_run (DpsRepository *self, const DpsRunRecord *run, GError **error)
{
  return dps_repository_update_run (FLAKY (self)->inner, run, error);
}

static void
flaky_repository_finalize (GObject *object)
{
  g_clear_object (&FLAKY (object)->inner);
  G_OBJECT_CLASS (flaky_repository_parent_class)->finalize (object);
}

static void
flaky_repository_class_init (FlakyRepositoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsRepositoryClass *repository_class = DPS_REPOSITORY_CLASS (klass);

  object_class->finalize = flaky_repository_finalize;
  repository_class->ensure_source = flaky_ensure_source;
  repository_class->write_batch = flaky_write_batch;
  repository_class->load_checkpoint = flaky_load_checkpoint;
  repository_class->list_checkpoints = flaky_list_checkpoints;
  repository_class->begin_run = flaky_begin_run;
  repository_class->update_run = flaky_update_run;
}

static void
flaky_repository_init (FlakyRepository *self)
{
}

static DpsRepository *
flaky_repository_new (const char *uri,
                      FailMode    mode,
                      guint       fail_at)
{
  FlakyRepository *self = g_object_new (flaky_repository_get_type (), NULL);

  self->inner = open_db (uri);
  self->mode = mode;
  self->fail_at = fail_at;
  return DPS_REPOSITORY (self);
}

/* Runs @source into @repository until it fails at batch @fail_at. */
static void
run_until_failure (DpsSource  *source,
                   const char *uri,
                   FailMode    mode,
                   guint       fail_at)
{
  g_autoptr(DpsRepository) flaky = flaky_repository_new (uri, mode, fail_at);
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  DpsEngineOptions options;

  dps_engine_options_init (&options);
  options.batch_rows = 3000;
  options.transform_threads = 1;
  engine = dps_engine_new (flaky, source, &options);
  g_assert_false (dps_engine_run (engine, NULL, &error));
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_FAILED);
  g_assert_cmpuint (FLAKY (flaky)->batches, ==, fail_at);
}

/* A fatal write error in the middle of a run stops it, whether the batch
 * was rolled back or committed without the engine hearing of it; the
 * next run resumes from the positions stored with the last committed
 * batch. */
static void
test_restart (void)
{
  const char *topic = "restart-topic";
  g_autoptr(DpsTestKafkaMock) mock = dps_test_kafka_mock_new ();
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *uri = make_db_uri (dir, "restart.db");
  g_autoptr(GHashTable) properties = group_properties ();
  g_autoptr(DpsKafkaProducer) producer = NULL;
  g_autoptr(DpsGenerator) generator = make_generator (23, 36000, 0.03);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  DpsEngineOptions options;
  Expected expected;

  dps_test_kafka_mock_create_topic (mock, topic, 3);
  producer = dps_kafka_producer_new (mock->bootstraps, topic, NULL, &error);
  g_assert_no_error (error);
  expected_init (&expected);
  produce (producer, generator, 36000, &expected);

  /* The same source object runs each time, as a scheduler would. */
  source = dps_kafka_source_new (mock->bootstraps, topic, "restart", properties, 4096);
  dps_kafka_source_set_stop_at_end (source, TRUE);
  run_until_failure (source, uri, FAIL_BEFORE_COMMIT, 3);
  run_until_failure (source, uri, FAIL_AFTER_COMMIT, 3);

  repository = open_db (uri);
  dps_engine_options_init (&options);
  options.batch_rows = 3000;
  engine = dps_engine_new (repository, source, &options);
  g_assert_true (dps_engine_run (engine, NULL, &error));
  g_assert_no_error (error);
  assert_exact (repository, &expected);
  assert_rejects_have_positions (repository, "kafka:restart-topic@restart", 3);

  expected_clear (&expected);
  g_clear_object (&engine);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

/* ---------------------------------------------------------------------- */

/* A backlog spread over several partitions is read with the partitions in
 * step: halfway through, every partition is about halfway through, so
 * that a batch holds records close in time rather than long runs of a
 * few partitions. */
static void
test_in_step (void)
{
  const char *topic = "step-topic";
  enum { PARTITIONS = 8, RECORDS = 16000 };
  g_autoptr(DpsTestKafkaMock) mock = dps_test_kafka_mock_new ();
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *uri = make_db_uri (dir, "step.db");
  g_autoptr(GHashTable) properties = group_properties ();
  g_autoptr(DpsKafkaProducer) producer = NULL;
  g_autoptr(DpsGenerator) generator = make_generator (41, RECORDS, 0.0);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsChunk) chunk = dps_chunk_new ();
  g_autoptr(GArray) lags = NULL;
  g_autoptr(GError) error = NULL;
  guint64 read[PARTITIONS] = { 0 }, halfway[PARTITIONS] = { 0 };
  guint64 total = 0;
  gboolean halfway_seen = FALSE;
  DpsSourceStatus status;
  gint64 deadline;
  Expected expected;

  dps_test_kafka_mock_create_topic (mock, topic, PARTITIONS);
  producer = dps_kafka_producer_new (mock->bootstraps, topic, NULL, &error);
  g_assert_no_error (error);
  expected_init (&expected);
  produce (producer, generator, RECORDS, &expected);
  g_assert_cmpuint (expected.lines, ==, RECORDS);

  repository = open_db (uri);
  source = dps_kafka_source_new (mock->bootstraps, topic, "step", properties, 4096);
  dps_kafka_source_set_stop_at_end (source, TRUE);
  g_assert_true (dps_source_open (source, repository, NULL, &error));
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + PATIENCE_US;
  do
    {
      dps_chunk_reset (chunk);
      status = dps_source_read (source, chunk, 1024, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status, !=, DPS_SOURCE_FAILED);
      for (guint i = 0; i < chunk->lines->len; i++)
        {
          const DpsRawLine *line = &g_array_index (chunk->lines, DpsRawLine, i);

          g_assert_cmpint (line->position.partition, >=, 0);
          g_assert_cmpint (line->position.partition, <, PARTITIONS);
          read[line->position.partition]++;
          if (++total == RECORDS / 2)
            {
              memcpy (halfway, read, sizeof read);
              halfway_seen = TRUE;
            }
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  while (status != DPS_SOURCE_END);

  /* Everything was read once. */
  g_assert_cmpuint (total, ==, RECORDS);
  lags = dps_kafka_source_get_partition_lag (source);
  g_assert_cmpuint (lags->len, ==, PARTITIONS);
  for (guint i = 0; i < PARTITIONS; i++)
    {
      const DpsKafkaPartitionLag *lag = &g_array_index (lags, DpsKafkaPartitionLag, i);

      g_assert_cmpint (lag->partition, ==, (gint) i);
      g_assert_cmpint ((gint64) read[i], ==, lag->high_watermark);
      /* The producer spreads records over every partition. */
      g_assert_cmpuint (read[i], >, RECORDS / PARTITIONS / 2);
    }

  /* Halfway through the backlog, each partition was between a quarter and
   * three quarters of the way through its records (in step they are all
   * near half; read partition after partition, some would be done and
   * others untouched). */
  g_assert_true (halfway_seen);
  for (guint i = 0; i < PARTITIONS; i++)
    {
      g_test_message ("partition %u: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " read halfway",
                      i, halfway[i], read[i]);
      g_assert_cmpuint (halfway[i] * 4, >=, read[i]);
      g_assert_cmpuint (halfway[i] * 4, <=, read[i] * 3);
    }

  dps_source_close (source);
  expected_clear (&expected);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

/* ---------------------------------------------------------------------- */

/* Every broker goes away mid-run: the source says it waits for them, and
 * the run completes once they are back. */
static void
test_broker_down (void)
{
  const char *topic = "down-topic";
  g_autoptr(DpsTestKafkaMock) mock = dps_test_kafka_mock_new ();
  g_autofree char *dir = dps_test_tmpdir_new ();
  g_autofree char *uri = make_db_uri (dir, "down.db");
  g_autoptr(GHashTable) properties = group_properties ();
  g_autoptr(DpsKafkaProducer) producer = NULL;
  g_autoptr(DpsGenerator) generator = make_generator (31, 40000, 0.02);
  g_autoptr(DpsRepository) reader = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(GError) error = NULL;
  Consumer *consumer;
  Expected expected;
  gint64 deadline;
  gboolean waited = FALSE;

  dps_test_kafka_mock_create_topic (mock, topic, 2);
  producer = dps_kafka_producer_new (mock->bootstraps, topic, NULL, &error);
  g_assert_no_error (error);
  expected_init (&expected);
  produce (producer, generator, 20000, &expected);

  reader = open_db (uri);
  repository = open_db (uri);
  source = dps_kafka_source_new (mock->bootstraps, topic, "down", properties, 4096);
  consumer = consumer_start (repository, source, 2000);
  wait_for_stored (reader, expected.lines);

  dps_test_kafka_mock_set_brokers_up (mock, FALSE);
  deadline = g_get_monotonic_time () + PATIENCE_US;
  while (!waited)
    {
      g_autofree char *status = dps_source_dup_status_text (source);

      waited = status != NULL && strstr (status, "Waiting for the Kafka broker") != NULL;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  /* The engine shows it as the reason it waits. */
  waited = FALSE;
  while (!waited)
    {
      DpsEngineMetrics metrics;

      dps_engine_get_metrics (consumer->engine, &metrics);
      waited = metrics.state == DPS_ENGINE_STATE_WAITING &&
               strstr (metrics.waiting_reason, "Waiting for the Kafka broker") != NULL;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }

  /* Records produced meanwhile wait in the producer. */
  dps_test_kafka_mock_set_brokers_up (mock, TRUE);
  produce (producer, generator, 20000, &expected);
  wait_for_stored (reader, expected.lines);
  consumer_finish (consumer, TRUE);
  assert_exact (reader, &expected);

  expected_clear (&expected);
  g_clear_object (&reader);
  g_clear_object (&repository);
  dps_test_tmpdir_remove (dir);
}

#else /* !HAVE_KAFKA */

static void
test_unavailable (void)
{
  g_test_skip ("built without librdkafka");
}

#endif

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#if HAVE_KAFKA
  g_test_add_func ("/dps/kafka/record-key", test_record_key);
  g_test_add_func ("/dps/kafka/missing-topic", test_missing_topic);
  g_test_add_func ("/dps/kafka/group-rebalance", test_group_rebalance);
  g_test_add_func ("/dps/kafka/restart", test_restart);
  g_test_add_func ("/dps/kafka/broker-down", test_broker_down);
  g_test_add_func ("/dps/kafka/in-step", test_in_step);
  g_test_add_func ("/dps/kafka/cli/kill", test_cli_kill);
  g_test_add_func ("/dps/kafka/cli/delivery-failure", test_cli_delivery_failure);
#else
  g_test_add_func ("/dps/kafka/unavailable", test_unavailable);
#endif

  return g_test_run ();
}
