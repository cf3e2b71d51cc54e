/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <unistd.h>

#include "dps-cli.h"

typedef struct {
  DpsCliProgress *progress;
  guint64         total;
  gint64          started;
} GenerateProgress;

static void
progress_cb (guint64  lines,
             guint64  bytes,
             gpointer user_data)
{
  GenerateProgress *state = user_data;
  double elapsed = (double) (g_get_monotonic_time () - state->started) / G_USEC_PER_SEC;

  dps_cli_progress_update (state->progress, _("Generating"), lines, state->total,
                           elapsed > 0 ? (double) lines / elapsed : 0, _("lines"));
}

#if HAVE_KAFKA
static void
produce_progress_cb (const DpsKafkaProducerProgress *progress,
                     gpointer                        user_data)
{
  GenerateProgress *state = user_data;
  double elapsed = (double) (g_get_monotonic_time () - state->started) / G_USEC_PER_SEC;

  dps_cli_progress_update (state->progress,
                           progress->broker_unreachable ? _("Waiting for the Kafka broker")
                                                        : _("Producing"),
                           progress->delivered, state->total,
                           elapsed > 0 ? (double) progress->delivered / elapsed : 0, _("records"));
}
#endif

static gboolean
interrupted_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

typedef struct {
  DpsGenerator     *generator;
  GOutputStream    *stream;
  GObject          *producer;    /* DpsKafkaProducer, instead of the stream */
  double            rate;
  GenerateProgress *state;
  GMainLoop        *loop;
  GError           *error;
  gboolean          ok;
} Job;

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Job *job = task_data;

#if HAVE_KAFKA
  if (job->producer != NULL)
    {
      job->ok = dps_kafka_producer_send_generated (DPS_KAFKA_PRODUCER (job->producer), job->generator,
                                                   job->rate, produce_progress_cb, job->state,
                                                   cancellable, &job->error);
      g_task_return_boolean (task, TRUE);
      return;
    }
#endif
  job->ok = dps_generator_write (job->generator, job->stream, job->rate,
                                 progress_cb, job->state, cancellable, &job->error) &&
            g_output_stream_close (job->stream, NULL, &job->error);
  g_task_return_boolean (task, TRUE);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Job *job = user_data;

  g_main_loop_quit (job->loop);
}

int
dps_cli_generate (int    argc,
                  char **argv)
{
  gint64 rows = 1000;
  gint64 seed = 0;
  gint days = 30;
  double rate = 0;
  double dirty = 0;
  gboolean live = FALSE, append = FALSE;
  g_autofree char *start = NULL;
  g_autofree char *output = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *brokers = NULL;
  g_autofree char *topic = NULL;
  g_auto(GStrv) properties = NULL;
  const GOptionEntry entries[] = {
    { "rows", 'n', 0, G_OPTION_ARG_INT64, &rows, N_("Lines to write (0 = until interrupted; default 1000)"), N_("N") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("Seed: the same seed writes the same lines"), N_("N") },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, N_("First day of the period, UTC (default: DAYS before today)"), N_("DATE") },
    { "days", 'd', 0, G_OPTION_ARG_INT, &days, N_("Length of the period in days (default 30)"), N_("N") },
    { "live", 0, 0, G_OPTION_ARG_NONE, &live, N_("Stamp lines with the current time instead"), NULL },
    { "rate", 'r', 0, G_OPTION_ARG_DOUBLE, &rate, N_("Lines per second (implies --live and --append)"), N_("N") },
    { "dirty", 0, 0, G_OPTION_ARG_DOUBLE, &dirty, N_("Share of bad lines and duplicates, 0 to 1"), N_("RATIO") },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest, N_("Write what was injected to this JSON file"), N_("FILE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE (default: standard output)"), N_("FILE") },
    { "append", 'a', 0, G_OPTION_ARG_NONE, &append, N_("Append to FILE instead of replacing it"), NULL },
    { "kafka", 0, 0, G_OPTION_ARG_STRING, &brokers, N_("Produce to Kafka brokers (host:port,…) instead of a file"), N_("BROKERS") },
    { "topic", 0, 0, G_OPTION_ARG_STRING, &topic, N_("Kafka topic to produce to"), N_("TOPIC") },
    { "property", 'X', 0, G_OPTION_ARG_STRING_ARRAY, &properties, N_("A librdkafka property, such as security.protocol=SASL_SSL (repeatable)"), N_("KEY=VALUE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GObject) producer = NULL;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DpsCliProgress) progress = dps_cli_progress_new ();
  GenerateProgress state = { progress, 0, g_get_monotonic_time () };
  DpsGeneratorOptions options;
  guint sigint_id, sigterm_id;
  gboolean ok;

  g_option_context_set_summary (context, _("Write sample transactions as JSON Lines."));
  g_option_context_set_description (context,
    _("Examples:\n"
      "  dps generate --rows 1000000 --seed 7 --output transactions.jsonl\n"
      "  dps generate --rows 100000 --dirty 0.02 --manifest injected.json -o dirty.jsonl\n"
      "  dps generate --rate 200 --rows 0 --output data/queue/transactions.jsonl\n"
      "  dps generate --rows 100000 --kafka localhost:9092 --topic transactions\n"
      "\n"
      "Kafka records are keyed by their transaction_id; the producer is idempotent\n"
      "(acks=all). A SASL password may come from $DPS_KAFKA_SASL_PASSWORD.\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return dps_cli_fail (error);
  if (argc > 1)
    return dps_cli_usage_error ("generate", _("unexpected argument “%s”"), argv[1]);

  dps_generator_options_init (&options);
  if (rows < 0 || seed < 0 || days < 1)
    return dps_cli_usage_error ("generate", _("--rows, --seed and --days must be positive"));
  if (rate < 0)
    return dps_cli_usage_error ("generate", _("--rate must be positive"));
  options.rows = (guint64) rows;
  options.seed = (guint64) seed;
  options.days = (guint) days;
  options.dirty_ratio = dirty;
  options.live = live || rate > 0 || rows == 0;
  if (start != NULL)
    {
      gint64 usec;

      if (!dps_cli_parse_time (start, FALSE, &usec))
        return dps_cli_usage_error ("generate", _("“%s” is not a date (YYYY-MM-DD)"), start);
      options.start = usec;
    }
  else
    {
      gint64 today = g_get_real_time () / DPS_USEC_PER_DAY * DPS_USEC_PER_DAY;

      options.start = today - (gint64) days * DPS_USEC_PER_DAY;
    }
  if (!dps_generator_options_validate (&options, &error))
    return dps_cli_fail (error);

  if (brokers != NULL)
    {
#if HAVE_KAFKA
      g_autoptr(GHashTable) table = dps_kafka_properties_new ();

      if (topic == NULL || topic[0] == '\0')
        return dps_cli_usage_error ("generate", _("--kafka needs --topic"));
      if (output != NULL || append)
        return dps_cli_usage_error ("generate", _("--kafka cannot be combined with --output or --append"));
      for (guint i = 0; properties != NULL && properties[i] != NULL; i++)
        if (!dps_kafka_properties_parse (table, properties[i], &error))
          return dps_cli_usage_error ("generate", "%s", error->message);
      producer = G_OBJECT (dps_kafka_producer_new (brokers, topic, table, &error));
      if (producer == NULL)
        return dps_cli_fail (error);
#else
      return dps_cli_usage_error ("generate", _("this build has no Kafka support"));
#endif
    }
  else if (topic != NULL || properties != NULL)
    return dps_cli_usage_error ("generate", _("--topic and --property need --kafka"));
  else if (output == NULL || g_str_equal (output, "-"))
    stream = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (output);
      g_autoptr(GFile) parent = g_file_get_parent (file);

      if (parent != NULL && !g_file_query_exists (parent, NULL) &&
          !g_file_make_directory_with_parents (parent, NULL, &error))
        return dps_cli_fail (error);
      /* A producer feeding a followed file appends to it, like the
       * original project's producer did. */
      if (append || rate > 0)
        stream = G_OUTPUT_STREAM (g_file_append_to (file, G_FILE_CREATE_NONE, NULL, &error));
      else
        stream = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error));
      if (stream == NULL)
        return dps_cli_fail (error);
    }

  generator = dps_generator_new (&options);
  state.total = options.rows;
  sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, cancellable);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, cancellable);

  /* Signals are delivered through the main context: write on a worker
   * thread and let this one dispatch them. */
  {
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    g_autoptr(GTask) task = NULL;
    Job job = { generator, stream, producer, rate, &state, loop, NULL, FALSE };

    task = g_task_new (NULL, cancellable, written_cb, &job);
    g_task_set_task_data (task, &job, NULL);
    g_task_set_return_on_cancel (task, FALSE);
    g_task_run_in_thread (task, write_in_thread);
    g_main_loop_run (loop);

    dps_cli_progress_finish (progress);
    ok = job.ok;
    if (job.error != NULL)
      error = job.error;
  }

  if (manifest != NULL)
    {
      g_autoptr(GError) manifest_error = NULL;

      if (!dps_generator_write_manifest (generator, manifest, &manifest_error))
        {
          g_source_remove (sigint_id);
          g_source_remove (sigterm_id);
          return dps_cli_fail (manifest_error);
        }
    }

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Interrupted by the user: what was written is complete lines. */
      g_clear_error (&error);
      ok = TRUE;
    }
  if (!ok)
    {
      g_source_remove (sigint_id);
      g_source_remove (sigterm_id);
      return dps_cli_fail (error);
    }
#if HAVE_KAFKA
  if (producer != NULL)
    {
      DpsKafkaProducerProgress counts;
      g_autofree char *delivered = NULL;

      dps_kafka_producer_get_progress (DPS_KAFKA_PRODUCER (producer), &counts);
      delivered = dps_cli_format_count ((gint64) counts.delivered);
      /* Translators: "Produced 1,000 records to transactions on localhost:9092" */
      g_printerr (_("Produced %s records to %s\n"), delivered,
                  dps_kafka_producer_get_description (DPS_KAFKA_PRODUCER (producer)));
    }
  else
#endif
  if (output != NULL && !g_str_equal (output, "-"))
    {
      const DpsGeneratorManifest *counts = dps_generator_get_manifest (generator);
      g_autofree char *lines = dps_cli_format_count ((gint64) counts->lines);

      g_printerr (ngettext ("Wrote %s line to %s\n", "Wrote %s lines to %s\n", (gulong) counts->lines),
                  lines, output);
    }
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  return ok ? DPS_CLI_EXIT_OK : DPS_CLI_EXIT_ERROR;
}
