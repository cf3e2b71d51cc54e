/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "dps-cli.h"

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "generate", dps_cli_generate, N_("Write sample transactions as JSONL") },
  { "ingest",   dps_cli_ingest,   N_("Load JSONL files or folders into the database") },
  { "run",      dps_cli_run,      N_("Run a pipeline on a schedule") },
  { "stats",    dps_cli_stats,    N_("Show key figures and breakdowns") },
  { "export",   dps_cli_export,   N_("Export transactions to CSV") },
  { "runs",     dps_cli_runs,     N_("Show the pipeline run history") },
  { "db",       dps_cli_db,       N_("Inspect or upgrade the database") },
};

static void
print_usage (FILE *out)
{
  g_autofree char *uri = dps_repository_get_default_uri ();

  fprintf (out, "%s\n\n", _("Usage: dps COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Data Pipeline Streaming: generate, ingest, validate, store and "
                            "explore financial transactions."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Every command takes --db URI (or the DPS_DB variable) to choose a database:"));
  /* Translators: examples of database URIs; translate only the placeholders
   * "path/file", "user", "host" and "db". */
  fprintf (out, "%s\n", _("  sqlite:///path/file.db, postgresql://user@host/db, \"host=… dbname=…\""));
  fprintf (out, _("The default is %s\n"), uri);
  fprintf (out, "\n%s\n", _("Run “dps COMMAND --help” for a command's options and examples."));
}

int
main (int   argc,
      char *argv[])
{
  const char *name;
  const char *localedir = g_getenv ("DPS_TEST_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* The catalogs are installed under the prefix; a build tree can point
   * at its own (meson builds them in po/ of the build folder). */
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("dps");

  if (argc < 2)
    {
      print_usage (stderr);
      return DPS_CLI_EXIT_USAGE;
    }

  name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_usage (stdout);
      return DPS_CLI_EXIT_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      g_print ("dps %s\n", PACKAGE_VERSION);
      return DPS_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (name, commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("dps: unknown command “%s”\n"), name);
  print_usage (stderr);
  return DPS_CLI_EXIT_USAGE;
}
