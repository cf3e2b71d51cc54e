/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-atomic-file.h"
#include "dps-export.h"

typedef struct {
  DpsCsvWriter           *writer;
  const DpsExportOptions *options;
  DpsExportProgressFunc   progress;
  gpointer                user_data;
  GCancellable           *cancellable;
  guint64                 rows;
} ExportState;

static const char *const weekday_names[7] = {
  N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
  N_("Friday"), N_("Saturday"), N_("Sunday"),
};

void
dps_export_options_init (DpsExportOptions *options,
                         DpsCsvPreset      preset)
{
  memset (options, 0, sizeof *options);
  dps_csv_options_init_preset (&options->csv, preset);
}

gboolean
dps_export_options_set_columns (DpsExportOptions  *options,
                                const char        *list,
                                GError           **error)
{
  g_auto(GStrv) names = g_strsplit (list, ",", -1);
  guint n = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      DpsColumn column;

      if (name[0] == '\0')
        continue;
      if (!dps_column_from_string (name, &column))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Unknown column “%s”"), name);
          return FALSE;
        }
      if (n >= DPS_N_COLUMNS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Too many columns"));
          return FALSE;
        }
      options->columns[n++] = column;
    }
  options->n_columns = n;
  return TRUE;
}

static guint
column_count (const DpsExportOptions *options)
{
  return options->n_columns > 0 ? options->n_columns : DPS_N_COLUMNS;
}

static DpsColumn
column_at (const DpsExportOptions *options,
           guint                   i)
{
  return options->n_columns > 0 ? options->columns[i] : (DpsColumn) i;
}

gboolean
dps_export_write_header (DpsCsvWriter           *writer,
                         const DpsExportOptions *options,
                         GCancellable           *cancellable,
                         GError                **error)
{
  if (!options->csv.header)
    return TRUE;
  for (guint i = 0; i < column_count (options); i++)
    {
      DpsColumn column = column_at (options, i);

      dps_csv_writer_add_text (writer, options->formatted ? dps_column_get_title (column)
                                                          : dps_column_to_string (column), -1);
    }
  return dps_csv_writer_end_row (writer, cancellable, error);
}

/* Local time for people: "2026-11-20 14:45:12". */
static void
add_local_time (DpsCsvWriter *writer,
                gint64        usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *text = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : NULL;

  dps_csv_writer_add_text (writer, text != NULL ? text : "", -1);
}

gboolean
dps_export_write_row (DpsCsvWriter           *writer,
                      const DpsExportOptions *options,
                      const DpsRow           *row,
                      GCancellable           *cancellable,
                      GError                **error)
{
  const DpsTransaction *tx = &row->tx;
  char buffer[48];
  gsize length;

  for (guint i = 0; i < column_count (options); i++)
    {
      switch (column_at (options, i))
        {
        case DPS_COLUMN_TRANSACTION_ID:
          dps_uuid_to_string (tx->id, buffer);
          dps_csv_writer_add_text (writer, buffer, DPS_UUID_TEXT_LEN);
          break;
        case DPS_COLUMN_EVENT_TS:
          if (options->formatted)
            add_local_time (writer, tx->event_ts);
          else
            {
              length = dps_format_timestamp_into (tx->event_ts, buffer);
              dps_csv_writer_add_text (writer, buffer, (gssize) length);
            }
          break;
        case DPS_COLUMN_EVENT_DATE:
          length = dps_format_date_into (tx->event_date, buffer);
          dps_csv_writer_add_text (writer, buffer, (gssize) length);
          break;
        case DPS_COLUMN_EVENT_HOUR:
          dps_csv_writer_add_int (writer, tx->event_hour);
          break;
        case DPS_COLUMN_EVENT_DAYOFWEEK:
          if (options->formatted && tx->event_dayofweek < 7)
            dps_csv_writer_add_text (writer, g_dgettext (GETTEXT_PACKAGE,
                                                         weekday_names[tx->event_dayofweek]), -1);
          else
            dps_csv_writer_add_int (writer, tx->event_dayofweek);
          break;
        case DPS_COLUMN_USER_ID:
          dps_csv_writer_add_int (writer, tx->user_id);
          break;
        case DPS_COLUMN_AMOUNT:
          dps_format_cents_into (tx->amount_cents, buffer);
          dps_csv_writer_add_number (writer, buffer);
          break;
        case DPS_COLUMN_AMOUNT_BUCKET:
          dps_csv_writer_add_text (writer, dps_amount_bucket_to_string (tx->amount_bucket), -1);
          break;
        case DPS_COLUMN_MERCHANT:
          dps_csv_writer_add_text (writer, tx->merchant, -1);
          break;
        case DPS_COLUMN_CATEGORY:
          dps_csv_writer_add_text (writer, tx->category, -1);
          break;
        case DPS_COLUMN_CITY:
          dps_csv_writer_add_text (writer, tx->city, -1);
          break;
        case DPS_COLUMN_STATUS:
          dps_csv_writer_add_text (writer, dps_status_to_string (tx->status), -1);
          break;
        case DPS_COLUMN_PAYMENT_METHOD:
          dps_csv_writer_add_text (writer, dps_payment_method_to_string (tx->payment_method), -1);
          break;
        case DPS_COLUMN_CURRENCY:
          dps_csv_writer_add_text (writer, tx->currency, -1);
          break;
        case DPS_COLUMN_INGESTED_AT:
          if (options->formatted)
            add_local_time (writer, row->ingested_at);
          else
            {
              length = dps_format_timestamp_into (row->ingested_at, buffer);
              dps_csv_writer_add_text (writer, buffer, (gssize) length);
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return dps_csv_writer_end_row (writer, cancellable, error);
}

static gboolean
export_row_cb (const DpsRow  *row,
               gpointer       user_data,
               GError       **error)
{
  ExportState *state = user_data;

  if (!dps_export_write_row (state->writer, state->options, row, state->cancellable, error))
    return FALSE;
  if (++state->rows % 65536 == 0 && state->progress != NULL)
    state->progress (state->rows, state->user_data);
  return TRUE;
}

gboolean
dps_export_to_stream (DpsRepository          *repository,
                      DpsFilter              *filter,
                      const DpsSort          *sort,
                      const DpsExportOptions *options,
                      GOutputStream          *stream,
                      DpsExportProgressFunc   progress,
                      gpointer                user_data,
                      guint64                *out_rows,
                      GCancellable           *cancellable,
                      GError                **error)
{
  g_autoptr(DpsCsvWriter) writer = NULL;
  ExportState state = { 0 };
  DpsSort default_sort = { DPS_SORT_EVENT_TS, FALSE };

  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), FALSE);
  g_return_val_if_fail (DPS_IS_FILTER (filter), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (!dps_csv_options_validate (&options->csv, error))
    return FALSE;

  writer = dps_csv_writer_new (stream, &options->csv);
  state.writer = writer;
  state.options = options;
  state.progress = progress;
  state.user_data = user_data;
  state.cancellable = cancellable;

  if (!dps_export_write_header (writer, options, cancellable, error) ||
      !dps_repository_foreach_row (repository, filter, sort != NULL ? sort : &default_sort,
                                   export_row_cb, &state, cancellable, error) ||
      !dps_csv_writer_flush (writer, cancellable, error))
    return FALSE;

  if (progress != NULL)
    progress (state.rows, user_data);
  if (out_rows != NULL)
    *out_rows = state.rows;
  return TRUE;
}

typedef struct {
  DpsRepository          *repository;
  DpsFilter              *filter;
  const DpsSort          *sort;
  const DpsExportOptions *options;
  DpsExportProgressFunc   progress;
  gpointer                user_data;
  guint64                *out_rows;
} FileExport;

static gboolean
write_export (GOutputStream  *stream,
              gpointer        user_data,
              GCancellable   *cancellable,
              GError        **error)
{
  FileExport *e = user_data;

  return dps_export_to_stream (e->repository, e->filter, e->sort, e->options, stream,
                               e->progress, e->user_data, e->out_rows, cancellable, error);
}

gboolean
dps_export_to_file (DpsRepository          *repository,
                    DpsFilter              *filter,
                    const DpsSort          *sort,
                    const DpsExportOptions *options,
                    const char             *path,
                    DpsExportProgressFunc   progress,
                    gpointer                user_data,
                    guint64                *out_rows,
                    GCancellable           *cancellable,
                    GError                **error)
{
  FileExport e = { repository, filter, sort, options, progress, user_data, out_rows };

  g_return_val_if_fail (path != NULL, FALSE);

  /* A failed or cancelled export leaves nothing under the chosen name. */
  return dps_atomic_file_write (path, write_export, &e, cancellable, error);
}
