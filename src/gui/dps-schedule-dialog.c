/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-schedule-dialog.h"

static const char * const modes[] = { "off", "interval", "continuous", NULL };

struct _DpsScheduleDialog
{
  AdwWindow      parent_instance;

  /* Template children. */
  GtkWidget     *apply_button;
  AdwActionRow  *source_row;
  AdwComboRow   *mode_row;
  GtkWidget     *interval_row;
  GtkSpinButton *interval_spin;

  /* Owned. */
  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (DpsScheduleDialog, dps_schedule_dialog, ADW_TYPE_WINDOW)

enum {
  APPLY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
mode_changed_cb (DpsScheduleDialog *self)
{
  gtk_widget_set_sensitive (self->interval_row, adw_combo_row_get_selected (self->mode_row) == 1);
}

static void
apply_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DpsScheduleDialog *self = DPS_SCHEDULE_DIALOG (widget);
  g_autoptr(DpsScheduleDialog) hold = g_object_ref (self);
  guint selected = adw_combo_row_get_selected (self->mode_row);

  gtk_spin_button_update (self->interval_spin);
  g_settings_delay (self->settings);
  g_settings_set_string (self->settings, "schedule-mode",
                         selected < G_N_ELEMENTS (modes) - 1 ? modes[selected] : "off");
  g_settings_set_uint (self->settings, "schedule-interval-minutes",
                       (guint) gtk_spin_button_get_value_as_int (self->interval_spin));
  g_settings_apply (self->settings);
  g_signal_emit (self, signals[APPLY], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
choose_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  gtk_window_close (GTK_WINDOW (widget));
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.follow", NULL);
}

static void
dps_schedule_dialog_dispose (GObject *object)
{
  DpsScheduleDialog *self = DPS_SCHEDULE_DIALOG (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_SCHEDULE_DIALOG);

  G_OBJECT_CLASS (dps_schedule_dialog_parent_class)->dispose (object);
}

static void
dps_schedule_dialog_class_init (DpsScheduleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_schedule_dialog_dispose;

  /**
   * DpsScheduleDialog::apply:
   *
   * The schedule settings were written.
   */
  signals[APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-schedule-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, interval_row);
  gtk_widget_class_bind_template_child (widget_class, DpsScheduleDialog, interval_spin);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);
  gtk_widget_class_install_action (widget_class, "schedule.apply", NULL, apply_activated);
  gtk_widget_class_install_action (widget_class, "schedule.choose", NULL, choose_activated);
}

static void
dps_schedule_dialog_init (DpsScheduleDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->apply_button);
}

DpsScheduleDialog *
dps_schedule_dialog_new (GtkWindow  *parent,
                         GSettings  *settings,
                         const char *path)
{
  DpsScheduleDialog *self;
  g_autofree char *mode = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DPS_TYPE_SCHEDULE_DIALOG, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);

  mode = g_settings_get_string (settings, "schedule-mode");
  for (guint i = 0; modes[i] != NULL; i++)
    if (g_str_equal (modes[i], mode))
      adw_combo_row_set_selected (self->mode_row, i);
  gtk_spin_button_set_value (self->interval_spin,
                             g_settings_get_uint (settings, "schedule-interval-minutes"));
  adw_action_row_set_subtitle (self->source_row,
                               path != NULL ? path : _("None yet: choose a JSON Lines file or a folder to follow"));
  mode_changed_cb (self);
  return self;
}
