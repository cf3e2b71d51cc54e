/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "gui-test-util.h"

#define DEADLINE_SECONDS 120

static char *temporary_home;
static gboolean tap_output;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
    }
  g_remove (path);
}

static void
remove_home (void)
{
  if (temporary_home != NULL)
    remove_tree (temporary_home);
  g_clear_pointer (&temporary_home, g_free);
}

gboolean
dps_gui_test_init (int    *argc,
                   char ***argv)
{
  g_autoptr(GError) error = NULL;

  for (int i = 1; i < *argc; i++)
    if (g_strcmp0 ((*argv)[i], "--tap") == 0)
      tap_output = TRUE;

  /* File choosers write bookmarks and recent files under HOME. */
  temporary_home = g_dir_make_tmp ("dps-gui-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HOME", temporary_home, TRUE);
  g_setenv ("XDG_DATA_HOME", temporary_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", temporary_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", temporary_home, TRUE);
  atexit (remove_home);

  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    return FALSE;
  adw_init ();
  return TRUE;
}

int
dps_gui_test_skip_all (const char *reason)
{
  /* In TAP an empty plan with a reason is a skip; otherwise exit status
   * 77 says the same. */
  if (tap_output)
    {
      g_print ("1..0 # SKIP %s\n", reason);
      return 0;
    }
  g_printerr ("%s: skipped\n", reason);
  return 77;
}

void
dps_gui_test_wait (gboolean (*condition) (gpointer data),
                   gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("a condition the test waits for never came true");
      g_main_context_iteration (NULL, TRUE);
    }
}

void
dps_gui_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

const char *
dps_gui_test_artifacts_dir (void)
{
  const char *dir = g_getenv ("DPS_TEST_ARTIFACTS_DIR");

  return dir != NULL ? dir : g_get_tmp_dir ();
}

GdkTexture *
dps_gui_test_screenshot (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}
