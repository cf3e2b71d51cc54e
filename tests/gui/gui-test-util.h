/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTest, a temporary HOME, GTK and libadwaita. FALSE when there is no
 * display: the caller returns dps_gui_test_skip_all(). */
gboolean  dps_gui_test_init          (int            *argc,
                                      char         ***argv);
/* Reports every test as skipped (a TAP plan of none), for main() to return. */
int       dps_gui_test_skip_all      (const char     *reason);
/* Runs the main context until @condition holds; fails the test after a
 * generous deadline, so a broken refresh does not hang the suite. */
void      dps_gui_test_wait          (gboolean      (*condition) (gpointer data),
                                      gpointer        data);
/* Runs the main context for pending idle work. */
void      dps_gui_test_drain         (void);
/* Where tests leave files worth looking at (screenshots). */
const char *dps_gui_test_artifacts_dir (void);
/* The widget's current rendering, as GTK draws it on screen. */
GdkTexture *dps_gui_test_screenshot  (GtkWidget      *widget);

G_END_DECLS
