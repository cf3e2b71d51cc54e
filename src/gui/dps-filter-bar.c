/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dps-format.h"
#include "dps-filter-bar.h"

/* A multi-select list in a popover: its values and their counts. */
typedef struct {
  DpsDimension   dimension;
  const char    *name;            /* the filter's and the actions' name */
  GtkListBox    *list;            /* borrowed template child */
  GtkPopover    *popover;         /* borrowed template child */
  DpsBreakdown  *counts;          /* owned: the last counts read, or NULL */
  GCancellable  *cancellable;     /* owned: the count being read */
} ValueList;

enum {
  LIST_CATEGORY,
  LIST_CITY,
  LIST_STATUS,
  LIST_METHOD,
  N_LISTS
};

struct _DpsFilterBar
{
  GtkWidget       parent_instance;

  /* Template children. */
  GtkSearchEntry *search_entry;
  GtkMenuButton  *category_button;
  GtkMenuButton  *city_button;
  GtkMenuButton  *status_button;
  GtkMenuButton  *method_button;
  GtkMenuButton  *amount_button;
  GtkMenuButton  *period_button;
  GtkPopover     *category_popover;
  GtkPopover     *city_popover;
  GtkPopover     *status_popover;
  GtkPopover     *method_popover;
  GtkPopover     *amount_popover;
  GtkPopover     *period_popover;
  GtkListBox     *category_list;
  GtkListBox     *city_list;
  GtkListBox     *status_list;
  GtkListBox     *method_list;
  GtkEntry       *amount_min_entry;
  GtkEntry       *amount_max_entry;
  GtkCalendar    *from_calendar;
  GtkCalendar    *to_calendar;
  GtkFlowBox     *chips_box;

  /* Owned. */
  DpsSession     *session;
  DpsFilter      *filter;         /* the session's */
  ValueList       lists[N_LISTS];

  /* State. */
  gboolean        following;      /* the widgets are being set from the filter */
};

G_DEFINE_FINAL_TYPE (DpsFilterBar, dps_filter_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* periods                                                                */

static gint64
local_midnight (GTimeZone *tz,
                GDate     *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new (tz, g_date_get_year (date), g_date_get_month (date),
                                             g_date_get_day (date), 0, 0, 0);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

gboolean
dps_period_preset_from_string (const char      *text,
                               DpsPeriodPreset *out)
{
  static const struct { const char *name; DpsPeriodPreset preset; } names[] = {
    { "all", DPS_PERIOD_ALL }, { "today", DPS_PERIOD_TODAY },
    { "last-7-days", DPS_PERIOD_LAST_7_DAYS }, { "last-30-days", DPS_PERIOD_LAST_30_DAYS },
    { "this-month", DPS_PERIOD_THIS_MONTH },
  };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (names); i++)
    if (strcmp (text, names[i].name) == 0)
      {
        *out = names[i].preset;
        return TRUE;
      }
  return FALSE;
}

void
dps_period_preset_get_range (DpsPeriodPreset  preset,
                             GDateTime       *now,
                             GTimeZone       *tz,
                             gint64          *from,
                             gint64          *to)
{
  g_autoptr(GTimeZone) local = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  g_autoptr(GDateTime) here = NULL;
  GDate today, first, end;

  g_return_if_fail (now != NULL);
  g_return_if_fail (from != NULL && to != NULL);

  if (preset == DPS_PERIOD_ALL)
    {
      *from = DPS_FILTER_NO_TIME;
      *to = DPS_FILTER_NO_TIME;
      return;
    }

  here = g_date_time_to_timezone (now, local);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, (GDateDay) g_date_time_get_day_of_month (here),
                  (GDateMonth) g_date_time_get_month (here), (GDateYear) g_date_time_get_year (here));
  first = today;
  end = today;
  g_date_add_days (&end, 1);

  switch (preset)
    {
    case DPS_PERIOD_TODAY:
      break;
    case DPS_PERIOD_LAST_7_DAYS:
      g_date_subtract_days (&first, 6);
      break;
    case DPS_PERIOD_LAST_30_DAYS:
      g_date_subtract_days (&first, 29);
      break;
    case DPS_PERIOD_THIS_MONTH:
      g_date_set_day (&first, 1);
      end = first;
      g_date_add_months (&end, 1);
      break;
    case DPS_PERIOD_ALL:
    default:
      g_return_if_reached ();
    }

  *from = local_midnight (local, &first);
  *to = local_midnight (local, &end);
}

gboolean
dps_period_days_get_range (const GDate *first,
                           const GDate *last,
                           GTimeZone   *tz,
                           gint64      *from,
                           gint64      *to)
{
  g_autoptr(GTimeZone) local = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  GDate start = *first;
  GDate end = *last;

  g_return_val_if_fail (g_date_valid (first) && g_date_valid (last), FALSE);

  if (g_date_compare (last, first) < 0)
    return FALSE;
  g_date_add_days (&end, 1);
  *from = local_midnight (local, &start);
  *to = local_midnight (local, &end);
  return TRUE;
}

/* The local day an instant falls in. */
static void
local_date (gint64  usec,
            GDate  *date)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) here = g_date_time_to_local (utc);

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) g_date_time_get_day_of_month (here),
                  (GDateMonth) g_date_time_get_month (here), (GDateYear) g_date_time_get_year (here));
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

/* "2026-11-01 – 2026-11-30" in local days (the end is exclusive). */
static char *
describe_period (gint64 from,
                 gint64 to)
{
  GDate first, last;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (from == DPS_FILTER_NO_TIME && to == DPS_FILTER_NO_TIME)
    return NULL;
  if (from != DPS_FILTER_NO_TIME)
    {
      local_date (from, &first);
      a = format_date (&first);
    }
  if (to != DPS_FILTER_NO_TIME)
    {
      local_date (to - 1, &last);
      b = format_date (&last);
    }
  if (a == NULL)
    /* Translators: a period with no start */
    return g_strdup_printf (_("until %s"), b);
  if (b == NULL)
    /* Translators: a period with no end */
    return g_strdup_printf (_("from %s"), a);
  if (strcmp (a, b) == 0)
    return g_steal_pointer (&a);
  return g_strdup_printf ("%s – %s", a, b);
}

/* ---------------------------------------------------------------------- */
/* values                                                                 */

static const char *
status_name (guint i)
{
  return dps_status_to_string ((DpsStatus) i);
}

static const char *
method_name (guint i)
{
  return dps_payment_method_to_string ((DpsPaymentMethod) i);
}

static const char *
bucket_name (guint i)
{
  return dps_amount_bucket_to_string ((DpsAmountBucket) i);
}

/* The mask bit of an enum dimension's value; -1 when unknown. */
static int
mask_bit (const char *dimension,
          const char *value)
{
  if (strcmp (dimension, "status") == 0)
    {
      DpsStatus status;
      return dps_status_from_string (value, &status) ? (int) status : -1;
    }
  if (strcmp (dimension, "payment_method") == 0)
    {
      DpsPaymentMethod method;
      return dps_payment_method_from_string (value, &method) ? (int) method : -1;
    }
  if (strcmp (dimension, "amount_bucket") == 0)
    {
      DpsAmountBucket bucket;
      return dps_amount_bucket_from_string (value, &bucket) ? (int) bucket : -1;
    }
  if (strcmp (dimension, "weekday") == 0 || strcmp (dimension, "hour") == 0)
    {
      guint64 n;
      guint limit = strcmp (dimension, "weekday") == 0 ? 6 : 23;

      if (!g_ascii_string_to_unsigned (value, 10, 0, limit, &n, NULL))
        return -1;
      return (int) n;
    }
  return -1;
}

static guint
get_mask (DpsFilter  *filter,
          const char *dimension)
{
  if (strcmp (dimension, "status") == 0)
    return dps_filter_get_statuses (filter);
  if (strcmp (dimension, "payment_method") == 0)
    return dps_filter_get_payment_methods (filter);
  if (strcmp (dimension, "amount_bucket") == 0)
    return dps_filter_get_amount_buckets (filter);
  if (strcmp (dimension, "weekday") == 0)
    return dps_filter_get_weekdays (filter);
  return dps_filter_get_hours (filter);
}

static void
set_mask (DpsFilter  *filter,
          const char *dimension,
          guint       mask)
{
  if (strcmp (dimension, "status") == 0)
    dps_filter_set_statuses (filter, mask);
  else if (strcmp (dimension, "payment_method") == 0)
    dps_filter_set_payment_methods (filter, mask);
  else if (strcmp (dimension, "amount_bucket") == 0)
    dps_filter_set_amount_buckets (filter, mask);
  else if (strcmp (dimension, "weekday") == 0)
    dps_filter_set_weekdays (filter, mask);
  else
    dps_filter_set_hours (filter, mask);
}

static gboolean
is_text_dimension (const char *dimension)
{
  return strcmp (dimension, "category") == 0 || strcmp (dimension, "city") == 0 ||
         strcmp (dimension, "merchant") == 0;
}

static const char * const *
get_values (DpsFilter  *filter,
            const char *dimension)
{
  if (strcmp (dimension, "category") == 0)
    return dps_filter_get_categories (filter);
  if (strcmp (dimension, "city") == 0)
    return dps_filter_get_cities (filter);
  return dps_filter_get_merchants (filter);
}

static gboolean
has_value (DpsFilter  *filter,
           const char *dimension,
           const char *value)
{
  if (is_text_dimension (dimension))
    {
      const char * const *values = get_values (filter, dimension);

      return values != NULL && g_strv_contains (values, value);
    }
  else
    {
      int bit = mask_bit (dimension, value);

      return bit >= 0 && (get_mask (filter, dimension) & (1u << bit)) != 0;
    }
}

static void
set_value (DpsFilter  *filter,
           const char *dimension,
           const char *value,
           gboolean    on)
{
  if (is_text_dimension (dimension))
    {
      if (on)
        dps_filter_add_value (filter, dimension, value);
      else
        dps_filter_remove_value (filter, dimension, value);
    }
  else
    {
      int bit = mask_bit (dimension, value);
      guint mask;

      if (bit < 0)
        return;
      mask = get_mask (filter, dimension);
      mask = on ? mask | (1u << bit) : mask & ~(1u << bit);
      set_mask (filter, dimension, mask);
    }
}

static gboolean
is_known_dimension (const char *dimension)
{
  static const char *const names[] = {
    "category", "city", "merchant", "status", "payment_method", "amount_bucket", "weekday", "hour",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (dimension, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* What a value reads as. */
static char *
value_label (const char *dimension,
             const char *value)
{
  int bit = is_text_dimension (dimension) ? -1 : mask_bit (dimension, value);

  if (strcmp (dimension, "status") == 0 && bit >= 0)
    return g_strdup (dps_format_status_label ((DpsStatus) bit));
  if (strcmp (dimension, "payment_method") == 0 && bit >= 0)
    return g_strdup (dps_format_payment_method_label ((DpsPaymentMethod) bit));
  if (strcmp (dimension, "amount_bucket") == 0 && bit >= 0)
    return g_strdup (dps_format_amount_bucket_label ((DpsAmountBucket) bit));
  if (strcmp (dimension, "weekday") == 0 && bit >= 0)
    return g_strdup (dps_format_weekday_label ((guint) bit));
  if (strcmp (dimension, "hour") == 0 && bit >= 0)
    /* Translators: an hour of the day in UTC, as the charts count them */
    return g_strdup_printf (_("%02d:00–%02d:59 UTC"), bit, bit);
  return g_strdup (value);
}

/* "City: Lyon" */
static char *
chip_label (const char *dimension,
            const char *value)
{
  g_autofree char *label = value_label (dimension, value);

  if (strcmp (dimension, "category") == 0)
    return g_strdup_printf (_("Category: %s"), label);
  if (strcmp (dimension, "city") == 0)
    return g_strdup_printf (_("City: %s"), label);
  if (strcmp (dimension, "merchant") == 0)
    return g_strdup_printf (_("Merchant: %s"), label);
  if (strcmp (dimension, "status") == 0)
    return g_strdup_printf (_("Status: %s"), label);
  if (strcmp (dimension, "payment_method") == 0)
    return g_strdup_printf (_("Payment: %s"), label);
  if (strcmp (dimension, "amount_bucket") == 0)
    return g_strdup_printf (_("Amount range: %s"), label);
  if (strcmp (dimension, "weekday") == 0)
    return g_strdup_printf (_("Weekday: %s"), label);
  if (strcmp (dimension, "hour") == 0)
    return g_strdup_printf (_("Hour: %s"), label);
  return g_steal_pointer (&label);
}

/* ---------------------------------------------------------------------- */
/* counts                                                                 */

typedef struct {
  DpsRepository *repository;
  DpsFilter     *filter;
  DpsDimension   dimension;
} CountJob;

static void
count_job_free (gpointer data)
{
  CountJob *job = data;

  g_clear_object (&job->repository);
  g_clear_object (&job->filter);
  g_free (job);
}

static void
count_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CountJob *job = task_data;
  GError *error = NULL;
  DpsBreakdown *breakdown;

  breakdown = dps_repository_query_breakdown (job->repository, job->filter, job->dimension,
                                              DPS_DIMENSION_NONE, DPS_BREAKDOWN_ORDER_KEY, 0,
                                              cancellable, &error);
  if (breakdown == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, breakdown, (GDestroyNotify) dps_breakdown_unref);
}

static void rebuild_list (DpsFilterBar *self, ValueList *list);

static void
counted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DpsFilterBar *self = DPS_FILTER_BAR (object);
  ValueList *list = user_data;
  g_autoptr(GError) error = NULL;
  DpsBreakdown *breakdown;

  breakdown = g_task_propagate_pointer (G_TASK (result), &error);
  if (breakdown == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot count %s values: %s", list->name, error->message);
      return;
    }
  g_clear_pointer (&list->counts, dps_breakdown_unref);
  list->counts = breakdown;
  rebuild_list (self, list);
}

/* Counts each value of the list's dimension under the other filters, so
 * that a value reads what choosing it would add. */
static void
request_counts (DpsFilterBar *self,
                ValueList    *list)
{
  DpsRepository *repository = self->session != NULL ? dps_session_get_repository (self->session) : NULL;
  g_autoptr(GTask) task = NULL;
  CountJob *job;

  if (repository == NULL)
    return;

  g_cancellable_cancel (list->cancellable);
  g_clear_object (&list->cancellable);
  list->cancellable = g_cancellable_new ();

  job = g_new0 (CountJob, 1);
  job->repository = g_object_ref (repository);
  job->filter = dps_filter_copy (self->filter);
  job->dimension = list->dimension;
  switch (list->dimension)
    {
    case DPS_DIMENSION_CATEGORY:       dps_filter_set_categories (job->filter, NULL); break;
    case DPS_DIMENSION_CITY:           dps_filter_set_cities (job->filter, NULL); break;
    case DPS_DIMENSION_STATUS:         dps_filter_set_statuses (job->filter, 0); break;
    case DPS_DIMENSION_PAYMENT_METHOD: dps_filter_set_payment_methods (job->filter, 0); break;
    default:
      g_assert_not_reached ();
    }

  task = g_task_new (self, list->cancellable, counted_cb, list);
  g_task_set_source_tag (task, request_counts);
  g_task_set_task_data (task, job, count_job_free);
  g_task_run_in_thread (task, count_in_thread);
}

static void
value_toggled_cb (GtkCheckButton *check,
                  DpsFilterBar   *self)
{
  const char *dimension = g_object_get_data (G_OBJECT (check), "dps-dimension");
  const char *value = g_object_get_data (G_OBJECT (check), "dps-value");

  if (self->following)
    return;
  set_value (self->filter, dimension, value, gtk_check_button_get_active (check));
}

static void
add_value_row (DpsFilterBar *self,
               ValueList    *list,
               const char   *value,
               gint64        count)
{
  g_autofree char *label = value_label (list->name, value);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *check = gtk_check_button_new_with_label (label);
  GtkWidget *count_label = gtk_label_new (NULL);

  if (count >= 0)
    {
      g_autofree char *text = dps_format_count ((gint64) count);
      gtk_label_set_text (GTK_LABEL (count_label), text);
    }
  gtk_label_set_xalign (GTK_LABEL (count_label), 1.0f);
  gtk_widget_set_hexpand (count_label, TRUE);
  gtk_widget_add_css_class (count_label, "dim-label");
  gtk_widget_add_css_class (count_label, "numeric");

  g_object_set_data_full (G_OBJECT (check), "dps-dimension", g_strdup (list->name), g_free);
  g_object_set_data_full (G_OBJECT (check), "dps-value", g_strdup (value), g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), has_value (self->filter, list->name, value));
  g_signal_connect (check, "toggled", G_CALLBACK (value_toggled_cb), self);

  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), count_label);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (list->list, row);
}

static gint64
count_of (ValueList  *list,
          const char *value)
{
  for (guint i = 0; list->counts != NULL && i < dps_breakdown_get_n_items (list->counts); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (list->counts, i);

      if (strcmp (item->key, value) == 0)
        return item->agg.count;
    }
  return list->counts != NULL ? 0 : -1;
}

/* In the order of the person's language. */
static int
compare_values (gconstpointer a,
                gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/* Every value with its count; chosen values stay listed even at zero. */
static void
rebuild_list (DpsFilterBar *self,
              ValueList    *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list->list))) != NULL)
    gtk_list_box_remove (list->list, child);

  if (list->dimension == DPS_DIMENSION_STATUS || list->dimension == DPS_DIMENSION_PAYMENT_METHOD)
    {
      gboolean status = list->dimension == DPS_DIMENSION_STATUS;
      guint n = status ? DPS_N_STATUSES : DPS_N_PAYMENT_METHODS;

      for (guint i = 0; i < n; i++)
        {
          const char *value = status ? status_name (i) : method_name (i);
          add_value_row (self, list, value, count_of (list, value));
        }
      return;
    }

  {
    const char * const *chosen = get_values (self->filter, list->name);
    g_autoptr(GPtrArray) values = g_ptr_array_new ();

    for (guint i = 0; list->counts != NULL && i < dps_breakdown_get_n_items (list->counts); i++)
      g_ptr_array_add (values, dps_breakdown_get_item (list->counts, i)->key);
    for (guint i = 0; chosen != NULL && chosen[i] != NULL; i++)
      if (!g_ptr_array_find_with_equal_func (values, chosen[i], g_str_equal, NULL))
        g_ptr_array_add (values, (gpointer) chosen[i]);
    g_ptr_array_sort (values, compare_values);

    if (values->len == 0)
      {
        GtkWidget *label = gtk_label_new (list->counts != NULL ? _("No values") : _("Counting…"));

        gtk_widget_add_css_class (label, "dim-label");
        gtk_widget_set_margin_top (label, 12);
        gtk_widget_set_margin_bottom (label, 12);
        gtk_widget_set_margin_start (label, 12);
        gtk_widget_set_margin_end (label, 12);
        gtk_list_box_append (list->list, label);
        return;
      }
    for (guint i = 0; i < values->len; i++)
      {
        const char *value = g_ptr_array_index (values, i);
        add_value_row (self, list, value, count_of (list, value));
      }
  }
}

static ValueList *
list_for_popover (DpsFilterBar *self,
                  GtkPopover   *popover)
{
  for (guint i = 0; i < N_LISTS; i++)
    if (self->lists[i].popover == popover)
      return &self->lists[i];
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* following the filter                                                   */

static void
set_button_label (GtkMenuButton *button,
                  const char    *name,
                  guint          n_chosen)
{
  g_autofree char *label = NULL;

  if (n_chosen == 0)
    {
      gtk_menu_button_set_label (button, name);
      gtk_widget_remove_css_class (GTK_WIDGET (button), "accent");
      return;
    }
  /* Translators: a filter button with how many values are chosen: "City (2)" */
  label = g_strdup_printf (_("%s (%u)"), name, n_chosen);
  gtk_menu_button_set_label (button, label);
  gtk_widget_add_css_class (GTK_WIDGET (button), "accent");
}

static void
add_chip (DpsFilterBar *self,
          const char   *label,
          const char   *dimension,
          const char   *value)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_label_new (label);
  GtkWidget *icon = gtk_image_new_from_icon_name ("window-close-symbolic");
  g_autofree char *tooltip = g_strdup_printf (_("Remove “%s”"), label);

  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 40);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "filter.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", dimension, value);
  gtk_flow_box_append (self->chips_box, button);
}

static void
add_set_chips (DpsFilterBar *self,
               const char   *dimension)
{
  const char * const *values = get_values (self->filter, dimension);

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autofree char *label = chip_label (dimension, values[i]);
      add_chip (self, label, dimension, values[i]);
    }
}

static void
add_mask_chips (DpsFilterBar *self,
                const char   *dimension,
                guint         n_values,
                const char   *(*to_string) (guint))
{
  guint mask = get_mask (self->filter, dimension);

  for (guint i = 0; i < n_values; i++)
    {
      char number[8];
      const char *value;
      g_autofree char *label = NULL;

      if ((mask & (1u << i)) == 0)
        continue;
      g_snprintf (number, sizeof number, "%u", i);
      value = to_string != NULL ? to_string (i) : number;
      label = chip_label (dimension, value);
      add_chip (self, label, dimension, value);
    }
}

static guint
count_bits (guint mask)
{
  guint n = 0;

  for (; mask != 0; mask &= mask - 1)
    n++;
  return n;
}

static void
update_chips (DpsFilterBar *self)
{
  GtkWidget *child;
  gint64 min_cents, max_cents, from, to;
  const char *search = dps_filter_get_search (self->filter);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box))) != NULL)
    gtk_flow_box_remove (self->chips_box, child);

  if (search != NULL)
    {
      /* Translators: a chip for the search text */
      g_autofree char *label = g_strdup_printf (_("Search: “%s”"), search);
      add_chip (self, label, "search", "");
    }
  add_set_chips (self, "category");
  add_set_chips (self, "city");
  add_set_chips (self, "merchant");
  add_mask_chips (self, "status", DPS_N_STATUSES, status_name);
  add_mask_chips (self, "payment_method", DPS_N_PAYMENT_METHODS, method_name);
  add_mask_chips (self, "amount_bucket", DPS_N_AMOUNT_BUCKETS, bucket_name);
  add_mask_chips (self, "weekday", 7, NULL);
  add_mask_chips (self, "hour", 24, NULL);

  dps_filter_get_amount_range (self->filter, &min_cents, &max_cents);
  if (min_cents != DPS_FILTER_NO_AMOUNT || max_cents != DPS_FILTER_NO_AMOUNT)
    {
      g_autofree char *low = min_cents != DPS_FILTER_NO_AMOUNT ? dps_format_amount (min_cents) : NULL;
      g_autofree char *high = max_cents != DPS_FILTER_NO_AMOUNT ? dps_format_amount (max_cents) : NULL;
      g_autofree char *label = NULL;

      if (low != NULL && high != NULL)
        label = g_strdup_printf (_("Amount: %s – %s"), low, high);
      else if (low != NULL)
        label = g_strdup_printf (_("Amount: at least %s"), low);
      else
        label = g_strdup_printf (_("Amount: at most %s"), high);
      add_chip (self, label, "amount", "");
    }

  dps_filter_get_period (self->filter, &from, &to);
  if (from != DPS_FILTER_NO_TIME || to != DPS_FILTER_NO_TIME)
    {
      g_autofree char *period = describe_period (from, to);
      g_autofree char *label = g_strdup_printf (_("Period: %s"), period);

      add_chip (self, label, "period", "");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->chips_box),
                          gtk_widget_get_first_child (GTK_WIDGET (self->chips_box)) != NULL);
}

static guint
strv_length0 (const char * const *values)
{
  return values != NULL ? g_strv_length ((char **) values) : 0;
}

static void
follow_filter (DpsFilterBar *self)
{
  const char *search = dps_filter_get_search (self->filter);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  gint64 min_cents, max_cents, from, to;

  self->following = TRUE;

  /* The entry shows what the filter searches, unless it is only the
   * typing delay that makes them differ. */
  if (g_strcmp0 (search, trimmed[0] != '\0' ? trimmed : NULL) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), search != NULL ? search : "");

  set_button_label (self->category_button, _("Category"),
                    strv_length0 (dps_filter_get_categories (self->filter)));
  set_button_label (self->city_button, _("City"), strv_length0 (dps_filter_get_cities (self->filter)));
  set_button_label (self->status_button, _("Status"), count_bits (dps_filter_get_statuses (self->filter)));
  set_button_label (self->method_button, _("Payment"),
                    count_bits (dps_filter_get_payment_methods (self->filter)));
  dps_filter_get_amount_range (self->filter, &min_cents, &max_cents);
  set_button_label (self->amount_button, _("Amount"),
                    (min_cents != DPS_FILTER_NO_AMOUNT) + (max_cents != DPS_FILTER_NO_AMOUNT));
  dps_filter_get_period (self->filter, &from, &to);
  if (from == DPS_FILTER_NO_TIME && to == DPS_FILTER_NO_TIME)
    {
      gtk_menu_button_set_label (self->period_button, _("Period"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->period_button), "accent");
    }
  else
    {
      g_autofree char *period = describe_period (from, to);

      gtk_menu_button_set_label (self->period_button, period);
      gtk_widget_add_css_class (GTK_WIDGET (self->period_button), "accent");
    }

  update_chips (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.clear", !dps_filter_is_empty (self->filter));

  /* Counts of an open list follow the other filters. */
  for (guint i = 0; i < N_LISTS; i++)
    if (gtk_widget_get_visible (GTK_WIDGET (self->lists[i].popover)))
      {
        rebuild_list (self, &self->lists[i]);
        request_counts (self, &self->lists[i]);
      }

  self->following = FALSE;
}

static void
filter_changed_cb (DpsFilter    *filter,
                   DpsFilterBar *self)
{
  follow_filter (self);
}

static void
data_changed_cb (DpsSession   *session,
                 DpsFilterBar *self)
{
  for (guint i = 0; i < N_LISTS; i++)
    if (gtk_widget_get_visible (GTK_WIDGET (self->lists[i].popover)))
      request_counts (self, &self->lists[i]);
}

/* ---------------------------------------------------------------------- */
/* template callbacks                                                     */

static void
search_changed_cb (DpsFilterBar   *self,
                   GtkSearchEntry *entry)
{
  if (self->following)
    return;
  dps_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
values_popover_shown_cb (DpsFilterBar *self,
                         GtkPopover   *popover)
{
  ValueList *list = list_for_popover (self, popover);

  g_return_if_fail (list != NULL);
  rebuild_list (self, list);
  request_counts (self, list);
}

static char *
cents_to_text (gint64 cents)
{
  if (cents == DPS_FILTER_NO_AMOUNT)
    return g_strdup ("");
  return dps_format_cents (cents);
}

static void
amount_popover_shown_cb (DpsFilterBar *self,
                         GtkPopover   *popover)
{
  gint64 min_cents, max_cents;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;

  dps_filter_get_amount_range (self->filter, &min_cents, &max_cents);
  low = cents_to_text (min_cents);
  high = cents_to_text (max_cents);
  gtk_editable_set_text (GTK_EDITABLE (self->amount_min_entry), low);
  gtk_editable_set_text (GTK_EDITABLE (self->amount_max_entry), high);
  gtk_widget_grab_focus (GTK_WIDGET (self->amount_min_entry));
}

static void
amount_entry_changed_cb (DpsFilterBar *self,
                         GtkEntry     *entry)
{
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
}

/* Sets the amount range from two typed texts; marks what it cannot read. */
static gboolean
apply_amount (DpsFilterBar *self,
              const char   *low_text,
              const char   *high_text)
{
  g_autofree char *low = g_strstrip (g_strdup (low_text));
  g_autofree char *high = g_strstrip (g_strdup (high_text));
  gint64 min_cents = DPS_FILTER_NO_AMOUNT, max_cents = DPS_FILTER_NO_AMOUNT;
  gboolean ok = TRUE;

  if (low[0] != '\0' && !dps_format_parse_amount (low, &min_cents))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->amount_min_entry), "error");
      ok = FALSE;
    }
  if (high[0] != '\0' && !dps_format_parse_amount (high, &max_cents))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->amount_max_entry), "error");
      ok = FALSE;
    }
  if (!ok)
    return FALSE;
  /* Reversed bounds mean what they say once put in order. */
  if (min_cents != DPS_FILTER_NO_AMOUNT && max_cents != DPS_FILTER_NO_AMOUNT && min_cents > max_cents)
    {
      gint64 swap = min_cents;
      min_cents = max_cents;
      max_cents = swap;
    }
  dps_filter_set_amount_range (self->filter, min_cents, max_cents);
  return TRUE;
}

static void
amount_apply_cb (DpsFilterBar *self)
{
  if (apply_amount (self, gtk_editable_get_text (GTK_EDITABLE (self->amount_min_entry)),
                    gtk_editable_get_text (GTK_EDITABLE (self->amount_max_entry))))
    gtk_popover_popdown (self->amount_popover);
}

static void
select_day (GtkCalendar *calendar,
            gint64       usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) here = g_date_time_to_local (utc);

  gtk_calendar_select_day (calendar, here);
}

static void
period_popover_shown_cb (DpsFilterBar *self,
                         GtkPopover   *popover)
{
  gint64 from, to;
  gint64 now = g_get_real_time ();

  dps_filter_get_period (self->filter, &from, &to);
  select_day (self->from_calendar, from != DPS_FILTER_NO_TIME ? from : now);
  select_day (self->to_calendar, to != DPS_FILTER_NO_TIME ? to - 1 : now);
}

static void
calendar_date (GtkCalendar *calendar,
               GDate       *date)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (calendar);

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) g_date_time_get_day_of_month (day),
                  (GDateMonth) g_date_time_get_month (day), (GDateYear) g_date_time_get_year (day));
}

static void
period_apply_cb (DpsFilterBar *self)
{
  GDate first, last;
  gint64 from, to;

  calendar_date (self->from_calendar, &first);
  calendar_date (self->to_calendar, &last);
  if (!dps_period_days_get_range (&first, &last, NULL, &from, &to))
    dps_period_days_get_range (&last, &first, NULL, &from, &to);
  dps_filter_set_period (self->filter, from, to);
  gtk_popover_popdown (self->period_popover);
}

/* ---------------------------------------------------------------------- */
/* actions                                                                */

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  dps_filter_bar_focus_search (DPS_FILTER_BAR (widget));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DpsFilterBar *self = DPS_FILTER_BAR (widget);

  dps_filter_clear (self->filter);
  /* The typed text too, even if its delay had not passed yet. */
  self->following = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  self->following = FALSE;
}

static void
toggle_value_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DpsFilterBar *self = DPS_FILTER_BAR (widget);
  const char *dimension, *value;

  g_variant_get (parameter, "(&s&s)", &dimension, &value);
  if (!is_known_dimension (dimension))
    {
      g_warning ("Unknown filter dimension “%s”", dimension);
      return;
    }
  set_value (self->filter, dimension, value, !has_value (self->filter, dimension, value));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DpsFilterBar *self = DPS_FILTER_BAR (widget);
  const char *dimension, *value;

  g_variant_get (parameter, "(&s&s)", &dimension, &value);
  if (strcmp (dimension, "search") == 0)
    {
      dps_filter_set_search (self->filter, NULL);
      self->following = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      self->following = FALSE;
    }
  else if (strcmp (dimension, "amount") == 0)
    dps_filter_set_amount_range (self->filter, DPS_FILTER_NO_AMOUNT, DPS_FILTER_NO_AMOUNT);
  else if (strcmp (dimension, "period") == 0)
    dps_filter_set_period (self->filter, DPS_FILTER_NO_TIME, DPS_FILTER_NO_TIME);
  else if (is_known_dimension (dimension))
    set_value (self->filter, dimension, value, FALSE);
  else
    g_warning ("Unknown filter dimension “%s”", dimension);
}

static void
set_search_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DpsFilterBar *self = DPS_FILTER_BAR (widget);
  const char *text = g_variant_get_string (parameter, NULL);

  self->following = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  self->following = FALSE;
  dps_filter_set_search (self->filter, text);
}

static void
set_period_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DpsFilterBar *self = DPS_FILTER_BAR (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  DpsPeriodPreset preset;
  gint64 from, to;

  if (!dps_period_preset_from_string (g_variant_get_string (parameter, NULL), &preset))
    {
      g_warning ("Unknown period “%s”", g_variant_get_string (parameter, NULL));
      return;
    }
  dps_period_preset_get_range (preset, now, NULL, &from, &to);
  dps_filter_set_period (self->filter, from, to);
  gtk_popover_popdown (self->period_popover);
}

static gboolean
parse_day (const char *text,
           GDate      *date)
{
  gint32 days;

  if (!dps_parse_date (text, &days))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_julian (date, (guint32) days + 719163);   /* 1970-01-01 is Julian day 719163 */
  return TRUE;
}

static void
set_days_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DpsFilterBar *self = DPS_FILTER_BAR (widget);
  const char *first_text, *last_text;
  GDate first, last;
  gint64 from, to;

  g_variant_get (parameter, "(&s&s)", &first_text, &last_text);
  if (!parse_day (first_text, &first) || !parse_day (last_text, &last) ||
      !dps_period_days_get_range (&first, &last, NULL, &from, &to))
    {
      g_warning ("Invalid days “%s” – “%s”", first_text, last_text);
      return;
    }
  dps_filter_set_period (self->filter, from, to);
}

static void
set_amount_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DpsFilterBar *self = DPS_FILTER_BAR (widget);
  const char *low, *high;

  g_variant_get (parameter, "(&s&s)", &low, &high);
  self->following = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->amount_min_entry), low);
  gtk_editable_set_text (GTK_EDITABLE (self->amount_max_entry), high);
  self->following = FALSE;
  apply_amount (self, low, high);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
dps_filter_bar_constructed (GObject *object)
{
  DpsFilterBar *self = DPS_FILTER_BAR (object);

  G_OBJECT_CLASS (dps_filter_bar_parent_class)->constructed (object);

  g_return_if_fail (DPS_IS_SESSION (self->session));

  self->filter = g_object_ref (dps_session_get_filter (self->session));
  g_signal_connect_object (self->filter, "changed", G_CALLBACK (filter_changed_cb), self, 0);
  g_signal_connect_object (self->session, "data-changed", G_CALLBACK (data_changed_cb), self, 0);
  follow_filter (self);
}

static void
dps_filter_bar_dispose (GObject *object)
{
  DpsFilterBar *self = DPS_FILTER_BAR (object);
  GtkWidget *child;

  for (guint i = 0; i < N_LISTS; i++)
    {
      g_cancellable_cancel (self->lists[i].cancellable);
      g_clear_object (&self->lists[i].cancellable);
      g_clear_pointer (&self->lists[i].counts, dps_breakdown_unref);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_FILTER_BAR);
  /* The template's box has no name: it goes here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->filter);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dps_filter_bar_parent_class)->dispose (object);
}

static void
dps_filter_bar_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DpsFilterBar *self = DPS_FILTER_BAR (object);

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
dps_filter_bar_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DpsFilterBar *self = DPS_FILTER_BAR (object);

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
dps_filter_bar_class_init (DpsFilterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dps_filter_bar_constructed;
  object_class->dispose = dps_filter_bar_dispose;
  object_class->get_property = dps_filter_bar_get_property;
  object_class->set_property = dps_filter_bar_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-filter-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, category_button);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, city_button);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, status_button);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, method_button);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, amount_button);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, period_button);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, category_popover);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, city_popover);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, status_popover);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, method_popover);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, amount_popover);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, period_popover);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, category_list);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, city_list);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, status_list);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, method_list);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, amount_min_entry);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, amount_max_entry);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, DpsFilterBar, chips_box);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, values_popover_shown_cb);
  gtk_widget_class_bind_template_callback (widget_class, amount_popover_shown_cb);
  gtk_widget_class_bind_template_callback (widget_class, amount_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, amount_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, period_popover_shown_cb);
  gtk_widget_class_bind_template_callback (widget_class, period_apply_cb);

  gtk_widget_class_install_action (widget_class, "filter.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "filter.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "filter.toggle-value", "(ss)", toggle_value_action);
  gtk_widget_class_install_action (widget_class, "filter.remove", "(ss)", remove_action);
  gtk_widget_class_install_action (widget_class, "filter.set-search", "s", set_search_action);
  gtk_widget_class_install_action (widget_class, "filter.set-period", "s", set_period_action);
  gtk_widget_class_install_action (widget_class, "filter.set-days", "(ss)", set_days_action);
  gtk_widget_class_install_action (widget_class, "filter.set-amount", "(ss)", set_amount_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "filter.focus-search", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SEARCH);
}

static void
dps_filter_bar_init (DpsFilterBar *self)
{
  static const struct { DpsDimension dimension; const char *name; } lists[N_LISTS] = {
    [LIST_CATEGORY] = { DPS_DIMENSION_CATEGORY, "category" },
    [LIST_CITY] = { DPS_DIMENSION_CITY, "city" },
    [LIST_STATUS] = { DPS_DIMENSION_STATUS, "status" },
    [LIST_METHOD] = { DPS_DIMENSION_PAYMENT_METHOD, "payment_method" },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_LISTS; i++)
    {
      self->lists[i].dimension = lists[i].dimension;
      self->lists[i].name = lists[i].name;
    }
  self->lists[LIST_CATEGORY].list = self->category_list;
  self->lists[LIST_CATEGORY].popover = self->category_popover;
  self->lists[LIST_CITY].list = self->city_list;
  self->lists[LIST_CITY].popover = self->city_popover;
  self->lists[LIST_STATUS].list = self->status_list;
  self->lists[LIST_STATUS].popover = self->status_popover;
  self->lists[LIST_METHOD].list = self->method_list;
  self->lists[LIST_METHOD].popover = self->method_popover;
}

GtkWidget *
dps_filter_bar_new (DpsSession *session)
{
  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);
  return g_object_new (DPS_TYPE_FILTER_BAR, "session", session, NULL);
}

DpsSession *
dps_filter_bar_get_session (DpsFilterBar *self)
{
  g_return_val_if_fail (DPS_IS_FILTER_BAR (self), NULL);
  return self->session;
}

void
dps_filter_bar_focus_search (DpsFilterBar *self)
{
  g_return_if_fail (DPS_IS_FILTER_BAR (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}
