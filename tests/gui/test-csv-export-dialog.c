/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "dps-csv-export-dialog.h"
#include "dps-gui-test.h"
#include "dps-test-db.h"

/* The export dialog's files read back by Python's csv module (an
 * implementation independent of ours) and compared with SQL. */

#define START_USEC (G_GINT64_CONSTANT (1764547200) * G_USEC_PER_SEC)   /* 2025-12-01 */
#define FORMULA "=HYPERLINK(\"http://example.com/?q=1\",\"Click\")"

typedef struct {
  char          *dir;
  char          *path;
  char          *out_dir;
  DpsRepository *repository;
  sqlite3       *db;
  DpsSession    *session;

  /* The last export's end. */
  gboolean       done;
  char          *exported_path;
  guint64        exported_rows;
  GError        *error;
} Fixture;

static const char *const extra_lines[] = {
  "{\"transaction_id\": \"aaaaaaaa-0000-4000-8000-000000000001\", \"event_ts\": \"2025-12-03T10:00:00Z\", "
  "\"user_id\": 1, \"amount\": 10, \"merchant\": \"=HYPERLINK(\\\"http://example.com/?q=1\\\",\\\"Click\\\")\", "
  "\"category\": \"home\", \"city\": \"Lyon\", \"status\": \"APPROVED\", \"payment_method\": \"card\"}",
  "{\"transaction_id\": \"aaaaaaaa-0000-4000-8000-000000000002\", \"event_ts\": \"2025-12-03T11:00:00Z\", "
  "\"user_id\": 2, \"amount\": 1234567.89, \"merchant\": \"Caf\\u00e9 \\\"Le ;Coin\\\", Lyon\\nEst\", "
  "\"category\": \"restaurants\", \"city\": \"Lyon\", \"status\": \"DECLINED\", \"payment_method\": \"wallet\"}",
  "{\"transaction_id\": \"aaaaaaaa-0000-4000-8000-000000000003\", \"event_ts\": \"2025-12-03T12:00:00Z\", "
  "\"user_id\": 3, \"amount\": 0.01, \"merchant\": \"-10% +plus @at\", "
  "\"category\": \"home\", \"city\": \"Lyon\", \"status\": \"PENDING\", \"payment_method\": \"bank_transfer\"}",
};

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = dps_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "export.db", NULL);
  f->out_dir = g_build_filename (f->dir, "out", NULL);
  g_assert_cmpint (g_mkdir (f->out_dir, 0700), ==, 0);
  f->repository = dps_test_db_create (f->path, 6000, 5, START_USEC, 20, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (extra_lines); i++)
    {
      dps_test_db_insert_line (f->repository, extra_lines[i], &error);
      g_assert_no_error (error);
    }
  g_assert_cmpint (sqlite3_open_v2 (f->path, &f->db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  f->session = dps_gui_test_open_session_at (f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  dps_gui_test_run_for (20);
  g_clear_object (&f->session);
  sqlite3_close (f->db);
  g_clear_object (&f->repository);
  dps_test_tmpdir_remove (f->dir);
  g_clear_error (&f->error);
  g_free (f->exported_path);
  g_free (f->out_dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
exported_cb (DpsCsvExportDialog *dialog,
             const char         *path,
             guint64             rows,
             Fixture            *f)
{
  g_free (f->exported_path);
  f->exported_path = g_strdup (path);
  f->exported_rows = rows;
  f->done = TRUE;
}

static void
failed_cb (DpsCsvExportDialog *dialog,
           const GError       *error,
           Fixture            *f)
{
  g_clear_error (&f->error);
  f->error = g_error_copy (error);
  f->done = TRUE;
}

static DpsCsvExportDialog *
new_dialog (Fixture       *f,
            DpsFilter     *filter,
            const DpsSort *sort)
{
  DpsCsvExportDialog *dialog = DPS_CSV_EXPORT_DIALOG (dps_csv_export_dialog_new (f->session));
  guint64 count;
  g_autoptr(GError) error = NULL;

  g_assert_true (dps_repository_count_rows (f->repository, filter, &count, NULL, &error));
  dps_csv_export_dialog_set_listing (dialog, filter, sort, count);
  g_signal_connect (dialog, "exported", G_CALLBACK (exported_cb), f);
  g_signal_connect (dialog, "failed", G_CALLBACK (failed_cb), f);
  return dialog;
}

static void
run_export (Fixture            *f,
            DpsCsvExportDialog *dialog,
            const char         *path)
{
  f->done = FALSE;
  g_clear_error (&f->error);
  dps_csv_export_dialog_export_to (dialog, path);
  dps_gui_test_await (f->done);
}

/* Rows of @path as Python reads them: an array of arrays of strings. */
static GPtrArray *
read_back (const char *path,
           char        delimiter,
           gboolean    bom)
{
  const char *python = g_getenv ("DPS_PYTHON3");
  const char *script = g_getenv ("DPS_CSV_READ_BACK");
  const char *argv[] = { python, script, path, delimiter == '\t' ? "tab" : delimiter == ';' ? ";" : ",",
                         bom ? "bom" : "no-bom", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  int status;

  g_assert_nonnull (python);
  g_assert_nonnull (script);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("csv-read-back.py: %s", err);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *array;
      GStrvBuilder *builder = g_strv_builder_new ();

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      array = json_node_get_array (json_parser_get_root (parser));
      for (guint k = 0; k < json_array_get_length (array); k++)
        g_strv_builder_add (builder, json_array_get_string_element (array, k));
      g_ptr_array_add (rows, g_strv_builder_end (builder));
      g_strv_builder_unref (builder);
    }
  return rows;
}

static int
column_index (GStrv       header,
              const char *name)
{
  for (guint i = 0; header[i] != NULL; i++)
    if (strcmp (header[i], name) == 0)
      return (int) i;
  g_error ("no column %s", name);
  return -1;
}

/* "0b6f3c2e-8a51-…" from SQL's hex(). */
static char *
uuid_text (const char *hex)
{
  g_autofree char *text = g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);

  return g_ascii_strdown (text, -1);
}

/* Every exported row against SQL: same rows, same order, exact amounts,
 * merchants as stored (neutralised when asked). */
static void
check_file (Fixture    *f,
            const char *path,
            const char *where_order,
            char        delimiter,
            char        decimal,
            gboolean    bom,
            gboolean    neutralised)
{
  g_autoptr(GPtrArray) rows = read_back (path, delimiter, bom);
  g_autofree char *sql = g_strdup_printf ("SELECT hex(tx_uuid), amount_cents, merchant FROM transactions %s",
                                          where_order);
  GStrv header;
  int id_column, amount_column, merchant_column;
  sqlite3_stmt *stmt;
  guint n = 0;
  gboolean saw_formula = FALSE;

  g_assert_cmpuint (rows->len, >, 1);
  header = g_ptr_array_index (rows, 0);
  g_assert_cmpuint (g_strv_length (header), ==, DPS_N_COLUMNS);
  id_column = column_index (header, "transaction_id");
  amount_column = column_index (header, "amount");
  merchant_column = column_index (header, "merchant");

  g_assert_cmpint (sqlite3_prepare_v2 (f->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      GStrv cells;
      g_autofree char *id = uuid_text ((const char *) sqlite3_column_text (stmt, 0));
      gint64 cents = sqlite3_column_int64 (stmt, 1);
      const char *merchant = (const char *) sqlite3_column_text (stmt, 2);
      g_autofree char *amount = g_strdup_printf ("%" G_GINT64_FORMAT "%c%02d", cents / 100, decimal,
                                                 (int) (cents % 100));
      g_autofree char *expected_merchant = NULL;

      n++;
      g_assert_cmpuint (n, <, rows->len);
      cells = g_ptr_array_index (rows, n);
      g_assert_cmpuint (g_strv_length (cells), ==, DPS_N_COLUMNS);
      g_assert_cmpstr (cells[id_column], ==, id);
      g_assert_cmpstr (cells[amount_column], ==, amount);
      if (neutralised && strchr ("=+-@\t\r", merchant[0]) != NULL)
        expected_merchant = g_strconcat ("'", merchant, NULL);
      else
        expected_merchant = g_strdup (merchant);
      g_assert_cmpstr (cells[merchant_column], ==, expected_merchant);
      if (strcmp (merchant, FORMULA) == 0)
        saw_formula = TRUE;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (n + 1, ==, rows->len);
  g_assert_true (saw_formula);
}

static void
test_preset (Fixture       *f,
             gconstpointer  data)
{
  DpsCsvPreset preset = GPOINTER_TO_UINT (data);
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  const char *lyon[] = { "Lyon", NULL };
  DpsSort sort = { DPS_SORT_EVENT_TS, FALSE };
  DpsCsvExportDialog *dialog;
  DpsExportOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->out_dir, "lyon.csv", NULL);

  dps_filter_set_cities (filter, lyon);
  dialog = new_dialog (f, filter, &sort);
  dps_csv_export_dialog_set_preset (dialog, preset);
  g_assert_true (dps_csv_export_dialog_get_options (dialog, &options, &error));
  g_assert_no_error (error);
  g_assert_cmpint (options.csv.delimiter, ==, preset == DPS_CSV_PRESET_EXCEL_FR ? ';' : ',');
  g_assert_cmpint (options.csv.decimal_separator, ==, preset == DPS_CSV_PRESET_EXCEL_FR ? ',' : '.');
  g_assert_cmpint (options.csv.bom, ==, preset == DPS_CSV_PRESET_EXCEL_FR);
  g_assert_true (options.csv.header);
  /* On unless turned off. */
  g_assert_true (options.csv.neutralise_formulas);
  g_assert_false (options.formatted);

  run_export (f, dialog, path);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->exported_path, ==, path);
  check_file (f, path, "WHERE city = 'Lyon' ORDER BY event_ts, id", options.csv.delimiter,
              options.csv.decimal_separator, options.csv.bom, TRUE);
}

/* Formula protection off: the text goes out as it is (the user asked). */
static void
test_formulas_kept (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  DpsSort sort = { DPS_SORT_AMOUNT, TRUE };
  DpsCsvExportDialog *dialog;
  DpsExportOptions options;
  g_autofree char *path = g_build_filename (f->out_dir, "raw.csv", NULL);
  g_autoptr(GError) error = NULL;

  dialog = new_dialog (f, filter, &sort);
  dps_export_options_init (&options, DPS_CSV_PRESET_STANDARD);
  options.csv.delimiter = '\t';
  options.csv.neutralise_formulas = FALSE;
  dps_csv_export_dialog_set_options (dialog, &options);
  g_assert_true (dps_csv_export_dialog_get_options (dialog, &options, &error));
  g_assert_false (options.csv.neutralise_formulas);
  g_assert_cmpint (options.csv.delimiter, ==, '\t');

  run_export (f, dialog, path);
  g_assert_no_error (f->error);
  check_file (f, path, "ORDER BY amount_cents DESC, id DESC", '\t', '.', FALSE, FALSE);
}

/* The same separator twice cannot be read back: refused. */
static void
test_invalid_options (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  DpsSort sort = { DPS_SORT_EVENT_TS, FALSE };
  DpsCsvExportDialog *dialog = new_dialog (f, filter, &sort);
  DpsExportOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->out_dir, "bad.csv", NULL);

  dps_export_options_init (&options, DPS_CSV_PRESET_STANDARD);
  options.csv.decimal_separator = ',';
  dps_csv_export_dialog_set_options (dialog, &options);
  g_assert_false (dps_csv_export_dialog_get_options (dialog, &options, &error));
  g_assert_error (error, DPS_CSV_ERROR, DPS_CSV_ERROR_INVALID_OPTION);

  run_export (f, dialog, path);
  g_assert_error (f->error, DPS_CSV_ERROR, DPS_CSV_ERROR_INVALID_OPTION);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Selected rows: those positions of the table's listing, in its order. */
static void
test_selected (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  const char *lyon[] = { "Lyon", NULL };
  DpsSort sort = { DPS_SORT_AMOUNT, TRUE };
  DpsPositionRange ranges[] = { { 0, 3 }, { 40, 1 }, { 300, 2 } };
  DpsCsvExportDialog *dialog;
  g_autofree char *path = g_build_filename (f->out_dir, "selected.csv", NULL);
  g_autoptr(GPtrArray) rows = NULL;
  guint k = 1;

  dps_filter_set_cities (filter, lyon);
  dialog = new_dialog (f, filter, &sort);
  dps_csv_export_dialog_set_selection (dialog, ranges, G_N_ELEMENTS (ranges));
  dps_csv_export_dialog_set_scope (dialog, DPS_EXPORT_SCOPE_SELECTED);
  g_assert_cmpint (dps_csv_export_dialog_get_scope (dialog), ==, DPS_EXPORT_SCOPE_SELECTED);

  run_export (f, dialog, path);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->exported_rows, ==, 6);

  rows = read_back (path, ',', FALSE);
  g_assert_cmpuint (rows->len, ==, 7);
  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    for (guint i = 0; i < ranges[r].n_items; i++, k++)
      {
        g_autofree char *sql = g_strdup_printf ("SELECT hex(tx_uuid) FROM transactions WHERE city = 'Lyon' "
                                                "ORDER BY amount_cents DESC, id DESC LIMIT 1 OFFSET %u",
                                                ranges[r].start + i);
        sqlite3_stmt *stmt;
        g_autofree char *id = NULL;

        g_assert_cmpint (sqlite3_prepare_v2 (f->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        id = uuid_text ((const char *) sqlite3_column_text (stmt, 0));
        sqlite3_finalize (stmt);
        g_assert_cmpstr (((GStrv) g_ptr_array_index (rows, k))[0], ==, id);
      }
}

/* Everything, whatever the filter. */
static void
test_all (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  const char *lyon[] = { "Lyon", NULL };
  DpsSort sort = { DPS_SORT_EVENT_TS, FALSE };
  DpsCsvExportDialog *dialog;
  g_autofree char *path = g_build_filename (f->out_dir, "all.csv", NULL);

  dps_filter_set_cities (filter, lyon);
  dialog = new_dialog (f, filter, &sort);
  dps_csv_export_dialog_set_scope (dialog, DPS_EXPORT_SCOPE_ALL);
  dps_csv_export_dialog_set_preset (dialog, DPS_CSV_PRESET_EXCEL_FR);
  run_export (f, dialog, path);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->exported_rows, ==, 6000 + G_N_ELEMENTS (extra_lines));
  check_file (f, path, "ORDER BY event_ts, id", ';', ',', TRUE, TRUE);
}

static guint
count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* A cancelled export leaves nothing under the chosen name, no temporary
 * file beside it, and an older file there untouched. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  DpsExportScope scope = GPOINTER_TO_UINT (data);
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  DpsSort sort = { DPS_SORT_MERCHANT, FALSE };
  DpsPositionRange everything = { 0, 6000 };
  g_autofree char *path = g_build_filename (f->out_dir, "cancelled.csv", NULL);
  g_autofree char *older = g_build_filename (f->out_dir, "older.csv", NULL);
  g_autofree char *kept = NULL;
  DpsCsvExportDialog *dialog;

  /* Once with nothing there, once over an older file. */
  g_assert_true (g_file_set_contents (older, "older,file\r\n", -1, NULL));
  for (guint round = 0; round < 2; round++)
    {
      const char *target = round == 0 ? path : older;

      dialog = new_dialog (f, filter, &sort);
      dps_csv_export_dialog_set_selection (dialog, &everything, 1);
      dps_csv_export_dialog_set_scope (dialog, scope);
      f->done = FALSE;
      g_clear_error (&f->error);
      dps_csv_export_dialog_export_to (dialog, target);
      g_assert_true (dps_csv_export_dialog_is_running (dialog));
      dps_csv_export_dialog_cancel (dialog);
      dps_gui_test_await (f->done);

      g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_false (dps_csv_export_dialog_is_running (dialog));
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (older, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "older,file\r\n");
  g_assert_cmpuint (count_files (f->out_dir), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  dps_gui_test_init (&argc, &argv);

  g_test_add ("/dps/csv-export-dialog/preset/standard", Fixture, GUINT_TO_POINTER (DPS_CSV_PRESET_STANDARD),
              fixture_set_up, test_preset, fixture_tear_down);
  g_test_add ("/dps/csv-export-dialog/preset/excel-fr", Fixture, GUINT_TO_POINTER (DPS_CSV_PRESET_EXCEL_FR),
              fixture_set_up, test_preset, fixture_tear_down);
  g_test_add ("/dps/csv-export-dialog/formulas-kept", Fixture, NULL,
              fixture_set_up, test_formulas_kept, fixture_tear_down);
  g_test_add ("/dps/csv-export-dialog/invalid-options", Fixture, NULL,
              fixture_set_up, test_invalid_options, fixture_tear_down);
  g_test_add ("/dps/csv-export-dialog/selected", Fixture, NULL,
              fixture_set_up, test_selected, fixture_tear_down);
  g_test_add ("/dps/csv-export-dialog/all", Fixture, NULL,
              fixture_set_up, test_all, fixture_tear_down);
  g_test_add ("/dps/csv-export-dialog/cancel/filtered", Fixture, GUINT_TO_POINTER (DPS_EXPORT_SCOPE_FILTERED),
              fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/dps/csv-export-dialog/cancel/selected", Fixture, GUINT_TO_POINTER (DPS_EXPORT_SCOPE_SELECTED),
              fixture_set_up, test_cancel, fixture_tear_down);

  return g_test_run ();
}
