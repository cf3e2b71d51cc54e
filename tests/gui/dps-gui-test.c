/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dps-application.h"
#include "dps-dialogs.h"
#include "dps-gui-test.h"

static char *tmpdir;
static GSubprocess *xvfb;
static GApplication *application;
static guint tmp_counter;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
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
  if (xvfb != NULL)
    {
      g_subprocess_force_exit (xvfb);
      g_subprocess_wait (xvfb, NULL, NULL);
      g_clear_object (&xvfb);
    }
  if (tmpdir != NULL && g_getenv ("DPS_TEST_KEEP_TMPDIR") == NULL)
    remove_tree (tmpdir);
}

/* An Xvfb of our own, told to write its display number to a pipe. */
static gboolean
start_xvfb (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("Xvfb");
  char buffer[32] = { 0 };
  gsize filled = 0;
  int fds[2];

  if (program == NULL || pipe (fds) != 0)
    return FALSE;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  xvfb = g_subprocess_launcher_spawn (launcher, &error, program, "-displayfd", "3",
                                      "-screen", "0", "1280x1024x24", "-nolisten", "tcp", NULL);
  g_clear_object (&launcher);   /* closes our copy of the write end */
  if (xvfb == NULL)
    {
      close (fds[0]);
      return FALSE;
    }
  while (filled < sizeof buffer - 1)
    {
      gssize n = read (fds[0], buffer + filled, sizeof buffer - 1 - filled);

      if (n <= 0)
        break;
      filled += (gsize) n;
      if (memchr (buffer, '\n', filled) != NULL)
        break;
    }
  close (fds[0]);
  g_strstrip (buffer);
  if (buffer[0] == '\0')
    return FALSE;
  {
    g_autofree char *display = g_strdup_printf (":%s", buffer);

    g_setenv ("DISPLAY", display, TRUE);
  }
  return TRUE;
}

void
dps_gui_test_setup_environment (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  g_autofree char *runtime = NULL;

  tmpdir = g_dir_make_tmp ("dps-gui-test-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (cleanup);

  home = g_build_filename (tmpdir, "home", NULL);
  runtime = g_build_filename (tmpdir, "runtime", NULL);
  g_mkdir_with_parents (home, 0700);
  g_mkdir_with_parents (runtime, 0700);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  {
    g_autofree char *data = g_build_filename (home, ".local", "share", NULL);
    g_autofree char *config = g_build_filename (home, ".config", NULL);
    g_autofree char *cache = g_build_filename (home, ".cache", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "disabled:", TRUE);
  g_unsetenv ("WAYLAND_DISPLAY");

  if (g_getenv ("DISPLAY") == NULL && !start_xvfb ())
    {
      g_printerr ("No display and no Xvfb: skipped\n");
      exit (77);
    }
}

void
dps_gui_test_init (int    *argc,
                   char ***argv)
{
  const char *localedir = g_getenv ("DPS_TEST_LOCALEDIR");

  dps_gui_test_setup_environment ();

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* Screenshots and assertions see the end of transitions, not their middle. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

const char *
dps_gui_test_get_tmpdir (void)
{
  return tmpdir;
}

char *
dps_gui_test_tmp_path (const char *name)
{
  g_autofree char *unique = g_strdup_printf ("%u-%s", ++tmp_counter, name);

  return g_build_filename (tmpdir, unique, NULL);
}

void
dps_gui_test_append (const char *path,
                     const char *text,
                     gssize      length)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (stream), text,
                                            length < 0 ? strlen (text) : (gsize) length,
                                            NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error));
  g_assert_no_error (error);
}

static void
session_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;

  if (dps_session_open_finish (DPS_SESSION (object), result, error))
    *error = (GError *) 1;   /* done, no error */
  g_assert_nonnull (*error);
}

static gboolean
pointer_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

DpsSession *
dps_gui_test_open_session (const char *name)
{
  g_autoptr(DpsSession) session = dps_session_new ();
  g_autofree char *path = dps_gui_test_tmp_path (name);
  g_autofree char *uri = g_strconcat ("sqlite://", path, NULL);
  GError *error = NULL;

  dps_session_open_async (session, uri, TRUE, NULL, session_opened_cb, &error);
  g_assert_true (dps_gui_test_wait_until (pointer_set, &error, 60000));
  if (error != (GError *) 1)
    g_error ("Could not open %s: %s", uri, error->message);
  return g_steal_pointer (&session);
}

GApplication *
dps_gui_test_get_application (void)
{
  g_autoptr(GError) error = NULL;

  if (application != NULL)
    return application;
  application = G_APPLICATION (dps_application_new ());
  g_application_set_flags (application,
                           g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
  g_application_register (application, NULL, &error);
  g_assert_no_error (error);
  /* Windows come and go between tests: the application stays. */
  g_application_hold (application);
  return application;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
dps_gui_test_wait_until (DpsGuiTestCondition condition,
                         gpointer            user_data,
                         guint               timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);
  guint tick_id = g_timeout_add (10, tick_cb, NULL);
  gboolean holds;

  while (!(holds = condition (user_data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  g_source_remove (tick_id);
  return holds;
}

void
dps_gui_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

gboolean
dps_gui_test_wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;
  gboolean ok;

  if (!dps_gui_test_wait_until ((DpsGuiTestCondition) gtk_widget_get_mapped, widget, 10000))
    return FALSE;
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  ok = dps_gui_test_wait_until (flag_set, &painted, 10000);
  g_signal_handler_disconnect (clock, id);
  return ok;
}

void
dps_gui_test_show_window (GtkWindow *window)
{
  gtk_window_present (window);
  g_assert_true (dps_gui_test_wait_for_frame (GTK_WIDGET (window)));
}

GtkWindow *
dps_gui_test_show_in_window (GtkWidget *child,
                             int        width,
                             int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  dps_gui_test_show_window (GTK_WINDOW (window));
  dps_gui_test_drain ();
  return GTK_WINDOW (window);
}

void
dps_gui_test_set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  dps_gui_test_drain ();
}

char *
dps_gui_test_save_screenshot (GtkWidget  *widget,
                              const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  const char *dir = g_getenv ("DPS_TEST_ARTIFACT_DIR");
  g_autofree char *folder = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  char *path;
  int width, height;

  folder = dir != NULL ? g_strdup (dir) : g_build_filename (tmpdir, "screenshots", NULL);
  g_mkdir_with_parents (folder, 0755);
  path = g_build_filename (folder, file, NULL);

  g_assert_true (dps_gui_test_wait_for_frame (widget));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  /* A view alone has no background of its own: the window's, opaque. */
  {
    GdkRGBA background;

    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &background))
      gdk_rgba_parse (&background, "#fafafa");
    G_GNUC_END_IGNORE_DEPRECATIONS
    background.alpha = 1;
    gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  }
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

static void
collect (GtkWidget *widget,
         GPtrArray *labels)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, labels);
}

GPtrArray *
dps_gui_test_collect_labels (GtkWidget *root)
{
  GPtrArray *labels = g_ptr_array_new ();

  collect (root, labels);
  return labels;
}

GtkLabel *
dps_gui_test_find_label (GtkWidget  *root,
                         const char *needle)
{
  g_autoptr(GPtrArray) labels = dps_gui_test_collect_labels (root);

  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), needle) != NULL)
      return g_ptr_array_index (labels, i);
  return NULL;
}

GtkWidget *
dps_gui_test_find_widget (GtkWidget *root,
                          GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = dps_gui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_dialog_under (GtkWidget *widget)
{
  if (dps_dialogs_get_heading (widget) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_dialog_under (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
dps_gui_test_find_message_dialog (void)
{
  g_autoptr(GListModel) toplevels = gtk_window_get_toplevels ();

  g_object_ref (toplevels);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      GtkWidget *found;

      if (!gtk_widget_get_visible (window))
        continue;
      found = find_dialog_under (window);
      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWindow *
dps_gui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

void
dps_gui_test_close_other_toplevels (GtkWindow *keep)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *window = g_list_model_get_item (toplevels, i);

      if (window != keep && gtk_widget_get_visible (GTK_WIDGET (window)))
        g_ptr_array_add (doomed, window);
      else
        g_object_unref (window);
    }
  for (guint i = 0; i < doomed->len; i++)
    gtk_window_destroy (g_ptr_array_index (doomed, i));
  dps_gui_test_drain ();
}
