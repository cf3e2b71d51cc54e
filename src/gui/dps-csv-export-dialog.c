/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-csv-export-dialog.h"
#include "dps-format.h"

enum {
  PRESET_STANDARD,
  PRESET_EXCEL_FR,
  PRESET_CUSTOM,
};

static const char delimiters[] = { ',', ';', '\t' };
static const char decimal_separators[] = { '.', ',' };

/* What a worker writes. The dialog reads progress while it runs. */
typedef struct {
  DpsSession       *session;
  DpsFilter        *filter;
  DpsSort           sort;
  DpsExportOptions  options;
  DpsExportScope    scope;
  GArray           *ranges;       /* DpsPositionRange, for SCOPE_SELECTED */
  char             *path;
  gpointer          progress;     /* rows written so far, atomic (gsize) */
  guint64           rows;
} ExportJob;

struct _DpsCsvExportDialog
{
  AdwWindow        parent_instance;

  /* Template children. */
  AdwToastOverlay *toast_overlay;
  GtkWidget       *cancel_button;
  GtkWidget       *export_button;
  GtkStack        *stack;
  AdwActionRow    *scope_filtered_row;
  AdwActionRow    *scope_selected_row;
  AdwActionRow    *scope_all_row;
  GtkCheckButton  *scope_filtered;
  GtkCheckButton  *scope_selected;
  GtkCheckButton  *scope_all;
  AdwComboRow     *preset_row;
  AdwComboRow     *delimiter_row;
  AdwComboRow     *decimal_row;
  AdwComboRow     *values_row;
  GtkSwitch       *bom_switch;
  GtkSwitch       *header_switch;
  GtkSwitch       *formula_switch;
  AdwPreferencesGroup *columns_group;
  GtkLabel        *invalid_label;
  AdwStatusPage   *progress_page;
  GtkProgressBar  *progress_bar;

  /* Owned. */
  DpsSession      *session;
  DpsFilter       *filter;
  GArray          *ranges;         /* DpsPositionRange */
  GtkWidget       *column_rows[DPS_N_COLUMNS];
  GtkCheckButton  *column_checks[DPS_N_COLUMNS];
  GCancellable    *cancellable;    /* of the export running */
  GCancellable    *count_cancellable;
  GObject         *chooser;        /* the file chooser while it is open */
  ExportJob       *job;            /* borrowed from the running task */

  /* State. */
  DpsSort          sort;
  guint64          n_rows;
  guint64          n_selected;
  gint64           n_all;          /* -1 until counted */
  DpsColumn        order[DPS_N_COLUMNS];
  guint            n_order;
  guint64          total;          /* rows the running export will write */
  guint            progress_id;
  gboolean         applying;       /* the controls are being set by code */
  gboolean         close_when_done;
  gboolean         disposed;
};

G_DEFINE_FINAL_TYPE (DpsCsvExportDialog, dps_csv_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

enum {
  EXPORTED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------- */
/* worker                                                                 */

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_object (&job->session);
  g_clear_object (&job->filter);
  g_clear_pointer (&job->ranges, g_array_unref);
  g_free (job->path);
  g_free (job);
}

static void
progress_cb (guint64  rows,
             gpointer user_data)
{
  ExportJob *job = user_data;

  g_atomic_pointer_set (&job->progress, GSIZE_TO_POINTER ((gsize) rows));
}

typedef struct {
  ExportJob    *job;
  DpsCsvWriter *writer;
  GCancellable *cancellable;
} SelectedState;

static gboolean
write_selected_row_cb (const DpsRow  *row,
                       gpointer       user_data,
                       GError       **error)
{
  SelectedState *state = user_data;

  if (!dps_export_write_row (state->writer, &state->job->options, row, state->cancellable, error))
    return FALSE;
  if (++state->job->rows % 1024 == 0)
    {
      progress_cb (state->job->rows, state->job);
      if (g_cancellable_set_error_if_cancelled (state->cancellable, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  DpsRepository *repository;
  ExportJob     *job;
} SelectedExport;

static gboolean
write_selected_to (GOutputStream  *stream,
                   gpointer        user_data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  SelectedExport *e = user_data;
  ExportJob *job = e->job;
  g_autoptr(DpsCsvWriter) writer = dps_csv_writer_new (stream, &job->options.csv);
  SelectedState state = { job, writer, cancellable };

  return dps_export_write_header (writer, &job->options, cancellable, error) &&
         dps_transaction_model_read_ranges (e->repository, job->filter, &job->sort,
                                            (const DpsPositionRange *) job->ranges->data, job->ranges->len,
                                            write_selected_row_cb, &state, cancellable, error) &&
         dps_csv_writer_flush (writer, cancellable, error);
}

/* The selected rows, written as dps_export_to_file() writes: a failed or
 * cancelled export leaves nothing under the chosen name. */
static gboolean
write_selected (DpsRepository  *repository,
                ExportJob      *job,
                GCancellable   *cancellable,
                GError        **error)
{
  SelectedExport e = { repository, job };
  gboolean ok;

  if (!dps_csv_options_validate (&job->options.csv, error))
    return FALSE;
  ok = dps_atomic_file_write (job->path, write_selected_to, &e, cancellable, error);
  progress_cb (job->rows, job);
  return ok;
}

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(DpsRepository) repository = NULL;
  GError *error = NULL;
  gboolean ok;

  /* A connection of its own: a long export never holds up the table. */
  repository = dps_session_open_reader (job->session, &error);
  if (repository == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->scope == DPS_EXPORT_SCOPE_SELECTED)
    ok = write_selected (repository, job, cancellable, &error);
  else
    {
      g_autoptr(DpsFilter) everything = dps_filter_new ();

      ok = dps_export_to_file (repository, job->scope == DPS_EXPORT_SCOPE_ALL ? everything : job->filter,
                               &job->sort, &job->options, job->path, progress_cb, job, &job->rows,
                               cancellable, &error);
    }

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* ---------------------------------------------------------------------- */
/* controls                                                               */

static DpsExportScope
current_scope (DpsCsvExportDialog *self)
{
  if (gtk_check_button_get_active (self->scope_selected))
    return DPS_EXPORT_SCOPE_SELECTED;
  if (gtk_check_button_get_active (self->scope_all))
    return DPS_EXPORT_SCOPE_ALL;
  return DPS_EXPORT_SCOPE_FILTERED;
}

static void
read_controls (DpsCsvExportDialog *self,
               DpsExportOptions   *options)
{
  guint delimiter = adw_combo_row_get_selected (self->delimiter_row);
  guint decimal = adw_combo_row_get_selected (self->decimal_row);

  dps_export_options_init (options, DPS_CSV_PRESET_STANDARD);
  options->csv.delimiter = delimiters[MIN (delimiter, G_N_ELEMENTS (delimiters) - 1)];
  options->csv.decimal_separator = decimal_separators[MIN (decimal, G_N_ELEMENTS (decimal_separators) - 1)];
  options->csv.bom = gtk_switch_get_active (self->bom_switch);
  options->csv.header = gtk_switch_get_active (self->header_switch);
  options->csv.neutralise_formulas = gtk_switch_get_active (self->formula_switch);
  options->formatted = adw_combo_row_get_selected (self->values_row) == 1;

  options->n_columns = 0;
  for (guint i = 0; i < self->n_order; i++)
    if (gtk_check_button_get_active (self->column_checks[i]))
      options->columns[options->n_columns++] = self->order[i];
}

static gboolean
same_format (const DpsCsvOptions *a,
             const DpsCsvOptions *b)
{
  return a->delimiter == b->delimiter && a->decimal_separator == b->decimal_separator &&
         a->bom == b->bom && a->header == b->header;
}

static gboolean
validate (DpsCsvExportDialog  *self,
          DpsExportOptions    *options,
          GError             **error)
{
  read_controls (self, options);
  if (!dps_csv_options_validate (&options->csv, error))
    return FALSE;
  if (options->n_columns == 0)
    {
      g_set_error_literal (error, DPS_CSV_ERROR, DPS_CSV_ERROR_INVALID_OPTION,
                           _("Choose at least one column."));
      return FALSE;
    }
  if (current_scope (self) == DPS_EXPORT_SCOPE_SELECTED && self->n_selected == 0)
    {
      g_set_error_literal (error, DPS_CSV_ERROR, DPS_CSV_ERROR_INVALID_OPTION,
                           _("No row is selected."));
      return FALSE;
    }
  return TRUE;
}

/* The preset that matches, the export button, and why it cannot run. */
static void
update_controls (DpsCsvExportDialog *self)
{
  DpsExportOptions options;
  DpsCsvOptions standard, excel;
  g_autoptr(GError) error = NULL;
  gboolean valid = validate (self, &options, &error);

  if (!self->applying)
    {
      dps_csv_options_init_preset (&standard, DPS_CSV_PRESET_STANDARD);
      dps_csv_options_init_preset (&excel, DPS_CSV_PRESET_EXCEL_FR);
      self->applying = TRUE;
      if (same_format (&options.csv, &standard))
        adw_combo_row_set_selected (self->preset_row, PRESET_STANDARD);
      else if (same_format (&options.csv, &excel))
        adw_combo_row_set_selected (self->preset_row, PRESET_EXCEL_FR);
      else
        adw_combo_row_set_selected (self->preset_row, PRESET_CUSTOM);
      self->applying = FALSE;
    }

  gtk_widget_set_sensitive (self->export_button, valid && self->cancellable == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->invalid_label), !valid);
  gtk_label_set_text (self->invalid_label, valid ? "" : error->message);
}

static void
set_format_controls (DpsCsvExportDialog  *self,
                     const DpsCsvOptions *csv)
{
  gboolean was_applying = self->applying;

  self->applying = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (delimiters); i++)
    if (csv->delimiter == delimiters[i])
      adw_combo_row_set_selected (self->delimiter_row, i);
  for (guint i = 0; i < G_N_ELEMENTS (decimal_separators); i++)
    if (csv->decimal_separator == decimal_separators[i])
      adw_combo_row_set_selected (self->decimal_row, i);
  gtk_switch_set_active (self->bom_switch, csv->bom);
  gtk_switch_set_active (self->header_switch, csv->header);
  self->applying = was_applying;
}

static void
update_scope_counts (DpsCsvExportDialog *self)
{
  g_autofree char *filtered = dps_format_count ((gint64) self->n_rows);
  g_autofree char *selected = dps_format_count ((gint64) self->n_selected);
  g_autofree char *text = NULL;

  text = g_strdup_printf (ngettext ("%s row, as sorted in the table", "%s rows, as sorted in the table",
                                    self->n_rows), filtered);
  adw_action_row_set_subtitle (self->scope_filtered_row, text);
  g_clear_pointer (&text, g_free);

  if (self->n_selected == 0)
    adw_action_row_set_subtitle (self->scope_selected_row, _("No row is selected"));
  else
    {
      text = g_strdup_printf (ngettext ("%s row", "%s rows", self->n_selected), selected);
      adw_action_row_set_subtitle (self->scope_selected_row, text);
      g_clear_pointer (&text, g_free);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->scope_selected_row), self->n_selected > 0);
  if (self->n_selected == 0 && gtk_check_button_get_active (self->scope_selected))
    gtk_check_button_set_active (self->scope_filtered, TRUE);

  if (self->n_all >= 0)
    {
      g_autofree char *all = dps_format_count ((gint64) self->n_all);

      text = g_strdup_printf (ngettext ("%s row, whatever the filters", "%s rows, whatever the filters",
                                        (gulong) self->n_all), all);
      adw_action_row_set_subtitle (self->scope_all_row, text);
    }
}

/* ---------------------------------------------------------------------- */
/* counting everything                                                    */

static void
count_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DpsSession *session = task_data;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  GError *error = NULL;
  guint64 count;

  repository = dps_session_open_reader (session, &error);
  if (repository == NULL ||
      !dps_repository_count_rows (repository, everything, &count, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, (gssize) count);
}

static void
counted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DpsCsvExportDialog *self = DPS_CSV_EXPORT_DIALOG (object);
  g_autoptr(GError) error = NULL;
  gssize count = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL || self->disposed)
    return;
  self->n_all = count;
  update_scope_counts (self);
}

static void
count_all (DpsCsvExportDialog *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->count_cancellable, counted_cb, NULL);

  g_task_set_source_tag (task, count_all);
  g_task_set_task_data (task, g_object_ref (self->session), g_object_unref);
  g_task_run_in_thread (task, count_in_thread);
}

/* ---------------------------------------------------------------------- */
/* running                                                                */

static gboolean
progress_tick_cb (gpointer user_data)
{
  DpsCsvExportDialog *self = user_data;
  guint64 rows;
  g_autofree char *done = NULL;
  g_autofree char *text = NULL;

  if (self->job == NULL)
    return G_SOURCE_CONTINUE;
  rows = GPOINTER_TO_SIZE (g_atomic_pointer_get (&self->job->progress));
  done = dps_format_count ((gint64) rows);
  if (self->total > 0)
    {
      g_autofree char *total = dps_format_count ((gint64) self->total);

      gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) rows / (double) self->total));
      /* Translators: rows written so far of the rows to write */
      text = g_strdup_printf (_("%s of %s rows"), done, total);
    }
  else
    {
      gtk_progress_bar_pulse (self->progress_bar);
      text = g_strdup_printf (ngettext ("%s row", "%s rows", rows), done);
    }
  gtk_progress_bar_set_text (self->progress_bar, text);
  return G_SOURCE_CONTINUE;
}

static void
finish_running (DpsCsvExportDialog *self)
{
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_object (&self->cancellable);
  self->job = NULL;
  gtk_stack_set_visible_child_name (self->stack, "options");
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  update_controls (self);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DpsCsvExportDialog *self = DPS_CSV_EXPORT_DIALOG (object);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (self->disposed)
    return;
  finish_running (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!self->close_when_done)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Export cancelled")));
          else
            {
              AdwToast *toast = adw_toast_new (error->message);

              adw_toast_set_timeout (toast, 0);
              adw_toast_overlay_add_toast (self->toast_overlay, toast);
            }
        }
      g_signal_emit (self, signals[FAILED], 0, error);
    }
  else
    {
      g_signal_emit (self, signals[EXPORTED], 0, job->path, job->rows);
      self->close_when_done = TRUE;
    }

  if (self->close_when_done)
    gtk_window_destroy (GTK_WINDOW (self));
}

/* ---------------------------------------------------------------------- */
/* file chooser                                                           */

static char *
suggested_name (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");

  /* Translators: the file name offered for an export, without extension */
  return g_strdup_printf ("%s-%s.csv", _("transactions"), day);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
file_chosen_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DpsCsvExportDialog) self = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, NULL);

  g_clear_object (&self->chooser);
  if (file != NULL && g_file_peek_path (file) != NULL)
    dps_csv_export_dialog_export_to (self, g_file_peek_path (file));
}

static void
choose_file (DpsCsvExportDialog *self)
{
  GtkFileDialog *dialog = gtk_file_dialog_new ();
  g_autofree char *name = suggested_name ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_suffix (csv, "csv");
  g_list_store_append (filters, csv);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_title (dialog, _("Export CSV"));
  gtk_file_dialog_set_accept_label (dialog, _("_Export"));
  gtk_file_dialog_set_initial_name (dialog, name);
  self->chooser = G_OBJECT (dialog);
  gtk_file_dialog_save (dialog, GTK_WINDOW (self), NULL, file_chosen_cb, g_object_ref (self));
}
#else
static void
chooser_response_cb (GtkNativeDialog    *chooser,
                     int                 response,
                     DpsCsvExportDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file != NULL && g_file_peek_path (file) != NULL)
    dps_csv_export_dialog_export_to (self, g_file_peek_path (file));
}

static void
choose_file (DpsCsvExportDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = suggested_name ();
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Export CSV"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  self->chooser = G_OBJECT (chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
#endif

/* ---------------------------------------------------------------------- */
/* template callbacks                                                     */

static void
scope_toggled_cb (DpsCsvExportDialog *self)
{
  update_controls (self);
}

static void
preset_changed_cb (DpsCsvExportDialog *self)
{
  guint preset = adw_combo_row_get_selected (self->preset_row);
  DpsCsvOptions csv;

  if (self->applying || preset == PRESET_CUSTOM)
    return;
  dps_csv_options_init_preset (&csv, preset == PRESET_EXCEL_FR ? DPS_CSV_PRESET_EXCEL_FR
                                                               : DPS_CSV_PRESET_STANDARD);
  set_format_controls (self, &csv);
  update_controls (self);
}

static void
format_changed_cb (DpsCsvExportDialog *self)
{
  if (!self->applying)
    update_controls (self);
}

static void
column_toggled_cb (DpsCsvExportDialog *self)
{
  if (!self->applying)
    update_controls (self);
}

static void
export_clicked_cb (DpsCsvExportDialog *self)
{
  if (self->chooser != NULL || self->cancellable != NULL)
    return;
  choose_file (self);
}

static void
cancel_clicked_cb (DpsCsvExportDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
cancel_export_clicked_cb (DpsCsvExportDialog *self)
{
  dps_csv_export_dialog_cancel (self);
}

static gboolean
dps_csv_export_dialog_close_request (GtkWindow *window)
{
  DpsCsvExportDialog *self = DPS_CSV_EXPORT_DIALOG (window);

  /* Closing during an export cancels it; the window goes once the
   * partial file is removed. */
  if (self->cancellable != NULL)
    {
      self->close_when_done = TRUE;
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (dps_csv_export_dialog_parent_class)->close_request (window);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
dps_csv_export_dialog_constructed (GObject *object)
{
  DpsCsvExportDialog *self = DPS_CSV_EXPORT_DIALOG (object);

  G_OBJECT_CLASS (dps_csv_export_dialog_parent_class)->constructed (object);

  g_return_if_fail (DPS_IS_SESSION (self->session));
  self->filter = dps_filter_copy (dps_session_get_filter (self->session));
  update_scope_counts (self);
  update_controls (self);
  count_all (self);
}

static void
dps_csv_export_dialog_dispose (GObject *object)
{
  DpsCsvExportDialog *self = DPS_CSV_EXPORT_DIALOG (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->count_cancellable);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
    }
#endif
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_CSV_EXPORT_DIALOG);

  G_OBJECT_CLASS (dps_csv_export_dialog_parent_class)->dispose (object);
}

static void
dps_csv_export_dialog_finalize (GObject *object)
{
  DpsCsvExportDialog *self = DPS_CSV_EXPORT_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_object (&self->filter);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->count_cancellable);
  g_clear_pointer (&self->ranges, g_array_unref);

  G_OBJECT_CLASS (dps_csv_export_dialog_parent_class)->finalize (object);
}

static void
dps_csv_export_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DpsCsvExportDialog *self = DPS_CSV_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_csv_export_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DpsCsvExportDialog *self = DPS_CSV_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_csv_export_dialog_class_init (DpsCsvExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = dps_csv_export_dialog_constructed;
  object_class->dispose = dps_csv_export_dialog_dispose;
  object_class->finalize = dps_csv_export_dialog_finalize;
  object_class->get_property = dps_csv_export_dialog_get_property;
  object_class->set_property = dps_csv_export_dialog_set_property;
  window_class->close_request = dps_csv_export_dialog_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpsCsvExportDialog::exported:
   * @path: the file written
   * @rows: how many rows it holds (the header aside)
   */
  signals[EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                    G_TYPE_STRING, G_TYPE_UINT64);
  /**
   * DpsCsvExportDialog::failed:
   * @error: why (G_IO_ERROR_CANCELLED when cancelled)
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-csv-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, scope_filtered_row);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, scope_selected_row);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, scope_all_row);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, scope_filtered);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, scope_selected);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, scope_all);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, preset_row);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, delimiter_row);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, decimal_row);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, values_row);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, bom_switch);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, header_switch);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, formula_switch);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, invalid_label);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, DpsCsvExportDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, scope_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, preset_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, format_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_export_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dps_csv_export_dialog_init (DpsCsvExportDialog *self)
{
  DpsColumn order[DPS_N_COLUMNS];
  gboolean visible[DPS_N_COLUMNS];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->ranges = g_array_new (FALSE, FALSE, sizeof (DpsPositionRange));
  self->count_cancellable = g_cancellable_new ();
  self->n_all = -1;
  self->sort.key = DPS_SORT_EVENT_TS;
  self->sort.descending = FALSE;

  for (guint c = 0; c < DPS_N_COLUMNS; c++)
    {
      order[c] = (DpsColumn) c;
      visible[c] = TRUE;
    }
  dps_csv_export_dialog_set_columns (self, order, DPS_N_COLUMNS, visible);
}

/* ---------------------------------------------------------------------- */
/* public                                                                 */

GtkWidget *
dps_csv_export_dialog_new (DpsSession *session)
{
  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);
  return g_object_new (DPS_TYPE_CSV_EXPORT_DIALOG, "session", session, NULL);
}

void
dps_csv_export_dialog_set_listing (DpsCsvExportDialog *self,
                                   DpsFilter          *filter,
                                   const DpsSort      *sort,
                                   guint64             n_rows)
{
  g_return_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self));
  g_return_if_fail (DPS_IS_FILTER (filter));
  g_return_if_fail (sort != NULL);

  g_clear_object (&self->filter);
  self->filter = dps_filter_copy (filter);
  self->sort = *sort;
  self->n_rows = n_rows;
  update_scope_counts (self);
}

void
dps_csv_export_dialog_set_selection (DpsCsvExportDialog     *self,
                                     const DpsPositionRange *ranges,
                                     guint                   n_ranges)
{
  g_return_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self));
  g_return_if_fail (ranges != NULL || n_ranges == 0);

  g_array_set_size (self->ranges, 0);
  self->n_selected = 0;
  if (n_ranges > 0)
    g_array_append_vals (self->ranges, ranges, n_ranges);
  for (guint i = 0; i < n_ranges; i++)
    self->n_selected += ranges[i].n_items;
  update_scope_counts (self);
  update_controls (self);
}

void
dps_csv_export_dialog_set_columns (DpsCsvExportDialog *self,
                                   const DpsColumn    *order,
                                   guint               n_columns,
                                   const gboolean     *visible)
{
  g_return_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self));
  g_return_if_fail (n_columns <= DPS_N_COLUMNS);

  for (guint i = 0; i < self->n_order; i++)
    {
      adw_preferences_group_remove (self->columns_group, self->column_rows[i]);
      self->column_rows[i] = NULL;
      self->column_checks[i] = NULL;
    }

  self->applying = TRUE;
  self->n_order = n_columns;
  for (guint i = 0; i < n_columns; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      self->order[i] = order[i];
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dps_column_get_title (order[i]));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dps_column_to_string (order[i]));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), visible == NULL || visible[i]);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (column_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->columns_group, row);
      self->column_rows[i] = row;
      self->column_checks[i] = GTK_CHECK_BUTTON (check);
    }
  self->applying = FALSE;
  update_controls (self);
}

void
dps_csv_export_dialog_set_scope (DpsCsvExportDialog *self,
                                 DpsExportScope      scope)
{
  g_return_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self));

  switch (scope)
    {
    case DPS_EXPORT_SCOPE_SELECTED:
      gtk_check_button_set_active (self->scope_selected, TRUE);
      break;
    case DPS_EXPORT_SCOPE_ALL:
      gtk_check_button_set_active (self->scope_all, TRUE);
      break;
    case DPS_EXPORT_SCOPE_FILTERED:
    default:
      gtk_check_button_set_active (self->scope_filtered, TRUE);
      break;
    }
}

DpsExportScope
dps_csv_export_dialog_get_scope (DpsCsvExportDialog *self)
{
  g_return_val_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self), DPS_EXPORT_SCOPE_FILTERED);
  return current_scope (self);
}

void
dps_csv_export_dialog_set_preset (DpsCsvExportDialog *self,
                                  DpsCsvPreset        preset)
{
  g_return_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self));
  adw_combo_row_set_selected (self->preset_row,
                              preset == DPS_CSV_PRESET_EXCEL_FR ? PRESET_EXCEL_FR : PRESET_STANDARD);
  /* Setting the row to what it shows already changes nothing: apply. */
  preset_changed_cb (self);
}

gboolean
dps_csv_export_dialog_get_options (DpsCsvExportDialog  *self,
                                   DpsExportOptions    *options,
                                   GError             **error)
{
  g_return_val_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  return validate (self, options, error);
}

void
dps_csv_export_dialog_set_options (DpsCsvExportDialog     *self,
                                   const DpsExportOptions *options)
{
  g_return_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self));
  g_return_if_fail (options != NULL);

  self->applying = TRUE;
  set_format_controls (self, &options->csv);
  gtk_switch_set_active (self->formula_switch, options->csv.neutralise_formulas);
  adw_combo_row_set_selected (self->values_row, options->formatted ? 1 : 0);
  for (guint i = 0; i < self->n_order; i++)
    {
      gboolean chosen = options->n_columns == 0;

      for (guint k = 0; k < options->n_columns; k++)
        if (options->columns[k] == self->order[i])
          chosen = TRUE;
      gtk_check_button_set_active (self->column_checks[i], chosen);
    }
  self->applying = FALSE;
  update_controls (self);
}

void
dps_csv_export_dialog_export_to (DpsCsvExportDialog *self,
                                 const char         *path)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  ExportJob *job;

  g_return_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (self->cancellable == NULL);

  job = g_new0 (ExportJob, 1);
  if (!validate (self, &job->options, &error))
    {
      export_job_free (job);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  job->session = g_object_ref (self->session);
  job->filter = g_object_ref (self->filter);
  job->sort = self->sort;
  job->scope = current_scope (self);
  job->path = g_strdup (path);
  job->ranges = g_array_ref (self->ranges);
  switch (job->scope)
    {
    case DPS_EXPORT_SCOPE_SELECTED: self->total = self->n_selected; break;
    case DPS_EXPORT_SCOPE_ALL:      self->total = self->n_all > 0 ? (guint64) self->n_all : 0; break;
    case DPS_EXPORT_SCOPE_FILTERED:
    default:                        self->total = self->n_rows; break;
    }

  self->cancellable = g_cancellable_new ();
  self->job = job;
  name = g_path_get_basename (path);
  /* Translators: the file being written */
  title = g_strdup_printf (_("Exporting to “%s”…"), name);
  adw_status_page_set_title (self->progress_page, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  gtk_widget_set_sensitive (self->export_button, FALSE);
  gtk_widget_set_sensitive (self->cancel_button, FALSE);
  progress_tick_cb (self);
  self->progress_id = g_timeout_add (100, progress_tick_cb, self);

  task = g_task_new (self, self->cancellable, exported_cb, NULL);
  g_task_set_source_tag (task, dps_csv_export_dialog_export_to);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_in_thread);
}

void
dps_csv_export_dialog_cancel (DpsCsvExportDialog *self)
{
  g_return_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self));
  g_cancellable_cancel (self->cancellable);
}

gboolean
dps_csv_export_dialog_is_running (DpsCsvExportDialog *self)
{
  g_return_val_if_fail (DPS_IS_CSV_EXPORT_DIALOG (self), FALSE);
  return self->cancellable != NULL;
}
