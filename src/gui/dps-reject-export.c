/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dps-reject-export.h"

typedef struct {
  DpsRejectExportFormat  format;
  GOutputStream         *stream;     /* buffered */
  DpsCsvWriter          *csv;
  GString               *line;
  GCancellable          *cancellable;
  guint64                count;
} ExportJob;

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static gboolean
write_jsonl (ExportJob              *job,
             const DpsStoredReject  *stored,
             GError                **error)
{
  const DpsReject *reject = &stored->reject;

  g_string_truncate (job->line, 0);
  if (reject->raw_size > 0 && memchr (reject->raw, '\n', reject->raw_size) != NULL)
    {
      g_autofree char *text = dps_reject_dup_raw_text (reject);

      append_json_string (job->line, text);
    }
  else if (reject->raw_size > 0)
    g_string_append_len (job->line, (const char *) reject->raw, (gssize) reject->raw_size);
  g_string_append_c (job->line, '\n');
  return g_output_stream_write_all (job->stream, job->line->str, job->line->len, NULL,
                                    job->cancellable, error);
}

static void
add_int_or_empty (DpsCsvWriter *csv,
                  gint64        value)
{
  if (value >= 0)
    dps_csv_writer_add_int (csv, value);
  else
    dps_csv_writer_add_text (csv, NULL, 0);
}

static gboolean
write_csv (ExportJob              *job,
           const DpsStoredReject  *stored,
           GError                **error)
{
  const DpsReject *reject = &stored->reject;
  char when[40];
  g_autofree char *raw = dps_reject_dup_raw_text (reject);

  dps_format_timestamp_into (stored->rejected_at, when);
  dps_csv_writer_add_text (job->csv, when, -1);
  dps_csv_writer_add_text (job->csv, stored->source, -1);
  add_int_or_empty (job->csv, reject->position.partition);
  add_int_or_empty (job->csv, reject->position.offset);
  add_int_or_empty (job->csv, reject->position.line);
  dps_csv_writer_add_text (job->csv, dps_reject_reason_to_string (reject->reason), -1);
  dps_csv_writer_add_text (job->csv, reject->field, -1);
  dps_csv_writer_add_text (job->csv, reject->detail, -1);
  dps_csv_writer_add_text (job->csv, raw, -1);
  return dps_csv_writer_end_row (job->csv, job->cancellable, error);
}

static gboolean
reject_cb (const DpsStoredReject  *stored,
           gpointer                user_data,
           GError                **error)
{
  ExportJob *job = user_data;
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;
  ok = job->format == DPS_REJECT_EXPORT_JSONL ? write_jsonl (job, stored, error)
                                               : write_csv (job, stored, error);
  if (ok)
    job->count++;
  return ok;
}

gboolean
dps_reject_export_to_stream (DpsRepository          *repository,
                             const DpsRejectQuery   *query,
                             DpsRejectExportFormat   format,
                             GOutputStream          *stream,
                             guint64                *out_count,
                             GCancellable           *cancellable,
                             GError                **error)
{
  static const char *const header[] = {
    "rejected_at", "source", "partition", "offset", "line", "reason", "field", "detail", "raw",
  };
  g_autoptr(GOutputStream) buffered = NULL;
  g_autoptr(DpsCsvWriter) csv = NULL;
  g_autoptr(GString) line = g_string_sized_new (1024);
  DpsRejectQuery all = *query;
  ExportJob job = { 0 };

  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  all.after_id = 0;
  all.limit = 0;
  job.format = format;
  job.cancellable = cancellable;
  job.line = line;

  if (format == DPS_REJECT_EXPORT_CSV)
    {
      DpsCsvOptions options;

      dps_csv_options_init_preset (&options, DPS_CSV_PRESET_STANDARD);
      /* Raw text comes from anywhere: never let a spreadsheet run it. */
      options.neutralise_formulas = TRUE;
      csv = dps_csv_writer_new (stream, &options);
      job.csv = csv;
      if (!dps_csv_writer_write_text_row (csv, header, G_N_ELEMENTS (header), cancellable, error))
        return FALSE;
    }
  else
    {
      buffered = g_buffered_output_stream_new_sized (stream, 256 * 1024);
      g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (buffered), FALSE);
      job.stream = buffered;
    }

  if (!dps_repository_foreach_reject (repository, &all, reject_cb, &job, cancellable, error))
    return FALSE;

  if (csv != NULL && !dps_csv_writer_flush (csv, cancellable, error))
    return FALSE;
  if (buffered != NULL && !g_output_stream_flush (buffered, cancellable, error))
    return FALSE;
  if (out_count != NULL)
    *out_count = job.count;
  return TRUE;
}

typedef struct {
  DpsRepository         *repository;
  const DpsRejectQuery  *query;
  DpsRejectExportFormat  format;
  guint64               *out_count;
} FileExport;

static gboolean
write_export (GOutputStream  *stream,
              gpointer        user_data,
              GCancellable   *cancellable,
              GError        **error)
{
  FileExport *e = user_data;

  return dps_reject_export_to_stream (e->repository, e->query, e->format, stream, e->out_count,
                                      cancellable, error);
}

gboolean
dps_reject_export_to_file (DpsRepository          *repository,
                           const DpsRejectQuery   *query,
                           DpsRejectExportFormat   format,
                           const char             *path,
                           guint64                *out_count,
                           GCancellable           *cancellable,
                           GError                **error)
{
  FileExport e = { repository, query, format, out_count };

  g_return_val_if_fail (path != NULL, FALSE);

  return dps_atomic_file_write (path, write_export, &e, cancellable, error);
}
