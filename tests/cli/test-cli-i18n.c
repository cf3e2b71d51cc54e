/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#include "dps-core.h"
#include "dps-test-db.h"

/* The dps tool in French, as a French user runs it: LANGUAGE=fr and a
 * French locale, with the catalogs of the build tree (DPS_TEST_LOCALEDIR).
 * Typography in the expected strings: U+00A0 before ":" ";" and inside
 * « », U+202F between thousands. */

#define NBSP "\xc2\xa0"

typedef struct {
  char *dir;
} Fixture;

typedef struct {
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

static void
run_dps_v (const char  *dir,
           Result      *result,
           const char **args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *default_db = g_build_filename (dir, "default.db", NULL);
  g_autofree char *data_home = g_build_filename (dir, "data-home", NULL);
  const char *dps = g_getenv ("DPS_CLI");

  g_assert_nonnull (dps);
  g_assert_nonnull (g_getenv ("DPS_TEST_LOCALEDIR"));
  g_ptr_array_add (argv, (gpointer) dps);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  g_subprocess_launcher_setenv (launcher, "DPS_DB", default_db, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "fr", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "fr_FR.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANG");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
}

#define run_dps(dir, result, ...) \
  G_STMT_START { \
    const char *args_[] = { __VA_ARGS__, NULL }; \
    run_dps_v ((dir), (result), args_); \
  } G_STMT_END

static void
assert_contains (const char *text,
                 const char *expected)
{
  if (strstr (text, expected) == NULL)
    g_error ("“%s” not found in:\n%s", expected, text);
}

static void
assert_lacks (const char *text,
              const char *english)
{
  if (strstr (text, english) != NULL)
    g_error ("“%s”, in English, found in:\n%s", english, text);
}

/* A count as the French locale writes it ("1 500" with U+202F). */
static char *
french_count (gint64 value)
{
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  char *text;

  g_assert_nonnull (setlocale (LC_NUMERIC, "fr_FR.UTF-8"));
  text = g_strdup_printf ("%'" G_GINT64_FORMAT, value);
  setlocale (LC_NUMERIC, saved);
  return text;
}

/* Without a French locale, nothing here can run. */
static gboolean
have_french_locale (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  gboolean found = setlocale (LC_ALL, "fr_FR.UTF-8") != NULL;

  setlocale (LC_ALL, saved);
  if (!found)
    g_test_skip ("The fr_FR.UTF-8 locale is not installed");
  return found;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = dps_test_tmpdir_new ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  dps_test_tmpdir_remove (fixture->dir);
  g_free (fixture->dir);
}

/* `dps --help`: the usage, every command's summary, the database hint. */
static void
test_help (Fixture       *fixture,
           gconstpointer  data)
{
  Result result = { 0 };
  const char * const lines[] = {
    "Utilisation" NBSP ": dps COMMANDE [OPTION…]\n",
    "Data Pipeline Streaming" NBSP ": générer, ingérer, valider, stocker et explorer des transactions financières.\n",
    "Commandes" NBSP ":\n",
    "  generate   Écrire des transactions d’exemple en JSONL\n",
    "  ingest     Charger des fichiers ou dossiers JSONL dans la base de données\n",
    "  run        Exécuter un pipeline selon une planification\n",
    "  stats      Afficher les chiffres clés et les répartitions\n",
    "  export     Exporter des transactions en CSV\n",
    "  runs       Afficher l’historique des exécutions du pipeline\n",
    "  db         Inspecter ou mettre à niveau la base de données\n",
    "Chaque commande accepte --db URI (ou la variable DPS_DB) pour choisir une base de données" NBSP ":\n",
    "  sqlite:///chemin/fichier.db, postgresql://utilisateur@hôte/base, \"host=… dbname=…\"\n",
    "Par défaut" NBSP ": ",
    "Lancez «" NBSP "dps COMMANDE --help" NBSP "» pour voir les options et des exemples d’une commande.\n",
  };
  const char * const english[] = {
    "Usage", "Commands", "Every command", "The default", "Run “", "Write sample", "Load JSONL",
    "Show key figures", "Export transactions", "Show the pipeline", "Inspect or upgrade",
  };

  if (!have_french_locale ())
    return;

  run_dps (fixture->dir, &result, "--help");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.err, ==, "");
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    assert_contains (result.out, lines[i]);
  for (guint i = 0; i < G_N_ELEMENTS (english); i++)
    assert_lacks (result.out, english[i]);
  result_clear (&result);
}

/* `dps COMMAND --help`: the parameter, the summary, the option
 * descriptions and the examples of every command are French. */
static void
test_command_help (Fixture       *fixture,
                   gconstpointer  data)
{
  const struct {
    const char *command;
    const char *expected[4];
  } commands[] = {
    { "generate", { "Écrire des transactions d’exemple au format JSON Lines.",
                    "=FICHIER ", "Graine" NBSP ": la même graine écrit les mêmes lignes", NULL } },
    { "ingest", { "FICHIER|DOSSIER…", "Lignes par lot validé (50\xe2\x80\xaf" "000 par défaut)",
                  "--max-line-length=OCTETS", "jour1.jsonl jour2.jsonl" } },
    { "run", { "FICHIER|DOSSIER\n", "--every=DURÉE", "«" NBSP "dps runs --verbose" NBSP "»", NULL } },
    { "stats", { "Chiffres clés et répartitions des transactions stockées.",
                 "Afficher les options de filtre", "Nombre de commerçants à lister (10 par défaut)", NULL } },
    { "export", { "Exporter en CSV les transactions qui correspondent au filtre.",
                  "--sort=COLONNE[:desc]", "Colonnes" NBSP ": transaction_id", NULL } },
    { "runs", { "L’historique des exécutions du pipeline.",
                "Afficher les erreurs, les temps par étape et les vérifications de qualité", NULL } },
    { "db", { "info|migrate|check|rebuild", "recalculer les résumés du tableau de bord",
              "URI de la base de données (par défaut" NBSP ": $DPS_DB ou la base de l’utilisateur)", NULL } },
  };
  const char * const english[] = {
    "Examples:", "Database URI", "(default", "FILE", "FOLDER", "Write to", "Show filter",
    "Filter options", "Only this",
  };

  if (!have_french_locale ())
    return;

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      Result result = { 0 };

      run_dps (fixture->dir, &result, commands[c].command, "--help-all");
      g_test_message ("dps %s --help-all:\n%s", commands[c].command, result.out);
      g_assert_cmpint (result.status, ==, 0);
      assert_contains (result.out, "Exemples" NBSP ":\n");
      for (guint i = 0; i < G_N_ELEMENTS (commands[c].expected) && commands[c].expected[i] != NULL; i++)
        assert_contains (result.out, commands[c].expected[i]);
      for (guint i = 0; i < G_N_ELEMENTS (english); i++)
        assert_lacks (result.out, english[i]);
      if (g_str_equal (commands[c].command, "stats") || g_str_equal (commands[c].command, "export"))
        {
          assert_contains (result.out, "Options de filtre" NBSP ":\n");
          assert_contains (result.out, "--status=ÉTAT");
          assert_contains (result.out, "Seulement cette ville (à répéter ou à séparer par des virgules)");
        }
      result_clear (&result);
    }
}

/* A file that is not there: one French line on stderr. */
static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  Result result = { 0 };

  if (!have_french_locale ())
    return;

  run_dps (fixture->dir, &result, "ingest", "--db", "x.db", "no-such-file.jsonl");
  g_assert_cmpint (result.status, ==, 1);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_cmpstr (result.err, ==,
                   "dps: Impossible de lire «" NBSP "no-such-file.jsonl" NBSP "»" NBSP
                   ": aucun fichier ou dossier de ce type\n");
  result_clear (&result);

  run_dps (fixture->dir, &result, "ingest");
  g_assert_cmpint (result.status, ==, 2);
  g_assert_cmpstr (result.err, ==,
                   "dps ingest: aucun fichier indiqué\n"
                   "Lancez «" NBSP "dps ingest --help" NBSP "» pour voir les options.\n");
  result_clear (&result);

  run_dps (fixture->dir, &result, "stats", "--status", "FOO");
  g_assert_cmpint (result.status, ==, 2);
  g_assert_cmpstr (result.err, ==,
                   "dps: État «" NBSP "FOO" NBSP "» inconnu (utilisez APPROVED, DECLINED, PENDING ou REFUNDED)\n"
                   "Lancez «" NBSP "dps COMMANDE --help" NBSP "» pour voir les options.\n");
  result_clear (&result);
}

/* The summaries choose the French plural (one row, or none, is singular)
 * and group thousands as the locale does; the run recorded under a
 * French locale still holds valid JSON. */
static void
test_summaries (Fixture       *fixture,
                gconstpointer  data)
{
  Result result = { 0 };
  g_autofree char *db = g_build_filename (fixture->dir, "fr.db", NULL);
  g_autofree char *uri = g_strconcat ("sqlite://", db, NULL);
  g_autofree char *many = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_french_locale ())
    return;
  many = french_count (1500);

  run_dps (fixture->dir, &result, "generate", "--rows", "1", "--seed", "3", "--output", "one.jsonl");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.err, ==, "1 ligne écrite dans one.jsonl\n");
  result_clear (&result);

  run_dps (fixture->dir, &result, "ingest", "--db", uri, "one.jsonl");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_str_has_prefix (result.out, "one.jsonl" NBSP ": 1 ligne chargée, rejets" NBSP ": 0, doublons"
                                   NBSP ": 0, en "));
  result_clear (&result);

  /* The same line again: nothing loaded, still singular in French. */
  run_dps (fixture->dir, &result, "ingest", "--db", uri, "one.jsonl");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_str_has_prefix (result.out, "one.jsonl" NBSP ": 0 ligne chargée, rejets" NBSP ": 0, doublons"
                                   NBSP ": 1, en "));
  result_clear (&result);

  run_dps (fixture->dir, &result, "generate", "--rows", "1500", "--seed", "4", "--output", "many.jsonl");
  g_assert_cmpint (result.status, ==, 0);
  expected = g_strdup_printf ("%s lignes écrites dans many.jsonl\n", many);
  g_assert_cmpstr (result.err, ==, expected);
  g_clear_pointer (&expected, g_free);
  result_clear (&result);

  run_dps (fixture->dir, &result, "ingest", "--db", uri, "many.jsonl");
  g_assert_cmpint (result.status, ==, 0);
  expected = g_strdup_printf ("many.jsonl" NBSP ": %s lignes chargées, rejets" NBSP ": 0, doublons" NBSP ": 0, en ",
                              many);
  g_assert_true (g_str_has_prefix (result.out, expected));
  g_clear_pointer (&expected, g_free);
  result_clear (&result);

  run_dps (fixture->dir, &result, "stats", "--db", uri);
  g_assert_cmpint (result.status, ==, 0);
  assert_contains (result.out, "Filtre           toutes les transactions\n");
  expected = french_count (1501);
  {
    g_autofree char *line = g_strdup_printf ("Transactions     %s\n", expected);

    assert_contains (result.out, line);
  }
  assert_contains (result.out, "\nPar catégorie\n");
  assert_lacks (result.out, "all transactions");
  result_clear (&result);

  /* Stage timings are JSON numbers, with a decimal point. */
  repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  runs = dps_repository_list_runs (repository, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);
  for (guint i = 0; i < runs->len; i++)
    {
      DpsRunRecord *run = g_ptr_array_index (runs, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *timings;

      g_assert_nonnull (run->stage_timings);
      json_parser_load_from_data (parser, run->stage_timings, -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      timings = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpuint (json_object_get_size (timings), ==, 4);
      g_assert_cmpfloat (json_object_get_double_member (timings, "wall"), >=, 0.0);
    }
}

/* The run table: French headers, columns aligned by characters. */
static void
test_run_table (Fixture       *fixture,
                gconstpointer  data)
{
  Result result = { 0 };
  g_auto(GStrv) lines = NULL;
  const char *loaded;

  if (!have_french_locale ())
    return;

  run_dps (fixture->dir, &result, "generate", "--rows", "20", "--seed", "5", "--output", "t.jsonl");
  g_assert_cmpint (result.status, ==, 0);
  result_clear (&result);
  run_dps (fixture->dir, &result, "ingest", "t.jsonl");
  g_assert_cmpint (result.status, ==, 0);
  result_clear (&result);

  run_dps (fixture->dir, &result, "runs");
  g_assert_cmpint (result.status, ==, 0);
  lines = g_strsplit (result.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[0], ==,
                   " Exéc.  Début                Secondes  Type       État           Chargées"
                   "   Rejetées     Doubl.  Source");
  /* "Réussie" fills its column by characters: the counts line up under
   * their headers, whose last character ends each right-aligned column. */
  loaded = strstr (lines[1], "  Réussie ");
  g_assert_nonnull (loaded);
  for (loaded += strlen ("  Réussie "); *loaded == ' '; loaded++)
    ;
  g_assert_true (g_str_has_prefix (loaded, "20  "));
  g_assert_cmpint (g_utf8_strlen (lines[1], loaded + 2 - lines[1]), ==,
                   g_utf8_strlen (lines[0], strstr (lines[0], "Chargées") + strlen ("Chargées") - lines[0]));
  result_clear (&result);
}

int
main (int   argc,
      char *argv[])
{
  /* UTF-8 messages for the test log (LC_ALL=C.UTF-8 in meson). */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/dps/cli/i18n/help", test_help);
  ADD ("/dps/cli/i18n/command-help", test_command_help);
  ADD ("/dps/cli/i18n/missing-file", test_missing_file);
  ADD ("/dps/cli/i18n/summaries", test_summaries);
  ADD ("/dps/cli/i18n/run-table", test_run_table);
#undef ADD

  return g_test_run ();
}
