/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-cli.h"

static int
db_info (DpsRepository *repository)
{
  g_autoptr(GError) error = NULL;
  DpsRepositoryInfo info;
  g_autofree char *rows = NULL;
  g_autofree char *rejects = NULL;
  g_autofree char *duplicates = NULL;
  g_autofree char *runs = NULL;

  if (!dps_repository_get_info (repository, &info, &error))
    return dps_cli_fail (error);

  rows = dps_cli_format_count (info.rows);
  rejects = dps_cli_format_count (info.rejects);
  duplicates = dps_cli_format_count (info.duplicates);
  runs = dps_cli_format_count (info.runs);
  g_print (_("Database        %s\n"), info.display_name);
  g_print (_("Backend         %s\n"), info.backend);
  g_print (_("Location        %s\n"), info.location);
  g_print (_("Schema          %d (this version: %d)\n"), info.schema_version, info.latest_version);
  if (info.size_bytes >= 0)
    {
      g_autofree char *size = g_format_size ((guint64) info.size_bytes);
      g_print (_("Size            %s\n"), size);
    }
  g_print (_("Transactions    %s\n"), rows);
  g_print (_("Rejected lines  %s\n"), rejects);
  g_print (_("Duplicates      %s\n"), duplicates);
  g_print (_("Runs            %s\n"), runs);
  if (info.first_event != G_MININT64)
    {
      g_autofree char *first = dps_format_timestamp (info.first_event);
      g_autofree char *last = dps_format_timestamp (info.last_event);

      g_print (_("Events from     %s\n"), first);
      g_print (_("Events to       %s\n"), last);
    }
  dps_repository_info_clear (&info);
  return DPS_CLI_EXIT_OK;
}

static int
db_check (DpsRepository *repository)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  gboolean equal;

  if (!dps_repository_check_rollups (repository, G_MININT32, G_MAXINT32, &equal, &detail, &error))
    return dps_cli_fail (error);
  if (!equal)
    {
      g_printerr (_("dps: the summaries differ from the transactions: %s\n"
                    "Run “dps db rebuild” to recompute them.\n"), detail);
      return DPS_CLI_EXIT_ERROR;
    }
  g_print (_("The summaries match the transactions.\n"));
  return DPS_CLI_EXIT_OK;
}

int
dps_cli_db (int    argc,
            char **argv)
{
  g_autofree char *db = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, N_("Database URI (default: $DPS_DB or the user's database)"), N_("URI") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("info|migrate|check|rebuild"));
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  const char *action;

  g_option_context_set_summary (context,
    _("info     what the database holds and where it lives\n"
      "migrate  upgrade the database to this version's schema\n"
      "check    compare the dashboard summaries with the transactions\n"
      "rebuild  recompute the dashboard summaries from the transactions"));
  g_option_context_set_description (context,
    _("Examples:\n"
      "  dps db info\n"
      "  dps db migrate --db sqlite:///srv/pipeline/transactions.db\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return dps_cli_fail (error);
  if (argc != 2)
    return dps_cli_usage_error ("db", _("give one action: info, migrate, check or rebuild"));
  action = argv[1];

  if (g_str_equal (action, "migrate"))
    {
      g_autofree char *uri = db != NULL ? g_strdup (db) : dps_repository_get_default_uri ();

      /* Open without migrating, then migrate, to report what happened. */
      repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE | DPS_REPOSITORY_FLAGS_NO_MIGRATE,
                                        NULL, &error);
      if (repository == NULL || !dps_repository_migrate (repository, &error))
        return dps_cli_fail (error);
      g_print (_("%s is up to date.\n"), dps_repository_get_display_name (repository));
      return DPS_CLI_EXIT_OK;
    }

  if (!g_str_equal (action, "info") && !g_str_equal (action, "check") && !g_str_equal (action, "rebuild"))
    return dps_cli_usage_error ("db", _("unknown action “%s”"), action);

  repository = dps_cli_open_repository (db, FALSE, &error);
  if (repository == NULL)
    return dps_cli_fail (error);

  if (g_str_equal (action, "info"))
    return db_info (repository);
  if (g_str_equal (action, "check"))
    return db_check (repository);

  if (!dps_repository_rebuild_rollups (repository, NULL, &error))
    return dps_cli_fail (error);
  g_print (_("The summaries were recomputed.\n"));
  return DPS_CLI_EXIT_OK;
}
