/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-dialogs.h"
#include "dps-duplicate-item.h"
#include "dps-format.h"
#include "dps-quality-page.h"
#include "dps-reject-chart.h"
#include "dps-reject-item.h"
#include "dps-reject-list.h"
#include "dps-reject-timeline.h"
#include "dps-resources.h"

#define DUPLICATES_LIMIT 1000
/* Reasons a stored reject can have (duplicates are counted apart). */
#define N_LISTED_REASONS (DPS_REJECT_LINE_TOO_LONG + 1)

struct _DpsQualityPage
{
  AdwBin              parent_instance;

  /* Template children. */
  AdwToastOverlay    *toast_overlay;
  GtkLabel           *rejects_value;
  GtkLabel           *rate_value;
  GtkLabel           *loaded_value;
  GtkLabel           *duplicates_value;
  GtkLabel           *period_label;
  DpsRejectChart     *reason_chart;
  DpsRejectTimeline  *timeline;
  GtkDropDown        *reason_dropdown;
  GtkLabel           *count_label;
  GtkSpinner         *spinner;
  GtkStack           *export_stack;
  GtkColumnView      *rejects_view;
  GtkSingleSelection *rejects_selection;
  GtkStack           *details_stack;
  GtkLabel           *detail_reason;
  GtkLabel           *detail_text;
  GtkLabel           *detail_where;
  GtkTextView        *raw_view;
  GtkLabel           *raw_note;
  GListStore         *duplicates_store;

  /* Owned. */
  DpsSession         *session;
  DpsRejectList      *rejects;
  GCancellable       *cancellable;        /* figures being read */
  GCancellable       *export_cancellable;
  GSimpleActionGroup *actions;            /* "quality" */
  DpsRejectExportFormat save_format;      /* of the file being chosen */

  /* Main-thread state. */
  gint64              from;               /* the filter's period, as last read */
  gint64              to;
  gint64              by_reason[DPS_N_REJECT_REASONS];
  gint64              loaded;
  gboolean            refreshing;
  gboolean            refresh_pending;
};

G_DEFINE_FINAL_TYPE (DpsQualityPage, dps_quality_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_REFRESHING,
  N_PROPS
};

enum {
  REFRESHED,
  EXPORT_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  DpsSession   *session;
  gint64        from;
  gint64        to;
  gint64        by_reason[DPS_N_REJECT_REASONS];
  DpsBreakdown *series;
  DpsKpis       kpis;
  GPtrArray    *duplicates;
} RefreshJob;

static void
refresh_job_free (gpointer data)
{
  RefreshJob *job = data;

  g_object_unref (job->session);
  g_clear_pointer (&job->series, dps_breakdown_unref);
  g_clear_pointer (&job->duplicates, g_ptr_array_unref);
  g_free (job);
}

typedef struct {
  DpsSession            *session;
  DpsRejectQuery         query;
  DpsRejectExportFormat  format;
  char                  *path;
  guint64                count;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_object_unref (job->session);
  g_free (job->path);
  g_free (job);
}

/* ---------------------------------------------------------------------- */
/* helpers                                                                */

static void
toast (DpsQualityPage *self,
       const char     *message)
{
  AdwToast *t = dps_dialogs_toast_new (message);

  adw_toast_set_timeout (t, 6);
  /* In the window, its overlay: seen from every view. */
  dps_dialogs_add_toast (GTK_WIDGET (self->toast_overlay), t);
}

static void
set_action_enabled (DpsQualityPage *self,
                    const char     *name,
                    gboolean        enabled)
{
  GAction *action;

  if (self->actions == NULL)
    return;   /* disposed */
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
set_refreshing (DpsQualityPage *self,
                gboolean        refreshing)
{
  if (self->refreshing == refreshing)
    return;
  self->refreshing = refreshing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
}

static void
update_spinner (DpsQualityPage *self)
{
  gboolean busy = self->refreshing || dps_reject_list_get_loading (self->rejects);

  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

static void
build_query (DpsQualityPage *self,
             DpsRejectQuery *query)
{
  int reason = dps_quality_page_get_reason_filter (self);

  dps_reject_query_init (query);
  query->from = self->from;
  query->to = self->to;
  query->reasons = reason >= 0 ? DPS_FILTER_MASK (reason) : 0;
}

static void
update_period_label (DpsQualityPage *self)
{
  g_autofree char *text = NULL;
  g_autofree char *from = self->from != DPS_FILTER_NO_TIME ? dps_format_local_date (self->from) : NULL;
  /* The period is half-open: its last day is the one before "to". */
  g_autofree char *to = self->to != DPS_FILTER_NO_TIME ? dps_format_local_date (self->to - 1) : NULL;

  if (from != NULL && to != NULL)
    /* TRANSLATORS: the period of the shared filter, two dates */
    text = g_strdup_printf (_("Records dated from %s to %s, by their own time or else when they were rejected."),
                            from, to);
  else if (from != NULL)
    text = g_strdup_printf (_("Records dated from %s on, by their own time or else when they were rejected."),
                            from);
  else if (to != NULL)
    text = g_strdup_printf (_("Records dated up to %s, by their own time or else when they were rejected."),
                            to);
  else
    text = g_strdup (_("Every record: the filter sets no period."));
  gtk_label_set_label (self->period_label, text);
}

static gint64
listed_total (DpsQualityPage *self)
{
  int reason = dps_quality_page_get_reason_filter (self);
  gint64 total = 0;

  if (reason >= 0)
    return self->by_reason[reason];
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    total += self->by_reason[i];
  return total;
}

static void
update_count_label (DpsQualityPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->rejects));
  gint64 total = MAX (listed_total (self), (gint64) shown);
  g_autofree char *shown_text = dps_format_count (shown);
  g_autofree char *total_text = dps_format_count (total);
  g_autofree char *text = NULL;

  if (total == 0)
    text = g_strdup (_("No rejected records"));
  else if ((gint64) shown == total)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s rejected record", "%s rejected records",
                                         (gulong) MIN (total, G_MAXLONG)), total_text);
  else
    /* TRANSLATORS: rejected records loaded in the table, of how many there are */
    text = g_strdup_printf (_("%s of %s rejected records loaded"), shown_text, total_text);
  gtk_label_set_label (self->count_label, text);
}

/* ---------------------------------------------------------------------- */
/* figures                                                                */

static void
refresh_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  RefreshJob *job = task_data;
  DpsRepository *repository = dps_session_get_repository (job->session);
  g_autoptr(DpsFilter) period = dps_filter_new ();
  DpsRejectQuery query;
  GError *error = NULL;

  if (repository == NULL)
    {
      g_task_return_new_error (task, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND,
                               _("No database is open"));
      return;
    }

  dps_reject_query_init (&query);
  query.from = job->from;
  query.to = job->to;
  dps_filter_set_period (period, job->from, job->to);

  if (!dps_repository_count_rejects (repository, &query, job->by_reason, &error) ||
      (job->series = dps_repository_reject_series (repository, &query, &error)) == NULL ||
      !dps_repository_query_kpis (repository, period, &job->kpis, cancellable, &error) ||
      (job->duplicates = dps_repository_list_duplicates (repository, DUPLICATES_LIMIT, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DpsQualityPage) self = user_data;
  RefreshJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *rejects_text = NULL;
  g_autofree char *loaded_text = NULL;
  g_autofree char *duplicates_text = NULL;
  g_autofree char *rate_text = NULL;
  gint64 rejects = 0;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_refreshing (self, FALSE);
      update_spinner (self);
      {
        g_autofree char *message = g_strdup_printf (_("Could not read the rejects: %s"), error->message);

        toast (self, message);
      }
      return;
    }
  set_refreshing (self, FALSE);

  /* A newer period was asked for meanwhile: these figures are stale. */
  if (job->from == self->from && job->to == self->to)
    {
      memcpy (self->by_reason, job->by_reason, sizeof self->by_reason);
      self->loaded = job->kpis.total.count;
      for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
        rejects += job->by_reason[i];

      dps_reject_chart_set_counts (self->reason_chart, job->by_reason);
      dps_reject_timeline_set_series (self->timeline, job->series);
      rejects_text = dps_format_count (rejects);
      loaded_text = dps_format_count (self->loaded);
      duplicates_text = dps_format_count (job->kpis.duplicates);
      rate_text = dps_format_share (rejects, self->loaded + rejects);
      gtk_label_set_label (self->rejects_value, rejects_text);
      gtk_label_set_label (self->loaded_value, loaded_text);
      gtk_label_set_label (self->duplicates_value, duplicates_text);
      gtk_label_set_label (self->rate_value, rate_text);

      items = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < job->duplicates->len; i++)
        g_ptr_array_add (items, dps_duplicate_item_new (g_ptr_array_index (job->duplicates, i)));
      g_ptr_array_set_free_func (job->duplicates, NULL);   /* the items took them */
      g_list_store_splice (self->duplicates_store, 0,
                           g_list_model_get_n_items (G_LIST_MODEL (self->duplicates_store)),
                           items->pdata, items->len);
      update_count_label (self);
    }
  update_spinner (self);
  g_signal_emit (self, signals[REFRESHED], 0);

  if (self->refresh_pending)
    {
      self->refresh_pending = FALSE;
      dps_quality_page_refresh (self);
    }
}

static void
read_period (DpsQualityPage *self)
{
  dps_filter_get_period (dps_session_get_filter (self->session), &self->from, &self->to);
  update_period_label (self);
}

static void
reset_list (DpsQualityPage *self)
{
  DpsRejectQuery query;

  build_query (self, &query);
  dps_reject_list_set_query (self->rejects, &query);
  update_count_label (self);
}

/* ---------------------------------------------------------------------- */
/* the selected reject                                                    */

static void
show_reject (DpsQualityPage *self)
{
  DpsRejectItem *item = gtk_single_selection_get_selected_item (self->rejects_selection);
  const DpsStoredReject *stored;
  const DpsReject *reject;
  g_autofree char *raw = NULL;
  g_autofree char *position = NULL;
  g_autofree char *when = NULL;
  g_autoptr(GString) where = g_string_new (NULL);

  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      return;
    }
  stored = dps_reject_item_get_reject (item);
  reject = &stored->reject;

  gtk_label_set_label (self->detail_reason, dps_reject_reason_get_label (reject->reason));
  if (reject->field != NULL)
    {
      /* TRANSLATORS: the detail of a reject and the field it is about */
      g_autofree char *text = g_strdup_printf (_("%s (field “%s”)"),
                                               reject->detail != NULL ? reject->detail : "",
                                               reject->field);

      gtk_label_set_label (self->detail_text, text);
    }
  else
    gtk_label_set_label (self->detail_text, reject->detail != NULL ? reject->detail : "");

  position = dps_reject_item_dup_position (item);
  when = dps_format_local_date_time (stored->rejected_at);
  g_string_append_printf (where, "%s\n%s", dps_reject_item_get_source (item), position);
  g_string_append_c (where, '\n');
  {
    g_autofree char *run = g_strdup_printf ("%" G_GINT64_FORMAT, stored->run_id);

    /* TRANSLATORS: when a record was rejected, and by which run */
    g_string_append_printf (where, _("Rejected at %s by run %s"), when, run);
  }
  if (reject->transaction_id != NULL)
    {
      g_string_append_c (where, '\n');
      /* TRANSLATORS: the transaction id the rejected record carried */
      g_string_append_printf (where, _("Transaction %s"), reject->transaction_id);
    }
  gtk_label_set_label (self->detail_where, where->str);

  raw = dps_reject_dup_raw_text (reject);
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->raw_view);
    GtkTextIter start;

    /* Shown as it is: wrapped anywhere, no hyphen added at the breaks. */
    gtk_text_buffer_set_text (buffer, "", 0);
    gtk_text_buffer_get_start_iter (buffer, &start);
    gtk_text_buffer_insert_with_tags_by_name (buffer, &start, raw, -1, "raw", NULL);
  }
  if (reject->raw_size < reject->raw_length)
    {
      g_autofree char *kept = dps_format_size ((gint64) reject->raw_size);
      g_autofree char *full = dps_format_size ((gint64) reject->raw_length);
      /* TRANSLATORS: a very long rejected line is stored cut */
      g_autofree char *note = g_strdup_printf (_("The first %s of a line of %s are kept."), kept, full);

      gtk_label_set_label (self->raw_note, note);
      gtk_widget_set_visible (GTK_WIDGET (self->raw_note), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->raw_note), FALSE);
  gtk_stack_set_visible_child_name (self->details_stack, "reject");
}

static void
selected_reject_changed_cb (GtkSingleSelection *selection,
                            GParamSpec         *pspec,
                            DpsQualityPage     *self)
{
  show_reject (self);
}

/* ---------------------------------------------------------------------- */
/* export                                                                 */

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(DpsRepository) repository = NULL;
  GError *error = NULL;

  /* A connection of its own: a long export does not hold up the view. */
  repository = dps_session_open_reader (job->session, &error);
  if (repository == NULL ||
      !dps_reject_export_to_file (repository, &job->query, job->format, job->path,
                                  &job->count, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DpsQualityPage) self = user_data;
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_filename_display_basename (job->path);

  g_clear_object (&self->export_cancellable);
  gtk_stack_set_visible_child_name (self->export_stack, "idle");
  set_action_enabled (self, "export-jsonl", TRUE);
  set_action_enabled (self, "export-csv", TRUE);
  set_action_enabled (self, "cancel-export", FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not export the rejects: %s"), error->message);

          toast (self, message);
        }
    }
  else
    {
      g_autofree char *count = dps_format_count ((gint64) job->count);
      /* TRANSLATORS: after an export: how many rejects, and the file's name */
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "Exported %s reject to “%s”",
                                                               "Exported %s rejects to “%s”",
                                                               (gulong) MIN (job->count, G_MAXLONG)),
                                                  count, name);

      toast (self, message);
    }
  g_signal_emit (self, signals[EXPORT_FINISHED], 0, job->path, job->count, error);
}

static void
export_to (DpsQualityPage        *self,
           DpsRejectExportFormat  format,
           const char            *path)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  if (self->export_cancellable != NULL)
    return;

  job = g_new0 (ExportJob, 1);
  job->session = g_object_ref (self->session);
  job->format = format;
  job->path = g_strdup (path);
  dps_reject_list_get_query (self->rejects, &job->query);

  self->export_cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->export_stack, "busy");
  set_action_enabled (self, "export-jsonl", FALSE);
  set_action_enabled (self, "export-csv", FALSE);
  set_action_enabled (self, "cancel-export", TRUE);

  task = g_task_new (NULL, self->export_cancellable, exported_cb, g_object_ref (self));
  g_task_set_source_tag (task, export_to);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_in_thread);
}

static void
save_chosen_cb (GObject   *owner,
                GPtrArray *files)
{
  DpsQualityPage *self = DPS_QUALITY_PAGE (owner);
  g_autofree char *path = dps_dialogs_dup_first_path (files);

  if (path != NULL)
    export_to (self, self->save_format, path);
}

static void
export_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  DpsQualityPage *self = user_data;
  DpsRejectExportFormat format = g_str_equal (g_action_get_name (G_ACTION (action)), "export-csv")
                                 ? DPS_REJECT_EXPORT_CSV : DPS_REJECT_EXPORT_JSONL;
  const char *path = g_variant_get_string (parameter, NULL);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  self->save_format = format;
  if (path[0] != '\0')
    export_to (self, format, path);
  else if (format == DPS_REJECT_EXPORT_CSV)
    /* TRANSLATORS: default file name of a CSV export of rejects */
    dps_dialogs_save_file (parent, _("Export Rejects as CSV"), _("_Export"), DPS_FILE_KIND_CSV,
                           _("rejects.csv"), save_chosen_cb, G_OBJECT (self));
  else
    /* TRANSLATORS: default file name of a JSON Lines export of rejects */
    dps_dialogs_save_file (parent, _("Export Rejects as JSON Lines"), _("_Export"), DPS_FILE_KIND_JSONL,
                           _("rejects.jsonl"), save_chosen_cb, G_OBJECT (self));
}

static void
cancel_export_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  DpsQualityPage *self = user_data;

  g_cancellable_cancel (self->export_cancellable);
}

static void
refresh_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  dps_quality_page_refresh (DPS_QUALITY_PAGE (user_data));
}

static const GActionEntry page_actions[] = {
  { "export-jsonl", export_action, "s" },
  { "export-csv", export_action, "s" },
  { "cancel-export", cancel_export_action },
  { "refresh", refresh_action },
};

/* ---------------------------------------------------------------------- */
/* signals                                                                */

static void
reason_selected_cb (GtkDropDown    *dropdown,
                    GParamSpec     *pspec,
                    DpsQualityPage *self)
{
  dps_reject_chart_set_highlight (self->reason_chart, dps_quality_page_get_reason_filter (self));
  reset_list (self);
}

static void
reason_activated_cb (DpsRejectChart *chart,
                     guint           reason,
                     DpsQualityPage *self)
{
  /* A second click on the chosen reason lists them all again. */
  if ((int) reason == dps_quality_page_get_reason_filter (self))
    dps_quality_page_set_reason_filter (self, -1);
  else
    dps_quality_page_set_reason_filter (self, (int) reason);
}

static void
rejects_changed_cb (GListModel     *model,
                    guint           position,
                    guint           removed,
                    guint           added,
                    DpsQualityPage *self)
{
  update_count_label (self);
}

static void
rejects_loading_cb (DpsRejectList  *list,
                    GParamSpec     *pspec,
                    DpsQualityPage *self)
{
  update_spinner (self);
}

static void
filter_changed_cb (DpsFilter      *filter,
                   DpsQualityPage *self)
{
  gint64 from, to;

  dps_filter_get_period (filter, &from, &to);
  if (from == self->from && to == self->to)
    return;
  read_period (self);
  reset_list (self);
  dps_quality_page_refresh (self);
}

static void
data_changed_cb (DpsSession     *session,
                 DpsQualityPage *self)
{
  /* New rejects have larger ids: read on after the last one listed. */
  dps_reject_list_load_more (self->rejects);
  dps_quality_page_refresh (self);
}

static void
uri_changed_cb (DpsSession     *session,
                GParamSpec     *pspec,
                DpsQualityPage *self)
{
  reset_list (self);
  dps_quality_page_refresh (self);
}

/* ---------------------------------------------------------------------- */

static void
dps_quality_page_constructed (GObject *object)
{
  DpsQualityPage *self = DPS_QUALITY_PAGE (object);
  g_autoptr(GtkStringList) reasons = gtk_string_list_new (NULL);

  G_OBJECT_CLASS (dps_quality_page_parent_class)->constructed (object);

  g_assert (DPS_IS_SESSION (self->session));

  gtk_string_list_append (reasons, _("All reasons"));
  for (guint i = 0; i < N_LISTED_REASONS; i++)
    gtk_string_list_append (reasons, dps_reject_reason_get_label (i));
  gtk_drop_down_set_model (self->reason_dropdown, G_LIST_MODEL (reasons));
  gtk_drop_down_set_selected (self->reason_dropdown, 0);

  self->rejects = dps_reject_list_new (self->session);
  gtk_single_selection_set_model (self->rejects_selection, G_LIST_MODEL (self->rejects));
  g_signal_connect (self->rejects, "items-changed", G_CALLBACK (rejects_changed_cb), self);
  g_signal_connect (self->rejects, "notify::loading", G_CALLBACK (rejects_loading_cb), self);
  g_signal_connect (self->rejects_selection, "notify::selected-item",
                    G_CALLBACK (selected_reject_changed_cb), self);
  g_signal_connect (self->reason_dropdown, "notify::selected", G_CALLBACK (reason_selected_cb), self);
  g_signal_connect (self->reason_chart, "reason-activated", G_CALLBACK (reason_activated_cb), self);

  g_signal_connect_object (dps_session_get_filter (self->session), "changed",
                           G_CALLBACK (filter_changed_cb), self, 0);
  g_signal_connect_object (self->session, "data-changed", G_CALLBACK (data_changed_cb), self, 0);
  g_signal_connect_object (self->session, "notify::uri", G_CALLBACK (uri_changed_cb), self, 0);

  read_period (self);
  reset_list (self);
  dps_quality_page_refresh (self);
}

static void
dps_quality_page_dispose (GObject *object)
{
  DpsQualityPage *self = DPS_QUALITY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->export_cancellable);
  if (self->actions != NULL)
    {
      /* A window may still hold the group: it must not reach this page. */
      for (guint i = 0; i < G_N_ELEMENTS (page_actions); i++)
        g_action_map_remove_action (G_ACTION_MAP (self->actions), page_actions[i].name);
      g_clear_object (&self->actions);
    }

  /* The template's widgets outlive this: they go with the bin's child. */
  g_signal_handlers_disconnect_by_data (self->rejects_selection, self);
  g_signal_handlers_disconnect_by_data (self->reason_dropdown, self);
  g_signal_handlers_disconnect_by_data (self->reason_chart, self);
  if (self->rejects != NULL)
    g_signal_handlers_disconnect_by_data (self->rejects, self);
  g_clear_object (&self->rejects);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dps_quality_page_parent_class)->dispose (object);
}

static void
dps_quality_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DpsQualityPage *self = DPS_QUALITY_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_REFRESHING:
      g_value_set_boolean (value, self->refreshing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_quality_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DpsQualityPage *self = DPS_QUALITY_PAGE (object);

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
dps_quality_page_class_init (DpsQualityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dps_quality_page_constructed;
  object_class->dispose = dps_quality_page_dispose;
  object_class->get_property = dps_quality_page_get_property;
  object_class->set_property = dps_quality_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpsQualityPage::refreshed:
   *
   * The figures were read again.
   */
  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 0);
  /**
   * DpsQualityPage::export-finished:
   * @path: the file written (or not)
   * @count: rejects written
   * @error: (nullable): why it failed
   */
  signals[EXPORT_FINISHED] = g_signal_new ("export-finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_ERROR);

  /* Links the resources in wherever the page is used. */
  (void) dps_get_resource ();
  g_type_ensure (DPS_TYPE_REJECT_CHART);
  g_type_ensure (DPS_TYPE_REJECT_TIMELINE);
  g_type_ensure (DPS_TYPE_REJECT_ITEM);
  g_type_ensure (DPS_TYPE_DUPLICATE_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/dps-quality-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, rejects_value);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, rate_value);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, loaded_value);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, duplicates_value);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, period_label);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, reason_chart);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, timeline);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, reason_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, export_stack);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, rejects_view);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, rejects_selection);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, details_stack);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, detail_reason);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, detail_text);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, detail_where);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, raw_view);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, raw_note);
  gtk_widget_class_bind_template_child (widget_class, DpsQualityPage, duplicates_store);
}

static void
dps_quality_page_init (DpsQualityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->raw_view), "raw",
                              "insert-hyphens", FALSE, NULL);
  self->from = DPS_FILTER_NO_TIME;
  self->to = DPS_FILTER_NO_TIME;
  /* A group of its own, so that the window can insert it too and its
   * menus and shortcuts reach the page's commands. */
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions,
                                   G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "quality", G_ACTION_GROUP (self->actions));
  set_action_enabled (self, "cancel-export", FALSE);
}

/* ---------------------------------------------------------------------- */
/* public API                                                             */

GtkWidget *
dps_quality_page_new (DpsSession *session)
{
  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);
  return g_object_new (DPS_TYPE_QUALITY_PAGE, "session", session, NULL);
}

GActionGroup *
dps_quality_page_get_action_group (DpsQualityPage *self)
{
  g_return_val_if_fail (DPS_IS_QUALITY_PAGE (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

DpsSession *
dps_quality_page_get_session (DpsQualityPage *self)
{
  g_return_val_if_fail (DPS_IS_QUALITY_PAGE (self), NULL);
  return self->session;
}

void
dps_quality_page_refresh (DpsQualityPage *self)
{
  g_autoptr(GTask) task = NULL;
  RefreshJob *job;

  g_return_if_fail (DPS_IS_QUALITY_PAGE (self));

  if (self->refreshing)
    {
      self->refresh_pending = TRUE;
      return;
    }
  if (dps_session_get_uri (self->session) == NULL)
    return;

  job = g_new0 (RefreshJob, 1);
  job->session = g_object_ref (self->session);
  job->from = self->from;
  job->to = self->to;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_refreshing (self, TRUE);
  update_spinner (self);
  task = g_task_new (NULL, self->cancellable, refreshed_cb, g_object_ref (self));
  g_task_set_source_tag (task, dps_quality_page_refresh);
  g_task_set_task_data (task, job, refresh_job_free);
  g_task_run_in_thread (task, refresh_in_thread);
}

gboolean
dps_quality_page_get_refreshing (DpsQualityPage *self)
{
  g_return_val_if_fail (DPS_IS_QUALITY_PAGE (self), FALSE);
  return self->refreshing || self->refresh_pending;
}

gint64
dps_quality_page_get_reason_count (DpsQualityPage  *self,
                                   DpsRejectReason  reason)
{
  g_return_val_if_fail (DPS_IS_QUALITY_PAGE (self), 0);
  return dps_reject_chart_get_count (self->reason_chart, reason);
}

gint64
dps_quality_page_get_loaded (DpsQualityPage *self)
{
  g_return_val_if_fail (DPS_IS_QUALITY_PAGE (self), 0);
  return self->loaded;
}

GListModel *
dps_quality_page_get_rejects (DpsQualityPage *self)
{
  g_return_val_if_fail (DPS_IS_QUALITY_PAGE (self), NULL);
  return G_LIST_MODEL (self->rejects);
}

GListModel *
dps_quality_page_get_duplicates (DpsQualityPage *self)
{
  g_return_val_if_fail (DPS_IS_QUALITY_PAGE (self), NULL);
  return G_LIST_MODEL (self->duplicates_store);
}

void
dps_quality_page_set_reason_filter (DpsQualityPage *self,
                                    int             reason)
{
  g_return_if_fail (DPS_IS_QUALITY_PAGE (self));
  g_return_if_fail (reason >= -1 && reason < N_LISTED_REASONS);

  gtk_drop_down_set_selected (self->reason_dropdown, (guint) (reason + 1));
}

int
dps_quality_page_get_reason_filter (DpsQualityPage *self)
{
  guint selected;

  g_return_val_if_fail (DPS_IS_QUALITY_PAGE (self), -1);

  selected = gtk_drop_down_get_selected (self->reason_dropdown);
  return selected == 0 || selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected - 1;
}
