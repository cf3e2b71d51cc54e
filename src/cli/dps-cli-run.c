/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "dps-cli.h"

typedef struct {
  DpsRepository *repository;
  GMainLoop     *loop;
  DpsScheduler  *scheduler;
  guint          interrupts;
} RunJob;

static void
run_finished_cb (DpsScheduler *scheduler,
                 gint64        run_id,
                 gpointer      user_data)
{
  RunJob *job = user_data;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next = dps_scheduler_get_next_run (scheduler);

  runs = dps_repository_list_runs (job->repository, 1, &error);
  if (runs != NULL && runs->len > 0)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, 0);
      /* xgettext cannot see through G_GINT64_FORMAT: the numbers go in as text. */
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run->id);
      g_autofree char *loaded = g_strdup_printf ("%" G_GINT64_FORMAT, run->rows_loaded);
      g_autofree char *rejected = g_strdup_printf ("%" G_GINT64_FORMAT, run->rows_rejected);
      g_autofree char *duplicates = g_strdup_printf ("%" G_GINT64_FORMAT, run->rows_duplicate);

      /* Translators: "Run 12: Succeeded, loaded 1000, rejected 3, duplicates 0",
       * then " — <error>" when the run failed. */
      g_print (_("Run %s: %s, loaded %s, rejected %s, duplicates %s%s%s\n"),
               id, dps_run_status_get_label (run->status), loaded, rejected, duplicates,
               run->error != NULL ? " — " : "", run->error != NULL ? run->error : "");
      if (run->quality_checks != NULL)
        g_print (_("  checks: %s\n"), run->quality_checks);
    }
  if (next > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (next / G_USEC_PER_SEC);
      g_autoptr(GDateTime) local = g_date_time_to_local (utc);
      g_autofree char *text = g_date_time_format (local, "%H:%M:%S");

      g_print (_("  next run at %s\n"), text);
    }
}

static gboolean
interrupted_cb (gpointer user_data)
{
  RunJob *job = user_data;

  g_main_loop_quit (job->loop);
  return G_SOURCE_CONTINUE;
}

int
dps_cli_run (int    argc,
             char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *every = NULL;
  gboolean continuous = FALSE;
  double max_reject_rate = 0.05;
  gint poll_ms = 250;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, N_("Database URI (default: $DPS_DB or the user's database)"), N_("URI") },
    { "every", 'e', 0, G_OPTION_ARG_STRING, &every, N_("Start a run this often: 90s, 5m, 1h (default 5m)"), N_("DURATION") },
    { "continuous", 'c', 0, G_OPTION_ARG_NONE, &continuous, N_("One run that follows the source, restarted if it fails"), NULL },
    { "max-reject-rate", 0, 0, G_OPTION_ARG_DOUBLE, &max_reject_rate, N_("Quality check: highest share of rejects (default 0.05)"), N_("RATIO") },
    { "poll-ms", 0, 0, G_OPTION_ARG_INT, &poll_ms, N_("How often files are checked for new lines (default 250)"), N_("MS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE|FOLDER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsScheduler) scheduler = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  DpsScheduleOptions options;
  DpsEngineOptions engine_options;
  RunJob job = { 0 };
  guint sigint_id, sigterm_id;

  g_option_context_set_summary (context,
    _("Run the pipeline again and again, like the original project's Airflow DAG:\n"
      "each run loads what is new in FILE or FOLDER, then quality checks run and\n"
      "are recorded with it (see “dps runs --verbose”). Ctrl-C stops cleanly."));
  g_option_context_set_description (context,
    _("Examples:\n"
      "  dps run --every 5m data/queue/\n"
      "  dps run --continuous transactions.jsonl\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return dps_cli_fail (error);
  if (argc != 2)
    return dps_cli_usage_error ("run", _("give one file or folder"));
  if (max_reject_rate < 0 || max_reject_rate > 1)
    return dps_cli_usage_error ("run", _("--max-reject-rate must be between 0 and 1"));
  if (!g_file_test (argv[1], G_FILE_TEST_EXISTS))
    return dps_cli_usage_error ("run", _("“%s” does not exist"), argv[1]);

  dps_schedule_options_init (&options);
  options.mode = continuous ? DPS_SCHEDULE_CONTINUOUS : DPS_SCHEDULE_INTERVAL;
  options.max_reject_rate = max_reject_rate;
  if (every != NULL && !dps_cli_parse_duration (every, &options.interval_seconds))
    return dps_cli_usage_error ("run", _("“%s” is not a duration (like 90s, 5m or 1h)"), every);

  repository = dps_cli_open_repository (db, TRUE, &error);
  if (repository == NULL)
    return dps_cli_fail (error);

  dps_engine_options_init (&engine_options);
  scheduler = dps_scheduler_new_for_path (repository, argv[1], (guint) MAX (poll_ms, 10),
                                          &engine_options, &options);

  job.repository = repository;
  job.loop = loop;
  job.scheduler = scheduler;
  g_signal_connect (scheduler, "run-finished", G_CALLBACK (run_finished_cb), &job);
  sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, &job);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, &job);

  dps_scheduler_start (scheduler);
  g_main_loop_run (loop);
  g_printerr (_("Stopping: committing what was read…\n"));
  dps_scheduler_stop (scheduler);
  /* Report the run the stop ended. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  return DPS_CLI_EXIT_OK;
}
