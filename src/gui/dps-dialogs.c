/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-dialogs.h"

#define USE_FILE_DIALOG GTK_CHECK_VERSION (4, 10, 0)
#define USE_ALERT_DIALOG ADW_CHECK_VERSION (1, 5, 0)

typedef struct {
  DpsFilesChosenFunc func;
  GObject           *owner;
} FileRequest;

static void
file_request_finish (FileRequest *request,
                     GPtrArray   *files)
{
  g_autoptr(GPtrArray) empty = NULL;

  if (files == NULL)
    files = empty = g_ptr_array_new_with_free_func (g_object_unref);
  request->func (request->owner, files);
  g_clear_object (&request->owner);
  g_free (request);
}

static void
add_pattern_filter (GListStore *store,
                    const char *name,
                    const char * const *patterns)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  g_list_store_append (store, filter);
}

/* The filters of @kind, the first one being the default. */
static GListStore *
filters_for_kind (DpsFileKind kind)
{
  GListStore *store = g_list_store_new (GTK_TYPE_FILE_FILTER);
  static const char * const jsonl[] = { "*.jsonl", "*.ndjson", "*.json",
                                        "*.JSONL", "*.NDJSON", "*.JSON", NULL };
  static const char * const jsonl_only[] = { "*.jsonl", "*.JSONL", NULL };
  static const char * const ndjson_only[] = { "*.ndjson", "*.NDJSON", NULL };
  static const char * const json_only[] = { "*.json", "*.JSON", NULL };
  static const char * const database[] = { "*.db", "*.sqlite", "*.sqlite3", "*.DB", NULL };
  static const char * const csv[] = { "*.csv", "*.CSV", NULL };
  static const char * const all[] = { "*", NULL };

  switch (kind)
    {
    case DPS_FILE_KIND_JSONL:
      add_pattern_filter (store, _("JSON Lines files"), jsonl);
      add_pattern_filter (store, _("JSONL (*.jsonl)"), jsonl_only);
      add_pattern_filter (store, _("NDJSON (*.ndjson)"), ndjson_only);
      add_pattern_filter (store, _("JSON (*.json)"), json_only);
      break;
    case DPS_FILE_KIND_DATABASE:
      add_pattern_filter (store, _("SQLite databases"), database);
      break;
    case DPS_FILE_KIND_CSV:
      add_pattern_filter (store, _("CSV files"), csv);
      break;
    default:
      g_assert_not_reached ();
    }
  add_pattern_filter (store, _("All files"), all);
  return store;
}

static FileRequest *
file_request_new (DpsFilesChosenFunc func,
                  GObject           *owner)
{
  FileRequest *request = g_new0 (FileRequest, 1);

  request->func = func;
  request->owner = owner != NULL ? g_object_ref (owner) : NULL;
  return request;
}

#if USE_FILE_DIALOG

static void
open_multiple_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FileRequest *request = user_data;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  model = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (object), result, NULL);
  if (model != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      g_ptr_array_add (files, g_list_model_get_item (model, i));
  file_request_finish (request, files);
}

typedef GFile *(*SingleFinish) (GtkFileDialog *, GAsyncResult *, GError **);

static void
single_file_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data,
                SingleFinish  finish)
{
  FileRequest *request = user_data;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  GFile *file = finish (GTK_FILE_DIALOG (object), result, NULL);

  if (file != NULL)
    g_ptr_array_add (files, file);
  file_request_finish (request, files);
}

static void
open_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  single_file_cb (object, result, user_data, gtk_file_dialog_open_finish);
}

static void
select_folder_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  single_file_cb (object, result, user_data, gtk_file_dialog_select_folder_finish);
}

static void
save_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  single_file_cb (object, result, user_data, gtk_file_dialog_save_finish);
}

static GtkFileDialog *
file_dialog_new (const char *title,
                 const char *accept_label,
                 gboolean    with_filters,
                 DpsFileKind kind)
{
  GtkFileDialog *dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, accept_label);
  gtk_file_dialog_set_modal (dialog, TRUE);
  if (with_filters)
    {
      g_autoptr(GListStore) filters = filters_for_kind (kind);
      g_autoptr(GtkFileFilter) first = g_list_model_get_item (G_LIST_MODEL (filters), 0);

      gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
      gtk_file_dialog_set_default_filter (dialog, first);
    }
  return dialog;
}

#else /* GtkFileChooserNative */

static void
native_response_cb (GtkNativeDialog *native,
                    int              response,
                    gpointer         user_data)
{
  FileRequest *request = user_data;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) model = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (files, g_list_model_get_item (model, i));
    }
  gtk_native_dialog_destroy (native);
  file_request_finish (request, files);
  g_object_unref (native);
}

static void
run_native (GtkWindow            *parent,
            const char           *title,
            const char           *accept_label,
            GtkFileChooserAction  action,
            gboolean              with_filters,
            DpsFileKind           kind,
            gboolean              multiple,
            const char           *initial_name,
            DpsFilesChosenFunc    func,
            GObject              *owner)
{
  GtkFileChooserNative *native;
  FileRequest *request = file_request_new (func, owner);

  native = gtk_file_chooser_native_new (title, parent, action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), multiple);
  if (with_filters)
    {
      g_autoptr(GListStore) filters = filters_for_kind (kind);

      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (filters)); i++)
        {
          g_autoptr(GtkFileFilter) filter = g_list_model_get_item (G_LIST_MODEL (filters), i);

          gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
          if (i == 0)
            gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filter);
        }
    }
  if (initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);
  g_signal_connect (native, "response", G_CALLBACK (native_response_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

#endif

void
dps_dialogs_open_files (GtkWindow          *parent,
                        const char         *title,
                        const char         *accept_label,
                        DpsFileKind         kind,
                        gboolean            multiple,
                        DpsFilesChosenFunc  func,
                        GObject            *owner)
{
  g_return_if_fail (func != NULL);
#if USE_FILE_DIALOG
  {
    g_autoptr(GtkFileDialog) dialog = file_dialog_new (title, accept_label, TRUE, kind);
    FileRequest *request = file_request_new (func, owner);

    if (multiple)
      gtk_file_dialog_open_multiple (dialog, parent, NULL, open_multiple_cb, request);
    else
      gtk_file_dialog_open (dialog, parent, NULL, open_cb, request);
  }
#else
  run_native (parent, title, accept_label, GTK_FILE_CHOOSER_ACTION_OPEN, TRUE, kind,
              multiple, NULL, func, owner);
#endif
}

void
dps_dialogs_select_folder (GtkWindow          *parent,
                           const char         *title,
                           const char         *accept_label,
                           DpsFilesChosenFunc  func,
                           GObject            *owner)
{
  g_return_if_fail (func != NULL);
#if USE_FILE_DIALOG
  {
    g_autoptr(GtkFileDialog) dialog = file_dialog_new (title, accept_label, FALSE, 0);

    gtk_file_dialog_select_folder (dialog, parent, NULL, select_folder_cb,
                                   file_request_new (func, owner));
  }
#else
  run_native (parent, title, accept_label, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, FALSE, 0,
              FALSE, NULL, func, owner);
#endif
}

void
dps_dialogs_save_file (GtkWindow          *parent,
                       const char         *title,
                       const char         *accept_label,
                       DpsFileKind         kind,
                       const char         *initial_name,
                       DpsFilesChosenFunc  func,
                       GObject            *owner)
{
  g_return_if_fail (func != NULL);
#if USE_FILE_DIALOG
  {
    g_autoptr(GtkFileDialog) dialog = file_dialog_new (title, accept_label, TRUE, kind);

    gtk_file_dialog_set_initial_name (dialog, initial_name);
    gtk_file_dialog_save (dialog, parent, NULL, save_cb, file_request_new (func, owner));
  }
#else
  run_native (parent, title, accept_label, GTK_FILE_CHOOSER_ACTION_SAVE, TRUE, kind,
              FALSE, initial_name, func, owner);
#endif
}

/* --- message dialogs ----------------------------------------------------- */

typedef struct {
  DpsResponseFunc func;
  GObject        *owner;
} ResponseRequest;

static void
response_request_free (gpointer data,
                       GClosure *closure)
{
  ResponseRequest *request = data;

  g_clear_object (&request->owner);
  g_free (request);
}

static void
responded_cb (GtkWidget  *dialog,
              const char *response,
              gpointer    user_data)
{
  ResponseRequest *request = user_data;

  if (request->func != NULL)
    {
      DpsResponseFunc func = g_steal_pointer (&request->func);

      func (request->owner, response);
    }
}

static const AdwResponseAppearance appearances[] = {
  ADW_RESPONSE_DEFAULT, ADW_RESPONSE_SUGGESTED, ADW_RESPONSE_DESTRUCTIVE,
};

static GtkWidget *
message_dialog_new (GtkWidget         *parent,
                    const char        *heading,
                    const char        *body,
                    const DpsResponse *responses,
                    guint              n_responses)
{
#if USE_ALERT_DIALOG
  AdwDialog *dialog = adw_alert_dialog_new (heading, body);

  for (guint i = 0; i < n_responses; i++)
    {
      adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), responses[i].id, responses[i].label);
      adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), responses[i].id,
                                                appearances[responses[i].appearance]);
    }
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), responses[0].id);
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), responses[n_responses - 1].id);
  adw_dialog_present (dialog, parent);
  return GTK_WIDGET (dialog);
#else
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, NULL);

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body != NULL ? body : "");
  for (guint i = 0; i < n_responses; i++)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), responses[i].id, responses[i].label);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), responses[i].id,
                                                  appearances[responses[i].appearance]);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), responses[0].id);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), responses[n_responses - 1].id);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
#endif
}

GtkWidget *
dps_dialogs_choose (GtkWidget          *parent,
                    const char         *heading,
                    const char         *body,
                    const DpsResponse  *responses,
                    guint               n_responses,
                    DpsResponseFunc     func,
                    GObject            *owner)
{
  GtkWidget *dialog;
  ResponseRequest *request;

  g_return_val_if_fail (responses != NULL && n_responses > 0, NULL);

  dialog = message_dialog_new (parent, heading, body, responses, n_responses);
  request = g_new0 (ResponseRequest, 1);
  request->func = func;
  request->owner = owner != NULL ? g_object_ref (owner) : NULL;
  g_signal_connect_data (dialog, "response", G_CALLBACK (responded_cb), request,
                         response_request_free, 0);
  return dialog;
}

GtkWidget *
dps_dialogs_show_error (GtkWidget  *parent,
                        const char *heading,
                        const char *body)
{
  const DpsResponse close[] = { { "close", _("_Close"), DPS_RESPONSE_DEFAULT } };

  return dps_dialogs_choose (parent, heading, body, close, 1, NULL, NULL);
}

const char *
dps_dialogs_get_heading (GtkWidget *widget)
{
#if USE_ALERT_DIALOG
  if (ADW_IS_ALERT_DIALOG (widget))
    return adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (widget));
#else
  if (ADW_IS_MESSAGE_DIALOG (widget))
    return adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (widget));
#endif
  return NULL;
}

const char *
dps_dialogs_get_body (GtkWidget *widget)
{
#if USE_ALERT_DIALOG
  if (ADW_IS_ALERT_DIALOG (widget))
    return adw_alert_dialog_get_body (ADW_ALERT_DIALOG (widget));
#else
  if (ADW_IS_MESSAGE_DIALOG (widget))
    return adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (widget));
#endif
  return NULL;
}

void
dps_dialogs_respond (GtkWidget  *widget,
                     const char *response)
{
#if USE_ALERT_DIALOG
  g_return_if_fail (ADW_IS_ALERT_DIALOG (widget));
  g_signal_emit_by_name (widget, "response", response);
  adw_dialog_force_close (ADW_DIALOG (widget));
#else
  g_return_if_fail (ADW_IS_MESSAGE_DIALOG (widget));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (widget), response);
  gtk_window_destroy (GTK_WINDOW (widget));
#endif
}

AdwToast *
dps_dialogs_toast_new (const char *title)
{
#if ADW_CHECK_VERSION (1, 4, 0)
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_use_markup (toast, FALSE);
  return toast;
#else
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  return adw_toast_new (escaped);
#endif
}

void
dps_dialogs_add_toast (GtkWidget *widget,
                       AdwToast  *toast)
{
  AdwToastOverlay *overlay = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (ADW_IS_TOAST_OVERLAY (w))
      overlay = ADW_TOAST_OVERLAY (w);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, toast);
  else
    g_object_unref (toast);
}

char *
dps_dialogs_dup_first_path (GPtrArray *files)
{
  g_return_val_if_fail (files != NULL, NULL);

  return files->len > 0 ? g_file_get_path (g_ptr_array_index (files, 0)) : NULL;
}
