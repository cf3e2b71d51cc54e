/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Screenshots of the four views, in light and dark style, of a window on
 * a real database: the images of the AppStream metainfo and of the
 * documentation.
 *
 *   make-screenshots DATABASE [OUTPUT_DIR]
 *
 * DATABASE is a SQLite file; it is written to (the Pipeline view runs the
 * live generator at 1,000 events/s for a few seconds), so give a copy.
 * Images go to OUTPUT_DIR (default: the artifact folder) as
 * VIEW.png (light) and VIEW-dark.png. Needs a display (xvfb-run -a). */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include "dps-gui-test.h"

#define WIDTH 1280
#define HEIGHT 860
#define LIVE_SECONDS 6

static const char *const views[] = { "dashboard", "transactions", "quality", "pipeline" };

static gboolean
view_settled (DpsWindow  *window,
              const char *view)
{
  GtkWidget *page = dps_window_get_page_content (window, view);

  if (g_str_equal (view, "dashboard"))
    return dps_gui_test_wait_until (dps_gui_test_dashboard_settled, page, 120000);
  if (g_str_equal (view, "transactions"))
    return dps_gui_test_wait_until (dps_gui_test_transactions_settled, page, 120000);
  /* The other views read in the background and show what they have
   * within a second or two. */
  dps_gui_test_run_for (2500);
  return TRUE;
}

static void
set_dark (gboolean dark)
{
  g_action_group_activate_action (G_ACTION_GROUP (dps_gui_test_get_application ()), "color-scheme",
                                  g_variant_new_string (dark ? "dark" : "light"));
  dps_gui_test_drain ();
}

int
main (int    argc,
      char **argv)
{
  DpsWindow *window;
  GtkWidget *pipeline;

  if (argc < 2 || argc > 3)
    {
      g_printerr ("usage: %s DATABASE [OUTPUT_DIR]\n", argv[0]);
      return 2;
    }
  if (argc == 3)
    {
      g_mkdir_with_parents (argv[2], 0755);
      g_setenv ("DPS_TEST_ARTIFACT_DIR", argv[2], TRUE);
    }
  if (!dps_gui_test_init_for_bench ())
    {
      g_printerr ("no display: run under xvfb-run -a\n");
      return 77;
    }

  window = dps_gui_test_open_window (argv[1]);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  dps_gui_test_show_window (GTK_WINDOW (window));

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autofree char *light = g_strdup (views[i]);
      g_autofree char *dark = g_strdup_printf ("%s-dark", views[i]);

      g_action_group_activate_action (G_ACTION_GROUP (window), "show-view", g_variant_new_string (views[i]));
      if (g_str_equal (views[i], "pipeline"))
        {
          g_autoptr(GSettings) settings = g_settings_new (APP_ID);

          g_settings_set_double (settings, "generator-rate", 1000.0);
          pipeline = dps_window_get_page_content (window, "pipeline");
          if (!gtk_widget_activate_action (pipeline, "pipeline.start-generator", NULL))
            g_printerr ("the live generator could not start\n");
          dps_gui_test_run_for (LIVE_SECONDS * 1000);
        }
      if (!view_settled (window, views[i]))
        g_printerr ("%s: still loading after two minutes\n", views[i]);
      set_dark (FALSE);
      g_free (dps_gui_test_save_screenshot (GTK_WIDGET (window), light));
      set_dark (TRUE);
      g_free (dps_gui_test_save_screenshot (GTK_WIDGET (window), dark));
      set_dark (FALSE);
    }

  pipeline = dps_window_get_page_content (window, "pipeline");
  gtk_widget_activate_action (pipeline, "pipeline.stop", NULL);
  dps_gui_test_run_for (2000);
  g_print ("screenshots in %s\n", dps_gui_test_get_artifact_dir ());
  gtk_window_destroy (GTK_WINDOW (window));
  return EXIT_SUCCESS;
}
