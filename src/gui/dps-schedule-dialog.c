/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-dialogs.h"
#include "dps-schedule-dialog.h"

struct _DpsScheduleDialog
{
  AdwWindow              parent_instance;

  /* Template children. */
  GtkWidget             *apply_button;
  AdwActionRow          *source_row;
  AdwComboRow           *mode_row;
  GtkWidget             *interval_row;
  GtkSpinButton         *interval_spin;

  /* Owned. */
  DpsPipelineController *controller;
  char                  *source;       /* applied with the rest */
};

G_DEFINE_FINAL_TYPE (DpsScheduleDialog, dps_schedule_dialog, ADW_TYPE_WINDOW)

static void
update_state (DpsScheduleDialog *self)
{
  DpsPipelineSchedule schedule = adw_combo_row_get_selected (self->mode_row);
  g_autofree char *display = NULL;

  gtk_widget_set_sensitive (self->interval_row, schedule == DPS_PIPELINE_SCHEDULE_INTERVAL);
  if (self->source[0] != '\0')
    display = g_filename_display_name (self->source);
  adw_action_row_set_subtitle (self->source_row,
                               display != NULL ? display
                                               : _("Choose the file or folder the schedule reads"));
  /* A schedule that is on needs something to read. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedule.apply",
                                 schedule == DPS_PIPELINE_SCHEDULE_OFF || self->source[0] != '\0');
}

static void
mode_changed_cb (DpsScheduleDialog *self)
{
  update_state (self);
}

static void
source_chosen_cb (GObject   *owner,
                  GPtrArray *files)
{
  g_autofree char *path = dps_dialogs_dup_first_path (files);

  if (path != NULL)
    dps_schedule_dialog_set_source (DPS_SCHEDULE_DIALOG (owner), path);
}

static void
choose_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  if (g_str_equal (action_name, "schedule.choose-folder"))
    dps_dialogs_select_folder (GTK_WINDOW (widget), _("Schedule a Folder"), _("_Select"),
                               source_chosen_cb, G_OBJECT (widget));
  else
    dps_dialogs_open_files (GTK_WINDOW (widget), _("Schedule a File"), _("_Select"),
                            DPS_FILE_KIND_JSONL, FALSE, source_chosen_cb, G_OBJECT (widget));
}

static void
apply_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DpsScheduleDialog *self = DPS_SCHEDULE_DIALOG (widget);
  GSettings *settings = dps_pipeline_controller_get_settings (self->controller);
  guint selected = adw_combo_row_get_selected (self->mode_row);

  gtk_spin_button_update (self->interval_spin);
  /* One change of the three keys: the scheduler restarts once. */
  g_settings_delay (settings);
  dps_pipeline_controller_set_schedule_source (self->controller, self->source);
  dps_pipeline_controller_set_interval_minutes (self->controller,
                                                (guint) gtk_spin_button_get_value_as_int (self->interval_spin));
  dps_pipeline_controller_set_schedule (self->controller,
                                        selected <= DPS_PIPELINE_SCHEDULE_CONTINUOUS
                                        ? (DpsPipelineSchedule) selected : DPS_PIPELINE_SCHEDULE_OFF);
  g_settings_apply (settings);
  gtk_window_close (GTK_WINDOW (self));
}

static void
dps_schedule_dialog_dispose (GObject *object)
{
  DpsScheduleDialog *self = DPS_SCHEDULE_DIALOG (object);

  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_SCHEDULE_DIALOG);

  G_OBJECT_CLASS (dps_schedule_dialog_parent_class)->dispose (object);
}

static void
dps_schedule_dialog_finalize (GObject *object)
{
  DpsScheduleDialog *self = DPS_SCHEDULE_DIALOG (object);

  g_free (self->source);

  G_OBJECT_CLASS (dps_schedule_dialog_parent_class)->finalize (object);
}

static void
dps_schedule_dialog_class_init (DpsScheduleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_schedule_dialog_dispose;
  object_class->finalize = dps_schedule_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-schedule-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, interval_row);
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, interval_spin);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);
  gtk_widget_class_install_action (widget_class, "schedule.apply", NULL, apply_activated);
  gtk_widget_class_install_action (widget_class, "schedule.choose-file", NULL, choose_activated);
  gtk_widget_class_install_action (widget_class, "schedule.choose-folder", NULL, choose_activated);
}

static void
dps_schedule_dialog_init (DpsScheduleDialog *self)
{
  self->source = g_strdup ("");
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->apply_button);
}

DpsScheduleDialog *
dps_schedule_dialog_new (GtkWindow             *parent,
                         DpsPipelineController *controller)
{
  DpsScheduleDialog *self;

  g_return_val_if_fail (DPS_IS_PIPELINE_CONTROLLER (controller), NULL);

  self = g_object_new (DPS_TYPE_SCHEDULE_DIALOG, "transient-for", parent, NULL);
  self->controller = g_object_ref (controller);
  g_free (self->source);
  self->source = dps_pipeline_controller_dup_schedule_source (controller);
  adw_combo_row_set_selected (self->mode_row, dps_pipeline_controller_get_schedule (controller));
  gtk_spin_button_set_value (self->interval_spin, dps_pipeline_controller_get_interval_minutes (controller));
  update_state (self);
  return self;
}

const char *
dps_schedule_dialog_get_source (DpsScheduleDialog *self)
{
  g_return_val_if_fail (DPS_IS_SCHEDULE_DIALOG (self), NULL);
  return self->source;
}

void
dps_schedule_dialog_set_source (DpsScheduleDialog *self,
                                const char        *path)
{
  g_return_if_fail (DPS_IS_SCHEDULE_DIALOG (self));

  g_free (self->source);
  self->source = g_strdup (path != NULL ? path : "");
  update_state (self);
}
