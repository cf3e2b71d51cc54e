/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-cli.h"

static char *
format_local (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

/* Columns of the run table: positive widths align right, negative left;
 * the last column is not padded. */
static const int column_widths[] = { 6, -19, 8, -9, -11, 10, 9, 9, 0 };
#define N_COLUMNS G_N_ELEMENTS (column_widths)

static void
print_row (const char * const *cells)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autofree char *cell = dps_cli_pad (cells[i] != NULL ? cells[i] : "", column_widths[i]);

      if (i > 0)
        g_string_append (line, "  ");
      g_string_append (line, cell);
    }
  g_print ("%s\n", line->str);
}

int
dps_cli_runs (int    argc,
              char **argv)
{
  g_autofree char *db = NULL;
  gint limit = 20;
  gboolean verbose = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, N_("Database URI (default: $DPS_DB or the user's database)"), N_("URI") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("How many runs to show, newest first (default 20)"), N_("N") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show errors, stage timings and quality checks"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(GPtrArray) runs = NULL;

  g_option_context_set_summary (context, _("The history of pipeline runs."));
  g_option_context_set_description (context, _("Examples:\n  dps runs\n  dps runs -n 5 --verbose\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return dps_cli_fail (error);
  if (argc > 1)
    return dps_cli_usage_error ("runs", _("unexpected argument “%s”"), argv[1]);

  repository = dps_cli_open_repository (db, FALSE, &error);
  if (repository == NULL)
    return dps_cli_fail (error);
  runs = dps_repository_list_runs (repository, (guint) MAX (limit, 0), &error);
  if (runs == NULL)
    return dps_cli_fail (error);

  {
    const char *header[N_COLUMNS] = {
      _("Run"), _("Started"), _("Seconds"), _("Kind"), _("Status"),
      _("Loaded"), _("Rejected"), _("Dupl."), _("Source"),
    };

    print_row (header);
  }
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run->id);
      g_autofree char *started = format_local (run->started_at);
      double seconds = run->finished_at > 0
                       ? (double) (run->finished_at - run->started_at) / G_USEC_PER_SEC
                       : (double) (g_get_real_time () - run->started_at) / G_USEC_PER_SEC;
      g_autofree char *duration = g_strdup_printf ("%.1f", seconds);
      g_autofree char *loaded = g_strdup_printf ("%" G_GINT64_FORMAT, run->rows_loaded);
      g_autofree char *rejected = g_strdup_printf ("%" G_GINT64_FORMAT, run->rows_rejected);
      g_autofree char *duplicates = g_strdup_printf ("%" G_GINT64_FORMAT, run->rows_duplicate);
      const char *row[N_COLUMNS] = {
        id, started, duration, run->kind, dps_run_status_get_label (run->status),
        loaded, rejected, duplicates, run->source,
      };

      print_row (row);
      if (verbose)
        {
          if (run->error != NULL)
            g_print ("        %s %s\n", _("error:"), run->error);
          if (run->stage_timings != NULL)
            g_print ("        %s %s\n", _("timings:"), run->stage_timings);
          if (run->quality_checks != NULL)
            g_print ("        %s %s\n", _("checks:"), run->quality_checks);
        }
    }
  return DPS_CLI_EXIT_OK;
}
