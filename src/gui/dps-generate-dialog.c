/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-format.h"
#include "dps-generate-dialog.h"
#if HAVE_KAFKA
#include "dps-kafka-settings.h"
#endif

#define USEC_PER_DAY ((gint64) 86400 * G_USEC_PER_SEC)
#define PROGRESS_INTERVAL_MS 200

struct _DpsGenerateDialog
{
  AdwWindow      parent_instance;

  /* Template children. */
  GtkWidget     *cancel_button;
  GtkWidget     *generate_button;
  GtkWidget     *close_button;
  GtkStack      *stack;
  GtkWidget     *destination_group;
  AdwComboRow   *destination_row;
  AdwActionRow  *kafka_row;
  GtkLabel      *progress_title;
  GtkProgressBar *progress_bar;
  GtkLabel      *produced_label;
  GtkLabel      *delivered_label;
  GtkLabel      *failed_label;
  GtkLabel      *progress_message;
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

  /* Sending to Kafka (main thread). */
  DpsKafkaProducer *producer;         /* while sending */
  GCancellable  *cancellable;         /* of the sending */
  char          *topic;
  guint64        rows;                /* to send; 0: until cancelled */
  guint          progress_id;
  gboolean       finished;            /* the outcome is shown */
  gboolean       close_when_done;
};

G_DEFINE_FINAL_TYPE (DpsGenerateDialog, dps_generate_dialog, ADW_TYPE_WINDOW)

enum {
  GENERATE,
  PRODUCED,
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

static gboolean
to_kafka (DpsGenerateDialog *self)
{
  return adw_combo_row_get_selected (self->destination_row) == DPS_GENERATE_DESTINATION_KAFKA;
}

static gboolean
is_sending (DpsGenerateDialog *self)
{
  return self->producer != NULL;
}

static void
update_validity (DpsGenerateDialog *self)
{
  /* A spread needs a number of rows; a live stream may go on forever. */
  gboolean valid = is_live (self) || gtk_spin_button_get_value (self->rows_spin) >= 1;
#if HAVE_KAFKA
  g_autoptr(DpsKafkaSettings) kafka = NULL;
  g_autoptr(GError) error = NULL;

  /* Where the records go, or what is missing to send them there. */
  if (to_kafka (self))
    {
      kafka = dps_kafka_settings_load (self->settings, &error);
      if (kafka != NULL)
        {
          /* TRANSLATORS: the topic records are sent to, like "“transactions” on localhost:9092" */
          g_autofree char *where = g_strdup_printf (_("“%s” on %s"), kafka->topic, kafka->brokers);

          adw_action_row_set_subtitle (self->kafka_row, where);
          gtk_widget_remove_css_class (GTK_WIDGET (self->kafka_row), "error");
        }
      else
        {
          adw_action_row_set_subtitle (self->kafka_row, error->message);
          gtk_widget_add_css_class (GTK_WIDGET (self->kafka_row), "error");
          valid = FALSE;
        }
    }
#endif

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "generate.generate", valid && !is_sending (self) &&
                                 !self->finished);
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
destination_changed_cb (DpsGenerateDialog *self)
{
  gboolean kafka = to_kafka (self);

  gtk_widget_set_visible (GTK_WIDGET (self->kafka_row), kafka);
  /* Records go to the topic as they are made, live or spread. */
  gtk_button_set_label (GTK_BUTTON (self->generate_button), kafka ? _("_Send") : _("_Generate"));
  update_validity (self);
}

static void
rows_changed_cb (GtkSpinButton     *spin,
                 DpsGenerateDialog *self)
{
  update_validity (self);
}

static void
kafka_settings_changed_cb (GSettings         *settings,
                           const char        *key,
                           DpsGenerateDialog *self)
{
  if (g_str_has_prefix (key, "kafka-"))
    update_validity (self);
}

/* ---------------------------------------------------------------------- */
/* sending to Kafka                                                       */

#if HAVE_KAFKA
static void
show_progress (DpsGenerateDialog *self)
{
  DpsKafkaProducerProgress progress;
  g_autofree char *produced = NULL;
  g_autofree char *delivered = NULL;
  g_autofree char *failed = NULL;
  g_autofree char *text = NULL;

  if (self->producer == NULL)
    return;
  dps_kafka_producer_get_progress (self->producer, &progress);
  produced = dps_format_count ((gint64) progress.produced);
  delivered = dps_format_count ((gint64) progress.delivered);
  failed = dps_format_count ((gint64) progress.failed);
  gtk_label_set_label (self->produced_label, produced);
  gtk_label_set_label (self->delivered_label, delivered);
  gtk_label_set_label (self->failed_label, failed);
  if (progress.failed > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->failed_label), "error");

  if (self->rows > 0)
    {
      g_autofree char *total = dps_format_count ((gint64) self->rows);

      gtk_progress_bar_set_fraction (self->progress_bar,
                                     CLAMP ((double) (progress.delivered + progress.failed) / (double) self->rows,
                                            0.0, 1.0));
      /* TRANSLATORS: "1,200 of 10,000 records delivered" */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s record delivered",
                                           "%s of %s records delivered", dps_format_plural (self->rows)),
                              delivered, total);
    }
  else
    {
      gtk_progress_bar_pulse (self->progress_bar);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record delivered", "%s records delivered",
                                           dps_format_plural (progress.delivered)),
                              delivered);
    }
  gtk_progress_bar_set_text (self->progress_bar, text);

  /* The client keeps the records and retries: say so, it is not stuck. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_message), progress.broker_unreachable);
  if (progress.broker_unreachable)
    {
      gtk_label_set_label (self->progress_message,
                           _("No broker answers at the moment. The records wait and are sent again."));
      gtk_widget_add_css_class (GTK_WIDGET (self->progress_message), "warning");
    }
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  show_progress (DPS_GENERATE_DIALOG (user_data));
  return G_SOURCE_CONTINUE;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DpsGenerateDialog) self = user_data;
  g_autoptr(DpsKafkaProducer) producer = DPS_KAFKA_PRODUCER (g_object_ref (object));
  g_autoptr(GError) error = NULL;
  DpsKafkaProducerProgress progress;
  g_autofree char *delivered = NULL;
  g_autofree char *message = NULL;
  gboolean cancelled;

  dps_kafka_producer_send_generated_finish (producer, result, &error);
  dps_kafka_producer_get_progress (producer, &progress);
  cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  show_progress (self);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_object (&self->producer);
  g_clear_object (&self->cancellable);
  self->finished = TRUE;

  delivered = dps_format_count ((gint64) progress.delivered);
  if (error == NULL || cancelled)
    {
      if (cancelled)
        /* TRANSLATORS: %s is a count, then a Kafka topic */
        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Stopped: %s record was delivered to “%s”.",
                                                "Stopped: %s records were delivered to “%s”.",
                                                dps_format_plural (progress.delivered)),
                                   delivered, self->topic);
      else
        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s record was delivered to “%s”.",
                                                "%s records were delivered to “%s”.",
                                                dps_format_plural (progress.delivered)),
                                   delivered, self->topic);
      gtk_label_set_label (self->progress_title, cancelled ? _("Stopped") : _("Sent"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->progress_message), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->progress_message), cancelled ? "dim-label" : "success");
      gtk_label_set_label (self->progress_message, message);
    }
  else
    {
      gtk_label_set_label (self->progress_title,
                           progress.delivered > 0 ? _("Not Every Record Was Delivered")
                                                  : _("The Records Could Not Be Sent"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->progress_message), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->progress_message), "error");
      gtk_label_set_label (self->progress_message, error->message);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->progress_message), TRUE);
  if (self->rows > 0 && !cancelled && error == NULL)
    gtk_progress_bar_set_fraction (self->progress_bar, 1.0);

  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_visible (self->generate_button, FALSE);
  gtk_widget_set_visible (self->close_button, TRUE);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->close_button);
  update_validity (self);

  g_signal_emit (self, signals[PRODUCED], 0, progress.delivered, progress.failed,
                 cancelled ? NULL : error);
  if (self->close_when_done)
    gtk_window_close (GTK_WINDOW (self));
}

static void
start_sending (DpsGenerateDialog *self)
{
  g_autoptr(DpsKafkaSettings) kafka = NULL;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GError) error = NULL;
  DpsGeneratorOptions options;
  double rate;

  kafka = dps_kafka_settings_load (self->settings, &error);
  if (kafka != NULL)
    self->producer = dps_kafka_producer_new (kafka->brokers, kafka->topic, kafka->properties, &error);
  if (self->producer == NULL)
    {
      adw_action_row_set_subtitle (self->kafka_row, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->kafka_row), "error");
      return;
    }

  dps_generate_dialog_get_options (self, &options, &rate);
  generator = dps_generator_new (&options);
  self->rows = options.rows;
  g_free (self->topic);
  self->topic = g_strdup (kafka->topic);
  self->cancellable = g_cancellable_new ();

  /* TRANSLATORS: %s is a Kafka topic */
  {
    g_autofree char *title = g_strdup_printf (_("Sending to “%s”…"), kafka->topic);

    gtk_label_set_label (self->progress_title, title);
  }
  gtk_stack_set_visible_child_name (self->stack, "progress");
  gtk_widget_set_visible (self->generate_button, FALSE);
  update_validity (self);

  /* Spread over past days: as fast as the brokers take them. Live: at
   * the rate asked, stamped with the time they are sent. */
  dps_kafka_producer_send_generated_async (self->producer, generator, rate, self->cancellable,
                                           sent_cb, g_object_ref (self));
  self->progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, progress_tick_cb, self);
  show_progress (self);
}
#endif

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DpsGenerateDialog *self = DPS_GENERATE_DIALOG (widget);

  if (is_sending (self))
    {
      /* What was made is still delivered, then the outcome shows. */
      g_cancellable_cancel (self->cancellable);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
dps_generate_dialog_close_request (GtkWindow *window)
{
  DpsGenerateDialog *self = DPS_GENERATE_DIALOG (window);

  if (is_sending (self))
    {
      /* Closes once the records made are delivered (a few seconds at most). */
      self->close_when_done = TRUE;
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (dps_generate_dialog_parent_class)->close_request (window);
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
#if HAVE_KAFKA
  if (to_kafka (self))
    {
      start_sending (self);
      return;
    }
#endif
  g_signal_emit (self, signals[GENERATE], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
dps_generate_dialog_dispose (GObject *object)
{
  DpsGenerateDialog *self = DPS_GENERATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_object (&self->producer);
  g_clear_pointer (&self->topic, g_free);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_GENERATE_DIALOG);

  G_OBJECT_CLASS (dps_generate_dialog_parent_class)->dispose (object);
}

static void
dps_generate_dialog_class_init (DpsGenerateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dps_generate_dialog_dispose;
  window_class->close_request = dps_generate_dialog_close_request;

  /**
   * DpsGenerateDialog::generate:
   *
   * The user asked for the data: read it with
   * dps_generate_dialog_get_options().
   */
  signals[GENERATE] = g_signal_new ("generate", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
  /**
   * DpsGenerateDialog::produced:
   * @delivered: records the brokers acknowledged
   * @failed: records given up
   * @error: (nullable): why not every record was delivered; %NULL when
   *   all were, or when the person stopped the sending
   *
   * Sending to the Kafka topic is over; the dialog shows the outcome.
   */
  signals[PRODUCED] = g_signal_new ("produced", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_UINT64, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-generate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, generate_button);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, destination_group);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, destination_row);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, kafka_row);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, progress_title);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, produced_label);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, delivered_label);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, failed_label);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, progress_message);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, rows_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, dirty_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, days_row);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, days_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, rate_row);
  gtk_widget_class_bind_template_child (widget_class, DpsGenerateDialog, rate_spin);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, destination_changed_cb);
  gtk_widget_class_install_action (widget_class, "generate.generate", NULL, generate_activated);
  gtk_widget_class_install_action (widget_class, "generate.cancel", NULL, cancel_activated);
}

static void
dps_generate_dialog_init (DpsGenerateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->rows_spin, "value-changed", G_CALLBACK (rows_changed_cb), self);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->generate_button);
#if !HAVE_KAFKA
  /* Built without librdkafka: the database is the only destination. */
  gtk_widget_set_visible (self->destination_group, FALSE);
#endif
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
  g_signal_connect (settings, "changed", G_CALLBACK (kafka_settings_changed_cb), self);
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

void
dps_generate_dialog_set_destination (DpsGenerateDialog      *self,
                                     DpsGenerateDestination  destination)
{
  g_return_if_fail (DPS_IS_GENERATE_DIALOG (self));
  g_return_if_fail (destination == DPS_GENERATE_DESTINATION_DATABASE ||
                    destination == DPS_GENERATE_DESTINATION_KAFKA);
#if !HAVE_KAFKA
  g_return_if_fail (destination != DPS_GENERATE_DESTINATION_KAFKA);
#endif

  adw_combo_row_set_selected (self->destination_row, destination);
}

DpsGenerateDestination
dps_generate_dialog_get_destination (DpsGenerateDialog *self)
{
  g_return_val_if_fail (DPS_IS_GENERATE_DIALOG (self), DPS_GENERATE_DESTINATION_DATABASE);
  return to_kafka (self) ? DPS_GENERATE_DESTINATION_KAFKA : DPS_GENERATE_DESTINATION_DATABASE;
}

const char *
dps_generate_dialog_get_outcome (DpsGenerateDialog *self)
{
  g_return_val_if_fail (DPS_IS_GENERATE_DIALOG (self), NULL);
  return self->finished ? gtk_label_get_label (self->progress_message) : NULL;
}
