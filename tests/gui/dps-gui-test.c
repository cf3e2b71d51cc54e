/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dps-application.h"
#include "dps-dashboard-page.h"
#include "dps-dialogs.h"
#include "dps-gui-test.h"
#include "dps-test-db.h"
#include "dps-transactions-page.h"
#include "dps-window.h"

/* Reference images: how far a channel may stray, and the share of
 * pixels that may stray further. */
#define PIXEL_TOLERANCE 64
#define MAX_DIFFERING_RATIO 0.02

static char *tmpdir;
static char *artifact_dir;
static GSubprocess *xvfb;
static GApplication *application;
static guint tmp_counter;
static gboolean tap_output;

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
    dps_test_tmpdir_remove (tmpdir);
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
}

/* The environment and a display; FALSE when there is none to be had. */
static gboolean
set_up_display (void)
{
  dps_gui_test_setup_environment ();
  return g_getenv ("DISPLAY") != NULL || start_xvfb ();
}

static void
bind_translations (void)
{
  const char *localedir = g_getenv ("DPS_TEST_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static void
skip_all (const char *reason)
{
  /* In TAP an empty plan with a reason is a skip (meson reads exit
   * status 77 as an error there); run by hand, status 77 says it. */
  if (tap_output)
    {
      g_print ("1..0 # SKIP %s\n", reason);
      exit (0);
    }
  g_printerr ("%s: skipped\n", reason);
  exit (77);
}

void
dps_gui_test_init (int    *argc,
                   char ***argv)
{
  for (int i = 1; i < *argc; i++)
    if (g_strcmp0 ((*argv)[i], "--tap") == 0)
      tap_output = TRUE;

  if (!set_up_display ())
    skip_all ("no display and no Xvfb");
  bind_translations ();

  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* Screenshots and assertions see the end of transitions, not their middle. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

gboolean
dps_gui_test_init_for_bench (void)
{
  if (!set_up_display () || !gtk_init_check ())
    return FALSE;
  bind_translations ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  return TRUE;
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

const char *
dps_gui_test_get_artifact_dir (void)
{
  if (artifact_dir == NULL)
    {
      const char *dir = g_getenv ("DPS_TEST_ARTIFACT_DIR");

      artifact_dir = dir != NULL && *dir != '\0' ? g_strdup (dir) : g_build_filename (tmpdir, "screenshots", NULL);
      g_mkdir_with_parents (artifact_dir, 0755);
    }
  return artifact_dir;
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
dps_gui_test_open_session_at (const char *path)
{
  g_autoptr(DpsSession) session = dps_session_new ();
  g_autofree char *uri = dps_test_db_uri (path);
  GError *error = NULL;

  dps_session_open_async (session, uri, TRUE, NULL, session_opened_cb, &error);
  g_assert_true (dps_gui_test_wait_until (pointer_set, &error, DPS_GUI_TEST_TIMEOUT_MS));
  if (error != (GError *) 1)
    g_error ("Could not open %s: %s", uri, error->message);
  return g_steal_pointer (&session);
}

DpsSession *
dps_gui_test_open_session (const char *name)
{
  g_autofree char *path = dps_gui_test_tmp_path (name);

  return dps_gui_test_open_session_at (path);
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
left_loading (gpointer user_data)
{
  return g_strcmp0 (dps_window_get_content_state (user_data), "loading") != 0;
}

DpsWindow *
dps_gui_test_open_window (const char *path)
{
  g_autoptr(DpsWindow) window = NULL;
  g_autofree char *uri = dps_test_db_uri (path);

  window = g_object_ref_sink (dps_window_new (ADW_APPLICATION (dps_gui_test_get_application ())));
  dps_window_open_database (window, uri, TRUE, FALSE);
  dps_gui_test_show_window (GTK_WINDOW (window));
  g_assert_true (dps_gui_test_wait_until (left_loading, window, DPS_GUI_TEST_TIMEOUT_MS));
  return g_steal_pointer (&window);
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
dps_gui_test_iterate_before (gint64      deadline,
                             const char *what)
{
  guint tick_id;

  if (g_get_monotonic_time () > deadline)
    g_error ("Waited %u s in vain for %s", DPS_GUI_TEST_TIMEOUT_MS / 1000, what);
  tick_id = g_timeout_add (10, tick_cb, NULL);
  g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);
}

void
dps_gui_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
dps_gui_test_run_for (guint ms)
{
  gboolean timed_out = FALSE;

  /* The source goes when it fires. */
  g_timeout_add (ms, timed_out_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
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

  /* The view alone, without a title bar. */
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  dps_gui_test_show_window (GTK_WINDOW (window));
  dps_gui_test_drain ();
  return GTK_WINDOW (window);
}

gboolean
dps_gui_test_dashboard_settled (gpointer page)
{
  DpsDashboardData *shown = dps_dashboard_page_get_data (page);

  return shown != NULL && !dps_dashboard_page_get_refreshing (page) &&
         dps_filter_equal (dps_dashboard_data_get_filter (shown),
                           dps_session_get_filter (dps_dashboard_page_get_session (page)));
}

gboolean
dps_gui_test_transactions_settled (gpointer page)
{
  DpsTransactionModel *model = dps_transactions_page_get_model (page);

  return model != NULL && dps_transaction_model_is_counted (model) && !dps_transactions_page_is_busy (page);
}

void
dps_gui_test_set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  dps_gui_test_drain ();
}

GdkTexture *
dps_gui_test_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  GdkRGBA background;
  int width, height;

  g_assert_true (dps_gui_test_wait_for_frame (widget));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  /* A view alone has no background of its own: the window's, opaque. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &background))
    gdk_rgba_parse (&background, "#fafafa");
  G_GNUC_END_IGNORE_DEPRECATIONS
  background.alpha = 1;
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

char *
dps_gui_test_save_texture (GdkTexture *texture,
                           const char *name)
{
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  char *path = g_build_filename (dps_gui_test_get_artifact_dir (), file, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

char *
dps_gui_test_save_screenshot (GtkWidget  *widget,
                              const char *name)
{
  g_autoptr(GdkTexture) texture = dps_gui_test_render (widget);

  return dps_gui_test_save_texture (texture, name);
}

DpsGuiTestPixel
dps_gui_test_pixel_at (cairo_surface_t *surface,
                       int              x,
                       int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 value;
  DpsGuiTestPixel p;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  memcpy (&value, data + (gsize) y * stride + (gsize) x * 4, 4);
  p.a = value >> 24;
  p.r = (value >> 16) & 0xff;
  p.g = (value >> 8) & 0xff;
  p.b = value & 0xff;
  return p;
}

int
dps_gui_test_pixel_distance (DpsGuiTestPixel a,
                             DpsGuiTestPixel b)
{
  return MAX (MAX (ABS (a.r - b.r), ABS (a.g - b.g)), MAX (ABS (a.b - b.b), ABS (a.a - b.a)));
}

void
dps_gui_test_assert_reference (cairo_surface_t *surface,
                               const char      *name)
{
  const char *dir = g_getenv ("DPS_REFERENCE_DIR");
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = NULL;
  cairo_surface_t *reference;
  int width, height, differing = 0;
  double ratio;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, file, NULL);

  if (g_strcmp0 (g_getenv ("DPS_UPDATE_REFERENCES"), "1") == 0)
    {
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
      g_test_message ("wrote %s", path);
      return;
    }

  reference = cairo_image_surface_create_from_png (path);
  if (cairo_surface_status (reference) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (reference);
      g_test_fail_printf ("no reference image %s: run the test with DPS_UPDATE_REFERENCES=1", path);
      return;
    }
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  g_assert_cmpint (cairo_image_surface_get_width (reference), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (reference), ==, height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (dps_gui_test_pixel_distance (dps_gui_test_pixel_at (surface, x, y),
                                       dps_gui_test_pixel_at (reference, x, y)) > PIXEL_TOLERANCE)
        differing++;
  ratio = (double) differing / (width * height);
  g_test_message ("%s: %.3f%% of pixels differ from the reference", name, ratio * 100);
  if (ratio > MAX_DIFFERING_RATIO)
    {
      g_autofree char *actual_file = g_strconcat (name, "-actual.png", NULL);
      g_autofree char *actual = g_build_filename (dps_gui_test_get_artifact_dir (), actual_file, NULL);

      cairo_surface_write_to_png (surface, actual);
      g_test_fail_printf ("%s differs from %s in %.2f%% of its pixels (see %s)",
                          name, path, ratio * 100, actual);
    }
  cairo_surface_destroy (reference);
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

static GtkWidget *
find_nth (GtkWidget *widget,
          GType      type,
          guint     *skip)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      if (*skip == 0)
        return widget;
      (*skip)--;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_nth (child, type, skip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
dps_gui_test_find_nth_widget (GtkWidget *root,
                              GType      type,
                              guint      n)
{
  return find_nth (root, type, &n);
}

GtkWidget *
dps_gui_test_find_widget (GtkWidget *root,
                          GType      type)
{
  return dps_gui_test_find_nth_widget (root, type, 0);
}

GtkWidget *
dps_gui_test_find_row (GtkWidget  *root,
                       GType       type,
                       const char *title,
                       gboolean    mapped_only)
{
  g_return_val_if_fail (g_type_is_a (type, ADW_TYPE_PREFERENCES_ROW), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (!mapped_only || gtk_widget_get_mapped (child)) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        return child;
      found = dps_gui_test_find_row (child, type, title, mapped_only);
      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct {
  GtkWidget  *root;
  const char *needle;
} LabelSearch;

static gboolean
label_shown (gpointer user_data)
{
  LabelSearch *search = user_data;

  return dps_gui_test_find_label (search->root, search->needle) != NULL;
}

GtkLabel *
dps_gui_test_wait_for_label (GtkWidget  *root,
                             const char *needle)
{
  LabelSearch search = { root, needle };

  if (!dps_gui_test_wait_until (label_shown, &search, DPS_GUI_TEST_TIMEOUT_MS))
    {
      g_autoptr(GPtrArray) labels = dps_gui_test_collect_labels (root);

      for (guint i = 0; i < labels->len; i++)
        g_test_message ("label: %s", gtk_label_get_text (g_ptr_array_index (labels, i)));
      g_error ("No label with “%s” was shown", needle);
    }
  return dps_gui_test_find_label (root, needle);
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

static gboolean
toplevel_shown (gpointer user_data)
{
  return dps_gui_test_find_toplevel (GPOINTER_TO_SIZE (user_data)) != NULL;
}

GtkWindow *
dps_gui_test_wait_for_toplevel (GType type)
{
  if (!dps_gui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (type), DPS_GUI_TEST_TIMEOUT_MS))
    g_error ("No window of type %s was shown", g_type_name (type));
  return dps_gui_test_find_toplevel (type);
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
