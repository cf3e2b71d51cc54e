/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "dps-chart-card.h"

#define DEFAULT_EXPORT_WIDTH 1600
#define DEFAULT_EXPORT_HEIGHT 900
#define MAX_EXPORT_SIZE 16000

struct _DpsChartCard
{
  GtkWidget      parent_instance;

  /* Template children. */
  GtkBox        *box;
  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  GtkMenuButton *menu_button;

  /* Borrowed: a child of box. */
  DpsChart      *chart;

  /* The last size chosen, offered again. */
  int            export_width;
  int            export_height;
};

G_DEFINE_FINAL_TYPE (DpsChartCard, dps_chart_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_CHART,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One export on its way through the dialogs. */
typedef struct {
  DpsChartCard         *card;
  DpsChartExportFormat  format;
  GtkSpinButton        *width;
  GtkSpinButton        *height;
  int                   export_width;
  int                   export_height;
} ExportRequest;

static void
export_request_free (gpointer data)
{
  ExportRequest *request = data;

  g_clear_object (&request->card);
  g_free (request);
}

static void
show_toast (DpsChartCard *self,
            AdwToast     *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (toast);
}

static GtkWindow *
parent_window (DpsChartCard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* An export being written. */
typedef struct {
  DpsChartCard *card;
  GFile        *file;
} ExportWrite;

static void
export_write_free (ExportWrite *write)
{
  g_clear_object (&write->card);
  g_clear_object (&write->file);
  g_free (write);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportWrite, export_write_free)

static void
export_finished_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ExportWrite) write = user_data;
  DpsChartCard *self = write->card;
  GFile *file = write->file;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!dps_chart_export_finish (DPS_CHART (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: a toast; %s says why ("Permission denied"). */
      message = g_strdup_printf (_("Could not export the chart: %s"), error->message);
    }
  else
    {
      g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;

      /* Translators: a toast; %s is the file name. */
      message = g_strdup_printf (_("Exported “%s”"), name != NULL ? name : "");
    }
  show_toast (self, adw_toast_new (message));
}

static void
start_export (DpsChartCard         *self,
              DpsChartExportFormat  format,
              GFile                *file,
              int                   width,
              int                   height)
{
  ExportWrite *write;

  if (self->chart == NULL)
    return;
  write = g_new0 (ExportWrite, 1);
  write->card = g_object_ref (self);
  write->file = g_object_ref (file);
  dps_chart_export_async (self->chart, format, file, width, height, NULL,
                          export_finished_cb, write);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
file_chosen_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportRequest *request = user_data;
  g_autoptr(GFile) file = NULL;

  file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, NULL);
  if (file != NULL)
    start_export (request->card, request->format, file,
                  request->export_width, request->export_height);
  export_request_free (request);
}
#else
static void
file_chosen_cb (GtkNativeDialog *native,
                int              response,
                gpointer         user_data)
{
  ExportRequest *request = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        start_export (request->card, request->format, file,
                      request->export_width, request->export_height);
    }
  export_request_free (request);
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}
#endif

static GtkFileFilter *
filter_for (DpsChartExportFormat format)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  switch (format)
    {
    case DPS_CHART_EXPORT_PNG:
      gtk_file_filter_set_name (filter, _("PNG Images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      break;
    case DPS_CHART_EXPORT_SVG:
      gtk_file_filter_set_name (filter, _("SVG Images"));
      gtk_file_filter_add_mime_type (filter, "image/svg+xml");
      break;
    case DPS_CHART_EXPORT_PDF:
      gtk_file_filter_set_name (filter, _("PDF Documents"));
      gtk_file_filter_add_mime_type (filter, "application/pdf");
      break;
    case DPS_CHART_EXPORT_CSV:
    default:
      gtk_file_filter_set_name (filter, _("CSV Files"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      break;
    }
  gtk_file_filter_add_suffix (filter, dps_chart_export_format_to_string (format));
  return filter;
}

static void
choose_file (ExportRequest *request)
{
  DpsChartCard *self = request->card;
  g_autofree char *name = dps_chart_card_dup_file_name (self, request->format);
  g_autoptr(GtkFileFilter) filter = filter_for (request->format);
  const char *title = request->format == DPS_CHART_EXPORT_CSV ? _("Export Chart Data")
                                                               : _("Export Chart");

#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, _("_Export"));
  gtk_file_dialog_set_initial_name (dialog, name);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_save (dialog, parent_window (self), NULL, file_chosen_cb, request);
#else
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (title, parent_window (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect (native, "response", G_CALLBACK (file_chosen_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
#endif
}

static void
size_chosen_cb (AdwMessageDialog *dialog,
                const char       *response,
                gpointer          user_data)
{
  ExportRequest *request = user_data;

  /* Closing the dialog may answer again with the close response. */
  g_signal_handlers_disconnect_by_func (dialog, size_chosen_cb, request);

  if (g_strcmp0 (response, "export") != 0)
    {
      export_request_free (request);
      return;
    }
  request->export_width = gtk_spin_button_get_value_as_int (request->width);
  request->export_height = gtk_spin_button_get_value_as_int (request->height);
  request->card->export_width = request->export_width;
  request->card->export_height = request->export_height;
  choose_file (request);
}

static GtkSpinButton *
size_spin (int value)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (16, MAX_EXPORT_SIZE, 10);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_hexpand (spin, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 6);
  return GTK_SPIN_BUTTON (spin);
}

static void
ask_size (ExportRequest *request)
{
  DpsChartCard *self = request->card;
  GtkWidget *dialog, *grid, *label;

  dialog = adw_message_dialog_new (parent_window (self), _("Export Chart"),
                                   _("Choose the size of the picture, in pixels."));
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);

  request->width = size_spin (self->export_width);
  request->height = size_spin (self->export_height);
  label = gtk_label_new_with_mnemonic (_("_Width"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (request->width));
  gtk_grid_attach (GTK_GRID (grid), label, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (request->width), 1, 0, 1, 1);
  label = gtk_label_new_with_mnemonic (_("_Height"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (request->height));
  gtk_grid_attach (GTK_GRID (grid), label, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (request->height), 1, 1, 1, 1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "export", _("_Choose File…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (size_chosen_cb), request);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DpsChartCard *self = DPS_CHART_CARD (widget);
  ExportRequest *request;
  DpsChartExportFormat format;

  if (!dps_chart_export_format_from_string (g_variant_get_string (parameter, NULL), &format))
    return;

  request = g_new0 (ExportRequest, 1);
  request->card = g_object_ref (self);
  request->format = format;
  if (format == DPS_CHART_EXPORT_CSV)
    choose_file (request);
  else
    ask_size (request);
}

static void
dps_chart_card_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), DPS_TYPE_CHART_CARD);
  /* The template's unnamed children too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (dps_chart_card_parent_class)->dispose (object);
}

static void
dps_chart_card_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DpsChartCard *self = DPS_CHART_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, dps_chart_card_get_title (self));
      break;
    case PROP_CHART:
      g_value_set_object (value, self->chart);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_chart_card_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DpsChartCard *self = DPS_CHART_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      dps_chart_card_set_title (self, g_value_get_string (value));
      break;
    case PROP_CHART:
      dps_chart_card_set_chart (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_chart_card_class_init (DpsChartCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_chart_card_dispose;
  object_class->get_property = dps_chart_card_get_property;
  object_class->set_property = dps_chart_card_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHART] =
    g_param_spec_object ("chart", NULL, NULL, DPS_TYPE_CHART,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "card.export", "s", export_action);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-chart-card.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsChartCard, box);
  gtk_widget_class_bind_template_child (widget_class, DpsChartCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, DpsChartCard, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, DpsChartCard, menu_button);
  gtk_widget_class_set_css_name (widget_class, "chartcard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
dps_chart_card_init (DpsChartCard *self)
{
  self->export_width = DEFAULT_EXPORT_WIDTH;
  self->export_height = DEFAULT_EXPORT_HEIGHT;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
dps_chart_card_new (const char *title,
                    DpsChart   *chart)
{
  return g_object_new (DPS_TYPE_CHART_CARD, "title", title, "chart", chart, NULL);
}

DpsChart *
dps_chart_card_get_chart (DpsChartCard *self)
{
  g_return_val_if_fail (DPS_IS_CHART_CARD (self), NULL);
  return self->chart;
}

void
dps_chart_card_set_chart (DpsChartCard *self,
                          DpsChart     *chart)
{
  g_return_if_fail (DPS_IS_CHART_CARD (self));
  g_return_if_fail (chart == NULL || DPS_IS_CHART (chart));

  if (self->chart == chart)
    return;
  if (self->chart != NULL)
    gtk_box_remove (self->box, GTK_WIDGET (self->chart));
  self->chart = chart;
  if (chart != NULL)
    {
      gtk_widget_set_vexpand (GTK_WIDGET (chart), TRUE);
      gtk_widget_set_margin_end (GTK_WIDGET (chart), 4);
      gtk_box_append (self->box, GTK_WIDGET (chart));
      dps_chart_set_title (chart, gtk_label_get_label (self->title_label));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHART]);
}

const char *
dps_chart_card_get_title (DpsChartCard *self)
{
  g_return_val_if_fail (DPS_IS_CHART_CARD (self), NULL);
  return gtk_label_get_label (self->title_label);
}

void
dps_chart_card_set_title (DpsChartCard *self,
                          const char   *title)
{
  g_return_if_fail (DPS_IS_CHART_CARD (self));

  if (g_strcmp0 (title, gtk_label_get_label (self->title_label)) == 0)
    return;
  gtk_label_set_label (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title != NULL ? title : "",
                                  -1);
  if (self->chart != NULL)
    dps_chart_set_title (self->chart, title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
dps_chart_card_set_subtitle (DpsChartCard *self,
                             const char   *subtitle)
{
  g_return_if_fail (DPS_IS_CHART_CARD (self));

  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), subtitle != NULL && *subtitle != '\0');
}

char *
dps_chart_card_dup_file_name (DpsChartCard         *self,
                              DpsChartExportFormat  format)
{
  const char *title;
  g_autoptr(GString) name = g_string_new (NULL);

  g_return_val_if_fail (DPS_IS_CHART_CARD (self), NULL);

  title = gtk_label_get_label (self->title_label);
  if (title == NULL || *title == '\0')
    title = _("Chart");
  /* Characters that file systems or other systems refuse. */
  for (const char *p = title; *p != '\0'; p++)
    g_string_append_c (name, strchr ("/\\:*?\"<>|", *p) != NULL ? '-' : *p);
  g_string_append_c (name, '.');
  g_string_append (name, dps_chart_export_format_to_string (format));
  return g_string_free (g_steal_pointer (&name), FALSE);
}
