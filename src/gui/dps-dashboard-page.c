/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "dps-bar-chart.h"
#include "dps-chart-card.h"
#include "dps-dashboard-page.h"
#include "dps-donut-chart.h"
#include "dps-heatmap-chart.h"
#include "dps-histogram-chart.h"
#include "dps-kpi-card.h"
#include "dps-time-chart.h"

#define MINUS_SIGN "\xe2\x88\x92"   /* U+2212 */
/* A refresh shorter than this shows no spinner: live updates stay calm. */
#define SPINNER_DELAY_MS 400

/* The reader connection, shared by the page and its workers: opened on a
 * worker the first time, reopened when the session switches database.
 * With it, on SQLite, the column store that answers every filter once
 * loaded: loaded on a thread of its own once the first refresh has its
 * figures (so that start-up does not wait for it), synced by each
 * refresh after that, dropped with the connection. */
typedef struct {
  GMutex          mutex;
  DpsRepository  *repository;         /* under mutex */
  DpsColumnStore *store;              /* under mutex: of repository's file, or NULL */
  GCancellable   *store_load;         /* under mutex: cancels the store's first load */
  gboolean        store_load_pending; /* under mutex: the first load is yet to start */
  guint           opened_for;         /* under mutex: database generation of repository */
  guint           database;           /* under mutex: bumped by the page */
} ReaderCache;

struct _DpsDashboardPage
{
  GtkWidget          parent_instance;

  /* Template children. */
  AdwToastOverlay   *toast_overlay;
  GtkStack          *stack;
  GtkLabel          *period_label;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkFlowBox        *kpi_box;
  GtkFlowBox        *chart_box;
  DpsKpiCard        *kpi_cards[DPS_DASHBOARD_N_KPIS];
  DpsChartCard      *cards[DPS_DASHBOARD_N_CHARTS];
  DpsChart          *charts[DPS_DASHBOARD_N_CHARTS];

  /* Owned. */
  DpsSession        *session;
  DpsDashboardData  *data;           /* on screen */
  GCancellable      *cancellable;    /* of the refresh running, or NULL */
  ReaderCache       *reader;
  DpsFilter         *undo_filter;    /* before the last cross-filter click */
  char              *last_error;

  gboolean           refresh_pending;  /* data changed during the refresh */
  gboolean           dirty;            /* something changed while hidden */
  guint              spinner_id;
};

G_DEFINE_FINAL_TYPE (DpsDashboardPage, dps_dashboard_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_REFRESHING,
  N_PROPS
};

enum {
  REFRESHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const DpsChartFormat kpi_formats[DPS_DASHBOARD_N_KPIS] = {
  [DPS_DASHBOARD_KPI_TRANSACTIONS] = DPS_CHART_FORMAT_COUNT,
  [DPS_DASHBOARD_KPI_TOTAL_AMOUNT] = DPS_CHART_FORMAT_AMOUNT,
  [DPS_DASHBOARD_KPI_AVERAGE_AMOUNT] = DPS_CHART_FORMAT_AMOUNT,
  [DPS_DASHBOARD_KPI_APPROVAL_RATE] = DPS_CHART_FORMAT_PERCENT,
  [DPS_DASHBOARD_KPI_REJECTS] = DPS_CHART_FORMAT_COUNT,
};

typedef struct {
  DpsSession  *session;
  ReaderCache *reader;
  DpsFilter   *filter;
} RefreshJob;

static void
reader_cache_clear (gpointer data)
{
  ReaderCache *cache = data;

  if (cache->store_load != NULL)
    g_cancellable_cancel (cache->store_load);
  g_clear_object (&cache->store_load);
  g_clear_object (&cache->store);
  g_clear_object (&cache->repository);
  g_mutex_clear (&cache->mutex);
}

static ReaderCache *
reader_cache_new (void)
{
  ReaderCache *cache = g_atomic_rc_box_new0 (ReaderCache);

  g_mutex_init (&cache->mutex);
  return cache;
}

static void
reader_cache_unref (ReaderCache *cache)
{
  g_atomic_rc_box_release_full (cache, reader_cache_clear);
}

/* A new database: the next refresh opens a new connection. */
static void
reader_cache_invalidate (ReaderCache *cache)
{
  g_autoptr(DpsRepository) old = NULL;
  g_autoptr(DpsColumnStore) old_store = NULL;

  g_mutex_lock (&cache->mutex);
  cache->database++;
  old = g_steal_pointer (&cache->repository);
  old_store = g_steal_pointer (&cache->store);
  if (cache->store_load != NULL)
    g_cancellable_cancel (cache->store_load);
  g_clear_object (&cache->store_load);
  g_mutex_unlock (&cache->mutex);
}

typedef struct {
  DpsColumnStore *store;
  GCancellable   *cancellable;
} StoreLoad;

static gpointer
store_load_thread (gpointer data)
{
  StoreLoad *load = data;
  g_autoptr(GError) error = NULL;

  if (!dps_column_store_sync (load->store, load->cancellable, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Refreshes scan in SQL meanwhile, as without the store, and retry. */
    g_debug ("Could not load the transactions in memory: %s", error->message);
  g_object_unref (load->store);
  g_object_unref (load->cancellable);
  g_free (load);
  return NULL;
}

/* Worker side. */
static DpsRepository *
reader_cache_get (ReaderCache     *cache,
                  DpsSession      *session,
                  DpsColumnStore **out_store,
                  GError         **error)
{
  DpsRepository *repository;

  g_mutex_lock (&cache->mutex);
  if (cache->repository == NULL || cache->opened_for != cache->database)
    {
      g_clear_object (&cache->repository);
      g_clear_object (&cache->store);
      cache->repository = dps_session_open_reader (session, error);
      cache->opened_for = cache->database;
      if (cache->repository != NULL &&
          G_TYPE_CHECK_INSTANCE_TYPE (cache->repository, DPS_TYPE_SQLITE_REPOSITORY))
        {
          cache->store = dps_column_store_new (dps_sqlite_repository_get_path (cache->repository));
          if (cache->store_load != NULL)
            g_cancellable_cancel (cache->store_load);
          g_clear_object (&cache->store_load);
          cache->store_load = g_cancellable_new ();
          cache->store_load_pending = TRUE;
        }
    }
  repository = cache->repository != NULL ? g_object_ref (cache->repository) : NULL;
  *out_store = cache->store != NULL ? g_object_ref (cache->store) : NULL;
  g_mutex_unlock (&cache->mutex);
  return repository;
}

/* Worker side: starts the store's first load, once. */
static void
reader_cache_start_store_load (ReaderCache *cache)
{
  StoreLoad *load;

  g_mutex_lock (&cache->mutex);
  if (!cache->store_load_pending || cache->store == NULL)
    {
      g_mutex_unlock (&cache->mutex);
      return;
    }
  cache->store_load_pending = FALSE;
  load = g_new0 (StoreLoad, 1);
  load->store = g_object_ref (cache->store);
  load->cancellable = g_object_ref (cache->store_load);
  g_mutex_unlock (&cache->mutex);
  g_thread_unref (g_thread_new ("dps-column-load", store_load_thread, load));
}

static void
refresh_job_free (gpointer data)
{
  RefreshJob *job = data;

  g_clear_object (&job->session);
  g_clear_pointer (&job->reader, reader_cache_unref);
  g_clear_object (&job->filter);
  g_free (job);
}

static void
refresh_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  RefreshJob *job = task_data;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsColumnStore) store = NULL;
  DpsDashboardData *data;
  GError *error = NULL;

  repository = reader_cache_get (job->reader, job->session, &store, &error);
  if (repository == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Rows landed since: appended to the store (waiting for its first
   * load when this filter needs it, rather than scanning per chart). */
  if (store != NULL &&
      (dps_column_store_is_ready (store) || dps_dashboard_data_wants_store (job->filter)) &&
      !dps_column_store_sync (store, cancellable, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          return;
        }
      g_debug ("Could not load the transactions in memory: %s", error->message);
      g_clear_error (&error);
    }
  data = dps_dashboard_data_load_with_store (repository, store, job->filter, cancellable, &error);
  reader_cache_start_store_load (job->reader);
  if (data == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, data, g_object_unref);
}

/* Text. */

static char *
format_date (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("?");
  /* Translators: a date in the dashboard's texts (strftime format). */
  return g_date_time_format (dt, _("%-d %b %Y"));
}

/* "+12.3%", "−4.0%": the sign always shown. */
static char *
signed_text (double delta,
             char  *magnitude)
{
  g_autofree char *owned = magnitude;

  return g_strconcat (delta < 0 ? MINUS_SIGN : "+", owned, NULL);
}

static void
update_kpi (DpsDashboardPage             *self,
            DpsDashboardKpi               kpi,
            const DpsKpis                *kpis,
            const DpsDashboardComparison *cmp)
{
  DpsKpiCard *card = self->kpi_cards[kpi];
  g_autofree char *value = dps_chart_format_value (kpi_formats[kpi], dps_dashboard_kpi_get_value (kpis, kpi));
  g_autofree char *change = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *then_text = NULL;
  g_autofree char *now_text = NULL;
  double now, then, delta = 0.0;
  int direction = 0;

  dps_kpi_card_set_value (card, value);

  if (cmp->kind == DPS_DASHBOARD_COMPARISON_NONE)
    {
      dps_kpi_card_set_change (card, _("No comparison"), 0, TRUE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (card), _("There is no data to compare with."));
      return;
    }

  now = dps_dashboard_kpi_get_value (&cmp->current, kpi);
  then = dps_dashboard_kpi_get_value (&cmp->previous, kpi);
  now_text = dps_chart_format_value (kpi_formats[kpi], now);
  then_text = dps_chart_format_value (kpi_formats[kpi], then);

  if (kpi == DPS_DASHBOARD_KPI_APPROVAL_RATE)
    {
      if (cmp->current.total.count == 0 || cmp->previous.total.count == 0)
        change = g_strdup (_("No comparison"));
      else
        {
          /* A rate changes by points, not by a percentage of itself. */
          delta = (now - then) * 100.0;
          if (fabs (delta) < 0.05)
            change = g_strdup (_("No change"));
          else
            {
              char digits[32];

              g_snprintf (digits, sizeof digits, "%.1f", fabs (delta));
              /* Translators: a change of a rate in percentage points: "+1.2 pts". */
              change = signed_text (delta, g_strdup_printf (_("%s pts"), digits));
              direction = delta > 0 ? 1 : -1;
            }
        }
    }
  else if (then == 0.0)
    {
      if (now == 0.0)
        change = g_strdup (_("No change"));
      else
        {
          /* Translators: a key figure that was zero in the comparison period. */
          change = g_strdup (_("New"));
          direction = 1;
        }
    }
  else
    {
      delta = (now - then) / fabs (then);
      if (fabs (delta) < 0.0005)
        change = g_strdup (_("No change"));
      else
        {
          change = signed_text (delta, dps_chart_format_value (DPS_CHART_FORMAT_PERCENT, fabs (delta)));
          direction = delta > 0 ? 1 : -1;
        }
    }
  /* Fewer rejects is the good news. */
  dps_kpi_card_set_change (card, change, direction,
                           kpi == DPS_DASHBOARD_KPI_REJECTS ? direction < 0 : direction > 0);

  {
    g_autofree char *cur_from = format_date (cmp->current_from);
    g_autofree char *cur_to = format_date (cmp->current_to - 1);
    g_autofree char *prev_from = format_date (cmp->previous_from);
    g_autofree char *prev_to = format_date (cmp->previous_to - 1);

    if (cmp->kind == DPS_DASHBOARD_COMPARISON_PREVIOUS_PERIOD)
      /* Translators: the tooltip of a key figure. The dates are inclusive. */
      tooltip = g_strdup_printf (_("Change against the previous period of the same length: "
                                   "%s from %s to %s, against %s from %s to %s (UTC)."),
                                 now_text, cur_from, cur_to, then_text, prev_from, prev_to);
    else
      /* Translators: the tooltip of a key figure when the filter has no period. */
      tooltip = g_strdup_printf (_("No period is set: the change compares the last 30 days of data, "
                                   "%s from %s to %s, with the 30 days before, %s from %s to %s (UTC)."),
                                 now_text, cur_from, cur_to, then_text, prev_from, prev_to);
  }
  gtk_widget_set_tooltip_text (GTK_WIDGET (card), tooltip);
}

static const char *
granularity_subtitle (DpsTimeGranularity granularity)
{
  switch (granularity)
    {
    case DPS_TIME_GRANULARITY_HOUR:
      return _("By hour, UTC");
    case DPS_TIME_GRANULARITY_WEEK:
      return _("By week, UTC");
    case DPS_TIME_GRANULARITY_MONTH:
      return _("By month, UTC");
    case DPS_TIME_GRANULARITY_DAY:
    default:
      return _("By day, UTC");
    }
}

static void
update_period_label (DpsDashboardPage *self,
                     DpsDashboardData *data)
{
  const DpsKpis *kpis = dps_dashboard_data_get_kpis (data);
  DpsFilter *filter = dps_dashboard_data_get_filter (data);
  g_autofree char *text = NULL;
  gint64 from, to;

  dps_filter_get_period (filter, &from, &to);
  if (from != DPS_FILTER_NO_TIME || to != DPS_FILTER_NO_TIME)
    {
      g_autofree char *from_text = from != DPS_FILTER_NO_TIME ? format_date (from) : NULL;
      g_autofree char *to_text = to != DPS_FILTER_NO_TIME ? format_date (to - 1) : NULL;

      if (from_text != NULL && to_text != NULL)
        /* Translators: the period the dashboard shows; the dates are inclusive. */
        text = g_strdup_printf (_("From %s to %s (UTC)"), from_text, to_text);
      else if (from_text != NULL)
        text = g_strdup_printf (_("From %s (UTC)"), from_text);
      else
        text = g_strdup_printf (_("Until %s (UTC)"), to_text);
    }
  else if (kpis->total.count > 0 && kpis->first_event != G_MININT64)
    {
      g_autofree char *from_text = format_date (kpis->first_event);
      g_autofree char *to_text = format_date (kpis->last_event);

      /* Translators: the dashboard when no period is chosen; the dates are those of the data. */
      text = g_strdup_printf (_("All dates: from %s to %s (UTC)"), from_text, to_text);
    }
  else
    text = g_strdup (_("No transaction matches the filter"));

  gtk_label_set_label (self->period_label, text);
}

static void
apply_data (DpsDashboardPage *self,
            DpsDashboardData *data)
{
  const DpsKpis *kpis = dps_dashboard_data_get_kpis (data);
  const DpsDashboardComparison *cmp = dps_dashboard_data_get_comparison (data);
  DpsFilter *filter = dps_dashboard_data_get_filter (data);

  g_set_object (&self->data, data);

  /* The new figures replace the old in place: nothing blinks. */
  dps_time_chart_set_granularity ((DpsTimeChart *) self->charts[DPS_DASHBOARD_CHART_TIMELINE],
                                  dps_dashboard_data_get_granularity (data));
  dps_chart_card_set_subtitle (self->cards[DPS_DASHBOARD_CHART_TIMELINE],
                               granularity_subtitle (dps_dashboard_data_get_granularity (data)));
  for (guint i = 0; i < DPS_DASHBOARD_N_CHARTS; i++)
    dps_chart_set_series (self->charts[i], dps_dashboard_data_get_series (data, i));
  for (guint k = 0; k < DPS_DASHBOARD_N_KPIS; k++)
    update_kpi (self, k, kpis, cmp);
  update_period_label (self, data);

  if (kpis->total.count == 0 && kpis->rejected == 0 && dps_filter_is_empty (filter))
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else
    gtk_stack_set_visible_child_name (self->stack, "dashboard");
}

static void
show_error (DpsDashboardPage *self,
            const GError     *error)
{
  g_autofree char *message = NULL;
  AdwToast *toast;

  /* While data streams in, the same failure would come back every second. */
  if (g_strcmp0 (self->last_error, error->message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (error->message);

  /* Translators: a toast; %s says why. */
  message = g_strdup_printf (_("Could not refresh the dashboard: %s"), error->message);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Retry"));
  adw_toast_set_action_name (toast, "dashboard.refresh");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Refreshing. */

static void start_refresh (DpsDashboardPage *self);

static gboolean
spinner_timeout_cb (gpointer user_data)
{
  DpsDashboardPage *self = user_data;

  self->spinner_id = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
  return G_SOURCE_REMOVE;
}

static void
stop_spinner (DpsDashboardPage *self)
{
  g_clear_handle_id (&self->spinner_id, g_source_remove);
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
}

static void
refresh_finished_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (object);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr(DpsDashboardData) data = NULL;
  g_autoptr(GError) error = NULL;

  data = g_task_propagate_pointer (G_TASK (result), &error);

  /* A newer refresh took over, or the page is going away. */
  if (cancellable != self->cancellable || self->session == NULL)
    return;
  g_clear_object (&self->cancellable);

  if (data != NULL)
    {
      g_clear_pointer (&self->last_error, g_free);
      apply_data (self, data);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* With figures on screen a toast is enough; without, the page
       * itself says what went wrong instead of spinning forever. */
      if (self->data == NULL)
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      show_error (self, error);
    }

  if (self->refresh_pending)
    {
      self->refresh_pending = FALSE;
      start_refresh (self);
    }
  else
    {
      stop_spinner (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
    }

  if (data != NULL)
    g_signal_emit (self, signals[REFRESHED], 0);
}

static void
start_refresh (DpsDashboardPage *self)
{
  g_autoptr(GTask) task = NULL;
  RefreshJob *job;
  gboolean was_refreshing = self->cancellable != NULL;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* Hidden: catch up when shown. */
      self->dirty = TRUE;
      if (self->cancellable != NULL)
        {
          g_cancellable_cancel (self->cancellable);
          g_clear_object (&self->cancellable);
          self->refresh_pending = FALSE;
          stop_spinner (self);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
        }
      return;
    }
  self->dirty = FALSE;

  if (dps_session_get_uri (self->session) == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "no-database");
      return;
    }

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->refresh_pending = FALSE;

  /* Nothing to keep on screen meanwhile: say that the figures come. */
  if (self->data == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  job = g_new0 (RefreshJob, 1);
  job->session = g_object_ref (self->session);
  job->reader = g_atomic_rc_box_acquire (self->reader);
  job->filter = dps_filter_copy (dps_session_get_filter (self->session));

  task = g_task_new (self, self->cancellable, refresh_finished_cb, NULL);
  g_task_set_source_tag (task, start_refresh);
  g_task_set_task_data (task, job, refresh_job_free);
  g_task_run_in_thread (task, refresh_in_thread);

  if (self->spinner_id == 0 && !gtk_widget_get_visible (GTK_WIDGET (self->spinner)))
    self->spinner_id = g_timeout_add (SPINNER_DELAY_MS, spinner_timeout_cb, self);
  if (!was_refreshing)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
}

/* Callbacks. */

static void
filter_changed_cb (DpsDashboardPage *self)
{
  /* Figures for the old filter are stale: start over now. */
  start_refresh (self);
}

static void
data_changed_cb (DpsDashboardPage *self)
{
  /* Let the refresh under way finish and run one more after it: under a
   * steady stream of batches, the charts still update once a second. */
  if (self->cancellable != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->refresh_pending = TRUE;
  else
    start_refresh (self);
}

static void
database_changed_cb (DpsDashboardPage *self)
{
  reader_cache_invalidate (self->reader);
  g_clear_object (&self->data);
  start_refresh (self);
}

static void
remember_filter (DpsDashboardPage *self)
{
  g_clear_object (&self->undo_filter);
  self->undo_filter = dps_filter_copy (dps_session_get_filter (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.undo-filter", TRUE);
}

static void
filter_toast (DpsDashboardPage *self,
              const char       *what)
{
  g_autofree char *message = NULL;
  AdwToast *toast;

  /* Translators: a toast after a click on a chart; %s is the value ("grocery"). */
  message = g_strdup_printf (_("Filtered on “%s”"), what);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "dashboard.undo-filter");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
text_value_activated (DpsDashboardPage *self,
                      const char       *dimension,
                      const char       *key)
{
  remember_filter (self);
  dps_filter_add_value (dps_session_get_filter (self->session), dimension, key);
  filter_toast (self, key);
}

static void
category_activated_cb (DpsChart         *chart,
                       const char       *key,
                       const char       *key2,
                       DpsDashboardPage *self)
{
  text_value_activated (self, "category", key);
}

static void
city_activated_cb (DpsChart         *chart,
                   const char       *key,
                   const char       *key2,
                   DpsDashboardPage *self)
{
  text_value_activated (self, "city", key);
}

static void
merchant_activated_cb (DpsChart         *chart,
                       const char       *key,
                       const char       *key2,
                       DpsDashboardPage *self)
{
  text_value_activated (self, "merchant", key);
}

static const char *
label_of (DpsChart   *chart,
          const char *key,
          const char *key2)
{
  DpsChartSeries *series = dps_chart_get_series (chart);
  int index = series != NULL ? dps_chart_series_find (series, key, key2) : -1;

  return index >= 0 ? dps_chart_series_get_label (series, (guint) index) : key;
}

static void
status_activated_cb (DpsChart         *chart,
                     const char       *key,
                     const char       *key2,
                     DpsDashboardPage *self)
{
  DpsFilter *filter = dps_session_get_filter (self->session);
  DpsStatus status;

  if (!dps_status_from_string (key, &status))
    return;
  remember_filter (self);
  dps_filter_set_statuses (filter, dps_filter_get_statuses (filter) | DPS_FILTER_MASK (status));
  filter_toast (self, label_of (chart, key, key2));
}

static void
payment_method_activated_cb (DpsChart         *chart,
                             const char       *key,
                             const char       *key2,
                             DpsDashboardPage *self)
{
  DpsFilter *filter = dps_session_get_filter (self->session);
  DpsPaymentMethod method;

  if (!dps_payment_method_from_string (key, &method))
    return;
  remember_filter (self);
  dps_filter_set_payment_methods (filter, dps_filter_get_payment_methods (filter) |
                                          DPS_FILTER_MASK (method));
  filter_toast (self, label_of (chart, key, key2));
}

static void
amount_bucket_activated_cb (DpsChart         *chart,
                            const char       *key,
                            const char       *key2,
                            DpsDashboardPage *self)
{
  DpsFilter *filter = dps_session_get_filter (self->session);
  DpsAmountBucket bucket;

  if (!dps_amount_bucket_from_string (key, &bucket))
    return;
  remember_filter (self);
  dps_filter_set_amount_buckets (filter, dps_filter_get_amount_buckets (filter) |
                                         DPS_FILTER_MASK (bucket));
  filter_toast (self, label_of (chart, key, key2));
}

static void
heatmap_activated_cb (DpsChart         *chart,
                      const char       *key,
                      const char       *key2,
                      DpsDashboardPage *self)
{
  DpsFilter *filter = dps_session_get_filter (self->session);
  DpsChartSeries *series = dps_chart_get_series (chart);
  guint64 weekday, hour;
  g_autofree char *what = NULL;
  int index;

  if (key2 == NULL ||
      !g_ascii_string_to_unsigned (key, 10, 0, 6, &weekday, NULL) ||
      !g_ascii_string_to_unsigned (key2, 10, 0, 23, &hour, NULL))
    return;

  remember_filter (self);
  dps_filter_freeze (filter);
  dps_filter_set_weekdays (filter, dps_filter_get_weekdays (filter) | DPS_FILTER_MASK (weekday));
  dps_filter_set_hours (filter, dps_filter_get_hours (filter) | DPS_FILTER_MASK (hour));
  dps_filter_thaw (filter);

  index = series != NULL ? dps_chart_series_find (series, key, key2) : -1;
  if (index >= 0)
    /* Translators: a heatmap cell in a toast: "Monday, 14:00". */
    what = g_strdup_printf (_("%s, %s"), dps_chart_series_get_label (series, (guint) index),
                            dps_chart_series_get_label2 (series, (guint) index));
  filter_toast (self, what != NULL ? what : key);
}

static void
timeline_activated_cb (DpsChart         *chart,
                       const char       *key,
                       const char       *key2,
                       DpsDashboardPage *self)
{
  DpsTimeGranularity granularity = dps_time_chart_get_granularity ((DpsTimeChart *) chart);
  gint64 from, to;

  if (!dps_time_key_to_range (granularity, key, &from, &to))
    return;
  remember_filter (self);
  dps_filter_set_period (dps_session_get_filter (self->session), from, to);
  filter_toast (self, label_of (chart, key, key2));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (widget);

  g_clear_pointer (&self->last_error, g_free);
  start_refresh (self);
}

static void
undo_filter_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (widget);
  g_autoptr(DpsFilter) previous = g_steal_pointer (&self->undo_filter);

  gtk_widget_action_set_enabled (widget, "dashboard.undo-filter", FALSE);
  if (previous != NULL)
    dps_filter_assign (dps_session_get_filter (self->session), previous);
}

/* Overrides. */

static void
dps_dashboard_page_map (GtkWidget *widget)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (widget);

  GTK_WIDGET_CLASS (dps_dashboard_page_parent_class)->map (widget);

  if (self->dirty || self->data == NULL)
    start_refresh (self);
}

static void
dps_dashboard_page_constructed (GObject *object)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (object);
  const struct {
    DpsDashboardChart chart;
    GCallback         callback;
  } handlers[] = {
    { DPS_DASHBOARD_CHART_TIMELINE, G_CALLBACK (timeline_activated_cb) },
    { DPS_DASHBOARD_CHART_CATEGORY, G_CALLBACK (category_activated_cb) },
    { DPS_DASHBOARD_CHART_STATUS, G_CALLBACK (status_activated_cb) },
    { DPS_DASHBOARD_CHART_CITY, G_CALLBACK (city_activated_cb) },
    { DPS_DASHBOARD_CHART_MERCHANT, G_CALLBACK (merchant_activated_cb) },
    { DPS_DASHBOARD_CHART_PAYMENT_METHOD, G_CALLBACK (payment_method_activated_cb) },
    { DPS_DASHBOARD_CHART_AMOUNT_BUCKET, G_CALLBACK (amount_bucket_activated_cb) },
    { DPS_DASHBOARD_CHART_HEATMAP, G_CALLBACK (heatmap_activated_cb) },
  };

  G_OBJECT_CLASS (dps_dashboard_page_parent_class)->constructed (object);

  g_assert (DPS_IS_SESSION (self->session));

  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_connect (self->charts[handlers[i].chart], "item-activated", handlers[i].callback, self);

  g_signal_connect_object (dps_session_get_filter (self->session), "changed",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "data-changed",
                           G_CALLBACK (data_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::uri",
                           G_CALLBACK (database_changed_cb), self, G_CONNECT_SWAPPED);

  if (dps_session_get_uri (self->session) == NULL)
    gtk_stack_set_visible_child_name (self->stack, "no-database");
  self->dirty = TRUE;
}

static void
dps_dashboard_page_dispose (GObject *object)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->spinner_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_DASHBOARD_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->session);
  g_clear_object (&self->data);
  g_clear_object (&self->undo_filter);

  G_OBJECT_CLASS (dps_dashboard_page_parent_class)->dispose (object);
}

static void
dps_dashboard_page_finalize (GObject *object)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (object);

  g_clear_pointer (&self->reader, reader_cache_unref);
  g_free (self->last_error);

  G_OBJECT_CLASS (dps_dashboard_page_parent_class)->finalize (object);
}

static void
dps_dashboard_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_REFRESHING:
      g_value_set_boolean (value, dps_dashboard_page_get_refreshing (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_dashboard_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  DpsDashboardPage *self = DPS_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_assert (self->session == NULL);
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_dashboard_page_class_init (DpsDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dps_dashboard_page_constructed;
  object_class->dispose = dps_dashboard_page_dispose;
  object_class->finalize = dps_dashboard_page_finalize;
  object_class->get_property = dps_dashboard_page_get_property;
  object_class->set_property = dps_dashboard_page_set_property;

  widget_class->map = dps_dashboard_page_map;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpsDashboardPage::refreshed:
   *
   * New figures are on screen.
   */
  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "dashboard.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "dashboard.undo-filter", NULL, undo_filter_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "dashboard.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "dashboard.refresh", NULL);

  g_type_ensure (DPS_TYPE_BAR_CHART);
  g_type_ensure (DPS_TYPE_CHART_CARD);
  g_type_ensure (DPS_TYPE_DONUT_CHART);
  g_type_ensure (DPS_TYPE_HEATMAP_CHART);
  g_type_ensure (DPS_TYPE_HISTOGRAM_CHART);
  g_type_ensure (DPS_TYPE_KPI_CARD);
  g_type_ensure (DPS_TYPE_TIME_CHART);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsDashboardPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DpsDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DpsDashboardPage, period_label);
  gtk_widget_class_bind_template_child (widget_class, DpsDashboardPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, DpsDashboardPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, DpsDashboardPage, kpi_box);
  gtk_widget_class_bind_template_child (widget_class, DpsDashboardPage, chart_box);

#define BIND_KPI(kpi, id) \
  gtk_widget_class_bind_template_child_full (widget_class, id, FALSE, \
                                             G_STRUCT_OFFSET (DpsDashboardPage, kpi_cards) + \
                                             (kpi) * sizeof (gpointer))
#define BIND_CHART(chart, id) \
  gtk_widget_class_bind_template_child_full (widget_class, id "_card", FALSE, \
                                             G_STRUCT_OFFSET (DpsDashboardPage, cards) + \
                                             (chart) * sizeof (gpointer)); \
  gtk_widget_class_bind_template_child_full (widget_class, id "_chart", FALSE, \
                                             G_STRUCT_OFFSET (DpsDashboardPage, charts) + \
                                             (chart) * sizeof (gpointer))

  BIND_KPI (DPS_DASHBOARD_KPI_TRANSACTIONS, "transactions_kpi");
  BIND_KPI (DPS_DASHBOARD_KPI_TOTAL_AMOUNT, "total_amount_kpi");
  BIND_KPI (DPS_DASHBOARD_KPI_AVERAGE_AMOUNT, "average_amount_kpi");
  BIND_KPI (DPS_DASHBOARD_KPI_APPROVAL_RATE, "approval_rate_kpi");
  BIND_KPI (DPS_DASHBOARD_KPI_REJECTS, "rejects_kpi");
  BIND_CHART (DPS_DASHBOARD_CHART_TIMELINE, "timeline");
  BIND_CHART (DPS_DASHBOARD_CHART_CATEGORY, "category");
  BIND_CHART (DPS_DASHBOARD_CHART_STATUS, "status");
  BIND_CHART (DPS_DASHBOARD_CHART_CITY, "city");
  BIND_CHART (DPS_DASHBOARD_CHART_MERCHANT, "merchant");
  BIND_CHART (DPS_DASHBOARD_CHART_PAYMENT_METHOD, "payment_method");
  BIND_CHART (DPS_DASHBOARD_CHART_AMOUNT_BUCKET, "amount_bucket");
  BIND_CHART (DPS_DASHBOARD_CHART_HEATMAP, "heatmap");
#undef BIND_KPI
#undef BIND_CHART

  gtk_widget_class_set_css_name (widget_class, "dashboardpage");
}

static void
flow_box_children_unfocusable (GtkFlowBox *box)
{
  /* The cards' own widgets take the focus, not the flow box's wrappers. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

static void
dps_dashboard_page_init (DpsDashboardPage *self)
{
  static const double bucket_edges[] = { 20, 100, 250, 500 };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->reader = reader_cache_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.undo-filter", FALSE);

  flow_box_children_unfocusable (self->kpi_box);
  flow_box_children_unfocusable (self->chart_box);

  dps_histogram_chart_set_edges ((DpsHistogramChart *) self->charts[DPS_DASHBOARD_CHART_AMOUNT_BUCKET],
                                 bucket_edges, G_N_ELEMENTS (bucket_edges), DPS_CHART_FORMAT_AMOUNT);
  dps_chart_card_set_subtitle (self->cards[DPS_DASHBOARD_CHART_STATUS], _("Share of transactions"));
  dps_chart_card_set_subtitle (self->cards[DPS_DASHBOARD_CHART_PAYMENT_METHOD], _("Transactions"));
  dps_chart_card_set_subtitle (self->cards[DPS_DASHBOARD_CHART_AMOUNT_BUCKET],
                               _("Transactions by amount range"));
  dps_chart_card_set_subtitle (self->cards[DPS_DASHBOARD_CHART_HEATMAP], _("Transactions, UTC"));
}

GtkWidget *
dps_dashboard_page_new (DpsSession *session)
{
  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);

  return g_object_new (DPS_TYPE_DASHBOARD_PAGE, "session", session, NULL);
}

DpsSession *
dps_dashboard_page_get_session (DpsDashboardPage *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_PAGE (self), NULL);
  return self->session;
}

DpsDashboardData *
dps_dashboard_page_get_data (DpsDashboardPage *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_PAGE (self), NULL);
  return self->data;
}

DpsChart *
dps_dashboard_page_get_chart (DpsDashboardPage  *self,
                              DpsDashboardChart  chart)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_PAGE (self), NULL);
  g_return_val_if_fail ((guint) chart < DPS_DASHBOARD_N_CHARTS, NULL);
  return self->charts[chart];
}

GtkWidget *
dps_dashboard_page_get_kpi_card (DpsDashboardPage *self,
                                 DpsDashboardKpi   kpi)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_PAGE (self), NULL);
  g_return_val_if_fail ((guint) kpi < DPS_DASHBOARD_N_KPIS, NULL);
  return GTK_WIDGET (self->kpi_cards[kpi]);
}

gboolean
dps_dashboard_page_get_refreshing (DpsDashboardPage *self)
{
  g_return_val_if_fail (DPS_IS_DASHBOARD_PAGE (self), FALSE);
  return self->cancellable != NULL || self->refresh_pending;
}
