/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-session.h"

G_BEGIN_DECLS

/* A harness for GUI tests: a private HOME and data folders, in-memory
 * settings, the build's compiled schema and translations, a display (the
 * one given, or an Xvfb of its own), and helpers to build windows without
 * running the application, wait for frames and conditions, find what a
 * window shows and save screenshots as test artifacts. */

/* Call first in main(), instead of g_test_init(). Exits with 77 (skip)
 * when no display can be had. */
void         dps_gui_test_init              (int          *argc,
                                             char       ***argv);
/* Only the private folders, environment and display, without GTK: for
 * programs that start the application as a process of its own. */
void         dps_gui_test_setup_environment (void);
/* The private folder of this test program (HOME lives in it). */
const char  *dps_gui_test_get_tmpdir        (void);
/* A new path in the private folder, "name" made unique. */
char        *dps_gui_test_tmp_path          (const char   *name);

/* Appends @length bytes of @text (all of it when -1) to the file at @path. */
void         dps_gui_test_append            (const char   *path,
                                             const char   *text,
                                             gssize        length);
/* A session on a new SQLite database "name" in the private folder,
 * opened (and migrated) before it returns. */
DpsSession  *dps_gui_test_open_session      (const char   *name);

/* The application, registered (startup ran: actions, accelerators,
 * menus, style sheet) but not running. */
GApplication *dps_gui_test_get_application  (void);

typedef gboolean (*DpsGuiTestCondition) (gpointer user_data);
/* Iterates the main context until @condition holds or @timeout_ms passed;
 * returns whether it holds. */
gboolean     dps_gui_test_wait_until        (DpsGuiTestCondition condition,
                                             gpointer             user_data,
                                             guint                timeout_ms);
/* Iterates the main context until nothing is pending. */
void         dps_gui_test_drain             (void);
/* Presents @window and waits for a frame of it to be painted. */
void         dps_gui_test_show_window       (GtkWindow    *window);
/* Waits for the next "after-paint" of @widget's frame clock. */
gboolean     dps_gui_test_wait_for_frame    (GtkWidget    *widget);
/* A plain window holding @child (a view on its own), shown at @width ×
 * @height once a frame of it was painted. */
GtkWindow   *dps_gui_test_show_in_window    (GtkWidget    *child,
                                             int           width,
                                             int           height);
/* Forces the dark or the light style. */
void         dps_gui_test_set_dark          (gboolean      dark);

/* Renders @widget, over the window background, to "NAME.png" in the
 * artifact folder (the build dir's tests/gui/screenshots); returns the
 * path. */
char        *dps_gui_test_save_screenshot   (GtkWidget    *widget,
                                             const char   *name);

/* Visible labels under @root (texts, in tree order), buttons' included. */
GPtrArray   *dps_gui_test_collect_labels    (GtkWidget    *root);
/* The first visible label under @root whose text contains @needle. */
GtkLabel    *dps_gui_test_find_label        (GtkWidget    *root,
                                             const char   *needle);
/* The first widget of @type under @root, or NULL. */
GtkWidget   *dps_gui_test_find_widget       (GtkWidget    *root,
                                             GType         type);
/* A message dialog shown now (AdwMessageDialog or AdwAlertDialog made by
 * dps-dialogs), or NULL. */
GtkWidget   *dps_gui_test_find_message_dialog (void);
/* A toplevel window of @type shown now, or NULL. */
GtkWindow   *dps_gui_test_find_toplevel     (GType         type);
/* Closes every toplevel but @keep. */
void         dps_gui_test_close_other_toplevels (GtkWindow *keep);

G_END_DECLS
