/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dps-dialogs.h"
#include "dps-export-dialog.h"
#include "dps-format.h"

#define PROGRESS_INTERVAL_MS 200

enum {
  FORMAT_STANDARD,
  FORMAT_EXCEL_FR,
};

struct _DpsExportDialog
{
  AdwWindow            parent_instance;

  /* Template children. */
  GtkWidget           *export_button;
  AdwPreferencesGroup *group;
  AdwActionRow        *file_row;
  AdwComboRow         *format_row;
  GtkWidget           *progress_group;
  GtkProgressBar      *progress_bar;
  GtkLabel            *progress_label;

  /* Owned. */
  DpsSession          *session;
  DpsFilter           *filter;          /* a copy: the export sees the filter as it was */
  GCancellable        *count_cancellable;
  GCancellable        *export_cancellable;
  char                *path;
  guint                progress_id;

  /* Written by the worker, read by the timer. */
  gint                 rows_written;    /* atomic */
  gint64               rows_total;      /* -1 until counted */
};

G_DEFINE_FINAL_TYPE (DpsExportDialog, dps_export_dialog, ADW_TYPE_WINDOW)

enum {
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  DpsSession       *session;
  DpsFilter        *filter;
  DpsExportOptions  options;
  char             *path;
  gint             *rows_written;     /* into the dialog, which the task keeps alive */
  guint64           rows;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_object (&job->session);
  g_clear_object (&job->filter);
  g_free (job->path);
  g_free (job);
}

static void
update_actions (DpsExportDialog *self)
{
  gboolean exporting = self->export_cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.export",
                                 !exporting && self->path != NULL && self->rows_total != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose", !exporting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->format_row), !exporting);
}

static void
set_path (DpsExportDialog *self,
          const char      *path)
{
  g_free (self->path);
  self->path = g_strdup (path);
  adw_action_row_set_subtitle (self->file_row, path);
  update_actions (self);
}

static void
count_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(DpsRepository) reader = NULL;
  GError *error = NULL;
  guint64 count = 0;

  reader = dps_session_open_reader (job->session, &error);
  if (reader == NULL ||
      !dps_repository_count_rows (reader, job->filter, &count, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, (gssize) MIN (count, (guint64) G_MAXSSIZE));
}

static void
counted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DpsExportDialog *self = DPS_EXPORT_DIALOG (object);
  g_autoptr(GError) error = NULL;
  gssize count = g_task_propagate_int (G_TASK (result), &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->count_cancellable);
  if (error != NULL)
    {
      adw_preferences_group_set_description (self->group, error->message);
      return;
    }
  self->rows_total = count;
  if (count == 0)
    text = g_strdup (_("No row matches the current filter: there is nothing to export."));
  else
    {
      g_autofree char *rows = dps_format_count (count);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The %s row that matches the current filter will be exported.",
                                           "The %s rows that match the current filter will be exported.",
                                           dps_format_plural (count)),
                              rows);
    }
  adw_preferences_group_set_description (self->group, text);
  update_actions (self);
}

static void
export_progress (guint64  rows_written,
                 gpointer user_data)
{
  ExportJob *job = user_data;

  g_atomic_int_set (job->rows_written, (gint) MIN (rows_written, (guint64) G_MAXINT));
}

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(DpsRepository) reader = NULL;
  GError *error = NULL;

  reader = dps_session_open_reader (job->session, &error);
  if (reader == NULL ||
      !dps_export_to_file (reader, job->filter, NULL, &job->options, job->path,
                           export_progress, job, &job->rows, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  DpsExportDialog *self = user_data;
  guint64 written = (guint64) g_atomic_int_get (&self->rows_written);
  g_autofree char *rows = dps_format_count ((gint64) written);
  g_autofree char *text = NULL;

  if (self->rows_total > 0)
    {
      g_autofree char *total = dps_format_count (self->rows_total);

      gtk_progress_bar_set_fraction (self->progress_bar,
                                     CLAMP ((double) written / (double) self->rows_total, 0.0, 1.0));
      /* TRANSLATORS: rows written of the rows to export: "1,000 of 12,345 rows" */
      text = g_strdup_printf (_("%s of %s rows"), rows, total);
    }
  else
    {
      gtk_progress_bar_pulse (self->progress_bar);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                           dps_format_plural (written)), rows);
    }
  gtk_label_set_label (self->progress_label, text);
  return G_SOURCE_CONTINUE;
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DpsExportDialog *self = DPS_EXPORT_DIALOG (object);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_object (&self->export_cancellable);
  update_actions (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (self->progress_label, _("Export cancelled: no file was written."));
          gtk_progress_bar_set_fraction (self->progress_bar, 0);
        }
      else
        {
          gtk_widget_set_visible (self->progress_group, FALSE);
          dps_dialogs_show_error (GTK_WIDGET (self), _("Export Failed"), error->message);
        }
      return;
    }

  g_signal_emit (self, signals[EXPORTED], 0, job->path, job->rows);
  gtk_window_close (GTK_WINDOW (self));
}

static void
file_chosen_cb (GObject   *owner,
                GPtrArray *files)
{
  g_autofree char *path = dps_dialogs_dup_first_path (files);

  if (path != NULL)
    set_path (DPS_EXPORT_DIALOG (owner), path);
}

static void
choose_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  dps_dialogs_save_file (GTK_WINDOW (widget), _("Export CSV"), _("_Save"), DPS_FILE_KIND_CSV,
                         "transactions.csv", file_chosen_cb, G_OBJECT (widget));
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DpsExportDialog *self = DPS_EXPORT_DIALOG (widget);

  if (self->path != NULL)
    dps_export_dialog_export_to (self, self->path);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DpsExportDialog *self = DPS_EXPORT_DIALOG (widget);

  if (self->export_cancellable != NULL)
    {
      g_cancellable_cancel (self->export_cancellable);
      gtk_label_set_label (self->progress_label, _("Cancelling…"));
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
dps_export_dialog_dispose (GObject *object)
{
  DpsExportDialog *self = DPS_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->count_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->count_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_object (&self->session);
  g_clear_object (&self->filter);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (dps_export_dialog_parent_class)->dispose (object);
}

static void
dps_export_dialog_finalize (GObject *object)
{
  DpsExportDialog *self = DPS_EXPORT_DIALOG (object);

  g_free (self->path);

  G_OBJECT_CLASS (dps_export_dialog_parent_class)->finalize (object);
}

static void
dps_export_dialog_class_init (DpsExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_export_dialog_dispose;
  object_class->finalize = dps_export_dialog_finalize;

  /**
   * DpsExportDialog::exported:
   * @path: the file written
   * @rows: rows written
   */
  signals[EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, DpsExportDialog, group);
  gtk_widget_class_bind_template_child (widget_class, DpsExportDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, DpsExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, DpsExportDialog, progress_group);
  gtk_widget_class_bind_template_child (widget_class, DpsExportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DpsExportDialog, progress_label);
  gtk_widget_class_install_action (widget_class, "export.choose", NULL, choose_activated);
  gtk_widget_class_install_action (widget_class, "export.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_activated);
}

static void
dps_export_dialog_init (DpsExportDialog *self)
{
  struct lconv *lc = localeconv ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows_total = -1;
  /* Where numbers take a decimal comma, spreadsheets expect semicolons. */
  adw_combo_row_set_selected (self->format_row,
                              g_strcmp0 (lc->decimal_point, ",") == 0 ? FORMAT_EXCEL_FR : FORMAT_STANDARD);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->export_button);
  update_actions (self);
}

DpsExportDialog *
dps_export_dialog_new (GtkWindow  *parent,
                       DpsSession *session)
{
  DpsExportDialog *self;
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);

  self = g_object_new (DPS_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->filter = dps_filter_copy (dps_session_get_filter (session));

  job = g_new0 (ExportJob, 1);
  job->session = g_object_ref (session);
  job->filter = g_object_ref (self->filter);
  self->count_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->count_cancellable, counted_cb, NULL);
  g_task_set_source_tag (task, dps_export_dialog_new);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, count_in_thread);
  return self;
}

void
dps_export_dialog_export_to (DpsExportDialog *self,
                             const char      *path)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (DPS_IS_EXPORT_DIALOG (self));
  g_return_if_fail (path != NULL);

  if (self->export_cancellable != NULL)
    return;
  if (g_strcmp0 (self->path, path) != 0)
    set_path (self, path);

  job = g_new0 (ExportJob, 1);
  job->session = g_object_ref (self->session);
  job->filter = g_object_ref (self->filter);
  job->path = g_strdup (path);
  job->rows_written = &self->rows_written;
  dps_export_options_init (&job->options,
                           adw_combo_row_get_selected (self->format_row) == FORMAT_EXCEL_FR
                             ? DPS_CSV_PRESET_EXCEL_FR : DPS_CSV_PRESET_STANDARD);

  g_atomic_int_set (&self->rows_written, 0);
  self->export_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (self->progress_group, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->progress_label, _("Starting…"));
  self->progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, progress_tick_cb, self);
  update_actions (self);

  task = g_task_new (self, self->export_cancellable, exported_cb, NULL);
  g_task_set_source_tag (task, dps_export_dialog_export_to);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_in_thread);
}
