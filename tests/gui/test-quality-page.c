/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dps-duplicate-item.h"
#include "dps-quality-page.h"
#include "dps-reject-item.h"
#include "dps-gui-test.h"

typedef struct {
  char                 *path;          /* the JSONL file */
  GString              *bad;           /* its bad lines, as stored, one per line */
  GString              *bad_by_reason[DPS_N_REJECT_REASONS];
  DpsGeneratorManifest  manifest;
} Dirty;

static void
dirty_clear (Dirty *dirty)
{
  g_free (dirty->path);
  g_string_free (dirty->bad, TRUE);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_string_free (dirty->bad_by_reason[i], TRUE);
}

/* A file with the generator's dirty mode: valid lines, duplicates and
 * bad lines of every reason, the bad ones kept aside as the database
 * keeps them (a line longer than the limit is stored cut). */
static void
make_dirty_file (Dirty *dirty)
{
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new (NULL);
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.seed = 2024;
  options.rows = 4000;
  options.dirty_ratio = 0.15;
  options.days = 20;
  generator = dps_generator_new (&options);

  dirty->path = dps_gui_test_tmp_path ("dirty.jsonl");
  dirty->bad = g_string_new (NULL);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    dirty->bad_by_reason[i] = g_string_new (NULL);

  for (guint i = 0; i < options.rows; i++)
    {
      DpsRejectReason reason;
      DpsGeneratedKind kind;

      g_string_truncate (line, 0);
      kind = dps_generator_next (generator, line, &reason);
      g_string_append_len (text, line->str, (gssize) line->len);
      g_string_append_c (text, '\n');
      if (kind == DPS_GENERATED_REJECT)
        {
          gsize kept = MIN (line->len, (gsize) DPS_REJECT_RAW_MAX);

          g_string_append_len (dirty->bad, line->str, (gssize) kept);
          g_string_append_c (dirty->bad, '\n');
          g_string_append_len (dirty->bad_by_reason[reason], line->str, (gssize) kept);
          g_string_append_c (dirty->bad_by_reason[reason], '\n');
        }
    }
  dirty->manifest = *dps_generator_get_manifest (generator);
  dps_gui_test_append (dirty->path, text->str, (gssize) text->len);
  g_assert_cmpuint (dirty->manifest.rejects, >, 100);
  g_assert_cmpuint (dirty->manifest.duplicates, >, 10);
}

/* Loads the file with the engine, as an import. */
static void
load (DpsSession *session,
      const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) writer = dps_session_open_reader (session, &error);
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  DpsEngineOptions options;

  g_assert_no_error (error);
  dps_engine_options_init (&options);
  options.batch_rows = 500;
  source = dps_file_source_new (path, FALSE, options.max_line_length, 100);
  engine = dps_engine_new (writer, source, &options);
  g_assert_true (dps_engine_run (engine, NULL, &error));
  g_assert_no_error (error);
  dps_session_data_changed (session);
}

static gboolean
refreshed (gpointer user_data)
{
  return !dps_quality_page_get_refreshing (DPS_QUALITY_PAGE (user_data));
}

typedef struct {
  DpsQualityPage *page;
  guint           expected;
} ListWait;

static gboolean
list_loaded (gpointer user_data)
{
  ListWait *w = user_data;
  GListModel *rejects = dps_quality_page_get_rejects (w->page);
  guint n = g_list_model_get_n_items (rejects);

  /* Asking for the last item is what a scrolling view does. */
  if (n > 0)
    g_object_unref (g_list_model_get_item (rejects, n - 1));
  return n == w->expected;
}

typedef struct {
  gboolean  done;
  char     *path;
  guint64   count;
  GError   *error;
} Export;

static void
export_finished_cb (DpsQualityPage *page,
                    const char     *path,
                    guint64         count,
                    GError         *error,
                    Export         *export)
{
  export->done = TRUE;
  export->path = g_strdup (path);
  export->count = count;
  export->error = error != NULL ? g_error_copy (error) : NULL;
}

static gboolean
export_done (gpointer user_data)
{
  return ((Export *) user_data)->done;
}

static void
run_export (DpsQualityPage *page,
            const char     *action,
            const char     *path,
            Export         *export)
{
  gulong id = g_signal_connect (page, "export-finished", G_CALLBACK (export_finished_cb), export);

  memset (export, 0, sizeof *export);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), action, "s", path));
  g_assert_true (dps_gui_test_wait_until (export_done, export, 120000));
  g_signal_handler_disconnect (page, id);
  g_assert_no_error (export->error);
  g_assert_cmpstr (export->path, ==, path);
}

static void
assert_file_equals (const char *path,
                    GString    *expected)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, expected->len);
  g_assert_true (memcmp (contents, expected->str, length) == 0);
}

/* Reads one RFC 4180 record from *p; returns its fields. */
static GPtrArray *
csv_next_record (const char **p)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *s = *p;

  for (;;)
    {
      if (*s == '"')
        {
          for (s++; *s != '\0'; s++)
            {
              if (*s == '"' && s[1] == '"')
                g_string_append_c (field, *s++);
              else if (*s == '"')
                {
                  s++;
                  break;
                }
              else
                g_string_append_c (field, *s);
            }
        }
      while (*s != '\0' && *s != ',' && *s != '\r' && *s != '\n')
        g_string_append_c (field, *s++);
      g_ptr_array_add (fields, g_string_free (field, FALSE));
      if (*s == ',')
        {
          s++;
          field = g_string_new (NULL);
          continue;
        }
      if (*s == '\r')
        s++;
      if (*s == '\n')
        s++;
      break;
    }
  *p = s;
  return fields;
}

static void
test_counts_and_export (void)
{
  g_autoptr(DpsSession) session = dps_gui_test_open_session ("quality.db");
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) duplicates = NULL;
  g_autofree char *jsonl = dps_gui_test_tmp_path ("rejects.jsonl");
  g_autofree char *csv = dps_gui_test_tmp_path ("rejects.csv");
  g_autofree char *one = dps_gui_test_tmp_path ("one-reason.jsonl");
  g_autofree char *contents = NULL;
  gint64 by_reason[DPS_N_REJECT_REASONS];
  gint64 total = 0, arrivals = 0;
  DpsRejectQuery query;
  DpsQualityPage *page;
  GtkWindow *window;
  Export export;
  ListWait wait;
  Dirty dirty = { 0 };
  int reason = -1;

  make_dirty_file (&dirty);
  load (session, dirty.path);

  page = DPS_QUALITY_PAGE (dps_quality_page_new (session));
  window = dps_gui_test_show_in_window (GTK_WIDGET (page), 1280, 900);
  dps_quality_page_refresh (page);
  g_assert_true (dps_gui_test_wait_until (refreshed, page, 60000));

  /* The counts per reason are the database's, and the generator's. */
  repository = dps_session_open_reader (session, &error);
  g_assert_no_error (error);
  dps_reject_query_init (&query);
  g_assert_true (dps_repository_count_rejects (repository, &query, by_reason, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    {
      g_assert_cmpint (dps_quality_page_get_reason_count (page, i), ==, by_reason[i]);
      g_assert_cmpint (by_reason[i], ==, (gint64) dirty.manifest.rejects_by_reason[i]);
      total += by_reason[i];
      if (by_reason[i] > 0 && (reason < 0 || by_reason[i] < by_reason[reason]))
        reason = (int) i;
    }
  g_assert_cmpint (total, ==, (gint64) dirty.manifest.rejects);
  g_assert_cmpint (dps_quality_page_get_loaded (page), ==, (gint64) dirty.manifest.valid);

  /* Every reject is listed, page after page. */
  wait.page = page;
  wait.expected = (guint) total;
  g_assert_true (dps_gui_test_wait_until (list_loaded, &wait, 60000));
  for (guint i = 0; i < wait.expected; i++)
    {
      g_autoptr(DpsRejectItem) item = g_list_model_get_item (dps_quality_page_get_rejects (page), i);
      const DpsStoredReject *stored = dps_reject_item_get_reject (item);

      g_assert_cmpint (stored->reject.position.line, >, 0);
      g_assert_cmpstr (dps_reject_item_get_source (item), ==, dirty.path);
    }

  /* The duplicates: how many times each id arrived. */
  duplicates = dps_repository_list_duplicates (repository, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (dps_quality_page_get_duplicates (page)), ==, duplicates->len);
  for (guint i = 0; i < g_list_model_get_n_items (dps_quality_page_get_duplicates (page)); i++)
    {
      g_autoptr(DpsDuplicateItem) item = g_list_model_get_item (dps_quality_page_get_duplicates (page), i);

      g_assert_cmpint (dps_duplicate_item_get_info (item)->arrivals, >=, 2);
      arrivals += dps_duplicate_item_get_info (item)->arrivals - 1;
    }
  g_assert_cmpint (arrivals, ==, (gint64) dirty.manifest.duplicates);

  /* JSON Lines: exactly the bad lines, in file order. */
  run_export (page, "quality.export-jsonl", jsonl, &export);
  g_assert_cmpuint (export.count, ==, (guint64) total);
  assert_file_equals (jsonl, dirty.bad);
  g_free (export.path);

  /* CSV: a header, then one record per reject with its reason code. */
  run_export (page, "quality.export-csv", csv, &export);
  g_assert_cmpuint (export.count, ==, (guint64) total);
  g_free (export.path);
  g_assert_true (g_file_get_contents (csv, &contents, NULL, &error));
  g_assert_no_error (error);
  {
    const char *p = contents;
    g_autoptr(GPtrArray) header = csv_next_record (&p);
    gint64 rows = 0, per_reason[DPS_N_REJECT_REASONS] = { 0 };

    g_assert_cmpuint (header->len, ==, 9);
    g_assert_cmpstr (g_ptr_array_index (header, 0), ==, "rejected_at");
    g_assert_cmpstr (g_ptr_array_index (header, 5), ==, "reason");
    g_assert_cmpstr (g_ptr_array_index (header, 8), ==, "raw");
    while (*p != '\0')
      {
        g_autoptr(GPtrArray) record = csv_next_record (&p);
        DpsRejectReason r;

        g_assert_cmpuint (record->len, ==, 9);
        g_assert_true (dps_reject_reason_from_string (g_ptr_array_index (record, 5), &r));
        g_assert_cmpstr (g_ptr_array_index (record, 2), ==, "");   /* no partition in a file */
        g_assert_cmpint (g_ascii_strtoll (g_ptr_array_index (record, 4), NULL, 10), >, 0);
        per_reason[r]++;
        rows++;
      }
    g_assert_cmpint (rows, ==, total);
    for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
      g_assert_cmpint (per_reason[i], ==, by_reason[i]);
  }

  /* Filtered by one reason: the list and the export hold only those. */
  dps_quality_page_set_reason_filter (page, reason);
  g_assert_cmpint (dps_quality_page_get_reason_filter (page), ==, reason);
  wait.expected = (guint) by_reason[reason];
  g_assert_true (dps_gui_test_wait_until (list_loaded, &wait, 60000));
  for (guint i = 0; i < wait.expected; i++)
    {
      g_autoptr(DpsRejectItem) item = g_list_model_get_item (dps_quality_page_get_rejects (page), i);

      g_assert_cmpint (dps_reject_item_get_reject (item)->reject.reason, ==, reason);
    }
  run_export (page, "quality.export-jsonl", one, &export);
  g_assert_cmpuint (export.count, ==, (guint64) by_reason[reason]);
  assert_file_equals (one, dirty.bad_by_reason[reason]);
  g_free (export.path);

  /* Light and dark, the list showing every reason, one selected. */
  dps_quality_page_set_reason_filter (page, -1);
  wait.expected = (guint) total;
  g_assert_true (dps_gui_test_wait_until (list_loaded, &wait, 60000));
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
    GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (page), DPS_TYPE_QUALITY_PAGE,
                                                    "rejects_view")))), 2);
  dps_gui_test_set_dark (FALSE);
  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (page), "quality-light"));
  dps_gui_test_set_dark (TRUE);
  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (page), "quality-dark"));
  dps_gui_test_set_dark (FALSE);

  gtk_window_destroy (window);
  dirty_clear (&dirty);
}

/* The shared filter's period limits every figure. */
static void
test_period (void)
{
  g_autoptr(DpsSession) session = dps_gui_test_open_session ("period.db");
  g_autofree char *path = dps_gui_test_tmp_path ("period.jsonl");
  DpsFilter *filter = dps_session_get_filter (session);
  DpsQualityPage *page;
  GtkWindow *window;
  ListWait wait;

  /* Two bad lines with their own dates, one a day before the other. */
  dps_gui_test_append (path,
                   "{\"transaction_id\": \"0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44\", \"event_ts\": \"2026-11-20T13:45:12+00:00\", "
                   "\"user_id\": 0, \"amount\": 10.5, \"merchant\": \"Fnac\", \"category\": \"electronics\", "
                   "\"city\": \"Lyon\", \"status\": \"APPROVED\", \"payment_method\": \"card\"}\n"
                   "{\"transaction_id\": \"1b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44\", \"event_ts\": \"2026-11-21T09:00:00+00:00\", "
                   "\"user_id\": 3, \"amount\": 10.5, \"merchant\": \"Fnac\", \"category\": \"electronics\", "
                   "\"city\": \"Lyon\", \"status\": \"LOST\", \"payment_method\": \"card\"}\n", -1);
  load (session, path);

  page = DPS_QUALITY_PAGE (dps_quality_page_new (session));
  window = dps_gui_test_show_in_window (GTK_WIDGET (page), 1100, 800);
  g_assert_true (dps_gui_test_wait_until (refreshed, page, 60000));
  g_assert_cmpint (dps_quality_page_get_reason_count (page, DPS_REJECT_OUT_OF_RANGE), ==, 1);
  g_assert_cmpint (dps_quality_page_get_reason_count (page, DPS_REJECT_UNKNOWN_ENUM), ==, 1);

  /* The 21st only. */
  {
    g_autoptr(GDateTime) from = g_date_time_new_utc (2026, 11, 21, 0, 0, 0);
    g_autoptr(GDateTime) to = g_date_time_new_utc (2026, 11, 22, 0, 0, 0);

    dps_filter_set_period (filter, g_date_time_to_unix (from) * G_USEC_PER_SEC,
                           g_date_time_to_unix (to) * G_USEC_PER_SEC);
  }
  g_assert_true (dps_gui_test_wait_until (refreshed, page, 60000));
  g_assert_cmpint (dps_quality_page_get_reason_count (page, DPS_REJECT_OUT_OF_RANGE), ==, 0);
  g_assert_cmpint (dps_quality_page_get_reason_count (page, DPS_REJECT_UNKNOWN_ENUM), ==, 1);
  wait.page = page;
  wait.expected = 1;
  g_assert_true (dps_gui_test_wait_until (list_loaded, &wait, 60000));

  gtk_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  dps_gui_test_init (&argc, &argv);

  g_test_add_func ("/dps/quality-page/counts-and-export", test_counts_and_export);
  g_test_add_func ("/dps/quality-page/period", test_period);
  return g_test_run ();
}
