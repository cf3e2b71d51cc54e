/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dps-test-db.h"

/* The dps tool end to end, as a user runs it: exit codes, what it prints,
 * and the files it writes, read back. */

typedef struct {
  char *dir;
} Fixture;

typedef struct {
  int   status;       /* exit status */
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

static const char *
dps_cli (void)
{
  const char *path = g_getenv ("DPS_CLI");

  g_assert_nonnull (path);
  return path;
}

/* Runs dps in @dir with @args (NULL-terminated), its default database
 * and data folder inside @dir. */
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

  g_ptr_array_add (argv, (gpointer) dps_cli ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  g_subprocess_launcher_setenv (launcher, "DPS_DB", default_db, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
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
assert_ok (const Result *result)
{
  if (result->status != 0)
    g_test_message ("stderr: %s", result->err);
  g_assert_cmpint (result->status, ==, 0);
}

static guint
count_lines_n (const char *text,
               gsize       length)
{
  guint n = 0;

  for (gsize i = 0; i < length; i++)
    if (text[i] == '\n')
      n++;
  return n;
}

static guint
count_lines (const char *text)
{
  return count_lines_n (text, strlen (text));
}

/* One clear line on stderr that names @what. */
static void
assert_one_error_line (const Result *result,
                       int           status,
                       const char   *what)
{
  g_test_message ("exit %d, stderr: %s", result->status, result->err);
  g_assert_cmpint (result->status, ==, status);
  g_assert_cmpuint (count_lines (result->err), ==, 1);
  g_assert_true (g_str_has_prefix (result->err, "dps: "));
  g_assert_nonnull (strstr (result->err, what));
  g_assert_cmpstr (result->out, ==, "");
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

static char *
path_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* ---------------------------------------------------------------------- */
/* CSV, read back                                                         */

/* RFC 4180 rows: quoted cells may hold the delimiter, quotes and line ends. */
static GPtrArray *
parse_csv (const char *text,
           gsize       length,
           char        delimiter)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *cell = g_string_new (NULL);
  gboolean quoted = FALSE, any = FALSE;
  gsize i = 0;

  while (i < length)
    {
      char c = text[i];

      if (quoted)
        {
          if (c == '"' && i + 1 < length && text[i + 1] == '"')
            {
              g_string_append_c (cell, '"');
              i += 2;
              continue;
            }
          if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (cell, c);
          i++;
          continue;
        }
      if (c == '"')
        {
          g_assert_cmpuint (cell->len, ==, 0);
          quoted = TRUE;
          any = TRUE;
        }
      else if (c == delimiter)
        {
          g_ptr_array_add (row, g_string_free (cell, FALSE));
          cell = g_string_new (NULL);
          any = TRUE;
        }
      else if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
        {
          g_ptr_array_add (row, g_string_free (cell, FALSE));
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
          cell = g_string_new (NULL);
          any = FALSE;
          i++;
        }
      else
        {
          g_assert_cmpint (c, !=, '\n');   /* rows end with CRLF */
          g_string_append_c (cell, c);
          any = TRUE;
        }
      i++;
    }
  g_assert_false (quoted);
  g_assert_false (any);   /* the last row ended */
  g_string_free (cell, TRUE);
  g_ptr_array_unref (row);
  return rows;
}

static int
column_index (GPtrArray  *header,
              const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (g_str_equal (g_ptr_array_index (header, i), name))
      return (int) i;
  g_assert_not_reached ();
  return -1;
}

/* "1234.56" or "1234,56" → cents, exactly. */
static gint64
parse_cents (const char *text,
             char        decimal)
{
  const char *sep = strchr (text, decimal);
  gint64 units, cents;

  g_assert_nonnull (sep);
  g_assert_cmpuint (strlen (sep + 1), ==, 2);
  g_assert_null (strchr (text, decimal == '.' ? ',' : '.'));
  units = g_ascii_strtoll (text, NULL, 10);
  cents = g_ascii_strtoll (sep + 1, NULL, 10);
  return units * 100 + cents;
}

typedef struct {
  gint64 rows;
  gint64 cents;
} CsvSum;

static CsvSum
read_export (const char *path,
             char        delimiter,
             char        decimal,
             gboolean    bom,
             const char *city,
             const char *status)
{
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GPtrArray *header;
  gsize length;
  const char *text;
  int amount, city_column, status_column, id_column;
  CsvSum sum = { 0, 0 };
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  text = contents;
  g_assert_cmpint (g_str_has_prefix (text, "\xEF\xBB\xBF"), ==, bom);
  if (bom)
    {
      text += 3;
      length -= 3;
    }
  rows = parse_csv (text, length, delimiter);
  g_assert_cmpuint (rows->len, >=, 1);
  header = g_ptr_array_index (rows, 0);
  g_assert_cmpuint (header->len, ==, 15);
  g_assert_cmpstr (g_ptr_array_index (header, 0), ==, "transaction_id");
  amount = column_index (header, "amount");
  city_column = column_index (header, "city");
  status_column = column_index (header, "status");
  id_column = column_index (header, "transaction_id");

  for (guint i = 1; i < rows->len; i++)
    {
      GPtrArray *row = g_ptr_array_index (rows, i);

      g_assert_cmpuint (row->len, ==, header->len);
      if (city != NULL)
        g_assert_cmpstr (g_ptr_array_index (row, city_column), ==, city);
      if (status != NULL)
        g_assert_cmpstr (g_ptr_array_index (row, status_column), ==, status);
      /* Each transaction once. */
      g_assert_true (g_hash_table_add (ids, g_ptr_array_index (row, id_column)));
      sum.cents += parse_cents (g_ptr_array_index (row, amount), decimal);
      sum.rows++;
    }
  return sum;
}

/* ---------------------------------------------------------------------- */

static char *
generate (Fixture    *fixture,
          const char *name,
          const char *manifest)
{
  g_autofree char *output = path_in (fixture, name);
  Result result = { 0 };

  run_dps (fixture->dir, &result, "generate", "--rows", "20000", "--seed", "7", "--dirty", "0.02",
           "--manifest", manifest, "--output", name);
  assert_ok (&result);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_nonnull (strstr (result.err, "20000"));
  result_clear (&result);
  return g_steal_pointer (&output);
}

static void
test_generate_same_seed (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *first = NULL, *second = NULL, *other = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *ma = NULL, *mb = NULL;
  gsize la, lb, lc;
  Result result = { 0 };

  first = generate (fixture, "a.jsonl", "a.json");
  second = generate (fixture, "b.jsonl", "b.json");
  g_assert_true (g_file_get_contents (first, &a, &la, NULL));
  g_assert_true (g_file_get_contents (second, &b, &lb, NULL));
  g_assert_cmpuint (count_lines_n (a, la), ==, 20000);

  /* The period ends today: the same bytes, unless midnight (UTC) came
   * between the two runs. */
  ma = path_in (fixture, "a.json");
  mb = path_in (fixture, "b.json");
  {
    g_autofree char *ta = NULL, *tb = NULL;
    g_autoptr(JsonParser) pa = json_parser_new ();
    g_autoptr(JsonParser) pb = json_parser_new ();
    JsonObject *oa, *ob;

    g_assert_true (g_file_get_contents (ma, &ta, NULL, NULL));
    g_assert_true (g_file_get_contents (mb, &tb, NULL, NULL));
    oa = json_object_get_object_member (parse_object (pa, ta), "options");
    ob = json_object_get_object_member (parse_object (pb, tb), "options");
    if (g_str_equal (json_object_get_string_member (oa, "start"),
                     json_object_get_string_member (ob, "start")))
      g_assert_cmpmem (a, la, b, lb);
  }

  /* With a fixed period, always the same bytes; another seed, others. */
  run_dps (fixture->dir, &result, "generate", "-n", "5000", "-s", "7", "--start", "2026-01-01",
           "-o", "c.jsonl");
  assert_ok (&result);
  result_clear (&result);
  run_dps (fixture->dir, &result, "generate", "-n", "5000", "-s", "7", "--start", "2026-01-01");
  assert_ok (&result);
  other = path_in (fixture, "c.jsonl");
  g_assert_true (g_file_get_contents (other, &c, &lc, NULL));
  g_assert_cmpmem (c, lc, result.out, strlen (result.out));
  result_clear (&result);
  run_dps (fixture->dir, &result, "generate", "-n", "5000", "-s", "8", "--start", "2026-01-01");
  assert_ok (&result);
  g_assert_cmpuint (strlen (result.out), >, 0);
  g_assert_false (strlen (result.out) == lc && memcmp (result.out, c, lc) == 0);
  result_clear (&result);
}

static void
test_end_to_end (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *manifest_path = path_in (fixture, "m.json");
  g_autofree char *manifest_text = NULL;
  g_autofree char *db = path_in (fixture, "pipeline.db");
  g_autofree char *uri = g_strconcat ("sqlite://", db, NULL);
  g_autofree char *paris = path_in (fixture, "paris.csv");
  g_autofree char *french = path_in (fixture, "fr.csv");
  g_autofree char *input = NULL;
  g_autoptr(JsonParser) manifest_parser = json_parser_new ();
  g_autoptr(JsonParser) stats_parser = json_parser_new ();
  g_autoptr(JsonParser) paris_parser = json_parser_new ();
  JsonObject *manifest, *kpis, *by_reason;
  Result result = { 0 };
  gint64 valid, valid_cents, rejects, duplicates;
  CsvSum sum;
  g_autofree char *expected_count = NULL;

  input = generate (fixture, "t.jsonl", "m.json");
  g_assert_true (g_file_get_contents (manifest_path, &manifest_text, NULL, NULL));
  manifest = parse_object (manifest_parser, manifest_text);
  valid = json_object_get_int_member (manifest, "valid");
  valid_cents = json_object_get_int_member (manifest, "valid_amount_cents");
  rejects = json_object_get_int_member (manifest, "rejects");
  duplicates = json_object_get_int_member (manifest, "duplicates");
  by_reason = json_object_get_object_member (manifest, "rejects_by_reason");
  g_assert_cmpint (json_object_get_int_member (manifest, "lines"), ==, 20000);
  g_assert_cmpint (valid + rejects + duplicates, ==, 20000);
  g_assert_cmpint (rejects, >, 0);

  /* Ingest: a summary line, then the rejects by reason. */
  run_dps (fixture->dir, &result, "ingest", "--db", uri, "t.jsonl");
  assert_ok (&result);
  {
    g_autofree char *expected = g_strdup_printf ("t.jsonl: loaded %" G_GINT64_FORMAT " rows, rejected %"
                                                 G_GINT64_FORMAT ", duplicates %" G_GINT64_FORMAT " in ",
                                                 valid, rejects, duplicates);
    g_autoptr(GList) reasons = json_object_get_members (by_reason);

    g_assert_true (g_str_has_prefix (result.out, expected));
    for (GList *l = reasons; l != NULL; l = l->next)
      {
        g_autofree char *line = g_strdup_printf ("  %-20s %" G_GINT64_FORMAT "\n", (const char *) l->data,
                                                 json_object_get_int_member (by_reason, l->data));

        if (json_object_get_int_member (by_reason, l->data) > 0)
          g_assert_nonnull (strstr (result.out, line));
      }
  }
  result_clear (&result);

  /* Stats: counts and exact sums equal the manifest. */
  run_dps (fixture->dir, &result, "stats", "--db", uri, "--json");
  assert_ok (&result);
  kpis = json_object_get_object_member (parse_object (stats_parser, result.out), "kpis");
  g_assert_cmpint (json_object_get_int_member (kpis, "count"), ==, valid);
  g_assert_cmpint (json_object_get_int_member (kpis, "amount_cents"), ==, valid_cents);
  g_assert_cmpint (json_object_get_int_member (kpis, "rejected"), ==, rejects);
  g_assert_cmpint (json_object_get_int_member (kpis, "duplicates"), ==, duplicates);
  {
    g_autofree char *amount = g_strdup_printf ("%" G_GINT64_FORMAT ".%02" G_GINT64_FORMAT,
                                               valid_cents / 100, valid_cents % 100);

    g_assert_cmpstr (json_object_get_string_member (kpis, "amount"), ==, amount);
  }
  result_clear (&result);

  /* Export of a filter, read back: the same rows and cents as the stats
   * of that filter. */
  run_dps (fixture->dir, &result, "export", "--db", uri, "--status", "APPROVED", "--city", "Paris",
           "--output", "paris.csv");
  assert_ok (&result);
  sum = read_export (paris, ',', '.', FALSE, "Paris", "APPROVED");
  g_assert_cmpint (sum.rows, >, 0);
  expected_count = g_strdup_printf ("Exported %" G_GINT64_FORMAT " rows to paris.csv", sum.rows);
  g_assert_nonnull (strstr (result.err, expected_count));
  result_clear (&result);

  run_dps (fixture->dir, &result, "stats", "--db", uri, "--json", "--status", "APPROVED", "--city", "Paris");
  assert_ok (&result);
  kpis = json_object_get_object_member (parse_object (paris_parser, result.out), "kpis");
  g_assert_cmpint (json_object_get_int_member (kpis, "count"), ==, sum.rows);
  g_assert_cmpint (json_object_get_int_member (kpis, "amount_cents"), ==, sum.cents);
  g_assert_cmpint (json_object_get_int_member (kpis, "approved_count"), ==, sum.rows);
  result_clear (&result);

  /* Excel (France): BOM, semicolons, decimal commas; every row. */
  run_dps (fixture->dir, &result, "export", "--db", uri, "--preset", "excel-fr", "--output", "fr.csv");
  assert_ok (&result);
  result_clear (&result);
  sum = read_export (french, ';', ',', TRUE, NULL, NULL);
  g_assert_cmpint (sum.rows, ==, valid);
  g_assert_cmpint (sum.cents, ==, valid_cents);

  /* The run history. */
  run_dps (fixture->dir, &result, "runs", "--db", uri);
  assert_ok (&result);
  g_assert_cmpuint (count_lines (result.out), ==, 2);
  g_assert_nonnull (strstr (result.out, "Succeeded"));
  g_assert_nonnull (strstr (result.out, "import"));
  g_assert_nonnull (strstr (result.out, input));
  {
    g_autofree char *loaded = g_strdup_printf (" %" G_GINT64_FORMAT " ", valid);

    g_assert_nonnull (strstr (result.out, loaded));
  }
  result_clear (&result);

  run_dps (fixture->dir, &result, "runs", "--db", uri, "--verbose");
  assert_ok (&result);
  g_assert_nonnull (strstr (result.out, "timings:"));
  result_clear (&result);

  /* What the database holds. */
  run_dps (fixture->dir, &result, "db", "info", "--db", uri);
  assert_ok (&result);
  {
    g_autofree char *rows = g_strdup_printf ("Transactions    %" G_GINT64_FORMAT "\n", valid);
    g_autofree char *bad = g_strdup_printf ("Rejected lines  %" G_GINT64_FORMAT "\n", rejects);
    g_autofree char *dups = g_strdup_printf ("Duplicates      %" G_GINT64_FORMAT "\n", duplicates);

    g_assert_nonnull (strstr (result.out, "Backend         SQLite\n"));
    g_assert_nonnull (strstr (result.out, db));
    g_assert_nonnull (strstr (result.out, rows));
    g_assert_nonnull (strstr (result.out, bad));
    g_assert_nonnull (strstr (result.out, dups));
    g_assert_nonnull (strstr (result.out, "Runs            1\n"));
  }
  result_clear (&result);

  run_dps (fixture->dir, &result, "db", "check", "--db", uri);
  assert_ok (&result);
  result_clear (&result);

  /* Imported again: all duplicates, nothing added. */
  run_dps (fixture->dir, &result, "ingest", "--db", uri, "t.jsonl");
  assert_ok (&result);
  {
    g_autofree char *expected = g_strdup_printf ("t.jsonl: loaded 0 rows, rejected %" G_GINT64_FORMAT
                                                 ", duplicates %" G_GINT64_FORMAT " in ",
                                                 rejects, valid + duplicates);

    g_assert_true (g_str_has_prefix (result.out, expected));
  }
  result_clear (&result);

  /* Without --db: $DPS_DB. */
  run_dps (fixture->dir, &result, "ingest", "t.jsonl");
  assert_ok (&result);
  result_clear (&result);
  run_dps (fixture->dir, &result, "stats", "--json");
  assert_ok (&result);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();

    kpis = json_object_get_object_member (parse_object (parser, result.out), "kpis");
    g_assert_cmpint (json_object_get_int_member (kpis, "count"), ==, valid);
  }
  result_clear (&result);
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  Result result = { 0 };

  run_dps (fixture->dir, &result, "ingest", "--db", "x.db", "no-such-file.jsonl");
  assert_one_error_line (&result, 1, "no-such-file.jsonl");
  result_clear (&result);

  /* A folder that is not there either. */
  run_dps (fixture->dir, &result, "run", "--db", "x.db", "no-such-folder/");
  g_assert_cmpint (result.status, !=, 0);
  g_assert_nonnull (strstr (result.err, "no-such-folder"));
  result_clear (&result);
}

static void
test_not_a_database (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *text = path_in (fixture, "notes.txt");
  const char *commands[][2] = { { "stats", NULL }, { "runs", NULL }, { "export", NULL },
                                { "db", "info" }, { "ingest", "x.jsonl" } };
  g_autofree char *input = path_in (fixture, "x.jsonl");

  g_assert_true (g_file_set_contents (text, "These are notes, not a database.\n"
                                      "They are long enough to be more than a header page.\n", -1, NULL));
  g_assert_true (g_file_set_contents (input, "{}\n", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      Result result = { 0 };

      if (commands[i][1] != NULL)
        run_dps (fixture->dir, &result, commands[i][0], commands[i][1], "--db", text);
      else
        run_dps (fixture->dir, &result, commands[i][0], "--db", text);
      assert_one_error_line (&result, 1, text);
      g_assert_nonnull (strstr (result.err, "not a database"));
      result_clear (&result);
    }

  /* The file was not touched. */
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (text, &contents, NULL, NULL));
    g_assert_true (g_str_has_prefix (contents, "These are notes"));
  }
}

static void
test_missing_database (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *missing = path_in (fixture, "nowhere/pipeline.db");
  const char *commands[][2] = { { "stats", NULL }, { "runs", NULL }, { "export", NULL }, { "db", "info" } };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      Result result = { 0 };

      if (commands[i][1] != NULL)
        run_dps (fixture->dir, &result, commands[i][0], commands[i][1], "--db", missing);
      else
        run_dps (fixture->dir, &result, commands[i][0], "--db", missing);
      assert_one_error_line (&result, 1, missing);
      g_assert_nonnull (strstr (result.err, "does not exist"));
      result_clear (&result);
    }
  /* Reading commands create nothing. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *cases[][4] = {
    { "stats", "--no-such-option", NULL, NULL },
    { "ingest", "--batch-rows", "many", NULL },
    { "ingest", NULL, NULL, NULL },
    { "export", "--preset", "lotus", NULL },
    { "export", "--status", "MAYBE", NULL },
    { "generate", "--rows", "-5", NULL },
    { "generate", "unexpected", NULL, NULL },
    { "db", "explode", NULL, NULL },
    { "run", "--every", "soon", "." },
    { "frobnicate", NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Result result = { 0 };
      const char *args[5] = { NULL };

      for (guint j = 0; j < 4 && cases[i][j] != NULL; j++)
        args[j] = cases[i][j];
      run_dps_v (fixture->dir, &result, args);
      g_test_message ("%s: exit %d, stderr: %s", cases[i][0], result.status, result.err);
      g_assert_cmpint (result.status, ==, 2);
      g_assert_cmpuint (strlen (result.err), >, 0);
      g_assert_true (g_str_has_prefix (result.err, "dps"));
      result_clear (&result);
    }
}

static void
test_help (Fixture       *fixture,
           gconstpointer  data)
{
  const char *commands[] = { "generate", "ingest", "run", "stats", "export", "runs", "db" };
  Result result = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *example = g_strdup_printf ("  dps %s", commands[i]);

      run_dps (fixture->dir, &result, commands[i], "--help");
      assert_ok (&result);
      g_assert_nonnull (strstr (result.out, "Usage:"));
      g_assert_nonnull (strstr (result.out, "Examples:"));
      g_assert_nonnull (strstr (result.out, example));
      g_assert_nonnull (strstr (result.out, "--help"));
      if (!g_str_equal (commands[i], "generate"))
        g_assert_nonnull (strstr (result.out, "--db"));
      result_clear (&result);
    }

  run_dps (fixture->dir, &result, "--help");
  assert_ok (&result);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *line = g_strdup_printf ("  %-10s ", commands[i]);

      g_assert_nonnull (strstr (result.out, line));
    }
  result_clear (&result);

  run_dps (fixture->dir, &result, "--version");
  assert_ok (&result);
  g_assert_true (g_str_has_prefix (result.out, "dps " PACKAGE_VERSION "\n"));
  result_clear (&result);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/dps/cli/generate/same-seed", test_generate_same_seed);
  ADD ("/dps/cli/end-to-end", test_end_to_end);
  ADD ("/dps/cli/errors/missing-file", test_missing_file);
  ADD ("/dps/cli/errors/not-a-database", test_not_a_database);
  ADD ("/dps/cli/errors/missing-database", test_missing_database);
  ADD ("/dps/cli/errors/usage", test_usage_errors);
  ADD ("/dps/cli/help", test_help);
#undef ADD

  return g_test_run ();
}
