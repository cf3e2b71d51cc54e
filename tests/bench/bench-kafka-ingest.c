/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ingest rate into SQLite of the same generated rows, read from a JSONL
 * file and from a Kafka topic (librdkafka's mock cluster, in this
 * process). Usage: bench-kafka-ingest [ROWS] [PARTITIONS] [ROUNDS].
 * The two paths alternate for ROUNDS rounds (each into a new database,
 * Kafka with a new consumer group) and the best rate of each is kept, so
 * that other work on a shared machine weighs less. Prints both rates and
 * their ratio. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/resource.h>

#include "dps-core.h"
#include "dps-test-kafka-mock.h"

/* 2026-11-01T00:00:00Z */
#define START (G_GINT64_CONSTANT (1793491200) * DPS_USEC_PER_SECOND)

typedef struct {
  DpsEngine *engine;
  GError    *error;
  gboolean   ok;
} Run;

typedef struct {
  double rows_per_second;
  double seconds;          /* from the first row read to the end */
  double waited;           /* before the first row (group join) */
  double cpu;              /* processor seconds of the whole process */
  gint64 rows;
  char  *timings;          /* busy seconds per stage */
  gint64 batches;          /* committed */
} Result;

static gpointer
run_thread (gpointer data)
{
  Run *run = data;

  run->ok = dps_engine_run (run->engine, NULL, &run->error);
  return NULL;
}

static DpsGenerator *
make_generator (guint64 rows)
{
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.seed = 2026;
  options.rows = rows;
  options.start = START;
  options.days = 30;
  return dps_generator_new (&options);
}

/* Runs @source into a new SQLite file; the clock starts at the first row
 * read, so that a consumer group's join is not counted as ingest time. */
static Result
ingest (const char *dir,
        const char *name,
        DpsSource  *source)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *uri = g_strconcat ("sqlite://", path, NULL);
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage before, after;
  DpsEngineMetrics metrics;
  DpsRepositoryInfo info = { 0 };
  Run run = { 0 };
  GThread *thread;
  gint64 started, first = 0, finished;
  Result result;

  repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);
  g_assert_no_error (error);
  run.engine = dps_engine_new (repository, source, NULL);

  started = g_get_monotonic_time ();
  getrusage (RUSAGE_SELF, &before);
  thread = g_thread_new ("bench-ingest", run_thread, &run);
  while (first == 0)
    {
      dps_engine_get_metrics (run.engine, &metrics);
      if (metrics.rows_read > 0 || metrics.state == DPS_ENGINE_STATE_FINISHED ||
          metrics.state == DPS_ENGINE_STATE_FAILED)
        first = g_get_monotonic_time ();
      else
        g_usleep (1000);
    }
  g_thread_join (thread);
  finished = g_get_monotonic_time ();
  dps_engine_get_metrics (run.engine, &metrics);
  result.batches = metrics.batches;
  getrusage (RUSAGE_SELF, &after);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);

  g_assert_true (dps_repository_get_info (repository, &info, &error));
  g_assert_no_error (error);
  result.rows = info.rows;
  result.seconds = (double) (finished - first) / G_USEC_PER_SEC;
  result.waited = (double) (first - started) / G_USEC_PER_SEC;
  result.rows_per_second = (double) info.rows / result.seconds;
  result.cpu = (double) (after.ru_utime.tv_sec - before.ru_utime.tv_sec +
                         after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
               (double) (after.ru_utime.tv_usec - before.ru_utime.tv_usec +
                         after.ru_stime.tv_usec - before.ru_stime.tv_usec) / G_USEC_PER_SEC;
  dps_repository_info_clear (&info);
  {
    g_autoptr(DpsRunRecord) record = dps_engine_dup_run (run.engine);

    result.timings = g_strdup (record->stage_timings);
  }
  g_object_unref (run.engine);
  return result;
}

int
main (int   argc,
      char *argv[])
{
  guint64 rows = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  /* The mock cluster keeps about 5 MB per partition: 64 hold a million
   * records, as a real topic would with its retention. */
  int partitions = argc > 2 ? (int) g_ascii_strtoll (argv[2], NULL, 10) : 64;
  guint rounds = argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 2;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dps-bench-kafka-XXXXXX", &error);
  g_autofree char *jsonl = NULL;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(DpsKafkaProducer) producer = NULL;
  g_autoptr(GString) line = g_string_sized_new (512);
  g_autoptr(GDir) handle = NULL;
  g_autoptr(DpsTestKafkaMock) mock = NULL;
  const char *name;
  Result file_result = { 0 }, kafka_result = { 0 };
  gint64 started;

  g_assert_no_error (error);
  g_assert_cmpuint (rows, >, 0);

  /* The rows, as a JSONL file. */
  jsonl = g_build_filename (dir, "transactions.jsonl", NULL);
  file = g_file_new_for_path (jsonl);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  generator = make_generator (rows);
  g_assert_true (dps_generator_write (generator, G_OUTPUT_STREAM (stream), 0, NULL, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&generator);

  /* The same rows, in a topic. */
  mock = dps_test_kafka_mock_new ();
  dps_test_kafka_mock_create_topic (mock, "transactions", partitions);
  producer = dps_kafka_producer_new (mock->bootstraps, "transactions", NULL, &error);
  g_assert_no_error (error);
  generator = make_generator (rows);
  started = g_get_monotonic_time ();
  for (guint64 i = 0; i < rows; i++)
    {
      g_string_truncate (line, 0);
      dps_generator_next (generator, line, NULL);
      g_assert_true (dps_kafka_producer_send (producer, line->str, line->len, NULL, &error));
    }
  g_assert_true (dps_kafka_producer_flush (producer, NULL, &error));
  g_assert_no_error (error);
  g_print ("produced %" G_GUINT64_FORMAT " records to %d partitions in %.2f s\n", rows, partitions,
           (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC);
  /* Nothing more to send: its threads would only take processor time. */
  g_clear_object (&producer);

  for (guint round = 0; round < MAX (rounds, 1u); round++)
    {
      g_autoptr(DpsSource) file_source = NULL;
      g_autoptr(DpsSource) kafka_source = NULL;
      g_autofree char *file_db = g_strdup_printf ("file-%u.db", round);
      g_autofree char *kafka_db = g_strdup_printf ("kafka-%u.db", round);
      g_autofree char *group = g_strdup_printf ("bench-%u", round);
      Result result;

      file_source = dps_file_source_new (jsonl, FALSE, DPS_DEFAULT_MAX_LINE_LENGTH, 250);
      result = ingest (dir, file_db, file_source);
      g_assert_cmpint (result.rows, ==, (gint64) rows);
      g_print ("round %u: JSONL %.0f rows/s (%.2f s, %.1f processor s)\n",
               round + 1, result.rows_per_second, result.seconds, result.cpu);
      if (result.rows_per_second > file_result.rows_per_second)
        {
          g_free (file_result.timings);
          file_result = result;
        }
      else
        g_free (result.timings);

      kafka_source = dps_kafka_source_new (mock->bootstraps, "transactions",
                                           group, NULL, 0);
      dps_kafka_source_set_stop_at_end (kafka_source, TRUE);
      result = ingest (dir, kafka_db, kafka_source);
      g_assert_cmpint (result.rows, ==, (gint64) rows);
      g_print ("round %u: Kafka %.0f rows/s (%.2f s after %.2f s joining the group, %.1f processor s)\n",
               round + 1, result.rows_per_second, result.seconds, result.waited, result.cpu);
      if (result.rows_per_second > kafka_result.rows_per_second)
        {
          g_free (kafka_result.timings);
          kafka_result = result;
        }
      else
        g_free (result.timings);
    }

  g_print ("best of %u rounds:\n", MAX (rounds, 1u));
  g_print ("JSONL file  -> SQLite: %9.0f rows/s (%" G_GINT64_FORMAT " rows in %.2f s)\n",
           file_result.rows_per_second, file_result.rows, file_result.seconds);
  g_print ("Kafka topic -> SQLite: %9.0f rows/s (%" G_GINT64_FORMAT " rows in %.2f s, after %.2f s joining the group)\n",
           kafka_result.rows_per_second, kafka_result.rows, kafka_result.seconds, kafka_result.waited);
  g_print ("stage seconds: JSONL %s, Kafka %s\n", file_result.timings, kafka_result.timings);
  g_print ("batches committed: JSONL %" G_GINT64_FORMAT ", Kafka %" G_GINT64_FORMAT "\n",
           file_result.batches, kafka_result.batches);
  g_print ("Kafka / JSONL: %.0f %% (goal: at least 70 %%)\n",
           100.0 * kafka_result.rows_per_second / file_result.rows_per_second);

  g_free (file_result.timings);
  g_free (kafka_result.timings);

  handle = g_dir_open (dir, 0, NULL);
  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
  return 0;
}
