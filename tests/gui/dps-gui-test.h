/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-session.h"
#include "dps-window.h"

G_BEGIN_DECLS

/* A harness for GUI tests: a private HOME and data folders, in-memory
 * settings, the build's compiled schema and translations, a display (the
 * one given, or an Xvfb of its own), and helpers to build windows without
 * running the application, wait for frames and conditions, find what a
 * window shows and save screenshots as test artifacts. */

/* Call first in main(), instead of g_test_init(). When no display can
 * be had, every test is skipped: a TAP plan of none with --tap (as meson
 * runs them), exit status 77 otherwise. */
void         dps_gui_test_init              (int          *argc,
                                             char       ***argv);
/* For benchmarks: the same folders, environment and display, GTK and
 * libadwaita, without GTest. FALSE, GTK left alone, when no display can
 * be had. */
gboolean     dps_gui_test_init_for_bench    (void);
/* Only the private folders, environment and display, without GTK: for
 * programs that start the application as a process of its own. */
void         dps_gui_test_setup_environment (void);
/* The private folder of this test program (HOME lives in it). */
const char  *dps_gui_test_get_tmpdir        (void);
/* A new path in the private folder, "name" made unique. */
char        *dps_gui_test_tmp_path          (const char   *name);
/* Where tests leave files worth looking at (screenshots, images that
 * differ from their reference): DPS_TEST_ARTIFACT_DIR, or a folder in
 * the private one. Created. */
const char  *dps_gui_test_get_artifact_dir  (void);

/* Appends @length bytes of @text (all of it when -1) to the file at @path. */
void         dps_gui_test_append            (const char   *path,
                                             const char   *text,
                                             gssize        length);
/* A session on a new SQLite database "name" in the private folder,
 * opened (and migrated) before it returns. */
DpsSession  *dps_gui_test_open_session      (const char   *name);
/* A session on the SQLite database at @path (created when missing),
 * opened before it returns. */
DpsSession  *dps_gui_test_open_session_at   (const char   *path);

/* The application, registered (startup ran: actions, accelerators,
 * menus, style sheet) but not running. */
GApplication *dps_gui_test_get_application  (void);
/* A window of the application on the SQLite database at @path (created
 * when missing), shown, once past its loading state. */
DpsWindow   *dps_gui_test_open_window       (const char   *path);

typedef gboolean (*DpsGuiTestCondition) (gpointer user_data);
/* Iterates the main context until @condition holds or @timeout_ms passed;
 * returns whether it holds. */
gboolean     dps_gui_test_wait_until        (DpsGuiTestCondition condition,
                                             gpointer             user_data,
                                             guint                timeout_ms);
/* Iterates the main context until @expression holds; the test fails
 * if it does not within DPS_GUI_TEST_TIMEOUT_MS. */
#define DPS_GUI_TEST_TIMEOUT_MS 120000
#define dps_gui_test_await(expression)                                          \
  G_STMT_START {                                                                \
    gint64 deadline_ = g_get_monotonic_time () +                                \
                       (gint64) DPS_GUI_TEST_TIMEOUT_MS * 1000;                 \
    while (!(expression))                                                       \
      dps_gui_test_iterate_before (deadline_, #expression);                     \
  } G_STMT_END
/* One iteration of the main context, waking up at least every 10 ms;
 * fails the test with @what once past @deadline (monotonic time). */
void         dps_gui_test_iterate_before    (gint64        deadline,
                                             const char   *what);
/* Iterates the main context until nothing is pending. */
void         dps_gui_test_drain             (void);
/* Iterates the main context for @ms milliseconds: timeouts shorter than
 * that (a typing delay) run. */
void         dps_gui_test_run_for           (guint         ms);
/* Presents @window and waits for a frame of it to be painted. */
void         dps_gui_test_show_window       (GtkWindow    *window);
/* Waits for the next "after-paint" of @widget's frame clock. */
gboolean     dps_gui_test_wait_for_frame    (GtkWidget    *widget);
/* A plain window holding @child (a view on its own), shown at @width ×
 * @height once a frame of it was painted. */
GtkWindow   *dps_gui_test_show_in_window    (GtkWidget    *child,
                                             int           width,
                                             int           height);
/* Conditions on the views: a DpsDashboardPage shows the figures of its
 * session's filter, nothing left to refresh; a DpsTransactionsPage has
 * counted the rows of the filter and reads nothing. */
gboolean     dps_gui_test_dashboard_settled    (gpointer  page);
gboolean     dps_gui_test_transactions_settled (gpointer  page);

/* Forces the dark or the light style. */
void         dps_gui_test_set_dark          (gboolean      dark);

/* @widget as the screen shows it, over the window background, once a
 * frame of it was painted. */
GdkTexture  *dps_gui_test_render            (GtkWidget    *widget);
/* Renders @widget so to "NAME.png" in the artifact folder (the build
 * dir's tests/gui/screenshots); returns the path. */
char        *dps_gui_test_save_screenshot   (GtkWidget    *widget,
                                             const char   *name);
/* Saves @texture as "NAME.png" in the artifact folder; returns the path. */
char        *dps_gui_test_save_texture      (GdkTexture   *texture,
                                             const char   *name);

/* A pixel of an ARGB32 cairo image surface, unpremultiplied as stored. */
typedef struct {
  guint8 r, g, b, a;
} DpsGuiTestPixel;

DpsGuiTestPixel dps_gui_test_pixel_at       (cairo_surface_t *surface,
                                             int              x,
                                             int              y);
/* The largest difference of one channel. */
int          dps_gui_test_pixel_distance    (DpsGuiTestPixel  a,
                                             DpsGuiTestPixel  b);
/* Compares @surface with the reference image "NAME.png" in
 * DPS_REFERENCE_DIR: fails when more than 2% of the pixels differ by
 * more than a quarter of a channel (font rendering moves edges a little),
 * leaving "NAME-actual.png" in the artifact folder. With
 * DPS_UPDATE_REFERENCES=1 it writes the reference instead. */
void         dps_gui_test_assert_reference  (cairo_surface_t *surface,
                                             const char      *name);

/* Visible labels under @root (texts, in tree order), buttons' included. */
GPtrArray   *dps_gui_test_collect_labels    (GtkWidget    *root);
/* The first visible label under @root whose text contains @needle. */
GtkLabel    *dps_gui_test_find_label        (GtkWidget    *root,
                                             const char   *needle);
/* The first widget of @type under @root (@root included), or NULL. */
GtkWidget   *dps_gui_test_find_widget       (GtkWidget    *root,
                                             GType         type);
/* The first preferences row of @type under @root titled @title (as
 * written, mnemonic underline included), or NULL. With @mapped_only,
 * rows of pages not shown are skipped. */
GtkWidget   *dps_gui_test_find_row          (GtkWidget    *root,
                                             GType         type,
                                             const char   *title,
                                             gboolean      mapped_only);
/* The same, the @n-th one (from 0) in tree order. */
GtkWidget   *dps_gui_test_find_nth_widget   (GtkWidget    *root,
                                             GType         type,
                                             guint         n);
/* The first visible label under @root whose text holds @needle, once
 * there is one; the test fails, listing the labels shown, if none comes
 * within DPS_GUI_TEST_TIMEOUT_MS. */
GtkLabel    *dps_gui_test_wait_for_label    (GtkWidget    *root,
                                             const char   *needle);
/* A message dialog shown now (AdwMessageDialog or AdwAlertDialog made by
 * dps-dialogs), or NULL. */
GtkWidget   *dps_gui_test_find_message_dialog (void);
/* A toplevel window of @type shown now, or NULL. */
GtkWindow   *dps_gui_test_find_toplevel     (GType         type);
/* The same once there is one; the test fails if none comes. */
GtkWindow   *dps_gui_test_wait_for_toplevel (GType         type);
/* Closes every toplevel but @keep. */
void         dps_gui_test_close_other_toplevels (GtkWindow *keep);

G_END_DECLS
