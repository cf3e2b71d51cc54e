/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dps-csv-export-dialog.h"
#include "dps-dialogs.h"
#include "dps-format.h"
#include "dps-transactions-page.h"

/* Rows Ctrl+C copies at most: beyond, the CSV export is the tool. */
#define MAX_COPY_ROWS 100000
/* Selected rows found again after new data, at most. */
#define MAX_KEEP_SELECTED 1000

typedef struct {
  DpsTransactionsPage *page;     /* borrowed */
  DpsColumn            column;
} ColumnData;

struct _DpsTransactionsPage
{
  AdwBin               parent_instance;

  /* Template children. */
  AdwToastOverlay     *toast_overlay;
  GtkLabel            *count_value;
  GtkLabel            *total_value;
  GtkLabel            *average_value;
  GtkLabel            *approved_value;
  GtkLabel            *approval_rate;
  GtkLabel            *rejected_value;
  GtkLabel            *row_count_label;
  GtkSpinner          *busy_spinner;
  GtkStack            *stack;
  GtkScrolledWindow   *table_scroller;
  GtkColumnView       *column_view;
  AdwStatusPage       *empty_page;
  GtkWidget           *clear_filters_button;
  AdwStatusPage       *error_page;
  GtkWidget           *details_panel;
  GtkStack            *details_stack;
  GtkGrid             *details_grid;
  GtkTextView         *payload_view;

  /* Owned. */
  DpsSession          *session;
  GSettings           *settings;          /* NULL when the schema is not installed */
  DpsRepository       *reader;            /* details, copies */
  DpsTransactionModel *model;
  GtkMultiSelection   *selection;
  GtkColumnViewColumn *columns[DPS_N_COLUMNS];
  GSimpleActionGroup  *column_actions;    /* "columns.<name>": shown or not */
  GObject             *probes[2];
  GCancellable        *open_cancellable;
  GCancellable        *details_cancellable;
  GCancellable        *refresh_cancellable;
  DpsTransactionItem  *waited_item;       /* selected, its row not read yet */
  gulong               waited_handler;

  /* State. */
  DpsKpis              kpis;
  gboolean             kpis_valid;
  gboolean             opening;
  gboolean             refreshing;
  gboolean             refresh_again;
  gboolean             details_visible;
  gboolean             restoring_layout;
  guint                save_layout_id;
  int                  probed_column;     /* set by the header sorters' probe */
  char                *open_error;
};

G_DEFINE_FINAL_TYPE (DpsTransactionsPage, dps_transactions_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_DETAILS_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_state (DpsTransactionsPage *self);
static void update_details (DpsTransactionsPage *self);

/* ---------------------------------------------------------------------- */
/* helpers                                                                */

static DpsColumn
column_of (GtkColumnViewColumn *column)
{
  return (DpsColumn) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "dps-column"));
}

/* In the window, its overlay: seen from every view (an export may start
 * from any of them). */
static void
show_toast (DpsTransactionsPage *self,
            AdwToast            *toast)
{
  dps_dialogs_add_toast (GTK_WIDGET (self->toast_overlay), toast);
}

static void
toast (DpsTransactionsPage *self,
       const char          *text)
{
  show_toast (self, dps_dialogs_toast_new (text));
}

/* The selected positions as ranges, at most @limit rows (0: all). */
static GArray *
selected_ranges (DpsTransactionsPage *self,
                 guint                limit,
                 guint64             *out_total)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (DpsPositionRange));
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;
  guint taken = 0;

  if (out_total != NULL)
    *out_total = 0;
  if (self->selection == NULL)
    return ranges;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (out_total != NULL)
    *out_total = gtk_bitset_get_size (selected);

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
       ok && (limit == 0 || taken < limit);
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      DpsPositionRange *last = ranges->len > 0 ? &g_array_index (ranges, DpsPositionRange, ranges->len - 1) : NULL;

      if (last != NULL && last->start + last->n_items == position)
        last->n_items++;
      else
        {
          DpsPositionRange range = { position, 1 };
          g_array_append_val (ranges, range);
        }
      taken++;
    }
  return ranges;
}

/* The visible columns in the order shown. */
static GArray *
shown_columns (DpsTransactionsPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GArray *shown = g_array_new (FALSE, FALSE, sizeof (DpsColumn));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (gtk_column_view_column_get_visible (column))
        {
          DpsColumn c = column_of (column);
          g_array_append_val (shown, c);
        }
    }
  return shown;
}

/* ---------------------------------------------------------------------- */
/* sorting                                                                */

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  ColumnData *data = user_data;

  data->page->probed_column = (int) data->column;
  return -1;
}

/* What the header says the rows are sorted by. GTK 4.8 has no getter for
 * the column view's primary sort column: every column's sorter answers
 * "smaller" and records itself, so comparing two items through the column
 * view's sorter tells which column sorts first and in which direction. */
static void
current_sort (DpsTransactionsPage *self,
              DpsSort             *sort)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  int column = -1;
  gboolean descending = FALSE;

#if GTK_CHECK_VERSION (4, 10, 0)
  GtkColumnViewColumn *primary =
    gtk_column_view_sorter_get_primary_sort_column (GTK_COLUMN_VIEW_SORTER (sorter));

  if (primary != NULL)
    {
      column = (int) column_of (primary);
      descending = gtk_column_view_sorter_get_primary_sort_order (GTK_COLUMN_VIEW_SORTER (sorter)) ==
                   GTK_SORT_DESCENDING;
    }
#else
  GtkOrdering order;

  self->probed_column = -1;
  order = gtk_sorter_compare (sorter, self->probes[0], self->probes[1]);
  if (self->probed_column >= 0 && order != GTK_ORDERING_EQUAL)
    {
      column = self->probed_column;
      descending = order == GTK_ORDERING_LARGER;
    }
#endif

  if (column < 0)
    {
      /* Unsorted: newest first. */
      sort->key = DPS_SORT_EVENT_TS;
      sort->descending = TRUE;
      return;
    }
  sort->key = dps_sort_key_for_column ((DpsColumn) column);
  sort->descending = descending;
}

static void
query_changed (DpsTransactionsPage *self)
{
  DpsSort sort;

  if (self->model == NULL)
    return;
  current_sort (self, &sort);
  dps_transaction_model_set_query (self->model, dps_session_get_filter (self->session), &sort);
  update_state (self);
}

static void
sorter_changed_cb (GtkSorter           *sorter,
                   GtkSorterChange      change,
                   DpsTransactionsPage *self)
{
  DpsSort sort, now;

  if (self->model == NULL)
    return;
  current_sort (self, &sort);
  dps_transaction_model_get_sort (self->model, &now);
  if (sort.key != now.key || sort.descending != now.descending)
    query_changed (self);
}

/* ---------------------------------------------------------------------- */
/* cells                                                                  */

static void
update_cell (GtkLabel           *label,
             DpsTransactionItem *item,
             DpsColumn           column)
{
  const DpsRow *row = dps_transaction_item_get_row (item);
  g_autofree char *text = row != NULL ? dps_format_column (row, column) : NULL;

  gtk_label_set_text (label, text != NULL ? text : "");
}

static void
item_row_changed_cb (DpsTransactionItem *item,
                     GParamSpec         *pspec,
                     GtkLabel           *label)
{
  update_cell (label, item, (DpsColumn) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "dps-column")));
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  DpsColumn column = (DpsColumn) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "dps-column"));
  GtkWidget *label = gtk_label_new (NULL);
  gboolean number = column == DPS_COLUMN_AMOUNT || column == DPS_COLUMN_USER_ID ||
                    column == DPS_COLUMN_EVENT_HOUR;

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1.0f : 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (number || column == DPS_COLUMN_TRANSACTION_ID)
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (label), "dps-column", GINT_TO_POINTER (column));
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  DpsTransactionItem *item = gtk_list_item_get_item (list_item);
  gulong handler;

  update_cell (GTK_LABEL (label), item,
               (DpsColumn) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "dps-column")));
  /* A placeholder gets its row in place when its page arrives. */
  handler = g_signal_connect_object (item, "notify::row", G_CALLBACK (item_row_changed_cb), label, 0);
  g_object_set_data (G_OBJECT (list_item), "dps-handler", GSIZE_TO_POINTER (handler));
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  DpsTransactionItem *item = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "dps-handler"));

  if (handler != 0 && item != NULL)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (list_item), "dps-handler", NULL);
}

/* ---------------------------------------------------------------------- */
/* column layout                                                          */

/* Widths that fit the values, and the columns shown until someone
 * chooses: what the others derive from the time and amount stays hidden. */
static const struct {
  int      width;
  gboolean hidden;
} column_defaults[DPS_N_COLUMNS] = {
  [DPS_COLUMN_TRANSACTION_ID]  = { 300, FALSE },
  [DPS_COLUMN_EVENT_TS]        = { 160, FALSE },
  [DPS_COLUMN_EVENT_DATE]      = { 100, TRUE },
  [DPS_COLUMN_EVENT_HOUR]      = { 60, TRUE },
  [DPS_COLUMN_EVENT_DAYOFWEEK] = { 100, TRUE },
  [DPS_COLUMN_USER_ID]         = { 70, FALSE },
  [DPS_COLUMN_AMOUNT]          = { 110, FALSE },
  [DPS_COLUMN_AMOUNT_BUCKET]   = { 100, TRUE },
  [DPS_COLUMN_MERCHANT]        = { 160, FALSE },
  [DPS_COLUMN_CATEGORY]        = { 120, FALSE },
  [DPS_COLUMN_CITY]            = { 110, FALSE },
  [DPS_COLUMN_STATUS]          = { 100, FALSE },
  [DPS_COLUMN_PAYMENT_METHOD]  = { 130, FALSE },
  [DPS_COLUMN_CURRENCY]        = { 80, TRUE },
  [DPS_COLUMN_INGESTED_AT]     = { 160, TRUE },
};

static gboolean
save_layout_cb (gpointer user_data)
{
  DpsTransactionsPage *self = user_data;
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr(GStrvBuilder) order = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) hidden = g_strv_builder_new ();
  g_auto(GStrv) order_v = NULL;
  g_auto(GStrv) hidden_v = NULL;
  GVariantBuilder widths;

  self->save_layout_id = 0;
  if (self->settings == NULL)
    return G_SOURCE_REMOVE;

  g_variant_builder_init (&widths, G_VARIANT_TYPE ("a{si}"));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *name = dps_column_to_string (column_of (column));
      int width = gtk_column_view_column_get_fixed_width (column);

      g_strv_builder_add (order, name);
      if (!gtk_column_view_column_get_visible (column))
        g_strv_builder_add (hidden, name);
      /* Only what someone resized. */
      if (width > 0 && width != column_defaults[column_of (column)].width)
        g_variant_builder_add (&widths, "{si}", name, width);
    }
  order_v = g_strv_builder_end (order);
  hidden_v = g_strv_builder_end (hidden);

  g_settings_set_strv (self->settings, "column-order", (const char * const *) order_v);
  g_settings_set_strv (self->settings, "hidden-columns", (const char * const *) hidden_v);
  g_settings_set_value (self->settings, "column-widths", g_variant_builder_end (&widths));
  return G_SOURCE_REMOVE;
}

static void
layout_changed (DpsTransactionsPage *self)
{
  if (self->restoring_layout || self->settings == NULL)
    return;
  g_clear_handle_id (&self->save_layout_id, g_source_remove);
  self->save_layout_id = g_timeout_add (300, save_layout_cb, self);
}

static void
columns_changed_cb (GListModel          *columns,
                    guint                position,
                    guint                removed,
                    guint                added,
                    DpsTransactionsPage *self)
{
  layout_changed (self);
}

static void
column_visible_cb (GtkColumnViewColumn *column,
                   GParamSpec          *pspec,
                   DpsTransactionsPage *self)
{
  const char *name = dps_column_to_string (column_of (column));

  g_action_group_change_action_state (G_ACTION_GROUP (self->column_actions), name,
                                      g_variant_new_boolean (gtk_column_view_column_get_visible (column)));
  layout_changed (self);
}

static void
column_width_cb (GtkColumnViewColumn *column,
                 GParamSpec          *pspec,
                 DpsTransactionsPage *self)
{
  layout_changed (self);
}

static void
column_action_cb (GSimpleAction *action,
                  GVariant      *state,
                  gpointer       user_data)
{
  DpsTransactionsPage *self = user_data;
  DpsColumn column;

  g_simple_action_set_state (action, state);
  if (!dps_column_from_string (g_action_get_name (G_ACTION (action)), &column))
    return;
  gtk_column_view_column_set_visible (self->columns[column], g_variant_get_boolean (state));
}

/* @hidden NULL: the default columns are hidden. */
static void
apply_layout (DpsTransactionsPage *self,
              const char * const  *order,
              const char * const  *hidden,
              GVariant            *widths)
{
  guint position = 0;
  gboolean placed[DPS_N_COLUMNS] = { FALSE };

  self->restoring_layout = TRUE;

  /* Named columns first in their order, then the others in theirs. */
  for (guint i = 0; order != NULL && order[i] != NULL; i++)
    {
      DpsColumn column;

      if (!dps_column_from_string (order[i], &column) || placed[column])
        continue;
      gtk_column_view_insert_column (self->column_view, position++, self->columns[column]);
      placed[column] = TRUE;
    }
  for (guint c = 0; c < DPS_N_COLUMNS; c++)
    if (!placed[c])
      gtk_column_view_insert_column (self->column_view, position++, self->columns[c]);

  for (guint c = 0; c < DPS_N_COLUMNS; c++)
    {
      const char *name = dps_column_to_string ((DpsColumn) c);
      int width = -1;

      gtk_column_view_column_set_visible (self->columns[c],
                                          hidden != NULL ? !g_strv_contains (hidden, name)
                                                         : !column_defaults[c].hidden);
      if (widths == NULL || !g_variant_lookup (widths, name, "i", &width) || width <= 0)
        width = column_defaults[c].width;
      gtk_column_view_column_set_fixed_width (self->columns[c], width);
    }

  self->restoring_layout = FALSE;
}

static void
restore_layout (DpsTransactionsPage *self)
{
  g_auto(GStrv) order = NULL;
  g_auto(GStrv) hidden = NULL;
  g_autoptr(GVariant) user_hidden = NULL;
  g_autoptr(GVariant) widths = NULL;

  if (self->settings == NULL)
    {
      apply_layout (self, NULL, NULL, NULL);
      return;
    }
  order = g_settings_get_strv (self->settings, "column-order");
  /* Never chosen: the default columns stay hidden. */
  user_hidden = g_settings_get_user_value (self->settings, "hidden-columns");
  if (user_hidden != NULL)
    hidden = g_variant_dup_strv (user_hidden, NULL);
  widths = g_settings_get_value (self->settings, "column-widths");
  apply_layout (self, (const char * const *) order, (const char * const *) hidden, widths);
}

static void
create_columns (DpsTransactionsPage *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) shown = g_menu_new ();
  g_autoptr(GMenu) reset = g_menu_new ();

  for (guint c = 0; c < DPS_N_COLUMNS; c++)
    {
      const char *name = dps_column_to_string ((DpsColumn) c);
      g_autofree char *detailed = g_strconcat ("columns.", name, NULL);
      g_autoptr(GSimpleAction) action = g_simple_action_new_stateful (name, NULL, g_variant_new_boolean (TRUE));
      g_menu_append (shown, dps_column_get_title ((DpsColumn) c), detailed);
      g_signal_connect (action, "change-state", G_CALLBACK (column_action_cb), self);
      g_action_map_add_action (G_ACTION_MAP (self->column_actions), G_ACTION (action));
    }
  g_menu_append_section (menu, _("Columns"), G_MENU_MODEL (shown));
  g_menu_append (reset, _("_Reset Columns"), "transactions.reset-columns");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (reset));

  for (guint c = 0; c < DPS_N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      ColumnData *data = g_new0 (ColumnData, 1);
      GtkSorter *sorter;
      GtkColumnViewColumn *column;

      data->page = self;
      data->column = (DpsColumn) c;
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, data, g_free));
      g_object_set_data (G_OBJECT (factory), "dps-column", GINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), self);

      column = gtk_column_view_column_new (dps_column_get_title ((DpsColumn) c), factory);
      g_object_set_data (G_OBJECT (column), "dps-column", GINT_TO_POINTER (c));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_header_menu (column, G_MENU_MODEL (menu));
      gtk_column_view_column_set_expand (column, c == DPS_COLUMN_MERCHANT);
      g_signal_connect (column, "notify::visible", G_CALLBACK (column_visible_cb), self);
      g_signal_connect (column, "notify::fixed-width", G_CALLBACK (column_width_cb), self);
      g_object_unref (sorter);
      self->columns[c] = column;
    }

  restore_layout (self);
  for (guint c = 0; c < DPS_N_COLUMNS; c++)
    g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->column_actions),
                                                                            dps_column_to_string ((DpsColumn) c))),
                               g_variant_new_boolean (gtk_column_view_column_get_visible (self->columns[c])));
  g_signal_connect (gtk_column_view_get_columns (self->column_view), "items-changed",
                    G_CALLBACK (columns_changed_cb), self);
  g_signal_connect (gtk_column_view_get_sorter (self->column_view), "changed",
                    G_CALLBACK (sorter_changed_cb), self);
  /* Newest first until a header says otherwise. */
  gtk_column_view_sort_by_column (self->column_view, self->columns[DPS_COLUMN_EVENT_TS],
                                  GTK_SORT_DESCENDING);
}

/* ---------------------------------------------------------------------- */
/* key figures                                                            */

static void
show_kpis (DpsTransactionsPage *self)
{
  const DpsAggregate *total = &self->kpis.total;
  g_autofree char *count = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *average = NULL;
  g_autofree char *approved = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *rejected = NULL;

  if (!self->kpis_valid)
    {
      gtk_label_set_text (self->count_value, "—");
      gtk_label_set_text (self->total_value, "—");
      gtk_label_set_text (self->average_value, "—");
      gtk_label_set_text (self->approved_value, "—");
      gtk_label_set_text (self->approval_rate, "");
      gtk_label_set_text (self->rejected_value, "—");
      return;
    }

  count = dps_format_count ((gint64) total->count);
  amount = dps_format_amount (total->amount_cents);
  /* Rounded to the cent, half away from zero. */
  average = total->count > 0
            ? dps_format_amount ((total->amount_cents + total->count / 2) / total->count)
            : g_strdup ("—");
  approved = dps_format_count ((gint64) total->approved_count);
  rate = total->count > 0 ? dps_format_percent (dps_aggregate_get_approval_rate (total), 1)
                          : g_strdup ("");
  rejected = dps_format_count ((gint64) self->kpis.rejected);

  gtk_label_set_text (self->count_value, count);
  gtk_label_set_text (self->total_value, amount);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->total_value), amount);
  gtk_label_set_text (self->average_value, average);
  gtk_label_set_text (self->approved_value, approved);
  gtk_label_set_text (self->approval_rate, rate);
  gtk_label_set_text (self->rejected_value, rejected);
}

/* The figures come with the model's count: the same statement. */
static void
model_kpis_changed_cb (DpsTransactionModel *model,
                       DpsTransactionsPage *self)
{
  self->kpis_valid = dps_transaction_model_get_kpis (model, &self->kpis);
  show_kpis (self);
}

/* ---------------------------------------------------------------------- */
/* state                                                                  */

static void
update_state (DpsTransactionsPage *self)
{
  gboolean busy = dps_transactions_page_is_busy (self);
  gboolean have_model = self->model != NULL;

  gtk_spinner_set_spinning (self->busy_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transactions.export", have_model);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transactions.copy",
                                 have_model && self->selection != NULL);

  if (self->open_error != NULL)
    {
      adw_status_page_set_description (self->error_page, self->open_error);
      gtk_stack_set_visible_child_name (self->stack, "error");
      gtk_label_set_text (self->row_count_label, "");
      return;
    }
  if (!have_model)
    {
      gtk_stack_set_visible_child_name (self->stack, self->opening ? "table" : "no-database");
      gtk_label_set_text (self->row_count_label, "");
      return;
    }

  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
    gboolean filtered = !dps_filter_is_empty (dps_session_get_filter (self->session));
    g_autofree char *count = dps_format_count ((gint64) n);
    g_autofree char *text = NULL;

    if (!dps_transaction_model_is_counted (self->model))
      text = g_strdup (_("Counting…"));
    else
      /* Translators: the number of rows in the table, "12,345 transactions" */
      text = g_strdup_printf (ngettext ("%s transaction", "%s transactions", n), count);
    gtk_label_set_text (self->row_count_label, text);

    if (n == 0 && !dps_transaction_model_is_busy (self->model))
      {
        adw_status_page_set_title (self->empty_page, filtered ? _("No Matching Transactions")
                                                              : _("No Transactions Yet"));
        adw_status_page_set_description (self->empty_page,
                                         filtered ? _("No transaction matches the filters.")
                                                  : _("Import a JSON Lines file or run the generator to fill the database."));
        gtk_widget_set_visible (self->clear_filters_button, filtered);
        gtk_stack_set_visible_child_name (self->stack, "empty");
      }
    else if (n > 0)
      gtk_stack_set_visible_child_name (self->stack, "table");
  }
}

static void
model_busy_cb (DpsTransactionModel *model,
               GParamSpec          *pspec,
               DpsTransactionsPage *self)
{
  update_state (self);
}

static void
model_reset_cb (DpsTransactionModel *model,
                DpsTransactionsPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

  /* Another filter or sort: start from the top. */
  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, 0);
  update_state (self);
  update_details (self);
}

static void
model_error_cb (DpsTransactionModel *model,
                GError              *error,
                DpsTransactionsPage *self)
{
  toast (self, error->message);
}

/* ---------------------------------------------------------------------- */
/* refresh when data lands                                                */

typedef struct {
  DpsTransactionsPage *self;
  guint                n_keep;
  gboolean             anchored;        /* keep[0] is the top row */
  guint                anchor_position;
  double               anchor_offset;   /* pixels of it scrolled off */
  double               row_height;
} RefreshState;

static gboolean
restore_scroll_cb (GtkWidget     *widget,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  RefreshState *state = user_data;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (widget));

  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, state->anchor_position * state->row_height + state->anchor_offset);
  g_free (state);
  return G_SOURCE_REMOVE;
}

static void refresh_model (DpsTransactionsPage *self);

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RefreshState *state = user_data;
  DpsTransactionsPage *self = state->self;
  g_autoptr(GArray) positions = NULL;
  g_autoptr(GError) error = NULL;

  if (!dps_transaction_model_refresh_finish (DPS_TRANSACTION_MODEL (object), result, &positions, &error))
    {
      g_free (state);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->refreshing = FALSE;
          return;
        }
      toast (self, error->message);
    }
  else if (positions->len > 0)
    {
      /* Every item was replaced: select the same rows again and bring
       * the row that was on top back to the top. */
      g_autoptr(GtkBitset) selected = gtk_bitset_new_empty ();
      g_autoptr(GtkBitset) all = gtk_bitset_new_range (0, g_list_model_get_n_items (G_LIST_MODEL (self->model)));

      for (guint i = state->anchored ? 1 : 0; i < positions->len; i++)
        if (g_array_index (positions, guint, i) != G_MAXUINT)
          gtk_bitset_add (selected, g_array_index (positions, guint, i));
      gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), selected, all);

      if (state->anchored && g_array_index (positions, guint, 0) != G_MAXUINT)
        {
          state->anchor_position = g_array_index (positions, guint, 0);
          gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view), restore_scroll_cb,
                                        g_steal_pointer (&state), NULL);
        }
      g_free (state);
    }
  else
    g_free (state);

  self->refreshing = FALSE;
  update_state (self);
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      refresh_model (self);
    }
}

static void
refresh_model (DpsTransactionsPage *self)
{
  g_autoptr(GPtrArray) keep = NULL;
  g_autoptr(GArray) ranges = NULL;
  GtkAdjustment *adjustment;
  RefreshState *state;
  guint n;

  if (self->model == NULL)
    return;
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }

  state = g_new0 (RefreshState, 1);
  state->self = self;
  keep = g_ptr_array_new ();
  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

  /* The row at the top of the view, by the scroll offset (rows are all
   * as tall). */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  if (adjustment != NULL && n > 0 && gtk_adjustment_get_upper (adjustment) > 0)
    {
      double value = gtk_adjustment_get_value (adjustment);
      g_autoptr(DpsTransactionItem) item = NULL;

      state->row_height = gtk_adjustment_get_upper (adjustment) / n;
      state->anchor_position = MIN ((guint) (value / state->row_height), n - 1);
      state->anchor_offset = value - state->anchor_position * state->row_height;
      item = g_list_model_get_item (G_LIST_MODEL (self->model), state->anchor_position);
      if (value > 0 && item != NULL && dps_transaction_item_is_loaded (item))
        {
          g_ptr_array_add (keep, (gpointer) dps_transaction_item_get_row (item));
          state->anchored = TRUE;
        }
    }

  ranges = selected_ranges (self, MAX_KEEP_SELECTED, NULL);
  for (guint r = 0; r < ranges->len; r++)
    {
      const DpsPositionRange *range = &g_array_index (ranges, DpsPositionRange, r);

      for (guint i = 0; i < range->n_items; i++)
        {
          g_autoptr(DpsTransactionItem) item = g_list_model_get_item (G_LIST_MODEL (self->model),
                                                                      range->start + i);

          if (item != NULL && dps_transaction_item_is_loaded (item))
            g_ptr_array_add (keep, (gpointer) dps_transaction_item_get_row (item));
        }
    }
  state->n_keep = keep->len;

  self->refreshing = TRUE;
  /* The model copies the rows before this returns. */
  dps_transaction_model_refresh_async (self->model, keep, self->refresh_cancellable, refreshed_cb, state);
  update_state (self);
}

static void
data_changed_cb (DpsSession          *session,
                 DpsTransactionsPage *self)
{
  refresh_model (self);
}

static void
filter_changed_cb (DpsFilter           *filter,
                   DpsTransactionsPage *self)
{
  query_changed (self);
}

/* ---------------------------------------------------------------------- */
/* opening                                                                */

typedef struct {
  DpsSession    *session;
  DpsRepository *pages;
  DpsRepository *reader;
} OpenJob;

static void
open_job_free (gpointer data)
{
  OpenJob *job = data;

  g_clear_object (&job->session);
  g_clear_object (&job->pages);
  g_clear_object (&job->reader);
  g_free (job);
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OpenJob *job = task_data;
  GError *error = NULL;

  /* Two connections of the page's own: the table's pages never wait
   * behind a long count of key figures. */
  job->pages = dps_session_open_reader (job->session, &error);
  if (job->pages != NULL)
    job->reader = dps_session_open_reader (job->session, &error);
  if (job->reader == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
close_model (DpsTransactionsPage *self)
{
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->reader);
  self->kpis_valid = FALSE;
  self->refreshing = FALSE;
  self->refresh_again = FALSE;
  g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  self->refresh_cancellable = g_cancellable_new ();
  show_kpis (self);
}

static void
selection_changed_cb (GtkSelectionModel   *model,
                      guint                position,
                      guint                n_items,
                      DpsTransactionsPage *self)
{
  update_details (self);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (object);
  OpenJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->opening = FALSE;
      g_free (self->open_error);
      self->open_error = g_strdup (error->message);
      update_state (self);
      return;
    }

  self->opening = FALSE;
  self->reader = g_steal_pointer (&job->reader);
  self->model = dps_transaction_model_new (job->pages);
  g_signal_connect (self->model, "notify::busy", G_CALLBACK (model_busy_cb), self);
  g_signal_connect (self->model, "notify::n-items", G_CALLBACK (model_busy_cb), self);
  g_signal_connect (self->model, "notify::counted", G_CALLBACK (model_busy_cb), self);
  g_signal_connect (self->model, "reset", G_CALLBACK (model_reset_cb), self);
  g_signal_connect (self->model, "error", G_CALLBACK (model_error_cb), self);
  g_signal_connect (self->model, "kpis-changed", G_CALLBACK (model_kpis_changed_cb), self);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->model)));
  g_signal_connect (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  query_changed (self);
}

static void
open_database (DpsTransactionsPage *self)
{
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();
  close_model (self);
  g_clear_pointer (&self->open_error, g_free);

  if (dps_session_get_repository (self->session) == NULL)
    {
      self->opening = FALSE;
      update_state (self);
      return;
    }

  job = g_new0 (OpenJob, 1);
  job->session = g_object_ref (self->session);
  task = g_task_new (self, self->open_cancellable, opened_cb, NULL);
  g_task_set_source_tag (task, open_database);
  g_task_set_task_data (task, job, open_job_free);
  self->opening = TRUE;
  g_task_run_in_thread (task, open_in_thread);
  update_state (self);
}

static void
repository_changed_cb (DpsSession          *session,
                       GParamSpec          *pspec,
                       DpsTransactionsPage *self)
{
  open_database (self);
}

/* ---------------------------------------------------------------------- */
/* details                                                                */

typedef struct {
  DpsRepository *repository;
  guint8         id[16];
  DpsRow        *row;
} DetailsJob;

static void
details_job_free (gpointer data)
{
  DetailsJob *job = data;

  g_clear_object (&job->repository);
  g_clear_pointer (&job->row, dps_row_free);
  g_free (job);
}

static void
details_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DetailsJob *job = task_data;
  GError *error = NULL;

  if (!dps_repository_get_row (job->repository, job->id, &job->row, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
add_detail (DpsTransactionsPage *self,
            int                  line,
            const char          *title,
            const char          *value)
{
  GtkWidget *name = gtk_label_new (title);
  GtkWidget *text = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (name), 0.0f);
  gtk_label_set_yalign (GTK_LABEL (name), 0.0f);
  gtk_widget_add_css_class (name, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (text), 0.0f);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_grid_attach (self->details_grid, name, 0, line, 1, 1);
  gtk_grid_attach (self->details_grid, text, 1, line, 1, 1);
}

static char *
pretty_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL)
    return g_strdup ("");
  if (!json_parser_load_from_data (parser, text, -1, NULL) || json_parser_get_root (parser) == NULL)
    return g_strdup (text);
  return json_to_string (json_parser_get_root (parser), TRUE);
}

static void
show_details (DpsTransactionsPage *self,
              const DpsRow        *row)
{
  GtkWidget *child;
  g_autofree char *payload = pretty_json (row->tx.payload);
  int line = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details_grid))) != NULL)
    gtk_grid_remove (self->details_grid, child);

  for (guint c = 0; c < DPS_N_COLUMNS; c++)
    {
      g_autofree char *value = dps_format_column (row, (DpsColumn) c);
      add_detail (self, line++, dps_column_get_title ((DpsColumn) c), value);
    }
  if (row->tx.event_ts != 0)
    {
      g_autofree char *utc = dps_format_timestamp (row->tx.event_ts);
      add_detail (self, line++, _("Time (UTC)"), utc);
    }
  if (row->source != NULL)
    {
      g_autofree char *position = NULL;
      g_autofree char *offset = dps_format_count ((gint64) MAX (row->source_offset, 0));

      add_detail (self, line++, _("Source"), row->source);
      if (row->source_partition >= 0)
        /* Translators: where a Kafka record was read */
        position = g_strdup_printf (_("partition %d, offset %s"), row->source_partition, offset);
      else if (row->source_line >= 0)
        {
          g_autofree char *number = dps_format_count ((gint64) row->source_line);

          /* Translators: where a line of a file was read */
          position = g_strdup_printf (_("line %s, byte %s"), number, offset);
        }
      if (position != NULL)
        add_detail (self, line++, _("Position"), position);
    }

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->payload_view), payload, -1);
  gtk_stack_set_visible_child_name (self->details_stack, "row");
}

static void
details_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (object);
  DetailsJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  if (job->row == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      return;
    }
  show_details (self, job->row);
}

static void
stop_waiting (DpsTransactionsPage *self)
{
  if (self->waited_item != NULL)
    g_clear_signal_handler (&self->waited_handler, self->waited_item);
  g_clear_object (&self->waited_item);
}

static void
waited_item_loaded_cb (DpsTransactionItem  *item,
                       GParamSpec          *pspec,
                       DpsTransactionsPage *self)
{
  update_details (self);
}

/* The one selected row's fields and raw record, read on a worker. */
static void
update_details (DpsTransactionsPage *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(DpsTransactionItem) item = NULL;
  g_autoptr(GTask) task = NULL;
  DetailsJob *job;

  stop_waiting (self);
  if (!self->details_visible || self->selection == NULL || self->reader == NULL)
    return;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_get_size (selected) != 1)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      return;
    }
  item = g_list_model_get_item (G_LIST_MODEL (self->model), gtk_bitset_get_minimum (selected));
  if (item == NULL)
    return;
  if (!dps_transaction_item_is_loaded (item))
    {
      self->waited_item = g_object_ref (item);
      self->waited_handler = g_signal_connect (item, "notify::loaded",
                                               G_CALLBACK (waited_item_loaded_cb), self);
      return;
    }

  g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->details_cancellable);
  self->details_cancellable = g_cancellable_new ();

  job = g_new0 (DetailsJob, 1);
  job->repository = g_object_ref (self->reader);
  memcpy (job->id, dps_transaction_item_get_row (item)->tx.id, 16);
  task = g_task_new (self, self->details_cancellable, details_done_cb, NULL);
  g_task_set_source_tag (task, update_details);
  g_task_set_task_data (task, job, details_job_free);
  g_task_run_in_thread (task, details_in_thread);
}

static void
set_details_visible (DpsTransactionsPage *self,
                     gboolean             visible)
{
  if (self->details_visible == visible)
    return;
  self->details_visible = visible;
  gtk_widget_set_visible (self->details_panel, visible);
  update_details (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAILS_VISIBLE]);
}

static void
row_activated_cb (DpsTransactionsPage *self,
                  guint                position)
{
  set_details_visible (self, TRUE);
}

/* ---------------------------------------------------------------------- */
/* copy                                                                   */

typedef struct {
  DpsRepository *repository;
  DpsFilter     *filter;
  DpsSort        sort;
  GArray        *ranges;      /* DpsPositionRange */
  GArray        *columns;     /* DpsColumn */
  GString       *text;
  guint64        rows;
} CopyJob;

static void
copy_job_free (gpointer data)
{
  CopyJob *job = data;

  g_clear_object (&job->repository);
  g_clear_object (&job->filter);
  g_clear_pointer (&job->ranges, g_array_unref);
  g_clear_pointer (&job->columns, g_array_unref);
  if (job->text != NULL)
    g_string_free (job->text, TRUE);
  g_free (job);
}

/* Tabs and line ends inside a value would break the table it is pasted as. */
static void
append_cell (GString    *out,
             const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    g_string_append_c (out, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
}

static gboolean
copy_row_cb (const DpsRow  *row,
             gpointer       user_data,
             GError       **error)
{
  CopyJob *job = user_data;

  for (guint i = 0; i < job->columns->len; i++)
    {
      g_autofree char *text = dps_format_column (row, g_array_index (job->columns, DpsColumn, i));

      if (i > 0)
        g_string_append_c (job->text, '\t');
      append_cell (job->text, text);
    }
  g_string_append_c (job->text, '\n');
  job->rows++;
  return TRUE;
}

static void
copy_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CopyJob *job = task_data;
  GError *error = NULL;

  for (guint i = 0; i < job->columns->len; i++)
    {
      if (i > 0)
        g_string_append_c (job->text, '\t');
      append_cell (job->text, dps_column_get_title (g_array_index (job->columns, DpsColumn, i)));
    }
  g_string_append_c (job->text, '\n');

  if (dps_transaction_model_read_ranges (job->repository, job->filter, &job->sort,
                                         (const DpsPositionRange *) job->ranges->data, job->ranges->len,
                                         copy_row_cb, job, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
copied_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (object);
  CopyJob *job = g_task_get_task_data (G_TASK (result));
  guint64 selected = GPOINTER_TO_SIZE (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, error->message);
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), job->text->str);

  count = dps_format_count ((gint64) job->rows);
  if (selected > job->rows)
    {
      g_autofree char *total = dps_format_count ((gint64) selected);
      /* Translators: both are numbers of rows */
      text = g_strdup_printf (_("Copied the first %s of %s selected rows: use Export CSV for more"),
                              count, total);
    }
  else
    text = g_strdup_printf (ngettext ("Copied %s row", "Copied %s rows", job->rows), count);
  toast (self, text);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (widget);
  g_autoptr(GTask) task = NULL;
  CopyJob *job;
  guint64 selected;

  if (self->model == NULL || self->reader == NULL)
    return;

  job = g_new0 (CopyJob, 1);
  job->ranges = selected_ranges (self, MAX_COPY_ROWS, &selected);
  if (job->ranges->len == 0)
    {
      copy_job_free (job);
      return;
    }
  job->repository = g_object_ref (self->reader);
  job->filter = dps_filter_copy (dps_transaction_model_get_filter (self->model));
  dps_transaction_model_get_sort (self->model, &job->sort);
  job->columns = shown_columns (self);
  job->text = g_string_new (NULL);

  task = g_task_new (self, NULL, copied_cb, GSIZE_TO_POINTER ((gsize) selected));
  g_task_set_source_tag (task, copy_action);
  g_task_set_task_data (task, job, copy_job_free);
  g_task_run_in_thread (task, copy_in_thread);
}

/* ---------------------------------------------------------------------- */
/* export                                                                 */

/* The toast's buttons call back here rather than naming the view's
 * actions: the toast shows in the window's overlay, outside the view. */
static void
export_toast_open_cb (AdwToast            *toast,
                      DpsTransactionsPage *self)
{
  const char *path = g_object_get_data (G_OBJECT (toast), "dps-path");

  gtk_widget_activate_action (GTK_WIDGET (self), "transactions.open-file", "s", path);
}

static void
export_toast_folder_cb (GtkButton           *button,
                        DpsTransactionsPage *self)
{
  const char *path = g_object_get_data (G_OBJECT (button), "dps-path");

  gtk_widget_activate_action (GTK_WIDGET (self), "transactions.show-in-folder", "s", path);
}

static void
exported_cb (DpsCsvExportDialog  *dialog,
             const char          *path,
             guint64              rows,
             DpsTransactionsPage *self)
{
  g_autofree char *count = dps_format_count ((gint64) rows);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *title = g_strdup_printf (ngettext ("Exported %s row to “%s”",
                                                      "Exported %s rows to “%s”", rows),
                                            count, name);
  AdwToast *result = dps_dialogs_toast_new (title);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *folder = gtk_button_new_with_mnemonic (_("Show in _Folder"));

  /* The toast's own button opens the file; the folder one sits beside
   * the title. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (folder, "flat");
  g_object_set_data_full (G_OBJECT (folder), "dps-path", g_strdup (path), g_free);
  g_signal_connect_object (folder, "clicked", G_CALLBACK (export_toast_folder_cb), self, 0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), folder);
  adw_toast_set_custom_title (result, box);
  adw_toast_set_button_label (result, _("_Open"));
  g_object_set_data_full (G_OBJECT (result), "dps-path", g_strdup (path), g_free);
  g_signal_connect_object (result, "button-clicked", G_CALLBACK (export_toast_open_cb), self, 0);
  adw_toast_set_timeout (result, 10);
  show_toast (self, result);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (widget);
  GtkWidget *dialog;
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  DpsColumn order[DPS_N_COLUMNS];
  gboolean visible[DPS_N_COLUMNS];
  g_autoptr(GArray) ranges = NULL;
  GtkRoot *root;
  DpsSort sort;
  guint n = 0;

  if (self->model == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (columns) && n < DPS_N_COLUMNS; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      order[n] = column_of (column);
      visible[n] = gtk_column_view_column_get_visible (column);
      n++;
    }
  ranges = selected_ranges (self, 0, NULL);
  dps_transaction_model_get_sort (self->model, &sort);

  dialog = dps_csv_export_dialog_new (self->session);
  dps_csv_export_dialog_set_listing (DPS_CSV_EXPORT_DIALOG (dialog),
                                     dps_transaction_model_get_filter (self->model), &sort,
                                     g_list_model_get_n_items (G_LIST_MODEL (self->model)));
  dps_csv_export_dialog_set_selection (DPS_CSV_EXPORT_DIALOG (dialog),
                                       (const DpsPositionRange *) ranges->data, ranges->len);
  dps_csv_export_dialog_set_columns (DPS_CSV_EXPORT_DIALOG (dialog), order, n, visible);
  g_signal_connect_object (dialog, "exported", G_CALLBACK (exported_cb), self, 0);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DpsTransactionsPage) self = user_data;
  g_autoptr(GError) error = NULL;

#if GTK_CHECK_VERSION (4, 10, 0)
  if (!gtk_file_launcher_launch_finish (GTK_FILE_LAUNCHER (object), result, &error) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
#else
  if (!g_app_info_launch_default_for_uri_finish (result, &error))
#endif
    toast (self, error->message);
}

static void
open_uri (DpsTransactionsPage *self,
          GFile               *file)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_file_launcher_launch (launcher, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL,
                            launched_cb, g_object_ref (self));
#else
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GAppLaunchContext) context =
    G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self))));

  g_app_info_launch_default_for_uri_async (uri, context, NULL, launched_cb, g_object_ref (self));
#endif
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  open_uri (DPS_TRANSACTIONS_PAGE (widget), file);
}

typedef struct {
  DpsTransactionsPage *self;
  GFile               *file;
} ShowJob;

static void
show_job_free (ShowJob *job)
{
  g_object_unref (job->self);
  g_object_unref (job->file);
  g_free (job);
}

/* Without a file manager on the bus, the folder opens instead. */
static void
shown_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ShowJob *job = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (job->file);
      open_uri (job->self, folder);
    }
  show_job_free (job);
}

static void
bus_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  ShowJob *job = user_data;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, NULL);
  g_autofree char *uri = NULL;
  const char *uris[2] = { NULL, NULL };

  if (bus == NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (job->file);
      open_uri (job->self, folder);
      show_job_free (job);
      return;
    }
  uri = g_file_get_uri (job->file);
  uris[0] = uri;
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL,
                          G_DBUS_CALL_FLAGS_NONE, 5000, NULL, shown_cb, job);
}

static void
show_in_folder_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ShowJob *job = g_new0 (ShowJob, 1);

  job->self = g_object_ref (DPS_TRANSACTIONS_PAGE (widget));
  job->file = g_file_new_for_path (g_variant_get_string (parameter, NULL));
  g_bus_get (G_BUS_TYPE_SESSION, NULL, bus_cb, job);
}

/* ---------------------------------------------------------------------- */
/* other actions                                                          */

static void
reset_columns_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (widget);

  apply_layout (self, NULL, NULL, NULL);
  if (self->settings != NULL)
    {
      g_clear_handle_id (&self->save_layout_id, g_source_remove);
      g_settings_reset (self->settings, "column-order");
      g_settings_reset (self->settings, "hidden-columns");
      g_settings_reset (self->settings, "column-widths");
    }
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (widget);

  dps_filter_clear (dps_session_get_filter (self->session));
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("The settings schema %s is not installed: column layouts are not kept", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static void
dps_transactions_page_constructed (GObject *object)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (object);

  G_OBJECT_CLASS (dps_transactions_page_parent_class)->constructed (object);

  g_return_if_fail (DPS_IS_SESSION (self->session));

  create_columns (self);
  g_signal_connect_object (dps_session_get_filter (self->session), "changed",
                           G_CALLBACK (filter_changed_cb), self, 0);
  g_signal_connect_object (self->session, "data-changed", G_CALLBACK (data_changed_cb), self, 0);
  g_signal_connect_object (self->session, "notify::repository", G_CALLBACK (repository_changed_cb), self, 0);
  open_database (self);
}

static void
dps_transactions_page_dispose (GObject *object)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (object);

  g_cancellable_cancel (self->open_cancellable);
  g_cancellable_cancel (self->details_cancellable);
  g_cancellable_cancel (self->refresh_cancellable);
  stop_waiting (self);
  if (self->save_layout_id != 0)
    {
      g_clear_handle_id (&self->save_layout_id, g_source_remove);
      save_layout_cb (self);
    }
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->column_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_columns (self->column_view), self);
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      for (guint c = 0; c < DPS_N_COLUMNS; c++)
        if (self->columns[c] != NULL)
          g_signal_handlers_disconnect_by_data (self->columns[c], self);
    }

  /* The bin lets go of its child before the template clears it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPS_TYPE_TRANSACTIONS_PAGE);

  for (guint c = 0; c < DPS_N_COLUMNS; c++)
    self->columns[c] = NULL;
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->reader);
  g_clear_object (&self->settings);
  g_clear_object (&self->column_actions);
  g_clear_object (&self->probes[0]);
  g_clear_object (&self->probes[1]);
  g_clear_object (&self->open_cancellable);
  g_clear_object (&self->details_cancellable);
  g_clear_object (&self->refresh_cancellable);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dps_transactions_page_parent_class)->dispose (object);
}

static void
dps_transactions_page_finalize (GObject *object)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (object);

  g_free (self->open_error);

  G_OBJECT_CLASS (dps_transactions_page_parent_class)->finalize (object);
}

static void
dps_transactions_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_DETAILS_VISIBLE:
      g_value_set_boolean (value, self->details_visible);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_transactions_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DpsTransactionsPage *self = DPS_TRANSACTIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_DETAILS_VISIBLE:
      set_details_visible (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_transactions_page_class_init (DpsTransactionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dps_transactions_page_constructed;
  object_class->dispose = dps_transactions_page_dispose;
  object_class->finalize = dps_transactions_page_finalize;
  object_class->get_property = dps_transactions_page_get_property;
  object_class->set_property = dps_transactions_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAILS_VISIBLE] =
    g_param_spec_boolean ("details-visible", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-transactions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, count_value);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, total_value);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, average_value);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, approved_value);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, approval_rate);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, rejected_value);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, row_count_label);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, table_scroller);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, clear_filters_button);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, details_panel);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, details_stack);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, details_grid);
  gtk_widget_class_bind_template_child (widget_class, DpsTransactionsPage, payload_view);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "transactions.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "transactions.copy", NULL, copy_action);
  gtk_widget_class_install_property_action (widget_class, "transactions.show-details", "details-visible");
  gtk_widget_class_install_action (widget_class, "transactions.reset-columns", NULL, reset_columns_action);
  gtk_widget_class_install_action (widget_class, "transactions.clear-filters", NULL, clear_filters_action);
  gtk_widget_class_install_action (widget_class, "transactions.open-file", "s", open_file_action);
  gtk_widget_class_install_action (widget_class, "transactions.show-in-folder", "s", show_in_folder_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "transactions.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "transactions.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "transactions.show-details", NULL);
}

static void
dps_transactions_page_init (DpsTransactionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = new_settings ();
  self->column_actions = g_simple_action_group_new ();
  gtk_widget_insert_action_group (GTK_WIDGET (self), "columns", G_ACTION_GROUP (self->column_actions));
  self->probes[0] = g_object_new (G_TYPE_OBJECT, NULL);
  self->probes[1] = g_object_new (G_TYPE_OBJECT, NULL);
  self->refresh_cancellable = g_cancellable_new ();
  self->probed_column = -1;
  show_kpis (self);
}

/* ---------------------------------------------------------------------- */
/* public                                                                 */

GtkWidget *
dps_transactions_page_new (DpsSession *session)
{
  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);
  return g_object_new (DPS_TYPE_TRANSACTIONS_PAGE, "session", session, NULL);
}

DpsSession *
dps_transactions_page_get_session (DpsTransactionsPage *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTIONS_PAGE (self), NULL);
  return self->session;
}

DpsTransactionModel *
dps_transactions_page_get_model (DpsTransactionsPage *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTIONS_PAGE (self), NULL);
  return self->model;
}

GtkColumnView *
dps_transactions_page_get_column_view (DpsTransactionsPage *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTIONS_PAGE (self), NULL);
  return self->column_view;
}

gboolean
dps_transactions_page_is_busy (DpsTransactionsPage *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTIONS_PAGE (self), FALSE);
  return self->opening || self->refreshing ||
         (self->model != NULL && dps_transaction_model_is_busy (self->model));
}

gboolean
dps_transactions_page_get_kpis (DpsTransactionsPage *self,
                                DpsKpis             *kpis)
{
  g_return_val_if_fail (DPS_IS_TRANSACTIONS_PAGE (self), FALSE);
  g_return_val_if_fail (kpis != NULL, FALSE);

  if (!self->kpis_valid)
    return FALSE;
  *kpis = self->kpis;
  return TRUE;
}
