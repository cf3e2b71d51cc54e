/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "dps-cli.h"

typedef struct {
  DpsRepository    *repository;
  DpsFilter        *filter;
  DpsSort           sort;
  DpsExportOptions  options;
  char             *output;
  DpsCliProgress   *progress;
  guint64           total;
  gint64            started;
  guint64           rows;
  GError           *error;
  gboolean          ok;
  GMainLoop        *loop;
} ExportJob;

/* "amount", "amount:desc": any column of transactions_flat. */
static gboolean
parse_sort (const char *text,
            DpsSort    *sort)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", 2);
  DpsColumn column;

  sort->descending = parts[1] != NULL && g_ascii_strcasecmp (parts[1], "desc") == 0;
  if (parts[1] != NULL && !sort->descending && g_ascii_strcasecmp (parts[1], "asc") != 0)
    return FALSE;
  if (!dps_column_from_string (parts[0], &column))
    return FALSE;
  sort->key = dps_sort_key_for_column (column);
  return TRUE;
}

static void
progress_cb (guint64  rows,
             gpointer user_data)
{
  ExportJob *job = user_data;
  double elapsed = (double) (g_get_monotonic_time () - job->started) / G_USEC_PER_SEC;

  dps_cli_progress_update (job->progress, _("Exporting"), rows, job->total,
                           elapsed > 0 ? (double) rows / elapsed : 0, _("rows"));
}

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportJob *job = task_data;

  if (job->output == NULL || g_str_equal (job->output, "-"))
    {
      g_autoptr(GOutputStream) stream = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      job->ok = dps_export_to_stream (job->repository, job->filter, &job->sort, &job->options,
                                      stream, progress_cb, job, &job->rows, cancellable, &job->error);
    }
  else
    job->ok = dps_export_to_file (job->repository, job->filter, &job->sort, &job->options,
                                  job->output, progress_cb, job, &job->rows, cancellable, &job->error);
  g_task_return_boolean (task, TRUE);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ExportJob *job = user_data;

  g_main_loop_quit (job->loop);
}

static gboolean
interrupted_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

int
dps_cli_export (int    argc,
                char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *output = NULL;
  g_autofree char *preset = NULL;
  g_autofree char *delimiter = NULL;
  g_autofree char *decimal = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *sort_text = NULL;
  gboolean bom = FALSE, no_bom = FALSE, no_header = FALSE, formatted = FALSE, no_neutralise = FALSE;
  DpsCliFilterOptions filter_options = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, N_("Database URI (default: $DPS_DB or the user's database)"), N_("URI") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE (default: standard output)"), N_("FILE") },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset, N_("standard (RFC 4180, the default) or excel-fr (;, decimal comma, BOM)"), N_("NAME") },
    { "delimiter", 0, 0, G_OPTION_ARG_STRING, &delimiter, N_("Field separator: , ; or tab"), N_("CHAR") },
    { "decimal", 0, 0, G_OPTION_ARG_STRING, &decimal, N_("Decimal separator: . or ,"), N_("CHAR") },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom, N_("Start with a UTF-8 byte-order mark"), NULL },
    { "no-bom", 0, 0, G_OPTION_ARG_NONE, &no_bom, N_("No byte-order mark"), NULL },
    { "no-header", 0, 0, G_OPTION_ARG_NONE, &no_header, N_("Leave out the header row"), NULL },
    { "columns", 'c', 0, G_OPTION_ARG_STRING, &columns, N_("Columns to write, comma-separated (default: all)"), N_("LIST") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort_text, N_("Sort by a column, e.g. amount:desc (default event_ts)"), N_("COLUMN[:desc]") },
    { "formatted", 0, 0, G_OPTION_ARG_NONE, &formatted, N_("Local times and names instead of raw values"), NULL },
    { "no-formula-protection", 0, 0, G_OPTION_ARG_NONE, &no_neutralise, N_("Keep text cells starting with = + - @ as they are"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DpsCliProgress) progress = dps_cli_progress_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GTask) task = NULL;
  ExportJob job = { 0 };
  DpsCsvPreset csv_preset = DPS_CSV_PRESET_STANDARD;
  guint sigint_id;
  guint64 count = 0;

  g_option_context_set_summary (context, _("Export the transactions matching the filter to CSV."));
  g_option_context_set_description (context,
    _("Columns: transaction_id, event_ts, event_date, event_hour, event_dayofweek, user_id,\n"
      "amount, amount_bucket, merchant, category, city, status, payment_method, currency,\n"
      "ingested_at.\n\n"
      "Examples:\n"
      "  dps export --status APPROVED --city Paris --output paris.csv\n"
      "  dps export --preset excel-fr --from 2026-11-01 --output novembre.csv\n"
      "  dps export --columns transaction_id,amount --sort amount:desc\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, dps_cli_filter_option_group (&filter_options));
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !dps_cli_filter_apply (&filter_options, filter, &error))
    {
      dps_cli_filter_options_clear (&filter_options);
      return dps_cli_fail (error);
    }
  dps_cli_filter_options_clear (&filter_options);
  if (argc > 1)
    return dps_cli_usage_error ("export", _("unexpected argument “%s”"), argv[1]);

  if (preset != NULL && !dps_csv_preset_from_string (preset, &csv_preset))
    return dps_cli_usage_error ("export", _("unknown preset “%s” (use standard or excel-fr)"), preset);
  dps_export_options_init (&job.options, csv_preset);
  if (delimiter != NULL)
    {
      if (g_str_equal (delimiter, "tab") || g_str_equal (delimiter, "\\t") || g_str_equal (delimiter, "\t"))
        job.options.csv.delimiter = '\t';
      else if (strlen (delimiter) == 1)
        job.options.csv.delimiter = delimiter[0];
      else
        return dps_cli_usage_error ("export", _("the delimiter must be one character or “tab”"));
    }
  if (decimal != NULL)
    {
      if (strlen (decimal) != 1)
        return dps_cli_usage_error ("export", _("the decimal separator must be . or ,"));
      job.options.csv.decimal_separator = decimal[0];
    }
  if (bom)
    job.options.csv.bom = TRUE;
  if (no_bom)
    job.options.csv.bom = FALSE;
  if (no_header)
    job.options.csv.header = FALSE;
  if (no_neutralise)
    job.options.csv.neutralise_formulas = FALSE;
  job.options.formatted = formatted;
  if (!dps_csv_options_validate (&job.options.csv, &error))
    return dps_cli_fail (error);
  if (columns != NULL && !dps_export_options_set_columns (&job.options, columns, &error))
    return dps_cli_usage_error ("export", "%s", error->message);
  job.sort.key = DPS_SORT_EVENT_TS;
  if (sort_text != NULL && !parse_sort (sort_text, &job.sort))
    return dps_cli_usage_error ("export", _("cannot sort by “%s”"), sort_text);

  repository = dps_cli_open_repository (db, FALSE, &error);
  if (repository == NULL)
    return dps_cli_fail (error);
  if (!dps_repository_count_rows (repository, filter, &count, NULL, &error))
    return dps_cli_fail (error);

  job.repository = repository;
  job.filter = filter;
  job.output = output;
  job.progress = progress;
  job.total = count;
  job.started = g_get_monotonic_time ();
  job.loop = loop;

  sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, cancellable);
  task = g_task_new (NULL, cancellable, exported_cb, &job);
  g_task_set_task_data (task, &job, NULL);
  g_task_run_in_thread (task, export_in_thread);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  dps_cli_progress_finish (progress);

  if (!job.ok)
    return dps_cli_fail (job.error);
  if (output != NULL && !g_str_equal (output, "-"))
    {
      g_autofree char *rows = dps_cli_format_count ((gint64) job.rows);
      double elapsed = (double) (g_get_monotonic_time () - job.started) / G_USEC_PER_SEC;

      g_printerr (ngettext ("Exported %s row to %s in %.1f s\n", "Exported %s rows to %s in %.1f s\n",
                            (gulong) job.rows),
                  rows, output, elapsed);
    }
  return DPS_CLI_EXIT_OK;
}
