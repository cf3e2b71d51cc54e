/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dps-dialogs.h"
#include "dps-format.h"
#include "dps-pipeline-page.h"
#include "dps-resources.h"
#include "dps-run-item.h"
#include "dps-sample-series.h"
#include "dps-throughput-graph.h"

#define HISTORY_LIMIT   200
#define SAMPLE_SECONDS  300    /* five minutes of one-second samples */
#define RATE_WINDOW     3      /* samples a rate is measured over: batches land in steps */

struct _DpsPipelinePage
{
  AdwBin                 parent_instance;

  /* Template children. */
  AdwToastOverlay       *toast_overlay;
  GtkAdjustment         *rate_adjustment;
  GtkLabel              *runs_label;
  GtkDropDown           *schedule_dropdown;
  GtkSpinButton         *interval_spin;
  GtkAdjustment         *interval_adjustment;
  GtkLabel              *interval_unit_label;
  GtkLabel              *schedule_label;
  DpsPipelineDiagram    *diagram;
  DpsThroughputGraph    *throughput_graph;
  GtkLabel              *rate_label;
  GtkLabel              *batch_label;
  GtkLabel              *latency_label;
  GtkStack              *history_stack;
  GtkColumnView         *history_view;
  GtkSingleSelection    *history_selection;
  GListStore            *history_store;
  GtkStack              *details_stack;
  GtkLabel              *details_title;
  GtkListBox            *facts_list;
  GtkListBox            *checks_list;
  GtkWidget             *error_box;
  GtkLabel              *error_label;
  GtkWidget             *kafka_separator;
  GtkWidget             *kafka_button;
  GtkWidget             *kafka_box;
  GtkLabel              *kafka_title;
  GtkLabel              *kafka_status_label;
  GtkGrid               *kafka_grid;

  /* Owned. */
  DpsSession            *session;
  DpsPipelineController *controller;
  DpsSampleSeries       *series;
  DpsEngine             *shown_engine;     /* the run the diagram follows */
  GHashTable            *engine_counts;    /* DpsEngine* → gint64*: lines done at the last sample */
  GCancellable          *cancellable;      /* history loads, runs being started */
  GSimpleActionGroup    *actions;          /* "pipeline" */
  GArray                *partition_lag;    /* DpsKafkaPartitionLag: what the partition list shows */

  /* Main-thread state. */
  guint                  sample_id;
  gint64                 last_sample;      /* monotonic */
  gint64                 window_lines[RATE_WINDOW];
  double                 window_seconds[RATE_WINDOW];
  guint                  window_next;
  gboolean               history_loading;
  gboolean               history_pending;  /* asked again while loading */
};

G_DEFINE_FINAL_TYPE (DpsPipelinePage, dps_pipeline_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum {
  CHOOSE_FOLLOW_FILE,
  CHOOSE_FOLLOW_FOLDER,
  CHOOSE_SCHEDULE_FILE,
  CHOOSE_SCHEDULE_FOLDER,
} ChooseFor;

static void sample (DpsPipelinePage *self);

/* ---------------------------------------------------------------------- */
/* helpers                                                                */

static void
toast (DpsPipelinePage *self,
       const char      *message)
{
  AdwToast *t = dps_dialogs_toast_new (message);

  adw_toast_set_timeout (t, 6);
  /* In the window, its overlay: seen from every view and the empty state. */
  dps_dialogs_add_toast (GTK_WIDGET (self->toast_overlay), t);
}

static void
set_action_enabled (DpsPipelinePage *self,
                    const char      *name,
                    gboolean         enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  /* Kafka's actions exist only in builds with Kafka. */
  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

#if HAVE_KAFKA
/* "kafka:TOPIC@GROUP" → TOPIC and GROUP (a topic has no '@'). */
static void
split_kafka_key (const char  *key,
                 char       **topic,
                 char       **group)
{
  const char *name = g_str_has_prefix (key, "kafka:") ? key + strlen ("kafka:") : key;
  const char *at = strchr (name, '@');

  *topic = at != NULL ? g_strndup (name, (gsize) (at - name)) : g_strdup (name);
  *group = g_strdup (at != NULL ? at + 1 : "");
}
#endif

static void
remove_all_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_fact (GtkListBox *list,
          const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (list, row);
}

static void
add_count_fact (GtkListBox *list,
                const char *title,
                gint64      value)
{
  g_autofree char *text = dps_format_count (value);

  add_fact (list, title, text);
}

static char *
stage_timings_text (const char *json)
{
  static const struct { const char *key; const char *label; } stages[] = {
    { "read", N_("Read") }, { "transform", N_("Transform") }, { "write", N_("Write") },
  };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *object;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  object = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      g_autofree char *duration = NULL;

      if (!json_object_has_member (object, stages[i].key))
        continue;
      duration = dps_format_duration (json_object_get_double_member (object, stages[i].key));
      if (text->len > 0)
        g_string_append (text, " · ");
      /* TRANSLATORS: time a stage of the pipeline was busy, like "Read 1.2 s" */
      g_string_append_printf (text, _("%s %s"), _(stages[i].label), duration);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* ---------------------------------------------------------------------- */
/* the selected run                                                       */

static void
show_details (DpsPipelinePage *self)
{
  DpsRunItem *item = gtk_single_selection_get_selected_item (self->history_selection);
  const DpsRunRecord *run;
  g_autofree char *title = NULL;
  g_autofree char *timings = NULL;
  gint64 end;

  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      return;
    }
  run = dps_run_item_get_record (item);

  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run->id);

    /* TRANSLATORS: heading of the details of a run, like "Run 12 · Succeeded" */
    title = g_strdup_printf (_("Run %s · %s"), id, dps_run_status_get_label (run->status));
  }
  gtk_label_set_label (self->details_title, title);

  remove_all_rows (self->facts_list);
  add_fact (self->facts_list, _("Source"), run->source != NULL ? run->source : "");
  {
    g_autofree char *started = dps_format_local_date_time (run->started_at);

    add_fact (self->facts_list, _("Started"), started);
  }
  if (run->finished_at > 0)
    {
      g_autofree char *finished = dps_format_local_date_time (run->finished_at);

      add_fact (self->facts_list, _("Finished"), finished);
    }
  end = run->finished_at > 0 ? run->finished_at : g_get_real_time ();
  {
    g_autofree char *duration = dps_format_duration ((double) MAX (end - run->started_at, (gint64) 0) /
                                                         G_USEC_PER_SEC);

    add_fact (self->facts_list, _("Duration"), duration);
  }
  add_count_fact (self->facts_list, _("Lines read"), run->rows_read);
  add_count_fact (self->facts_list, _("Loaded"), run->rows_loaded);
  add_count_fact (self->facts_list, _("Rejected"), run->rows_rejected);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    if (run->rejected_by_reason[i] > 0)
      {
        /* TRANSLATORS: a line of the rejects of a run by reason, like "Rejected: Malformed JSON" */
        g_autofree char *label = g_strdup_printf (_("Rejected: %s"), dps_reject_reason_get_label (i));

        add_count_fact (self->facts_list, label, run->rejected_by_reason[i]);
      }
  add_count_fact (self->facts_list, _("Duplicates"), run->rows_duplicate);
  {
    g_autofree char *size = dps_format_size (run->bytes_read);

    add_fact (self->facts_list, _("Bytes read"), size);
  }
  timings = stage_timings_text (run->stage_timings);
  if (timings != NULL)
    add_fact (self->facts_list, _("Time per stage"), timings);

  remove_all_rows (self->checks_list);
  if (dps_run_item_get_n_checks (item) == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     run->status == DPS_RUN_STATUS_RUNNING
                                     ? _("Checked when the run ends")
                                     : _("No checks recorded"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->checks_list, row);
    }
  for (guint i = 0; i < dps_run_item_get_n_checks (item); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon;
      const char *name, *detail;
      gboolean passed;

      dps_run_item_get_check (item, i, &name, &passed, &detail);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dps_run_item_check_label (name));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), detail);
      icon = gtk_image_new_from_icon_name (passed ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
      gtk_widget_add_css_class (icon, passed ? "success" : "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      passed ? _("Passed") : _("Failed"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->checks_list, row);
    }

  gtk_widget_set_visible (self->error_box, run->error != NULL);
  gtk_label_set_label (self->error_label, run->error != NULL ? run->error : "");
  gtk_stack_set_visible_child_name (self->details_stack, "run");
}

static void
selection_changed_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      DpsPipelinePage    *self)
{
  show_details (self);
}

/* ---------------------------------------------------------------------- */
/* run history                                                            */

static void
list_runs_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  DpsRepository *repository = dps_session_get_repository (DPS_SESSION (task_data));
  GError *error = NULL;
  GPtrArray *runs;

  if (repository == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_new (), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  runs = dps_repository_list_runs (repository, HISTORY_LIMIT, &error);
  if (runs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
}

/* Puts the new history in the store, keeping the items (and so the
 * selection and the scroll position) of runs already listed. */
static void
merge_history (DpsPipelinePage *self,
               GPtrArray       *runs)
{
  GListModel *model = G_LIST_MODEL (self->history_store);
  guint n_old = g_list_model_get_n_items (model);
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean same_order = n_old == runs->len;

  for (guint i = 0; i < n_old; i++)
    {
      DpsRunItem *item = g_list_model_get_item (model, i);
      gint64 id = dps_run_item_get_id (item);

      g_hash_table_insert (by_id, g_memdup2 (&id, sizeof id), item);
    }

  for (guint i = 0; i < runs->len; i++)
    {
      const DpsRunRecord *run = g_ptr_array_index (runs, i);
      DpsRunItem *item = g_hash_table_lookup (by_id, &run->id);

      if (item != NULL)
        {
          dps_run_item_set_record (item, run);
          g_ptr_array_add (items, g_object_ref (item));
          if (same_order)
            {
              g_autoptr(DpsRunItem) at = g_list_model_get_item (model, i);

              same_order = at == item;
            }
        }
      else
        {
          g_ptr_array_add (items, dps_run_item_new (run));
          same_order = FALSE;
        }
    }

  if (!same_order)
    {
      gpointer selected = gtk_single_selection_get_selected_item (self->history_selection);
      g_autoptr(GObject) keep = selected != NULL ? g_object_ref (selected) : NULL;
      guint position;

      g_list_store_splice (self->history_store, 0, n_old, items->pdata, items->len);
      if (keep != NULL && g_list_store_find (self->history_store, keep, &position))
        gtk_single_selection_set_selected (self->history_selection, position);
    }
  show_details (self);

  gtk_stack_set_visible_child_name (self->history_stack, runs->len > 0 ? "list" : "empty");

  /* Before any run of this session: the last run, still. */
  if (runs->len > 0 && self->shown_engine == NULL && !dps_pipeline_diagram_get_live (self->diagram))
    dps_pipeline_diagram_show_run (self->diagram, g_ptr_array_index (runs, 0));
  else if (runs->len == 0 && self->shown_engine == NULL)
    dps_pipeline_diagram_clear (self->diagram);
}

static void
history_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DpsPipelinePage) self = user_data;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->history_loading = FALSE;

  if (runs == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not read the run history: %s"), error->message);

      toast (self, message);
    }
  else
    merge_history (self, runs);

  if (self->history_pending)
    {
      self->history_pending = FALSE;
      dps_pipeline_page_refresh_history (self);
    }
}

/* ---------------------------------------------------------------------- */
/* sampling                                                               */

static gint64
lines_done (const DpsEngineMetrics *m)
{
  return m->rows_loaded + m->rows_rejected + m->rows_duplicate;
}

static void
update_metric_labels (DpsPipelinePage        *self,
                      const DpsEngineMetrics *m)
{
  g_autofree char *rate = dps_format_rate (dps_sample_series_get_last (self->series));

  gtk_label_set_label (self->rate_label, rate);
  if (m != NULL && m->batches > 0)
    {
      g_autofree char *rows = dps_format_count (m->last_batch_rows);
      /* TRANSLATORS: the size of the last batch written */
      g_autofree char *batch = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                                             m->last_batch_rows), rows);
      /* TRANSLATORS: commit time of the last batch, in milliseconds */
      g_autofree char *latency = g_strdup_printf (_("%.1f ms"), m->last_batch_ms);

      gtk_label_set_label (self->batch_label, batch);
      gtk_label_set_label (self->latency_label, latency);
    }
}

static void
update_runs_label (DpsPipelinePage *self,
                   guint            n_running)
{
  g_autofree char *text = NULL;

  if (n_running > 1)
    /* TRANSLATORS: more than one run goes on; the diagram shows the newest */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run going on, the newest shown",
                                         "%u runs going on, the newest shown", n_running), n_running);
  else if (n_running == 1)
    text = g_strdup (_("Running"));
  gtk_label_set_label (self->runs_label, text != NULL ? text : "");
}

static void
show_engine (DpsPipelinePage *self,
             DpsEngine       *engine)
{
  DpsSource *source = dps_engine_get_source (engine);

  g_set_object (&self->shown_engine, engine);
#if HAVE_KAFKA
  if (DPS_IS_KAFKA_SOURCE (source))
    {
      g_autofree char *topic = NULL;
      g_autofree char *group = NULL;
      g_autofree char *description = NULL;

      /* The box says it is a Kafka topic: its name and group suffice. */
      split_kafka_key (dps_kafka_source_get_source_key (source), &topic, &group);
      /* TRANSLATORS: a Kafka topic and its consumer group, like "transactions (group dps)" */
      description = g_strdup_printf (_("%s (group %s)"), topic, group);
      dps_pipeline_diagram_set_source (self->diagram, "kafka", description);
      return;
    }
#endif
  dps_pipeline_diagram_set_source (self->diagram, dps_source_get_kind (source),
                                   dps_source_get_description (source));
}

static void
hide_partitions (DpsPipelinePage *self)
{
  g_array_set_size (self->partition_lag, 0);
  gtk_widget_set_visible (self->kafka_box, FALSE);
}

#if HAVE_KAFKA
static char *
offset_text (gint64 value)
{
  return value >= 0 ? dps_format_count (value) : g_strdup ("–");
}

static void
set_cell (GtkGrid    *grid,
          int         column,
          int         row,
          const char *text,
          gboolean    dim)
{
  GtkWidget *label = gtk_grid_get_child_at (grid, column, row);

  if (label == NULL)
    {
      label = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
      gtk_grid_attach (grid, label, column, row, 1, 1);
    }
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), text) != 0)
    gtk_label_set_label (GTK_LABEL (label), text);
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}
#endif

/* The partitions of @engine's topic, when it reads Kafka: committed
 * position, high watermark and lag of each. @live: the run goes on. */
static void
update_partitions (DpsPipelinePage        *self,
                   DpsEngine              *engine,
                   const DpsEngineMetrics *m,
                   gboolean                live)
{
#if HAVE_KAFKA
  DpsSource *source = dps_engine_get_source (engine);
  g_autoptr(GArray) lags = NULL;
  g_autofree char *topic = NULL;
  g_autofree char *group = NULL;
  g_autofree char *title = NULL;
  const char *status;
  int row;

  if (!DPS_IS_KAFKA_SOURCE (source))
    {
      hide_partitions (self);
      return;
    }

  lags = dps_kafka_source_get_partition_lag (source);
  for (guint i = 0; i < lags->len; i++)
    {
      const DpsKafkaPartitionLag *lag = &g_array_index (lags, DpsKafkaPartitionLag, i);
      g_autofree char *partition = g_strdup_printf ("%d", lag->partition);
      g_autofree char *committed = offset_text (lag->committed);
      g_autofree char *high = offset_text (lag->high_watermark);
      g_autofree char *behind = offset_text (lag->lag);
      /* Partitions another member of the group reads now are dimmed. */
      gboolean dim = live && !lag->assigned;

      row = (int) i + 1;
      set_cell (self->kafka_grid, 0, row, partition, dim);
      set_cell (self->kafka_grid, 1, row, committed, dim);
      set_cell (self->kafka_grid, 2, row, high, dim);
      set_cell (self->kafka_grid, 3, row, behind, dim);
    }
  row = (int) lags->len + 1;
  while (gtk_grid_get_child_at (self->kafka_grid, 0, row) != NULL)
    gtk_grid_remove_row (self->kafka_grid, row);

  g_array_set_size (self->partition_lag, 0);
  g_array_append_vals (self->partition_lag, lags->data, lags->len);

  split_kafka_key (dps_kafka_source_get_source_key (source), &topic, &group);
  /* TRANSLATORS: heading of the list of partitions; %s is a Kafka topic */
  title = g_strdup_printf (_("Partitions of “%s”"), topic);
  gtk_label_set_label (self->kafka_title, title);

  if (!live)
    status = _("Where the run stopped");
  else if (m->state == DPS_ENGINE_STATE_WAITING && m->waiting_reason[0] != '\0')
    /* A broker down, the group forming, or nothing new. */
    status = m->waiting_reason;
  else if (lags->len == 0)
    status = _("Connecting…");
  else
    status = _("Reading");
  gtk_label_set_label (self->kafka_status_label, status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kafka_status_label), status);
  gtk_widget_set_visible (self->kafka_box, TRUE);
#endif
}

/* One sample a second: the shown run's metrics for the diagram, lines
 * done by every run for the throughput series. */
static void
sample (DpsPipelinePage *self)
{
  g_autoptr(GPtrArray) engines = dps_pipeline_controller_list_engines (self->controller);
  gint64 now = g_get_monotonic_time ();
  gint64 delta = 0;
  double seconds;
  DpsEngine *newest = engines->len > 0 ? g_ptr_array_index (engines, engines->len - 1) : NULL;
  GHashTableIter iter;
  gpointer key, value;
  DpsEngineMetrics m;
  gboolean have_metrics = FALSE;

  /* Lines done since the last sample, by runs still going and by runs
   * that ended in between. */
  for (guint i = 0; i < engines->len; i++)
    {
      DpsEngine *engine = g_ptr_array_index (engines, i);
      gint64 *seen = g_hash_table_lookup (self->engine_counts, engine);
      DpsEngineMetrics em;

      dps_engine_get_metrics (engine, &em);
      if (seen == NULL)
        {
          seen = g_new0 (gint64, 1);
          g_hash_table_insert (self->engine_counts, g_object_ref (engine), seen);
        }
      delta += MAX (lines_done (&em) - *seen, (gint64) 0);
      *seen = lines_done (&em);
    }
  g_hash_table_iter_init (&iter, self->engine_counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean running = FALSE;

      for (guint i = 0; i < engines->len && !running; i++)
        running = g_ptr_array_index (engines, i) == key;
      if (!running)
        {
          DpsEngineMetrics em;

          dps_engine_get_metrics (DPS_ENGINE (key), &em);
          delta += MAX (lines_done (&em) - *(gint64 *) value, (gint64) 0);
          g_hash_table_iter_remove (&iter);
        }
    }
  seconds = self->last_sample > 0 ? (double) (now - self->last_sample) / G_USEC_PER_SEC : 1.0;
  self->last_sample = now;
  self->window_lines[self->window_next] = delta;
  self->window_seconds[self->window_next] = seconds;
  self->window_next = (self->window_next + 1) % RATE_WINDOW;
  {
    gint64 lines = 0;
    double span = 0;

    for (guint i = 0; i < RATE_WINDOW; i++)
      {
        lines += self->window_lines[i];
        span += self->window_seconds[i];
      }
    dps_sample_series_push (self->series, now, span > 0.05 ? (double) lines / span : 0.0);
  }

  /* The diagram follows the newest run; when it ends, its totals stay. */
  if (self->shown_engine != NULL && self->shown_engine != newest)
    {
      dps_engine_get_metrics (self->shown_engine, &m);
      dps_pipeline_diagram_update (self->diagram, &m);
      update_partitions (self, self->shown_engine, &m, FALSE);
      have_metrics = TRUE;
      g_clear_object (&self->shown_engine);
    }
  if (newest != NULL)
    {
      if (newest != self->shown_engine)
        show_engine (self, newest);
      dps_engine_get_metrics (newest, &m);
      dps_pipeline_diagram_update (self->diagram, &m);
      update_partitions (self, newest, &m, TRUE);
      have_metrics = TRUE;
    }

  update_metric_labels (self, have_metrics ? &m : NULL);
  update_runs_label (self, engines->len);
}

static gboolean
sample_cb (gpointer user_data)
{
  DpsPipelinePage *self = user_data;

  sample (self);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* schedule and actions                                                   */

static void
update_actions (DpsPipelinePage *self)
{
  gboolean has_database;
  g_autofree char *source = NULL;
  gboolean scheduled;

  if (self->controller == NULL || self->actions == NULL)
    return;   /* disposed */
  has_database = dps_session_get_uri (self->session) != NULL;
  source = dps_pipeline_controller_dup_schedule_source (self->controller);
  scheduled = dps_pipeline_controller_get_schedule (self->controller) != DPS_PIPELINE_SCHEDULE_OFF;

  set_action_enabled (self, "follow", has_database);
  set_action_enabled (self, "follow-folder", has_database);
  set_action_enabled (self, "start-generator", has_database);
  set_action_enabled (self, "consume-kafka", has_database);
  set_action_enabled (self, "run-now",
                      has_database &&
                      (dps_pipeline_controller_get_schedule_active (self->controller) || source[0] != '\0'));
  set_action_enabled (self, "stop", dps_pipeline_controller_is_running (self->controller) || scheduled);
}

static void
update_schedule (DpsPipelinePage *self)
{
  DpsPipelineSchedule schedule;
  const char *problem;
  g_autofree char *source = NULL;
  g_autofree char *display = NULL;
  g_autofree char *text = NULL;
  gint64 next;

  if (self->controller == NULL)
    return;   /* disposed */
  schedule = dps_pipeline_controller_get_schedule (self->controller);
  problem = dps_pipeline_controller_get_schedule_problem (self->controller);
  source = dps_pipeline_controller_dup_schedule_source (self->controller);
  display = source[0] != '\0' ? g_filename_display_name (source) : NULL;
  next = dps_pipeline_controller_get_next_run (self->controller);

  gtk_widget_set_sensitive (GTK_WIDGET (self->interval_spin), schedule == DPS_PIPELINE_SCHEDULE_INTERVAL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->interval_unit_label), schedule == DPS_PIPELINE_SCHEDULE_INTERVAL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->schedule_label), "warning");

  if (problem != NULL)
    {
      text = g_strdup (problem);
      gtk_widget_add_css_class (GTK_WIDGET (self->schedule_label), "warning");
    }
  else if (schedule == DPS_PIPELINE_SCHEDULE_OFF)
    {
      if (display != NULL)
        /* TRANSLATORS: the schedule is off; %s is the file or folder it would read */
        text = g_strdup_printf (_("Runs start only when asked. Run Now reads “%s”."), display);
      else
        text = g_strdup (_("Runs start only when asked."));
    }
  else if (schedule == DPS_PIPELINE_SCHEDULE_CONTINUOUS)
    /* TRANSLATORS: %s is the followed file or folder */
    text = g_strdup_printf (_("Following “%s” continuously, restarted if it fails."), display);
  else
    {
      guint minutes = dps_pipeline_controller_get_interval_minutes (self->controller);
      g_autofree char *every = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every minute",
                                                             "Every %u minutes", minutes), minutes);

      if (next > 0)
        {
          g_autofree char *when = dps_format_local_time (next);

          /* TRANSLATORS: "Every 5 minutes from “/data/queue”, next run at 14:05:00" */
          text = g_strdup_printf (_("%s from “%s”, next run at %s"), every, display, when);
        }
      else
        /* TRANSLATORS: "Every 5 minutes from “/data/queue”, running now" */
        text = g_strdup_printf (_("%s from “%s”, running now"), every, display);
    }
  gtk_label_set_label (self->schedule_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->schedule_label), text);
  update_actions (self);
}

/* What Consume Kafka reads, or where to set it. */
static void
update_kafka_tooltip (DpsPipelinePage *self)
{
  GSettings *settings;
  g_autofree char *brokers = NULL;
  g_autofree char *topic = NULL;
  g_autofree char *group = NULL;
  g_autofree char *text = NULL;

  if (self->controller == NULL)
    return;   /* disposed */
  settings = dps_pipeline_controller_get_settings (self->controller);
  brokers = g_strstrip (g_settings_get_string (settings, "kafka-brokers"));
  topic = g_strstrip (g_settings_get_string (settings, "kafka-topic"));
  group = g_strstrip (g_settings_get_string (settings, "kafka-group"));
  if (brokers[0] == '\0' || topic[0] == '\0')
    text = g_strdup (_("Load a Kafka topic until stopped. Set its brokers and name in Preferences first."));
  else
    /* TRANSLATORS: tooltip of Consume Kafka: topic, brokers, consumer group */
    text = g_strdup_printf (_("Load “%s” from %s as a member of the group “%s”, until stopped"),
                            topic, brokers, group[0] != '\0' ? group : "dps");
  gtk_widget_set_tooltip_text (self->kafka_button, text);
}

static void
controller_changed_cb (DpsPipelineController *controller,
                       GParamSpec            *pspec,
                       DpsPipelinePage       *self)
{
  update_schedule (self);
}

static void
settings_changed_cb (GSettings       *settings,
                     const char      *key,
                     DpsPipelinePage *self)
{
  if (g_str_has_prefix (key, "schedule-"))
    update_schedule (self);
  else if (g_str_has_prefix (key, "kafka-"))
    update_kafka_tooltip (self);
}

static void
run_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DpsPipelinePage) self = user_data;
  g_autoptr(DpsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;

  engine = dps_pipeline_controller_start_finish (DPS_PIPELINE_CONTROLLER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not start the run: %s"), error->message);

      toast (self, message);
      return;
    }
  sample (self);
  update_actions (self);
}

static void
follow (DpsPipelinePage *self,
        const char      *path)
{
  dps_pipeline_controller_follow_async (self->controller, path, self->cancellable,
                                        run_started_cb, g_object_ref (self));
}

static void
follow_chosen_cb (GObject   *owner,
                  GPtrArray *files)
{
  g_autofree char *path = dps_dialogs_dup_first_path (files);

  if (path != NULL)
    follow (DPS_PIPELINE_PAGE (owner), path);
}

static void
schedule_chosen_cb (GObject   *owner,
                    GPtrArray *files)
{
  g_autofree char *path = dps_dialogs_dup_first_path (files);

  if (path != NULL)
    dps_pipeline_controller_set_schedule_source (DPS_PIPELINE_PAGE (owner)->controller, path);
}

static void
choose (DpsPipelinePage *self,
        ChooseFor        purpose)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  switch (purpose)
    {
    case CHOOSE_FOLLOW_FILE:
      dps_dialogs_open_files (parent, _("Follow a JSON Lines File"), _("_Follow"),
                              DPS_FILE_KIND_JSONL, FALSE, follow_chosen_cb, G_OBJECT (self));
      break;
    case CHOOSE_FOLLOW_FOLDER:
      dps_dialogs_select_folder (parent, _("Follow a Folder of JSON Lines Files"), _("_Follow"),
                                 follow_chosen_cb, G_OBJECT (self));
      break;
    case CHOOSE_SCHEDULE_FILE:
      dps_dialogs_open_files (parent, _("Schedule a File"), _("_Select"),
                              DPS_FILE_KIND_JSONL, FALSE, schedule_chosen_cb, G_OBJECT (self));
      break;
    case CHOOSE_SCHEDULE_FOLDER:
      dps_dialogs_select_folder (parent, _("Schedule a Folder"), _("_Select"),
                                 schedule_chosen_cb, G_OBJECT (self));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
follow_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  DpsPipelinePage *self = user_data;
  const char *path = g_variant_get_string (parameter, NULL);

  if (path[0] != '\0')
    follow (self, path);
  else
    choose (self, g_str_equal (g_action_get_name (G_ACTION (action)), "follow-folder")
                  ? CHOOSE_FOLLOW_FOLDER : CHOOSE_FOLLOW_FILE);
}

static void
schedule_source_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  DpsPipelinePage *self = user_data;
  const char *path = g_variant_get_string (parameter, NULL);

  if (path[0] != '\0')
    dps_pipeline_controller_set_schedule_source (self->controller, path);
  else
    choose (self, g_str_equal (g_action_get_name (G_ACTION (action)), "schedule-folder")
                  ? CHOOSE_SCHEDULE_FOLDER : CHOOSE_SCHEDULE_FILE);
}

static void
start_generator_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  DpsPipelinePage *self = user_data;

  dps_pipeline_controller_start_generator_async (self->controller,
                                                 gtk_adjustment_get_value (self->rate_adjustment),
                                                 self->cancellable, run_started_cb, g_object_ref (self));
}

#if HAVE_KAFKA
static void
consume_kafka_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  DpsPipelinePage *self = user_data;

  dps_pipeline_controller_consume_kafka_async (self->controller, self->cancellable,
                                               run_started_cb, g_object_ref (self));
}
#endif

static void
run_now_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  DpsPipelinePage *self = user_data;

  dps_pipeline_controller_run_now_async (self->controller, self->cancellable,
                                         run_started_cb, g_object_ref (self));
}

static void
stop_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  DpsPipelinePage *self = user_data;

  dps_pipeline_controller_stop (self->controller);
  update_actions (self);
}

static const GActionEntry page_actions[] = {
  { "follow", follow_action, "s" },
  { "follow-folder", follow_action, "s" },
  { "start-generator", start_generator_action },
  { "run-now", run_now_action },
  { "stop", stop_action },
  { "schedule-file", schedule_source_action, "s" },
  { "schedule-folder", schedule_source_action, "s" },
};

#if HAVE_KAFKA
static const GActionEntry kafka_actions[] = {
  { "consume-kafka", consume_kafka_action },
};
#endif

/* GSettings "schedule-mode" ↔ the drop-down's position. */
static gboolean
mode_to_selected (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *mode = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, g_str_equal (mode, "interval") ? 1 : g_str_equal (mode, "continuous") ? 2 : 0);
  return TRUE;
}

static GVariant *
selected_to_mode (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  static const char *const modes[] = { "off", "interval", "continuous" };
  guint selected = g_value_get_uint (value);

  return g_variant_new_string (modes[selected < G_N_ELEMENTS (modes) ? selected : 0]);
}

/* GSettings unsigned minutes ↔ the adjustment's double. */
static gboolean
uint_to_double (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
double_to_uint (const GValue       *value,
                const GVariantType *expected_type,
                gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) CLAMP (g_value_get_double (value), 1.0, 1440.0));
}

/* ---------------------------------------------------------------------- */
/* session                                                                */

static void
session_run_finished_cb (DpsSession      *session,
                         DpsEngine       *engine,
                         GError          *error,
                         DpsPipelinePage *self)
{
  /* Show the run's final totals at once, then the next run if any. */
  sample (self);
  update_actions (self);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("The run failed: %s"), error->message);

      toast (self, message);
    }
  dps_pipeline_page_refresh_history (self);
}

static void
session_run_started_cb (DpsSession      *session,
                        DpsEngine       *engine,
                        DpsPipelinePage *self)
{
  sample (self);
  update_actions (self);
  dps_pipeline_page_refresh_history (self);
}

static void
session_data_changed_cb (DpsSession      *session,
                         DpsPipelinePage *self)
{
  dps_pipeline_page_refresh_history (self);
}

static void
session_uri_changed_cb (DpsSession      *session,
                        GParamSpec      *pspec,
                        DpsPipelinePage *self)
{
  dps_pipeline_diagram_set_database_name (self->diagram, dps_session_get_display_name (session));
  if (self->shown_engine == NULL)
    {
      dps_pipeline_diagram_clear (self->diagram);
      hide_partitions (self);
    }
  g_list_store_remove_all (self->history_store);
  update_actions (self);
  dps_pipeline_page_refresh_history (self);
}

/* ---------------------------------------------------------------------- */

static void
dps_pipeline_page_constructed (GObject *object)
{
  DpsPipelinePage *self = DPS_PIPELINE_PAGE (object);
  GSettings *settings;

  G_OBJECT_CLASS (dps_pipeline_page_parent_class)->constructed (object);

  g_assert (DPS_IS_SESSION (self->session));
  self->controller = g_object_ref (dps_pipeline_controller_get_for_session (self->session));
  settings = dps_pipeline_controller_get_settings (self->controller);

  g_settings_bind (settings, "generator-rate", self->rate_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "schedule-interval-minutes",
                                self->interval_adjustment, "value", G_SETTINGS_BIND_DEFAULT,
                                uint_to_double, double_to_uint, NULL, NULL);
  g_settings_bind_with_mapping (settings, "schedule-mode",
                                self->schedule_dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                mode_to_selected, selected_to_mode, NULL, NULL);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);

  g_signal_connect_object (self->controller, "notify", G_CALLBACK (controller_changed_cb), self, 0);
  g_signal_connect_object (self->session, "run-started", G_CALLBACK (session_run_started_cb), self, 0);
  g_signal_connect_object (self->session, "run-finished", G_CALLBACK (session_run_finished_cb), self, 0);
  g_signal_connect_object (self->session, "data-changed", G_CALLBACK (session_data_changed_cb), self, 0);
  g_signal_connect_object (self->session, "notify::uri", G_CALLBACK (session_uri_changed_cb), self, 0);

  dps_pipeline_diagram_set_database_name (self->diagram, dps_session_get_display_name (self->session));
  update_kafka_tooltip (self);
  update_schedule (self);
  sample (self);
  self->sample_id = g_timeout_add_seconds (1, sample_cb, self);
  dps_pipeline_page_refresh_history (self);
}

static void
dps_pipeline_page_dispose (GObject *object)
{
  DpsPipelinePage *self = DPS_PIPELINE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->sample_id, g_source_remove);
  if (self->controller != NULL)
    {
      g_settings_unbind (self->rate_adjustment, "value");
      g_settings_unbind (self->interval_adjustment, "value");
      g_settings_unbind (self->schedule_dropdown, "selected");
    }

  /* The template's widgets outlive this: they go with the bin's child. */
  g_signal_handlers_disconnect_by_data (self->history_selection, self);

  g_clear_object (&self->shown_engine);
  g_clear_pointer (&self->engine_counts, g_hash_table_unref);
  g_clear_pointer (&self->partition_lag, g_array_unref);
  g_clear_object (&self->series);
  g_clear_object (&self->controller);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  if (self->actions != NULL)
    {
      /* A window may still hold the group: it must not reach this page. */
      for (guint i = 0; i < G_N_ELEMENTS (page_actions); i++)
        g_action_map_remove_action (G_ACTION_MAP (self->actions), page_actions[i].name);
#if HAVE_KAFKA
      for (guint i = 0; i < G_N_ELEMENTS (kafka_actions); i++)
        g_action_map_remove_action (G_ACTION_MAP (self->actions), kafka_actions[i].name);
#endif
      g_clear_object (&self->actions);
    }

  G_OBJECT_CLASS (dps_pipeline_page_parent_class)->dispose (object);
}

static void
dps_pipeline_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DpsPipelinePage *self = DPS_PIPELINE_PAGE (object);

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
dps_pipeline_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DpsPipelinePage *self = DPS_PIPELINE_PAGE (object);

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
dps_pipeline_page_class_init (DpsPipelinePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dps_pipeline_page_constructed;
  object_class->dispose = dps_pipeline_page_dispose;
  object_class->get_property = dps_pipeline_page_get_property;
  object_class->set_property = dps_pipeline_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Links the resources in wherever the page is used. */
  (void) dps_get_resource ();
  g_type_ensure (DPS_TYPE_PIPELINE_DIAGRAM);
  g_type_ensure (DPS_TYPE_THROUGHPUT_GRAPH);
  g_type_ensure (DPS_TYPE_RUN_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/dps-pipeline-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, rate_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, runs_label);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, schedule_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, interval_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, interval_unit_label);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, schedule_label);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, diagram);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, throughput_graph);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, rate_label);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, batch_label);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, latency_label);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, history_stack);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, history_view);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, history_selection);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, history_store);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, details_stack);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, details_title);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, facts_list);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, checks_list);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, error_box);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, kafka_separator);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, kafka_button);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, kafka_box);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, kafka_title);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, kafka_status_label);
  gtk_widget_class_bind_template_child (widget_class, DpsPipelinePage, kafka_grid);
}

static void
dps_pipeline_page_init (DpsPipelinePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* A group of its own, so that the window can insert it too and its
   * menus and shortcuts reach the page's commands. */
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions,
                                   G_N_ELEMENTS (page_actions), self);
#if HAVE_KAFKA
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), kafka_actions,
                                   G_N_ELEMENTS (kafka_actions), self);
#else
  /* Built without librdkafka: no Kafka command to offer. */
  gtk_widget_set_visible (self->kafka_separator, FALSE);
  gtk_widget_set_visible (self->kafka_button, FALSE);
#endif
  self->partition_lag = g_array_new (FALSE, TRUE, sizeof (DpsKafkaPartitionLag));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "pipeline", G_ACTION_GROUP (self->actions));

  self->cancellable = g_cancellable_new ();
  self->series = dps_sample_series_new (SAMPLE_SECONDS);
  self->engine_counts = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, g_free);
  dps_throughput_graph_set_series (self->throughput_graph, self->series);
  dps_throughput_graph_set_span_seconds (self->throughput_graph, SAMPLE_SECONDS);
  g_signal_connect (self->history_selection, "notify::selected-item",
                    G_CALLBACK (selection_changed_cb), self);
}

/* ---------------------------------------------------------------------- */
/* public API                                                             */

GtkWidget *
dps_pipeline_page_new (DpsSession *session)
{
  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);
  return g_object_new (DPS_TYPE_PIPELINE_PAGE, "session", session, NULL);
}

DpsSession *
dps_pipeline_page_get_session (DpsPipelinePage *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_PAGE (self), NULL);
  return self->session;
}

DpsPipelineDiagram *
dps_pipeline_page_get_diagram (DpsPipelinePage *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_PAGE (self), NULL);
  return self->diagram;
}

GActionGroup *
dps_pipeline_page_get_action_group (DpsPipelinePage *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_PAGE (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

GListModel *
dps_pipeline_page_get_history (DpsPipelinePage *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_PAGE (self), NULL);
  return G_LIST_MODEL (self->history_store);
}

void
dps_pipeline_page_sample (DpsPipelinePage *self)
{
  g_return_if_fail (DPS_IS_PIPELINE_PAGE (self));
  sample (self);
}

void
dps_pipeline_page_refresh_history (DpsPipelinePage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DPS_IS_PIPELINE_PAGE (self));

  if (self->history_loading)
    {
      self->history_pending = TRUE;
      return;
    }
  if (dps_session_get_uri (self->session) == NULL)
    return;

  self->history_loading = TRUE;
  task = g_task_new (NULL, self->cancellable, history_loaded_cb, g_object_ref (self));
  g_task_set_source_tag (task, dps_pipeline_page_refresh_history);
  g_task_set_task_data (task, g_object_ref (self->session), g_object_unref);
  g_task_run_in_thread (task, list_runs_in_thread);
}

GArray *
dps_pipeline_page_dup_partition_lag (DpsPipelinePage *self)
{
  GArray *copy = g_array_new (FALSE, TRUE, sizeof (DpsKafkaPartitionLag));

  g_return_val_if_fail (DPS_IS_PIPELINE_PAGE (self), copy);

  if (gtk_widget_get_visible (self->kafka_box))
    g_array_append_vals (copy, self->partition_lag->data, self->partition_lag->len);
  return copy;
}
