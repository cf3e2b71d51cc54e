/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-format.h"
#include "dps-run-progress.h"

#define SAMPLE_INTERVAL_MS 250

struct _DpsRunProgress
{
  GtkWidget       parent_instance;

  /* Template children. */
  GtkWidget      *box;
  GtkImage       *icon;
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *details_label;
  GtkButton      *cancel_button;

  /* Owned. */
  DpsRunJob      *job;
  guint           tick_id;
  gulong          finished_id;
};

G_DEFINE_FINAL_TYPE (DpsRunProgress, dps_run_progress, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_label (GtkLabel   *label,
           const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static void
update (DpsRunProgress *self)
{
  DpsEngine *engine = dps_run_job_get_engine (self->job);
  guint n = dps_run_job_get_n_sources (self->job);
  guint position = MIN (dps_run_job_get_position (self->job), n);
  gint64 expected = dps_run_job_get_expected_rows (self->job);
  const char *label = dps_run_job_get_current_label (self->job);
  DpsRunJobTotals totals;
  DpsEngineMetrics m = { 0 };
  g_autoptr(GString) details = g_string_new (NULL);
  g_autofree char *rows = NULL;
  double fraction = -1;
  double eta = -1;

  dps_run_job_get_totals (self->job, &totals);
  if (engine != NULL)
    dps_engine_get_metrics (engine, &m);

  set_label (self->title_label, dps_run_job_get_title (self->job));
  if (label == NULL || (n == 1 && strstr (dps_run_job_get_title (self->job), label) != NULL))
    set_label (self->subtitle_label, "");   /* the title says it */
  else if (n > 1)
    {
      /* TRANSLATORS: the file being read, then its rank: "day2.jsonl — 2 of 3" */
      g_autofree char *text = g_strdup_printf (_("%s — %u of %u"), label, position + 1, n);

      set_label (self->subtitle_label, text);
    }
  else
    set_label (self->subtitle_label, label);

  if (expected > 0)
    {
      fraction = CLAMP ((double) m.rows_read / (double) expected, 0.0, 1.0);
      if (m.rate_recent > 0)
        eta = (double) (expected - m.rows_read) / m.rate_recent;
    }
  else if (m.source_size > 0)
    {
      fraction = CLAMP ((double) m.bytes_read / (double) m.source_size, 0.0, 1.0);
      if (m.bytes_read > 0 && m.elapsed_seconds > 0.5)
        eta = (double) (m.source_size - m.bytes_read) * m.elapsed_seconds / (double) m.bytes_read;
    }
  if (fraction >= 0 && n > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, ((double) position + fraction) / (double) n);
  else
    gtk_progress_bar_pulse (self->progress_bar);

  rows = dps_format_count (totals.rows_read);
  g_string_append_printf (details,
                          g_dngettext (GETTEXT_PACKAGE, "%s row read", "%s rows read",
                                       dps_format_plural (totals.rows_read)),
                          rows);
  if (m.rate_recent > 0)
    {
      g_autofree char *rate = dps_format_count ((gint64) (m.rate_recent + 0.5));

      g_string_append (details, " · ");
      /* TRANSLATORS: a throughput, %s is a number */
      g_string_append_printf (details, _("%s rows/s"), rate);
    }
  if (expected <= 0 && m.source_size > 0)
    {
      g_autofree char *done = dps_format_size (m.bytes_read);
      g_autofree char *size = dps_format_size (m.source_size);

      g_string_append (details, " · ");
      /* TRANSLATORS: bytes read of a file's size: "12.3 MB of 280.0 MB" */
      g_string_append_printf (details, _("%s of %s"), done, size);
    }
  else if (totals.bytes_read > 0)
    {
      g_autofree char *done = dps_format_size (totals.bytes_read);

      g_string_append (details, " · ");
      g_string_append (details, done);
    }
  if (eta >= 0 && position + 1 >= n)
    {
      g_autofree char *left = dps_format_duration (eta);

      g_string_append (details, " · ");
      /* TRANSLATORS: estimated time left, %s is a duration */
      g_string_append_printf (details, _("about %s left"), left);
    }
  if (m.state == DPS_ENGINE_STATE_WAITING && m.waiting_reason[0] != '\0')
    {
      g_string_append (details, " · ");
      g_string_append (details, m.waiting_reason);
    }
  set_label (self->details_label, details->str);
}

static gboolean
tick_cb (gpointer user_data)
{
  update (DPS_RUN_PROGRESS (user_data));
  return G_SOURCE_CONTINUE;
}

static void
job_finished_cb (DpsRunJob      *job,
                 DpsRunProgress *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  update (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "progress.cancel", FALSE);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DpsRunProgress *self = DPS_RUN_PROGRESS (widget);

  dps_run_job_cancel (self->job);
  gtk_widget_action_set_enabled (widget, "progress.cancel", FALSE);
  /* TRANSLATORS: shown while a cancelled run commits what it read */
  set_label (self->details_label, _("Cancelling…"));
}

static void
dps_run_progress_constructed (GObject *object)
{
  DpsRunProgress *self = DPS_RUN_PROGRESS (object);

  G_OBJECT_CLASS (dps_run_progress_parent_class)->constructed (object);

  g_assert (self->job != NULL);
  self->finished_id = g_signal_connect (self->job, "finished", G_CALLBACK (job_finished_cb), self);
  if (dps_run_job_is_running (self->job))
    self->tick_id = g_timeout_add (SAMPLE_INTERVAL_MS, tick_cb, self);
  else
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "progress.cancel", FALSE);
  update (self);
}

static void
dps_run_progress_dispose (GObject *object)
{
  DpsRunProgress *self = DPS_RUN_PROGRESS (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->job != NULL)
    g_clear_signal_handler (&self->finished_id, self->job);
  g_clear_object (&self->job);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_RUN_PROGRESS);

  G_OBJECT_CLASS (dps_run_progress_parent_class)->dispose (object);
}

static void
dps_run_progress_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DpsRunProgress *self = DPS_RUN_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_run_progress_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DpsRunProgress *self = DPS_RUN_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_JOB:
      self->job = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_run_progress_class_init (DpsRunProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dps_run_progress_constructed;
  object_class->dispose = dps_run_progress_dispose;
  object_class->get_property = dps_run_progress_get_property;
  object_class->set_property = dps_run_progress_set_property;

  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, DPS_TYPE_RUN_JOB,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-run-progress.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsRunProgress, box);
  gtk_widget_class_bind_template_child (widget_class, DpsRunProgress, icon);
  gtk_widget_class_bind_template_child (widget_class, DpsRunProgress, title_label);
  gtk_widget_class_bind_template_child (widget_class, DpsRunProgress, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, DpsRunProgress, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DpsRunProgress, details_label);
  gtk_widget_class_bind_template_child (widget_class, DpsRunProgress, cancel_button);
  gtk_widget_class_install_action (widget_class, "progress.cancel", NULL, cancel_activated);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
dps_run_progress_init (DpsRunProgress *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
dps_run_progress_new (DpsRunJob *job)
{
  g_return_val_if_fail (DPS_IS_RUN_JOB (job), NULL);
  return g_object_new (DPS_TYPE_RUN_PROGRESS, "job", job, NULL);
}

DpsRunJob *
dps_run_progress_get_job (DpsRunProgress *self)
{
  g_return_val_if_fail (DPS_IS_RUN_PROGRESS (self), NULL);
  return self->job;
}

void
dps_run_progress_update (DpsRunProgress *self)
{
  g_return_if_fail (DPS_IS_RUN_PROGRESS (self));
  update (self);
}
