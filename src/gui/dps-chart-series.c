/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dps-core.h"
#include "dps-chart-private.h"
#include "dps-chart-series.h"
#include "dps-format.h"

typedef struct {
  char   *key;
  char   *key2;
  char   *label;
  char   *label2;
  double  value;
  double  value2;
} Item;

struct _DpsChartSeries
{
  GObject         parent_instance;

  /* Owned. */
  char           *title;
  char           *second_title;
  char           *key_title;
  char           *key2_title;
  GArray         *items;          /* Item */

  DpsChartFormat  format;
  DpsChartFormat  second_format;
  gboolean        has_second;
};

G_DEFINE_FINAL_TYPE (DpsChartSeries, dps_chart_series, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DpsChartFormat, dps_chart_format,
  G_DEFINE_ENUM_VALUE (DPS_CHART_FORMAT_COUNT, "count"),
  G_DEFINE_ENUM_VALUE (DPS_CHART_FORMAT_AMOUNT, "amount"),
  G_DEFINE_ENUM_VALUE (DPS_CHART_FORMAT_PERCENT, "percent"))

/* Number formatting: the application's (dps-format.h), by format. */

/* Exact cents are kept up to this many euros; beyond, a short form. */
#define MAX_EXACT_EUROS 1e15

char *
dps_chart_format_value (DpsChartFormat format,
                        double         value)
{
  if (!isfinite (value))
    value = 0.0;

  switch (format)
    {
    case DPS_CHART_FORMAT_AMOUNT:
      if (fabs (value) >= MAX_EXACT_EUROS)
        return dps_format_compact_amount (value, fabs (value), 0.0);
      return dps_format_amount ((gint64) llround (value * 100.0));

    case DPS_CHART_FORMAT_PERCENT:
      return dps_format_percent (value, 1);

    case DPS_CHART_FORMAT_COUNT:
    default:
      return dps_format_decimal (value, 0);
    }
}

char *
dps_chart_format_scaled (DpsChartFormat format,
                         double         value,
                         double         magnitude,
                         double         step)
{
  switch (format)
    {
    case DPS_CHART_FORMAT_AMOUNT:
      return dps_format_compact_amount (value, magnitude, step);
    case DPS_CHART_FORMAT_PERCENT:
      return dps_format_compact_percent (value, step);
    case DPS_CHART_FORMAT_COUNT:
    default:
      return dps_format_compact (value, magnitude, step);
    }
}

char *
dps_chart_format_compact (DpsChartFormat format,
                          double         value)
{
  double magnitude = isfinite (value) ? fabs (value) : 0.0;

  /* Two significant digits are enough at a glance. */
  return dps_chart_format_scaled (format, value, magnitude, 0.0);
}

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_free (item->key);
  g_free (item->key2);
  g_free (item->label);
  g_free (item->label2);
}

static const Item *
get_item (DpsChartSeries *self,
          guint           index)
{
  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return &g_array_index (self->items, Item, index);
}

static void
dps_chart_series_finalize (GObject *object)
{
  DpsChartSeries *self = DPS_CHART_SERIES (object);

  g_free (self->title);
  g_free (self->second_title);
  g_free (self->key_title);
  g_free (self->key2_title);
  g_array_unref (self->items);

  G_OBJECT_CLASS (dps_chart_series_parent_class)->finalize (object);
}

static void
dps_chart_series_class_init (DpsChartSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_chart_series_finalize;
}

static void
dps_chart_series_init (DpsChartSeries *self)
{
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, item_clear);
}

DpsChartSeries *
dps_chart_series_new (const char     *title,
                      DpsChartFormat  format)
{
  DpsChartSeries *self = g_object_new (DPS_TYPE_CHART_SERIES, NULL);

  self->title = g_strdup (title);
  self->format = format;
  return self;
}

void
dps_chart_series_set_second (DpsChartSeries *self,
                             const char     *title,
                             DpsChartFormat  format)
{
  g_return_if_fail (DPS_IS_CHART_SERIES (self));

  g_free (self->second_title);
  self->second_title = g_strdup (title);
  self->second_format = format;
  self->has_second = TRUE;
}

void
dps_chart_series_set_key_titles (DpsChartSeries *self,
                                 const char     *key_title,
                                 const char     *key2_title)
{
  g_return_if_fail (DPS_IS_CHART_SERIES (self));

  g_free (self->key_title);
  self->key_title = g_strdup (key_title);
  g_free (self->key2_title);
  self->key2_title = g_strdup (key2_title);
}

guint
dps_chart_series_add (DpsChartSeries *self,
                      const char     *key,
                      const char     *label,
                      double          value)
{
  return dps_chart_series_add_full (self, key, NULL, label, NULL, value, 0.0);
}

guint
dps_chart_series_add_full (DpsChartSeries *self,
                           const char     *key,
                           const char     *key2,
                           const char     *label,
                           const char     *label2,
                           double          value,
                           double          value2)
{
  Item item = { 0 };

  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), 0);

  item.key = g_strdup (key);
  item.key2 = g_strdup (key2);
  item.label = g_strdup (label != NULL ? label : key != NULL ? key : "");
  item.label2 = g_strdup (label2 != NULL ? label2 : key2);
  item.value = isfinite (value) ? value : 0.0;
  item.value2 = isfinite (value2) ? value2 : 0.0;
  g_array_append_val (self->items, item);
  return self->items->len - 1;
}

const char *
dps_chart_series_get_title (DpsChartSeries *self)
{
  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), NULL);
  return self->title;
}

DpsChartFormat
dps_chart_series_get_format (DpsChartSeries *self)
{
  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), DPS_CHART_FORMAT_COUNT);
  return self->format;
}

gboolean
dps_chart_series_has_second (DpsChartSeries *self)
{
  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), FALSE);
  return self->has_second;
}

const char *
dps_chart_series_get_second_title (DpsChartSeries *self)
{
  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), NULL);
  return self->second_title;
}

DpsChartFormat
dps_chart_series_get_second_format (DpsChartSeries *self)
{
  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), DPS_CHART_FORMAT_COUNT);
  return self->second_format;
}

guint
dps_chart_series_get_n_items (DpsChartSeries *self)
{
  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), 0);
  return self->items->len;
}

const char *
dps_chart_series_get_key (DpsChartSeries *self,
                          guint           index)
{
  const Item *item = get_item (self, index);
  return item != NULL ? item->key : NULL;
}

const char *
dps_chart_series_get_key2 (DpsChartSeries *self,
                           guint           index)
{
  const Item *item = get_item (self, index);
  return item != NULL ? item->key2 : NULL;
}

const char *
dps_chart_series_get_label (DpsChartSeries *self,
                            guint           index)
{
  const Item *item = get_item (self, index);
  return item != NULL ? item->label : NULL;
}

const char *
dps_chart_series_get_label2 (DpsChartSeries *self,
                             guint           index)
{
  const Item *item = get_item (self, index);
  return item != NULL ? item->label2 : NULL;
}

double
dps_chart_series_get_value (DpsChartSeries *self,
                            guint           index)
{
  const Item *item = get_item (self, index);
  return item != NULL ? item->value : 0.0;
}

double
dps_chart_series_get_value2 (DpsChartSeries *self,
                             guint           index)
{
  const Item *item = get_item (self, index);
  return item != NULL ? item->value2 : 0.0;
}

int
dps_chart_series_find (DpsChartSeries *self,
                       const char     *key,
                       const char     *key2)
{
  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), -1);

  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = &g_array_index (self->items, Item, i);

      if (g_strcmp0 (item->key, key) == 0 && g_strcmp0 (item->key2, key2) == 0)
        return (int) i;
    }
  return -1;
}

void
dps_chart_series_get_range (DpsChartSeries *self,
                            gboolean        second,
                            double         *min,
                            double         *max)
{
  double lo = 0.0, hi = 0.0;

  g_return_if_fail (DPS_IS_CHART_SERIES (self));

  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = &g_array_index (self->items, Item, i);
      double v = second ? item->value2 : item->value;

      if (i == 0 || v < lo)
        lo = v;
      if (i == 0 || v > hi)
        hi = v;
    }
  if (min != NULL)
    *min = lo;
  if (max != NULL)
    *max = hi;
}

double
dps_chart_series_get_total (DpsChartSeries *self,
                            gboolean        second)
{
  double total = 0.0;

  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), 0.0);

  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = &g_array_index (self->items, Item, i);
      total += second ? item->value2 : item->value;
    }
  return total;
}

static void
add_csv_number (DpsCsvWriter   *writer,
                DpsChartFormat  format,
                double          value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  switch (format)
    {
    case DPS_CHART_FORMAT_AMOUNT:
      g_ascii_formatd (buffer, sizeof buffer, "%.2f", value);
      break;
    case DPS_CHART_FORMAT_COUNT:
      g_ascii_formatd (buffer, sizeof buffer, "%.0f", value);
      break;
    case DPS_CHART_FORMAT_PERCENT:
    default:
      g_ascii_dtostr (buffer, sizeof buffer, value);
      break;
    }
  dps_csv_writer_add_number (writer, buffer);
}

gboolean
dps_chart_series_write_csv (DpsChartSeries  *self,
                            GOutputStream   *stream,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(DpsCsvWriter) writer = NULL;
  gboolean two_keys = FALSE;

  g_return_val_if_fail (DPS_IS_CHART_SERIES (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  for (guint i = 0; i < self->items->len && !two_keys; i++)
    two_keys = g_array_index (self->items, Item, i).key2 != NULL;

  writer = dps_csv_writer_new (stream, NULL);

  dps_csv_writer_add_text (writer, self->key_title != NULL ? self->key_title : _("Key"), -1);
  if (two_keys)
    dps_csv_writer_add_text (writer, self->key2_title != NULL ? self->key2_title : _("Second Key"), -1);
  dps_csv_writer_add_text (writer, _("Label"), -1);
  if (two_keys)
    dps_csv_writer_add_text (writer, _("Second Label"), -1);
  dps_csv_writer_add_text (writer, self->title != NULL ? self->title : _("Value"), -1);
  if (self->has_second)
    dps_csv_writer_add_text (writer, self->second_title != NULL ? self->second_title
                                                                 : _("Second Value"), -1);
  if (!dps_csv_writer_end_row (writer, cancellable, error))
    return FALSE;

  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = &g_array_index (self->items, Item, i);

      dps_csv_writer_add_text (writer, item->key, -1);
      if (two_keys)
        dps_csv_writer_add_text (writer, item->key2, -1);
      dps_csv_writer_add_text (writer, item->label, -1);
      if (two_keys)
        dps_csv_writer_add_text (writer, item->label2, -1);
      add_csv_number (writer, self->format, item->value);
      if (self->has_second)
        add_csv_number (writer, self->second_format, item->value2);
      if (!dps_csv_writer_end_row (writer, cancellable, error))
        return FALSE;
    }

  return dps_csv_writer_flush (writer, cancellable, error);
}
