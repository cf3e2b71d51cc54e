/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-generate-dialog.h"

#define USEC_PER_DAY ((gint64) 86400 * G_USEC_PER_SEC)

struct _DpsGenerateDialog
{
  AdwWindow      parent_instance;

  /* Template children. */
  GtkWidget     *generate_button;
  GtkSpinButton *rows_spin;
  GtkSpinButton *seed_spin;
  GtkSpinButton *dirty_spin;
  AdwComboRow   *mode_row;
  GtkWidget     *days_row;
  GtkSpinButton *days_spin;
  GtkWidget     *rate_row;
  GtkSpinButton *rate_spin;

  /* Owned. */
  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (DpsGenerateDialog, dps_generate_dialog, ADW_TYPE_WINDOW)

enum {
  GENERATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  MODE_SPREAD,
  MODE_LIVE,
};

static gboolean
is_live (DpsGenerateDialog *self)
{
  return adw_combo_row_get_selected (self->mode_row) == MODE_LIVE;
}

static void
update_validity (DpsGenerateDialog *self)
{
  /* A spread needs a number of rows; a live stream may go on forever. */
  gboolean valid = is_live (self) || gtk_spin_button_get_value (self->rows_spin) >= 1;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "generate.generate", valid);
}

static gboolean
percent_from_ratio (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_double (variant) * 100.0);
  return TRUE;
}

static GVariant *
ratio_from_percent (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_variant_new_double (CLAMP (g_value_get_double (value) / 100.0, 0.0, 1.0));
}

static void
mode_changed_cb (DpsGenerateDialog *self)
{
  gboolean live = is_live (self);

  gtk_widget_set_visible (self->days_row, !live);
  gtk_widget_set_visible (self->rate_row, live);
  update_validity (self);
}

static void
rows_changed_cb (GtkSpinButton     *spin,
                 DpsGenerateDialog *self)
{
  update_validity (self);
}

static void
generate_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DpsGenerateDialog *self = DPS_GENERATE_DIALOG (widget);
  g_autoptr(DpsGenerateDialog) hold = g_object_ref (self);

  gtk_spin_button_update (self->rows_spin);
  gtk_spin_button_update (self->seed_spin);
  gtk_spin_button_update (self->dirty_spin);
  gtk_spin_button_update (self->days_spin);
  gtk_spin_button_update (self->rate_spin);
  g_signal_emit (self, signals[GENERATE], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
dps_generate_dialog_dispose (GObject *object)
{
  DpsGenerateDialog *self = DPS_GENERATE_DIALOG (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_GENERATE_DIALOG);

  G_OBJECT_CLASS (dps_generate_dialog_parent_class)->dispose (object);
}

static void
dps_generate_dialog_class_init (DpsGenerateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_generate_dialog_dispose;

  /**
   * DpsGenerateDialog::generate:
   *
   * The user asked for the data: read it with
   * dps_generate_dialog_get_options().
   */
  signals[GENERATE] = g_signal_new ("generate", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-generate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, generate_button);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, rows_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, dirty_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, days_row);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, days_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, rate_row);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, rate_spin);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);
  gtk_widget_class_install_action (widget_class, "generate.generate", NULL, generate_activated);
}

static void
dps_generate_dialog_init (DpsGenerateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->rows_spin, "value-changed", G_CALLBACK (rows_changed_cb), self);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->generate_button);
}

DpsGenerateDialog *
dps_generate_dialog_new (GtkWindow *parent,
                         GSettings *settings)
{
  DpsGenerateDialog *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DPS_TYPE_GENERATE_DIALOG, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "generator-rows", self->rows_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "generator-seed", self->seed_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "generator-days", self->days_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "generator-rate", self->rate_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "generator-dirty-ratio", self->dirty_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, percent_from_ratio, ratio_from_percent,
                                NULL, NULL);
  update_validity (self);
  return self;
}

void
dps_generate_dialog_get_options (DpsGenerateDialog   *self,
                                 DpsGeneratorOptions *options,
                                 double              *rate)
{
  gint64 today;
  guint64 seed;

  g_return_if_fail (DPS_IS_GENERATE_DIALOG (self));
  g_return_if_fail (options != NULL);
  g_return_if_fail (rate != NULL);

  dps_generator_options_init (options);
  seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  if (seed == 0)
    seed = ((guint64) g_random_int () << 32) | g_random_int ();
  options->seed = seed;
  options->rows = (guint64) gtk_spin_button_get_value (self->rows_spin);
  options->dirty_ratio = CLAMP (gtk_spin_button_get_value (self->dirty_spin) / 100.0, 0.0, 1.0);
  if (is_live (self))
    {
      options->live = TRUE;
      *rate = gtk_spin_button_get_value (self->rate_spin);
    }
  else
    {
      today = g_get_real_time () / USEC_PER_DAY * USEC_PER_DAY;
      options->live = FALSE;
      options->days = (guint) gtk_spin_button_get_value_as_int (self->days_spin);
      options->start = today - (gint64) options->days * USEC_PER_DAY;
      *rate = 0;
    }
}
