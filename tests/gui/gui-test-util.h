/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-session.h"

G_BEGIN_DECLS

/* What the GUI tests share: a private HOME and database, GTK and
 * libadwaita under Xvfb, waiting on the main loop, screenshots. */

/* Call first in main(): a temporary HOME, gtk_test_init(), adw_init(). */
void        gui_test_init             (int          *argc,
                                       char       ***argv);
/* The temporary folder of this test program (removed at exit). */
const char *gui_test_get_tmpdir       (void);
/* A session on a new SQLite database in the temporary folder. */
DpsSession *gui_test_open_session     (const char   *name);

typedef gboolean (*GuiTestCondition) (gpointer user_data);
/* Runs the main loop until @condition holds; FALSE if it still does
 * not after @timeout_seconds (a guard against hanging, not a timing
 * check: keep it generous). */
gboolean    gui_test_wait_until       (GuiTestCondition condition,
                                       gpointer         user_data,
                                       guint            timeout_seconds);
/* Runs the main loop for pending work and the next frames. */
void        gui_test_settle           (GtkWidget    *widget);

/* A window holding @child, shown at @width × @height. */
GtkWindow  *gui_test_show_in_window   (GtkWidget    *child,
                                       int           width,
                                       int           height);
/* Saves what @widget shows as a PNG into $DPS_TEST_ARTIFACTS (or the
 * current folder), named @name.png; returns the path. */
char       *gui_test_screenshot       (GtkWidget    *widget,
                                       const char   *name);
void        gui_test_set_dark         (gboolean      dark);

/* Appends @text to the file at @path. */
void        gui_test_append           (const char   *path,
                                       const char   *text,
                                       gssize        length);

G_END_DECLS
