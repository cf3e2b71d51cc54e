/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "dps-bar-chart.h"
#include "dps-chart-card.h"
#include "dps-gui-test.h"
#include "dps-heatmap-chart.h"
#include "dps-test-db.h"

typedef struct {
  char      *dir;
  GtkWidget *chart;
} Fixture;

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Result;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Amount", DPS_CHART_FORMAT_AMOUNT);

  fixture->dir = dps_test_tmpdir_new ();

  dps_chart_series_set_key_titles (series, "Category", NULL);
  dps_chart_series_add (series, "grocery", "Grocery", 1234.5);
  dps_chart_series_add (series, "travel", "Travel, \"long\" trips", 99.99);
  dps_chart_series_add (series, NULL, "Other", 0.01);
  fixture->chart = g_object_ref_sink (dps_bar_chart_new (GTK_ORIENTATION_VERTICAL));
  dps_chart_set_title (DPS_CHART (fixture->chart), "Amount by category");
  dps_chart_set_series (DPS_CHART (fixture->chart), series);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  dps_test_tmpdir_remove (fixture->dir);
  g_free (fixture->dir);
  g_clear_object (&fixture->chart);
}

static void
export_finished_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Result *r = user_data;

  r->ok = dps_chart_export_finish (DPS_CHART (object), result, &r->error);
  r->done = TRUE;
}

static gboolean
export (GtkWidget             *chart,
        DpsChartExportFormat   format,
        const char            *path,
        int                    width,
        int                    height,
        GError               **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Result r = { 0 };

  dps_chart_export_async (DPS_CHART (chart), format, file, width, height, NULL, export_finished_cb, &r);
  dps_gui_test_await (r.done);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

/* Only the files the test expects: no temporary leftovers. */
static void
assert_dir_holds (const char *dir,
                  const char *only)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (only == NULL)
        g_assert_not_reached ();
      g_assert_cmpstr (name, ==, only);
      n++;
    }
  g_assert_cmpuint (n, ==, only != NULL ? 1 : 0);
}

static void
test_png (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "chart.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_assert_true (export (fixture->chart, DPS_CHART_EXPORT_PNG, path, 1600, 900, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 1600);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 900);
  assert_dir_holds (fixture->dir, "chart.png");
}

static void
svg_start_element (GMarkupParseContext  *context,
                   const char           *element,
                   const char          **names,
                   const char          **values,
                   gpointer              user_data,
                   GError              **error)
{
  GHashTable *seen = user_data;

  if (g_hash_table_size (seen) == 0)
    {
      g_assert_cmpstr (element, ==, "svg");
      for (guint i = 0; names[i] != NULL; i++)
        g_hash_table_insert (seen, g_strdup (names[i]), g_strdup (values[i]));
      g_hash_table_insert (seen, g_strdup ("#root"), g_strdup (element));
    }
  else
    g_hash_table_insert (seen, g_strdup_printf ("#%s", element), g_strdup (""));
}

static void
test_svg (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "chart.svg", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GMarkupParser parser = { svg_start_element, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;

  g_assert_true (export (fixture->chart, DPS_CHART_EXPORT_SVG, path, 800, 450, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);

  /* Well-formed XML with an svg root of the asked size, and shapes. */
  context = g_markup_parse_context_new (&parser, 0, seen, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (seen, "#root"), ==, "svg");
  g_assert_cmpstr (g_hash_table_lookup (seen, "width"), ==, "800pt");
  g_assert_cmpstr (g_hash_table_lookup (seen, "height"), ==, "450pt");
  g_assert_true (g_hash_table_contains (seen, "#path"));
  assert_dir_holds (fixture->dir, "chart.svg");
}

static void
test_pdf (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "chart.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  gsize length;

  g_assert_true (export (fixture->chart, DPS_CHART_EXPORT_PDF, path, 800, 450, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 100);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_nonnull (g_strrstr_len (contents + length - MIN (length, 32), MIN (length, 32), "%%EOF"));

  if (pdfinfo != NULL)
    {
      const char *argv[] = { pdfinfo, path, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                   &out, &err, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, &error));
      g_assert_no_error (error);
      g_assert_nonnull (strstr (out, "Pages:"));
      g_assert_nonnull (strstr (out, "800 x 450 pts"));
      g_assert_nonnull (strstr (out, "Amount by category"));
    }
  else
    g_test_message ("pdfinfo not found: only the header and trailer were checked");
  assert_dir_holds (fixture->dir, "chart.pdf");
}

static void
test_csv (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "data.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (export (fixture->chart, DPS_CHART_EXPORT_CSV, path, 0, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==,
                   "Category,Label,Amount\r\n"
                   "grocery,Grocery,1234.50\r\n"
                   "travel,\"Travel, \"\"long\"\" trips\",99.99\r\n"
                   ",Other,0.01\r\n");
}

static void
test_csv_two_keys (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "cells.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GtkWidget) heatmap = g_object_ref_sink (dps_heatmap_chart_new ());
  g_autoptr(DpsChartSeries) series = dps_chart_series_new ("Transactions", DPS_CHART_FORMAT_COUNT);

  dps_chart_series_set_key_titles (series, "Weekday", "Hour");
  dps_chart_series_add_full (series, "0", "13", "Monday", "13:00", 42, 0);
  dps_chart_series_add_full (series, "6", "0", "Sunday", "0:00", 7, 0);
  dps_chart_set_series (DPS_CHART (heatmap), series);

  g_assert_true (export (heatmap, DPS_CHART_EXPORT_CSV, path, 0, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==,
                   "Weekday,Hour,Label,Second Label,Transactions\r\n"
                   "0,13,Monday,13:00,42\r\n"
                   "6,0,Sunday,0:00,7\r\n");
}

static void
test_replaces_existing (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "chart.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_assert_true (g_file_set_contents (path, "not a picture", -1, &error));
  g_assert_true (export (fixture->chart, DPS_CHART_EXPORT_PNG, path, 320, 200, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 320);
  assert_dir_holds (fixture->dir, "chart.png");
}

static void
test_failure_leaves_nothing (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", "chart.pdf", NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "chart.png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (export (fixture->chart, DPS_CHART_EXPORT_PDF, missing, 800, 450, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (export (fixture->chart, DPS_CHART_EXPORT_PNG, path, 0, 450, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_dir_holds (fixture->dir, NULL);
}

static void
test_card_file_names (void)
{
  g_autoptr(GtkWidget) card = NULL;
  GtkWidget *chart = dps_bar_chart_new (GTK_ORIENTATION_VERTICAL);
  g_autofree char *png = NULL;
  g_autofree char *csv = NULL;

  card = g_object_ref_sink (dps_chart_card_new ("Amount by Category", DPS_CHART (chart)));
  png = dps_chart_card_dup_file_name (DPS_CHART_CARD (card), DPS_CHART_EXPORT_PNG);
  g_assert_cmpstr (png, ==, "Amount by Category.png");
  g_assert_cmpstr (dps_chart_get_title (DPS_CHART (chart)), ==, "Amount by Category");
  g_assert_true (dps_chart_card_get_chart (DPS_CHART_CARD (card)) == DPS_CHART (chart));

  dps_chart_card_set_title (DPS_CHART_CARD (card), "Sales/Returns: 2026?");
  csv = dps_chart_card_dup_file_name (DPS_CHART_CARD (card), DPS_CHART_EXPORT_CSV);
  g_assert_cmpstr (csv, ==, "Sales-Returns- 2026-.csv");
  g_assert_cmpstr (dps_chart_get_title (DPS_CHART (chart)), ==, "Sales/Returns: 2026?");
}

/* Waits until the dialog is hidden or destroyed. */
static void
wait_closed (GtkWidget *dialog)
{
  GtkWidget *watched = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &watched);
  dps_gui_test_await (watched == NULL || !gtk_widget_get_visible (watched));
  if (watched != NULL)
    g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &watched);
}

/* Clicks the dialog's button that reads @label, as a person would. */
static void
click_button (GtkWidget  *dialog,
              const char *label)
{
  for (guint i = 0; ; i++)
    {
      GtkWidget *button = dps_gui_test_find_nth_widget (dialog, GTK_TYPE_BUTTON, i);

      g_assert_nonnull (button);
      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0)
        {
          gtk_widget_activate (button);
          return;
        }
    }
}

/* Opens the card's export menu item and answers the size dialog. */
static GtkWidget *
open_chooser (GtkWidget  *card,
              const char *format,
              int         width,
              int         height)
{
  GtkWidget *size_dialog, *chooser;
  GtkWidget *width_spin, *height_spin;

  g_assert_true (gtk_widget_activate_action (card, "card.export", "s", format));
  if (strcmp (format, "csv") != 0)
    {
      size_dialog = GTK_WIDGET (dps_gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG));
      width_spin = dps_gui_test_find_nth_widget (size_dialog, GTK_TYPE_SPIN_BUTTON, 0);
      height_spin = dps_gui_test_find_nth_widget (size_dialog, GTK_TYPE_SPIN_BUTTON, 1);
      g_assert_nonnull (width_spin);
      g_assert_nonnull (height_spin);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (width_spin), width);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (height_spin), height);
      click_button (size_dialog, "_Choose File…");
      wait_closed (size_dialog);
    }
  chooser = GTK_WIDGET (dps_gui_test_wait_for_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SAVE);
  return chooser;
}

/* The menu's way: the size dialog (default size offered, the last size
 * chosen offered again), then the file chooser in save mode with a name
 * made of the title; cancelling writes nothing. What an accepted export
 * writes is what the tests above check. */
static void
test_card_export_flow (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *card, *window, *chooser, *spin, *size_dialog;

  card = dps_chart_card_new ("Amount by Category", DPS_CHART (fixture->chart));
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), card);
  gtk_window_present (GTK_WINDOW (window));

  /* The default size first. */
  g_assert_true (gtk_widget_activate_action (card, "card.export", "s", "pdf"));
  size_dialog = GTK_WIDGET (dps_gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  spin = dps_gui_test_find_nth_widget (size_dialog, GTK_TYPE_SPIN_BUTTON, 0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 1600);
  spin = dps_gui_test_find_nth_widget (size_dialog, GTK_TYPE_SPIN_BUTTON, 1);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 900);
  click_button (size_dialog, "_Cancel");
  wait_closed (size_dialog);

  /* Cancelled in the chooser: nothing written. */
  chooser = open_chooser (card, "pdf", 800, 450);
  g_assert_cmpstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser)), ==,
                   "Amount by Category.pdf");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  dps_gui_test_drain ();
  assert_dir_holds (fixture->dir, NULL);

  /* Another format and size: the name follows the format. */
  chooser = open_chooser (card, "svg", 640, 360);
  g_assert_cmpstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser)), ==,
                   "Amount by Category.svg");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  dps_gui_test_drain ();

  /* Data needs no size: straight to the chooser. */
  chooser = open_chooser (card, "csv", 0, 0);
  g_assert_cmpstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser)), ==,
                   "Amount by Category.csv");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  dps_gui_test_drain ();
  assert_dir_holds (fixture->dir, NULL);

  /* The size chosen is offered again. */
  g_assert_true (gtk_widget_activate_action (card, "card.export", "s", "png"));
  size_dialog = GTK_WIDGET (dps_gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  spin = dps_gui_test_find_nth_widget (size_dialog, GTK_TYPE_SPIN_BUTTON, 0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 640);
  click_button (size_dialog, "_Cancel");

  gtk_window_destroy (GTK_WINDOW (window));
  dps_gui_test_drain ();
}

int
main (int    argc,
      char **argv)
{
  dps_gui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/dps/chart-export/png", test_png);
  ADD ("/dps/chart-export/svg", test_svg);
  ADD ("/dps/chart-export/pdf", test_pdf);
  ADD ("/dps/chart-export/csv", test_csv);
  ADD ("/dps/chart-export/csv-two-keys", test_csv_two_keys);
  ADD ("/dps/chart-export/replaces-existing", test_replaces_existing);
  ADD ("/dps/chart-export/failure-leaves-nothing", test_failure_leaves_nothing);
  ADD ("/dps/chart-export/card-flow", test_card_export_flow);
#undef ADD
  g_test_add_func ("/dps/chart-export/card-file-names", test_card_file_names);

  return g_test_run ();
}
