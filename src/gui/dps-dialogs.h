/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* File choosers and message dialogs over the toolkit versions we build
 * against: GtkFileChooserNative and AdwMessageDialog on GTK 4.8 and
 * libadwaita 1.2 (Debian 12), GtkFileDialog and AdwAlertDialog where the
 * runtime has them. Callbacks run on the main thread; @owner is kept
 * alive until they ran. */

typedef enum {
  DPS_FILE_KIND_JSONL,        /* *.jsonl, *.ndjson, *.json, all files */
  DPS_FILE_KIND_DATABASE,     /* *.db, *.sqlite, *.sqlite3, all files */
  DPS_FILE_KIND_CSV,          /* *.csv, all files */
} DpsFileKind;

/* @files holds GFile*; it is empty when the user cancelled. */
typedef void (*DpsFilesChosenFunc) (GObject   *owner,
                                    GPtrArray *files);
/* The local path of the first of @files, or NULL when the user
 * cancelled or chose a file that is not local. */
char *dps_dialogs_dup_first_path (GPtrArray *files);

void dps_dialogs_open_files    (GtkWindow          *parent,
                                const char         *title,
                                const char         *accept_label,
                                DpsFileKind         kind,
                                gboolean            multiple,
                                DpsFilesChosenFunc  func,
                                GObject            *owner);
void dps_dialogs_select_folder (GtkWindow          *parent,
                                const char         *title,
                                const char         *accept_label,
                                DpsFilesChosenFunc  func,
                                GObject            *owner);
void dps_dialogs_save_file     (GtkWindow          *parent,
                                const char         *title,
                                const char         *accept_label,
                                DpsFileKind         kind,
                                const char         *initial_name,
                                DpsFilesChosenFunc  func,
                                GObject            *owner);

typedef enum {
  DPS_RESPONSE_DEFAULT,
  DPS_RESPONSE_SUGGESTED,
  DPS_RESPONSE_DESTRUCTIVE,
} DpsResponseAppearance;

typedef struct {
  const char            *id;
  const char            *label;       /* translated, with a mnemonic */
  DpsResponseAppearance  appearance;
} DpsResponse;

/* @response is the id chosen, or the first response's id when the
 * dialog is closed otherwise (Escape). */
typedef void (*DpsResponseFunc) (GObject    *owner,
                                 const char *response);

/* A modal question with @n_responses buttons; the first one is what
 * closing means, the last one is the default. Returns the dialog
 * (borrowed) so that callers may add an extra child. */
GtkWidget *dps_dialogs_choose  (GtkWidget          *parent,
                                const char         *heading,
                                const char         *body,
                                const DpsResponse  *responses,
                                guint               n_responses,
                                DpsResponseFunc     func,
                                GObject            *owner);
/* An error the user must read: @heading says what failed, @body why
 * (usually the GError message, which names the file or database). */
GtkWidget *dps_dialogs_show_error (GtkWidget        *parent,
                                const char         *heading,
                                const char         *body);

/* A toast showing @title as written: file names may hold '&' or '<'. */
AdwToast   *dps_dialogs_toast_new   (const char    *title);
/* Shows @toast in the outermost AdwToastOverlay holding @widget (or
 * @widget itself when it is one): a view's toasts show in its window. */
void        dps_dialogs_add_toast   (GtkWidget     *widget,
                                     AdwToast      *toast);

/* Heading and body of a message dialog made by this module, for tests
 * and accessibility checks; NULL when @widget is not one. */
const char *dps_dialogs_get_heading (GtkWidget     *widget);
const char *dps_dialogs_get_body    (GtkWidget     *widget);
/* Answers a dialog made by dps_dialogs_choose() as if clicked. */
void        dps_dialogs_respond     (GtkWidget     *widget,
                                     const char    *response);

G_END_DECLS
