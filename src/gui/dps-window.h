/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-session.h"

G_BEGIN_DECLS

#define DPS_TYPE_WINDOW (dps_window_get_type ())
G_DECLARE_FINAL_TYPE (DpsWindow, dps_window, DPS, WINDOW, AdwApplicationWindow)

/* The main window: menu bar, view switcher over the Dashboard,
 * Transactions, Data Quality and Pipeline views, the filter bar, the
 * progress of running jobs, and the empty and error states. Every
 * command is an action of the "win" group (see gtk/menus.ui). */
DpsWindow         *dps_window_new                (AdwApplication *application);

/* The window's session; its pipeline is the session's controller
 * (dps_pipeline_controller_get_for_session()). */
DpsSession        *dps_window_get_session        (DpsWindow      *self);

/* Opens @uri (creating a missing SQLite file when @create) on a worker;
 * the window shows its progress, then the views, the empty state or
 * the error. With @remember the URI becomes the default database. */
void               dps_window_open_database      (DpsWindow      *self,
                                                  const char     *uri,
                                                  gboolean        create,
                                                  gboolean        remember);
/* Imports JSONL files (folders: every JSONL file in them) through the
 * engine, with progress in the window and a summary at the end. */
void               dps_window_import_files       (DpsWindow      *self,
                                                  GFile         **files,
                                                  guint           n_files);

/* Sets the content of a view: "dashboard", "transactions", "quality"
 * or "pipeline". */
void               dps_window_set_page_content   (DpsWindow      *self,
                                                  const char     *name,
                                                  GtkWidget      *content);
GtkWidget         *dps_window_get_page_content   (DpsWindow      *self,
                                                  const char     *name);
/* The bar under the header bar, shown with the views: a DpsFilterBar
 * on the window's session from the start. win.filter (Ctrl+F) activates
 * its "filter.focus-search"; NULL removes it and disables win.filter. */
void               dps_window_set_filter_bar     (DpsWindow      *self,
                                                  GtkWidget      *bar);
/* "loading", "error", "empty" or "views". */
const char        *dps_window_get_content_state  (DpsWindow      *self);
void               dps_window_add_toast          (DpsWindow      *self,
                                                  AdwToast       *toast);

G_END_DECLS
