/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "dps-filter-bar.h"
#include "dps-format.h"
#include "dps-gui-test.h"
#include "dps-test-db.h"
#include "dps-transactions-page.h"

/* The Transactions view in a window under Xvfb: filters applied through
 * the filter bar's actions, the row count label and the key figures
 * checked against the database. */

#define START_USEC (G_GINT64_CONSTANT (1764547200) * G_USEC_PER_SEC)   /* 2025-12-01 */
#define N_ROWS 20000

typedef struct {
  char                *dir;
  char                *path;
  DpsRepository       *repository;   /* the test's own connection */
  sqlite3             *db;
  DpsSession          *session;
  GtkWidget           *window;
  DpsFilterBar        *bar;
  DpsTransactionsPage *page;
} Fixture;

static void
wait_page (Fixture *f)
{
  /* A filter change reaches the page at once; its readers answer later. */
  dps_gui_test_run_for (20);
  dps_gui_test_await (!dps_transactions_page_is_busy (f->page));
  dps_gui_test_run_for (20);
  dps_gui_test_await (!dps_transactions_page_is_busy (f->page));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *box;

  f->dir = dps_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "page.db", NULL);
  f->repository = dps_test_db_create (f->path, N_ROWS, 99, START_USEC, 40, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &f->db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  f->session = dps_gui_test_open_session_at (f->path);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  f->bar = DPS_FILTER_BAR (dps_filter_bar_new (f->session));
  f->page = DPS_TRANSACTIONS_PAGE (dps_transactions_page_new (f->session));
  gtk_widget_set_vexpand (GTK_WIDGET (f->page), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->bar));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->page));
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_page (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  dps_gui_test_run_for (50);
  g_clear_object (&f->session);
  sqlite3_close (f->db);
  g_clear_object (&f->repository);
  dps_test_tmpdir_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
sql_count (Fixture    *f,
           const char *where,
           const char *text)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM transactions WHERE %s", where);
  sqlite3_stmt *stmt;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (f->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

static GtkWidget *
find_by_name (GtkWidget  *root,
              const char *buildable_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (child)), buildable_id) == 0)
        return child;
      found = find_by_name (child, buildable_id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
label_text (Fixture    *f,
            const char *id)
{
  GtkWidget *label = find_by_name (GTK_WIDGET (f->page), id);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The row count label and every key figure against the database. */
static void
check_figures (Fixture    *f,
               const char *where,
               const char *text)
{
  DpsKpis shown, expected;
  g_autoptr(GError) error = NULL;
  gint64 count = sql_count (f, where, text);
  g_autofree char *count_text = dps_format_count ((gint64) count);
  g_autofree char *label = g_strdup_printf (count == 1 ? "%s transaction" : "%s transactions", count_text);
  g_autofree char *total = NULL;
  g_autofree char *approved = NULL;

  g_assert_cmpstr (label_text (f, "row_count_label"), ==, label);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dps_transactions_page_get_model (f->page))),
                    ==, (guint64) count);

  g_assert_true (dps_transactions_page_get_kpis (f->page, &shown));
  g_assert_true (dps_repository_query_kpis (f->repository, dps_session_get_filter (f->session),
                                            &expected, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (shown.total.count, ==, count);
  g_assert_cmpint (shown.total.count, ==, expected.total.count);
  g_assert_cmpint (shown.total.amount_cents, ==, expected.total.amount_cents);
  g_assert_cmpint (shown.total.approved_count, ==, expected.total.approved_count);
  g_assert_cmpint (shown.rejected, ==, expected.rejected);

  g_assert_cmpstr (label_text (f, "count_value"), ==, count_text);
  total = dps_format_amount (expected.total.amount_cents);
  g_assert_cmpstr (label_text (f, "total_value"), ==, total);
  approved = dps_format_count ((gint64) expected.total.approved_count);
  g_assert_cmpstr (label_text (f, "approved_value"), ==, approved);
}

static void
test_filter_actions (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *bar = GTK_WIDGET (f->bar);

  check_figures (f, "1", NULL);

  g_assert_true (gtk_widget_activate_action (bar, "filter.toggle-value", "(ss)", "city", "Lyon"));
  wait_page (f);
  check_figures (f, "city = 'Lyon'", NULL);

  g_assert_true (gtk_widget_activate_action (bar, "filter.toggle-value", "(ss)", "city", "Nice"));
  g_assert_true (gtk_widget_activate_action (bar, "filter.toggle-value", "(ss)", "status", "APPROVED"));
  wait_page (f);
  check_figures (f, "city IN ('Lyon', 'Nice') AND status = 0", NULL);

  g_assert_true (gtk_widget_activate_action (bar, "filter.set-amount", "(ss)", "20", "99,99"));
  wait_page (f);
  check_figures (f, "city IN ('Lyon', 'Nice') AND status = 0 AND amount_cents BETWEEN 2000 AND 9999", NULL);

  /* Toggling again takes a value out. */
  g_assert_true (gtk_widget_activate_action (bar, "filter.toggle-value", "(ss)", "city", "Lyon"));
  wait_page (f);
  check_figures (f, "city = 'Nice' AND status = 0 AND amount_cents BETWEEN 2000 AND 9999", NULL);

  /* Local days (the test runs in UTC): the first ten days. */
  g_assert_true (gtk_widget_activate_action (bar, "filter.set-days", "(ss)", "2025-12-01", "2025-12-10"));
  wait_page (f);
  {
    g_autofree char *where = g_strdup_printf ("city = 'Nice' AND status = 0 AND amount_cents BETWEEN 2000 AND 9999 "
                                              "AND event_ts >= %" G_GINT64_FORMAT " AND event_ts < %" G_GINT64_FORMAT,
                                              START_USEC, START_USEC + 10 * DPS_USEC_PER_DAY);
    check_figures (f, where, NULL);
  }

  /* A chip's button takes its filter off. */
  g_assert_true (gtk_widget_activate_action (bar, "filter.remove", "(ss)", "period", ""));
  g_assert_true (gtk_widget_activate_action (bar, "filter.remove", "(ss)", "amount", ""));
  wait_page (f);
  check_figures (f, "city = 'Nice' AND status = 0", NULL);

  g_assert_true (gtk_widget_activate_action (bar, "filter.clear", NULL));
  wait_page (f);
  check_figures (f, "1", NULL);
  g_assert_true (dps_filter_is_empty (dps_session_get_filter (f->session)));
}

/* The search entry waits for typing to pause, then filters. */
static void
test_search_entry (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *entry = find_by_name (GTK_WIDGET (f->bar), "search_entry");

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "fnac");
  /* Not yet: the delay runs. */
  g_assert_null (dps_filter_get_search (dps_session_get_filter (f->session)));
  dps_gui_test_await (dps_filter_get_search (dps_session_get_filter (f->session)) != NULL);
  g_assert_cmpstr (dps_filter_get_search (dps_session_get_filter (f->session)), ==, "fnac");
  wait_page (f);
  check_figures (f, "instr(lower(merchant), 'fnac') > 0", NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->bar), "filter.remove", "(ss)", "search", ""));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  wait_page (f);
  check_figures (f, "1", NULL);
}

/* Filter text is a bound value: hostile text finds what it says,
 * literally, and the table survives. */
static void
test_hostile_search (Fixture       *f,
                     gconstpointer  data)
{
  static const char *const hostile[] = {
    "'; DROP TABLE transactions; --",
    "Robert'); DELETE FROM transactions WHERE ('1'='1",
    "%", "_%_", "\\'", "\" OR \"\"=\"", "' UNION SELECT sqlite_version() --",
    "1; UPDATE transactions SET amount_cents = 0", "Mc'Donald",
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (dps_test_db_insert_line (f->repository,
      "{\"transaction_id\": \"11111111-2222-4333-8444-555555555555\", \"event_ts\": \"2025-12-05T10:00:00Z\", "
      "\"user_id\": 5, \"amount\": 1.5, \"merchant\": \"Robert'); DELETE FROM transactions WHERE ('1'='1\", "
      "\"category\": \"home\", \"city\": \"Lyon\", \"status\": \"APPROVED\", \"payment_method\": \"card\"}",
      &error));
  g_assert_no_error (error);
  dps_session_data_changed (f->session);
  wait_page (f);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->bar), "filter.set-search", "s", hostile[i]));
      wait_page (f);
      check_figures (f, "instr(lower(merchant), lower(?1)) > 0", hostile[i]);
    }
  /* The row whose merchant is an injection attempt is found by it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->bar), "filter.set-search", "s", hostile[1]));
  wait_page (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dps_transactions_page_get_model (f->page))), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->bar), "filter.clear", NULL));
  wait_page (f);
  g_assert_cmpint (sql_count (f, "1", NULL), ==, N_ROWS + 1);
  check_figures (f, "1", NULL);
}

/* Chips for what the dashboard sets too (merchants, weekdays, hours,
 * amount ranges), each removable. */
static void
test_chips (Fixture       *f,
            gconstpointer  data)
{
  DpsFilter *filter = dps_session_get_filter (f->session);
  GtkWidget *chips = find_by_name (GTK_WIDGET (f->bar), "chips_box");
  const char *merchants[] = { "Fnac", "IKEA", NULL };
  guint n = 0;

  g_assert_nonnull (chips);
  g_assert_false (gtk_widget_get_visible (chips));

  dps_filter_freeze (filter);
  dps_filter_set_merchants (filter, merchants);
  dps_filter_set_weekdays (filter, DPS_FILTER_MASK (0) | DPS_FILTER_MASK (6));
  dps_filter_set_hours (filter, DPS_FILTER_MASK (13));
  dps_filter_set_amount_buckets (filter, DPS_FILTER_MASK (DPS_AMOUNT_BUCKET_GE_500));
  dps_filter_thaw (filter);
  wait_page (f);

  g_assert_true (gtk_widget_get_visible (chips));
  for (GtkWidget *c = gtk_widget_get_first_child (chips); c != NULL; c = gtk_widget_get_next_sibling (c))
    n++;
  g_assert_cmpuint (n, ==, 6);
  check_figures (f, "merchant IN ('Fnac', 'IKEA') AND event_dow IN (0, 6) AND event_hour = 13 "
                    "AND amount_bucket = 4", NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->bar), "filter.remove", "(ss)", "merchant", "IKEA"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->bar), "filter.remove", "(ss)", "weekday", "6"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->bar), "filter.remove", "(ss)", "hour", "13"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->bar), "filter.remove", "(ss)", "amount_bucket", ">=500"));
  wait_page (f);
  g_assert_cmpstr (dps_filter_get_merchants (filter)[0], ==, "Fnac");
  g_assert_null (dps_filter_get_merchants (filter)[1]);
  g_assert_cmpuint (dps_filter_get_weekdays (filter), ==, DPS_FILTER_MASK (0));
  g_assert_cmpuint (dps_filter_get_hours (filter), ==, 0);
  g_assert_cmpuint (dps_filter_get_amount_buckets (filter), ==, 0);
  n = 0;
  for (GtkWidget *c = gtk_widget_get_first_child (chips); c != NULL; c = gtk_widget_get_next_sibling (c))
    n++;
  g_assert_cmpuint (n, ==, 2);
  check_figures (f, "merchant = 'Fnac' AND event_dow = 0", NULL);
}

/* A header click sorts through the database. */
static void
test_sort_header (Fixture       *f,
                  gconstpointer  data)
{
  GtkColumnView *view = dps_transactions_page_get_column_view (f->page);
  GListModel *columns = gtk_column_view_get_columns (view);
  GtkColumnViewColumn *amount = NULL;
  DpsTransactionModel *model = dps_transactions_page_get_model (f->page);
  DpsSort sort;

  /* Newest first to begin with. */
  dps_transaction_model_get_sort (model, &sort);
  g_assert_cmpint (sort.key, ==, DPS_SORT_EVENT_TS);
  g_assert_true (sort.descending);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), dps_column_get_title (DPS_COLUMN_AMOUNT)) == 0)
        amount = column;
    }
  g_assert_nonnull (amount);

  gtk_column_view_sort_by_column (view, amount, GTK_SORT_ASCENDING);
  wait_page (f);
  dps_transaction_model_get_sort (model, &sort);
  g_assert_cmpint (sort.key, ==, DPS_SORT_AMOUNT);
  g_assert_false (sort.descending);
  {
    g_autoptr(DpsTransactionItem) first = g_list_model_get_item (G_LIST_MODEL (model), 0);
    gint64 min = 0;
    sqlite3_stmt *stmt;

    dps_gui_test_await (dps_transaction_item_is_loaded (first));
    g_assert_cmpint (sqlite3_prepare_v2 (f->db, "SELECT min(amount_cents) FROM transactions", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    min = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
    g_assert_cmpint (dps_transaction_item_get_row (first)->tx.amount_cents, ==, min);
  }

  gtk_column_view_sort_by_column (view, amount, GTK_SORT_DESCENDING);
  wait_page (f);
  dps_transaction_model_get_sort (model, &sort);
  g_assert_cmpint (sort.key, ==, DPS_SORT_AMOUNT);
  g_assert_true (sort.descending);
}

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

/* Ctrl+C: the selected rows with a header, tab-separated, shown columns
 * in their order. */
static void
test_copy (Fixture       *f,
           gconstpointer  data)
{
  GtkColumnView *view = dps_transactions_page_get_column_view (f->page);
  GtkSelectionModel *selection = gtk_column_view_get_model (view);
  DpsTransactionModel *model = dps_transactions_page_get_model (f->page);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->page));
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  g_auto(GStrv) cells = NULL;
  g_autoptr(DpsTransactionItem) item = NULL;
  g_autofree char *amount = NULL;
  guint n_shown = 0;
  int amount_column = -1;

  gdk_clipboard_set_text (clipboard, "before");
  gtk_selection_model_select_range (selection, 3, 2, TRUE);
  gtk_selection_model_select_item (selection, 10, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "transactions.copy", NULL));

  for (;;)
    {
      g_clear_pointer (&text, g_free);
      gdk_clipboard_read_text_async (clipboard, NULL, clipboard_read_cb, &text);
      dps_gui_test_await (text != NULL);
      if (strcmp (text, "before") != 0)
        break;
      dps_gui_test_run_for (20);
    }

  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);   /* header, 3 rows, "" after the last \n */
  g_assert_cmpstr (lines[4], ==, "");
  header = g_strsplit (lines[0], "\t", -1);
  {
    GListModel *columns = gtk_column_view_get_columns (dps_transactions_page_get_column_view (f->page));

    for (guint c = 0; c < g_list_model_get_n_items (columns); c++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, c);

        if (gtk_column_view_column_get_visible (column))
          g_assert_cmpstr (header[n_shown++], ==, gtk_column_view_column_get_title (column));
      }
  }
  g_assert_cmpuint (g_strv_length (header), ==, n_shown);
  for (guint i = 0; header[i] != NULL; i++)
    if (strcmp (header[i], dps_column_get_title (DPS_COLUMN_AMOUNT)) == 0)
      amount_column = (int) i;
  g_assert_cmpint (amount_column, >=, 0);

  /* The second copied row is the item at position 4. */
  item = g_list_model_get_item (G_LIST_MODEL (model), 4);
  dps_gui_test_await (dps_transaction_item_is_loaded (item));
  cells = g_strsplit (lines[2], "\t", -1);
  amount = dps_format_amount (dps_transaction_item_get_row (item)->tx.amount_cents);
  g_assert_cmpstr (cells[amount_column], ==, amount);
}

/* New rows landing keep the rows in view and the selection. */
static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  GtkSelectionModel *selection = gtk_column_view_get_model (dps_transactions_page_get_column_view (f->page));
  DpsTransactionModel *model = dps_transactions_page_get_model (f->page);
  g_autoptr(DpsTransactionItem) selected = g_list_model_get_item (G_LIST_MODEL (model), 5);
  g_autoptr(GError) error = NULL;
  gint64 id;

  dps_gui_test_await (dps_transaction_item_is_loaded (selected));
  id = dps_transaction_item_get_row (selected)->row_id;
  gtk_selection_model_select_item (selection, 5, TRUE);

  /* Newest first: a newer row goes on top. */
  g_assert_true (dps_test_db_insert_line (f->repository,
      "{\"transaction_id\": \"99999999-2222-4333-8444-555555555555\", \"event_ts\": \"2030-01-01T00:00:00Z\", "
      "\"user_id\": 5, \"amount\": 42, \"merchant\": \"Fnac\", \"category\": \"home\", \"city\": \"Lyon\", "
      "\"status\": \"APPROVED\", \"payment_method\": \"card\"}", &error));
  g_assert_no_error (error);
  dps_session_data_changed (f->session);
  wait_page (f);

  check_figures (f, "1", NULL);
  g_assert_true (gtk_selection_model_is_selected (selection, 6));
  g_assert_false (gtk_selection_model_is_selected (selection, 5));
  {
    g_autoptr(DpsTransactionItem) moved = g_list_model_get_item (G_LIST_MODEL (model), 6);
    g_autoptr(DpsTransactionItem) top = g_list_model_get_item (G_LIST_MODEL (model), 0);

    dps_gui_test_await (dps_transaction_item_is_loaded (moved) && dps_transaction_item_is_loaded (top));
    g_assert_cmpint (dps_transaction_item_get_row (moved)->row_id, ==, id);
    g_assert_cmpint (dps_transaction_item_get_row (top)->tx.amount_cents, ==, 4200);
  }
}

/* Hidden columns and their order are kept in the settings and come back. */
static void
test_column_layout (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkColumnView *view = dps_transactions_page_get_column_view (f->page);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GtkColumnViewColumn) last = g_list_model_get_item (columns, DPS_N_COLUMNS - 1);
  g_auto(GStrv) hidden = NULL;
  g_auto(GStrv) order = NULL;
  GtkWidget *page;

  /* By default the columns derived from others are hidden. */
  for (guint i = 0; i < DPS_N_COLUMNS; i++)
    {
      static const DpsColumn derived[] = {
        DPS_COLUMN_EVENT_DATE, DPS_COLUMN_EVENT_HOUR, DPS_COLUMN_EVENT_DAYOFWEEK,
        DPS_COLUMN_AMOUNT_BUCKET, DPS_COLUMN_CURRENCY, DPS_COLUMN_INGESTED_AT,
      };
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      gboolean is_derived = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (derived); k++)
        if (g_strcmp0 (gtk_column_view_column_get_title (column), dps_column_get_title (derived[k])) == 0)
          is_derived = TRUE;
      g_assert_cmpint (gtk_column_view_column_get_visible (column), ==, !is_derived);
    }

  /* The header menu's check items: one hidden, one shown. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "columns.merchant", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "columns.currency", NULL));
  /* Dragging a header: the last column first. */
  gtk_column_view_insert_column (view, 0, last);
  dps_gui_test_run_for (500);

  hidden = g_settings_get_strv (settings, "hidden-columns");
  g_assert_true (g_strv_contains ((const char * const *) hidden, "merchant"));
  g_assert_false (g_strv_contains ((const char * const *) hidden, "currency"));
  g_assert_true (g_strv_contains ((const char * const *) hidden, "event_date"));
  order = g_settings_get_strv (settings, "column-order");
  g_assert_cmpuint (g_strv_length (order), ==, DPS_N_COLUMNS);
  g_assert_cmpstr (order[0], ==, "ingested_at");

  /* Another page reads them back. */
  page = dps_transactions_page_new (f->session);
  g_object_ref_sink (page);
  {
    GListModel *again = gtk_column_view_get_columns (dps_transactions_page_get_column_view (DPS_TRANSACTIONS_PAGE (page)));
    g_autoptr(GtkColumnViewColumn) first = g_list_model_get_item (again, 0);

    g_assert_cmpstr (gtk_column_view_column_get_title (first), ==, dps_column_get_title (DPS_COLUMN_INGESTED_AT));
    for (guint i = 0; i < DPS_N_COLUMNS; i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (again, i);

        DpsColumn c;

        for (c = 0; c < DPS_N_COLUMNS; c++)
          if (g_strcmp0 (gtk_column_view_column_get_title (column), dps_column_get_title (c)) == 0)
            break;
        g_assert_cmpint (gtk_column_view_column_get_visible (column), ==,
                         !g_strv_contains ((const char * const *) hidden, dps_column_to_string (c)));
      }
  }
  g_object_unref (page);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "transactions.reset-columns", NULL));
  dps_gui_test_run_for (400);
  g_clear_pointer (&hidden, g_strfreev);
  {
    g_autoptr(GVariant) user_value = g_settings_get_user_value (settings, "hidden-columns");
    g_autoptr(GtkColumnViewColumn) merchant = NULL;

    g_assert_null (user_value);
    for (guint i = 0; i < DPS_N_COLUMNS; i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

        if (g_strcmp0 (gtk_column_view_column_get_title (column), dps_column_get_title (DPS_COLUMN_MERCHANT)) == 0)
          g_assert_true (gtk_column_view_column_get_visible (column));
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  dps_gui_test_init (&argc, &argv);

  g_test_add ("/dps/transactions-page/filter-actions", Fixture, NULL, fixture_set_up,
              test_filter_actions, fixture_tear_down);
  g_test_add ("/dps/transactions-page/search-entry", Fixture, NULL, fixture_set_up,
              test_search_entry, fixture_tear_down);
  g_test_add ("/dps/transactions-page/hostile-search", Fixture, NULL, fixture_set_up,
              test_hostile_search, fixture_tear_down);
  g_test_add ("/dps/transactions-page/chips", Fixture, NULL, fixture_set_up,
              test_chips, fixture_tear_down);
  g_test_add ("/dps/transactions-page/sort-header", Fixture, NULL, fixture_set_up,
              test_sort_header, fixture_tear_down);
  g_test_add ("/dps/transactions-page/copy", Fixture, NULL, fixture_set_up,
              test_copy, fixture_tear_down);
  g_test_add ("/dps/transactions-page/refresh", Fixture, NULL, fixture_set_up,
              test_refresh, fixture_tear_down);
  g_test_add ("/dps/transactions-page/column-layout", Fixture, NULL, fixture_set_up,
              test_column_layout, fixture_tear_down);

  return g_test_run ();
}
