/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "dps-cli.h"

typedef struct {
  DpsEngine      *engine;
  GMainLoop      *loop;
  GCancellable   *cancellable;
  DpsCliProgress *progress;
  gint64          total_bytes;    /* -1 when unknown (following, folders) */
  gboolean        follow;
  guint           interrupts;
  GError         *error;
  gboolean        ok;
} IngestJob;

static gboolean
interrupted_cb (gpointer user_data)
{
  IngestJob *job = user_data;

  /* First Ctrl-C: stop reading and commit what was read. Second: cancel. */
  if (job->interrupts++ == 0)
    dps_engine_stop (job->engine);
  else
    g_cancellable_cancel (job->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  IngestJob *job = user_data;
  DpsEngineMetrics m;
  guint64 done, total = 0;
  double rate;

  dps_engine_get_metrics (job->engine, &m);
  if (job->total_bytes > 0 && m.rows_read > 0)
    {
      /* Estimate the line count from the bytes left. */
      double bytes_per_line = (double) m.bytes_read / (double) m.rows_read;

      total = (guint64) ((double) job->total_bytes / MAX (bytes_per_line, 1.0));
    }
  done = (guint64) (m.rows_loaded + m.rows_rejected + m.rows_duplicate);
  rate = m.rate_recent > 0 ? m.rate_recent : m.rate_average;
  dps_cli_progress_update (job->progress,
                           m.state == DPS_ENGINE_STATE_WAITING && m.waiting_reason[0] != '\0'
                             ? m.waiting_reason : _("Ingesting"),
                           done, total, rate, _("rows"));
  return G_SOURCE_CONTINUE;
}

static void
run_finished_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  IngestJob *job = user_data;

  job->ok = dps_engine_run_finish (DPS_ENGINE (object), result, &job->error);
  g_main_loop_quit (job->loop);
}

static void
print_summary (DpsEngine  *engine,
               const char *what)
{
  DpsEngineMetrics m;
  g_autofree char *loaded = NULL;
  g_autofree char *rejected = NULL;
  g_autofree char *duplicates = NULL;
  g_autofree char *rate = NULL;

  dps_engine_get_metrics (engine, &m);
  loaded = dps_cli_format_count (m.rows_loaded);
  rejected = dps_cli_format_count (m.rows_rejected);
  duplicates = dps_cli_format_count (m.rows_duplicate);
  rate = dps_cli_format_count ((gint64) m.rate_average);
  /* Translators: "<file>: loaded 10 rows, rejected 2, duplicates 1 in 1.2 s (8,000 rows/s)";
   * the plural follows the number of rows loaded. */
  g_print (ngettext ("%s: loaded %s row, rejected %s, duplicates %s in %.1f s (%s rows/s)\n",
                     "%s: loaded %s rows, rejected %s, duplicates %s in %.1f s (%s rows/s)\n",
                     (gulong) MAX (m.rows_loaded, 0)),
           what, loaded, rejected, duplicates, m.elapsed_seconds, rate);

  if (m.rows_rejected > 0)
    {
      for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
        if (m.rejected_by_reason[i] > 0)
          {
            g_autofree char *count = dps_cli_format_count (m.rejected_by_reason[i]);

            g_print ("  %-20s %s\n", dps_reject_reason_to_string (i), count);
          }
    }
}

/* Runs @source into @repository until it ends, fails or Ctrl-C. */
static gboolean
run_source (DpsRepository          *repository,
            DpsSource              *source,
            const DpsEngineOptions *engine_options,
            gint64                  total_bytes,
            gboolean                follow,
            const char             *what,
            GError                **error)
{
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DpsCliProgress) progress = dps_cli_progress_new ();
  IngestJob job = { 0 };
  guint tick, sigint_id, sigterm_id;

  engine = dps_engine_new (repository, source, engine_options);
  job.engine = engine;
  job.loop = loop;
  job.cancellable = cancellable;
  job.progress = progress;
  job.follow = follow;
  job.total_bytes = total_bytes;

  sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, &job);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, &job);
  tick = g_timeout_add (200, progress_tick_cb, &job);
  dps_engine_run_async (engine, cancellable, run_finished_cb, &job);
  g_main_loop_run (loop);
  g_source_remove (tick);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  dps_cli_progress_finish (progress);

  if (!job.ok)
    {
      if (g_error_matches (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          print_summary (engine, what);
          g_printerr (_("dps: cancelled; the next run resumes where this one stopped\n"));
        }
      g_propagate_error (error, job.error);
      return FALSE;
    }

  print_summary (engine, what);
  return TRUE;
}

static gboolean
ingest_one (DpsRepository          *repository,
            const char             *path,
            gboolean                follow,
            const DpsEngineOptions *options,
            guint                   poll_ms,
            GError                **error)
{
  g_autoptr(DpsSource) source = NULL;
  DpsEngineOptions engine_options = *options;
  gint64 total_bytes = -1;
  gboolean is_folder = g_file_test (path, G_FILE_TEST_IS_DIR);

  if (!is_folder && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_NOT_FOUND,
                   _("Cannot read “%s”: No such file or directory"), path);
      return FALSE;
    }

  if (is_folder)
    {
      source = dps_folder_source_new (path, options->max_line_length, poll_ms);
      /* Without --follow, a folder is read as it is now, then the run ends. */
      engine_options.stop_when_idle = !follow;
    }
  else
    source = dps_file_source_new (path, follow, options->max_line_length, poll_ms);

  if (!is_folder && !follow)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
      if (info != NULL)
        total_bytes = g_file_info_get_size (info);
    }

  return run_source (repository, source, &engine_options, total_bytes, follow, path, error);
}

#if HAVE_KAFKA
static gboolean
ingest_kafka (DpsRepository          *repository,
              const char             *brokers,
              const char             *topic,
              const char             *group,
              char                  **properties,
              gboolean                stop_at_end,
              const DpsEngineOptions *options,
              GError                **error)
{
  g_autoptr(GHashTable) table = dps_kafka_properties_new ();
  g_autoptr(DpsSource) source = NULL;

  for (guint i = 0; properties != NULL && properties[i] != NULL; i++)
    if (!dps_kafka_properties_parse (table, properties[i], error))
      return FALSE;
  source = dps_kafka_source_new (brokers, topic, group, table, options->max_line_length);
  /* The source knows when its partitions are read to their end; the
   * engine's idle rule would also stop it while the group forms. */
  dps_kafka_source_set_stop_at_end (source, stop_at_end);
  return run_source (repository, source, options, -1, TRUE, dps_source_get_description (source), error);
}
#endif

int
dps_cli_ingest (int    argc,
                char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *brokers = NULL;
  g_autofree char *topic = NULL;
  g_autofree char *group = NULL;
  g_auto(GStrv) properties = NULL;
  gboolean follow = FALSE, stop_when_idle = FALSE;
  gint batch_rows = 0, batch_ms = 0, commit_rows = -1, commit_ms = 0, backlog_rows = -1;
  gint threads = -1, poll_ms = 250;
  gint64 max_line = DPS_DEFAULT_MAX_LINE_LENGTH;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, N_("Database URI (default: $DPS_DB or the user's database)"), N_("URI") },
    { "follow", 'f', 0, G_OPTION_ARG_NONE, &follow, N_("Keep reading as files grow or appear, until Ctrl-C"), NULL },
    { "batch-rows", 0, 0, G_OPTION_ARG_INT, &batch_rows, N_("Rows per committed batch (default 50000)"), N_("N") },
    { "commit-rows", 0, 0, G_OPTION_ARG_INT, &commit_rows, N_("Rows committed at once over several batches while more are ready, in SQLite (default 1000000; with --batch-rows, each batch alone)"), N_("N") },
    { "commit-ms", 0, 0, G_OPTION_ARG_INT, &commit_ms, N_("Commit batches written together at least this often (default 5000)"), N_("MS") },
    { "backlog-rows", 0, 0, G_OPTION_ARG_INT, &backlog_rows, N_("Rows written at once over several batches waiting for the writer, in SQLite: fewer passes over the key index, more memory (default 150000)"), N_("N") },
    { "batch-ms", 0, 0, G_OPTION_ARG_INT, &batch_ms, N_("Close a batch at least this often; it commits as soon as nothing more is ready (default 1000, 250 when following)"), N_("MS") },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_("Parser threads; 0 = everything on one thread (default: one per processor but one)"), N_("N") },
    { "poll-ms", 0, 0, G_OPTION_ARG_INT, &poll_ms, N_("How often a followed file is checked (default 250)"), N_("MS") },
    { "max-line-length", 0, 0, G_OPTION_ARG_INT64, &max_line, N_("Longer lines are rejected (default 65536)"), N_("BYTES") },
    { "kafka", 0, 0, G_OPTION_ARG_STRING, &brokers, N_("Consume from Kafka brokers (host:port,…) instead of files, until Ctrl-C"), N_("BROKERS") },
    { "topic", 0, 0, G_OPTION_ARG_STRING, &topic, N_("Kafka topic to consume"), N_("TOPIC") },
    { "group", 0, 0, G_OPTION_ARG_STRING, &group, N_("Kafka consumer group: processes of one group share the partitions (default “dps”)"), N_("GROUP") },
    { "property", 'X', 0, G_OPTION_ARG_STRING_ARRAY, &properties, N_("A librdkafka property, such as security.protocol=SASL_SSL (repeatable)"), N_("KEY=VALUE") },
    { "stop-when-idle", 0, 0, G_OPTION_ARG_NONE, &stop_when_idle, N_("With --kafka or --follow: stop once everything there is now has been read"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE|FOLDER…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  DpsEngineOptions options;
  gboolean failed = FALSE;

  g_option_context_set_summary (context,
    _("Validate, enrich and load JSON Lines into the database. Bad lines are kept\n"
      "as rejects with their reason; a record already stored counts as a duplicate.\n"
      "An interrupted import resumes where it stopped; a finished one reads the\n"
      "file again (everything then counts as duplicates)."));
  g_option_context_set_description (context,
    _("Examples:\n"
      "  dps ingest transactions.jsonl\n"
      "  dps ingest --db sqlite:///tmp/test.db day1.jsonl day2.jsonl\n"
      "  dps ingest --follow data/queue/\n"
      "  dps ingest --kafka localhost:9092 --topic transactions --group loaders\n"
      "\n"
      "With --kafka, positions are stored in the database with the rows, so a\n"
      "crash or a rebalance neither loses nor doubles a record; several processes\n"
      "of one group share the partitions. A SASL password may come from\n"
      "$DPS_KAFKA_SASL_PASSWORD.\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return dps_cli_fail (error);
  if (brokers != NULL)
    {
      if (argc > 1)
        return dps_cli_usage_error ("ingest", _("--kafka reads no file, but “%s” was given"), argv[1]);
      if (topic == NULL || topic[0] == '\0')
        return dps_cli_usage_error ("ingest", _("--kafka needs --topic"));
      if (follow)
        return dps_cli_usage_error ("ingest", _("--kafka always follows the topic; use --stop-when-idle to stop"));
    }
  else if (topic != NULL || group != NULL || properties != NULL)
    return dps_cli_usage_error ("ingest", _("--topic, --group and --property need --kafka"));
  else if (argc < 2)
    return dps_cli_usage_error ("ingest", _("no file given"));
  if (batch_rows < 0 || batch_ms < 0 || commit_rows < -1 || commit_ms < 0 || backlog_rows < -1 ||
      poll_ms < 10 || max_line < 16)
    return dps_cli_usage_error ("ingest", _("a numeric option is out of range"));

  dps_engine_options_init (&options);
  if (batch_rows > 0)
    {
      /* "Rows per committed batch": each commits alone, unless told. */
      options.batch_rows = (guint) batch_rows;
      options.commit_rows = 0;
    }
  if (commit_rows >= 0)
    options.commit_rows = (guint) commit_rows;
  if (commit_ms > 0)
    options.commit_interval_ms = (guint) commit_ms;
  if (backlog_rows >= 0)
    options.backlog_rows = (guint) backlog_rows;
  if (batch_ms > 0)
    options.batch_interval_ms = (guint) batch_ms;
  else if (follow || brokers != NULL)
    options.batch_interval_ms = 250;   /* lines appear in the database within half a second */
  /* A followed file with --stop-when-idle ends when it has no more lines. */
  options.stop_when_idle = follow && stop_when_idle;
  if (threads >= 0)
    options.transform_threads = (guint) threads;
  options.max_line_length = (gsize) max_line;

  repository = dps_cli_open_repository (db, TRUE, &error);
  if (repository == NULL)
    return dps_cli_fail (error);

  if (brokers != NULL)
    {
#if HAVE_KAFKA
      if (!ingest_kafka (repository, brokers, topic, group, properties, stop_when_idle, &options, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return DPS_CLI_EXIT_ERROR;
          return dps_cli_fail (error);
        }
      return DPS_CLI_EXIT_OK;
#else
      return dps_cli_usage_error ("ingest", _("this build has no Kafka support"));
#endif
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) file_error = NULL;

      if (!ingest_one (repository, argv[i], follow, &options, (guint) poll_ms, &file_error))
        {
          if (g_error_matches (file_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return DPS_CLI_EXIT_ERROR;
          dps_cli_fail (file_error);
          failed = TRUE;
        }
    }
  return failed ? DPS_CLI_EXIT_ERROR : DPS_CLI_EXIT_OK;
}
