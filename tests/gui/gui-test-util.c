/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "gui-test-util.h"

static char *tmpdir;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
cleanup (void)
{
  if (tmpdir != NULL && g_getenv ("DPS_TEST_KEEP") == NULL)
    remove_tree (tmpdir);
}

void
gui_test_init (int    *argc,
               char ***argv)
{
  g_autofree char *home = NULL;

  tmpdir = g_dir_make_tmp ("dps-gui-test-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  atexit (cleanup);

  /* File choosers and GSettings write under HOME: keep them in here. */
  home = g_build_filename (tmpdir, "home", NULL);
  g_mkdir_with_parents (home, 0700);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

const char *
gui_test_get_tmpdir (void)
{
  return tmpdir;
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;

  if (!dps_session_open_finish (DPS_SESSION (object), result, error))
    g_assert_nonnull (*error);
  else
    *error = (GError *) 1;   /* done, no error */
}

static gboolean
pointer_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

DpsSession *
gui_test_open_session (const char *name)
{
  g_autoptr(DpsSession) session = dps_session_new ();
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree char *uri = g_strconcat ("sqlite://", path, NULL);
  GError *error = NULL;

  dps_session_open_async (session, uri, TRUE, NULL, opened_cb, &error);
  g_assert_true (gui_test_wait_until (pointer_set, &error, 60));
  if (error != (GError *) 1)
    g_error ("Could not open %s: %s", uri, error->message);
  return g_steal_pointer (&session);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
gui_test_wait_until (GuiTestCondition condition,
                     gpointer         user_data,
                     guint            timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, tick_cb, NULL);
  gboolean met;

  while (!(met = condition (user_data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return met;
}

static gboolean
painted_cb (gpointer user_data)
{
  return *(int *) user_data >= 3;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  int *frames = user_data;

  if (++(*frames) < 3)
    gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

void
gui_test_settle (GtkWidget *widget)
{
  GdkFrameClock *clock;
  int frames = 0;
  gulong id;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  clock = gtk_widget_get_frame_clock (widget);
  if (clock == NULL)
    return;
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &frames);
  gtk_widget_queue_draw (widget);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
  gui_test_wait_until (painted_cb, &frames, 20);
  g_signal_handler_disconnect (clock, id);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

GtkWindow *
gui_test_show_in_window (GtkWidget *child,
                         int        width,
                         int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_settle (child);
  return GTK_WINDOW (window);
}

char *
gui_test_screenshot (GtkWidget  *widget,
                     const char *name)
{
  const char *folder = g_getenv ("DPS_TEST_ARTIFACTS");
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  char *path;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width, height;

  gui_test_settle (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  if (folder == NULL)
    folder = ".";
  g_mkdir_with_parents (folder, 0755);
  path = g_build_filename (folder, file, NULL);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  /* An opaque background, as the window draws behind the page. */
  {
    GdkRGBA background;
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &background))
      gdk_rgba_parse (&background, "#fafafa");
    G_GNUC_END_IGNORE_DEPRECATIONS
    gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  }
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

void
gui_test_set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

void
gui_test_append (const char *path,
                 const char *text,
                 gssize      length)
{
  FILE *file = fopen (path, "ab");

  g_assert_nonnull (file);
  if (length < 0)
    length = (gssize) strlen (text);
  g_assert_cmpuint (fwrite (text, 1, (size_t) length, file), ==, (size_t) length);
  g_assert_cmpint (fclose (file), ==, 0);
}
