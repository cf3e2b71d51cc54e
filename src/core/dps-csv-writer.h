/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPS_CSV_ERROR (dps_csv_error_quark ())
typedef enum {
  DPS_CSV_ERROR_FAILED,
  DPS_CSV_ERROR_INVALID_OPTION,
} DpsCsvError;
GQuark dps_csv_error_quark (void);

typedef enum {
  DPS_CSV_PRESET_STANDARD,    /* RFC 4180: ',', '.', no BOM, header */
  DPS_CSV_PRESET_EXCEL_FR,    /* Excel (France): ';', ',', BOM, header */
} DpsCsvPreset;

typedef struct {
  char     delimiter;            /* ',', ';' or '\t' */
  char     decimal_separator;    /* '.' or ',' */
  gboolean bom;                  /* start with a UTF-8 byte-order mark */
  gboolean header;               /* write the header row */
  gboolean neutralise_formulas;  /* defuse text cells that start with = + - @ TAB CR */
} DpsCsvOptions;

void     dps_csv_options_init_preset (DpsCsvOptions       *options,
                                      DpsCsvPreset         preset);
gboolean dps_csv_options_validate    (const DpsCsvOptions *options,
                                      GError             **error);
/* "standard" / "excel-fr" */
gboolean dps_csv_preset_from_string  (const char          *text,
                                      DpsCsvPreset        *out);

#define DPS_TYPE_CSV_WRITER (dps_csv_writer_get_type ())
G_DECLARE_FINAL_TYPE (DpsCsvWriter, dps_csv_writer, DPS, CSV_WRITER, GObject)

/* Buffers output and writes it to @stream in large blocks. Rows end with
 * CRLF. The BOM is written before the first row. */
DpsCsvWriter *dps_csv_writer_new          (GOutputStream       *stream,
                                           const DpsCsvOptions *options);
/* Cells of the current row, left to right. Text cells are quoted when they
 * hold the delimiter, a quote, CR or LF (quotes doubled), and neutralised
 * when the option is on. Number cells take C-locale text ("-12.50") and
 * get the chosen decimal separator; they are never neutralised. */
void          dps_csv_writer_add_text     (DpsCsvWriter        *self,
                                           const char          *text,
                                           gssize               length);
void          dps_csv_writer_add_number   (DpsCsvWriter        *self,
                                           const char          *number);
void          dps_csv_writer_add_int      (DpsCsvWriter        *self,
                                           gint64               value);
/* Ends the row; writes the buffer out when it is full. */
gboolean      dps_csv_writer_end_row      (DpsCsvWriter        *self,
                                           GCancellable        *cancellable,
                                           GError             **error);
/* Convenience: a whole row of text cells. */
gboolean      dps_csv_writer_write_text_row (DpsCsvWriter      *self,
                                           const char * const  *cells,
                                           guint                n_cells,
                                           GCancellable        *cancellable,
                                           GError             **error);
/* Writes what is buffered; does not close the stream. */
gboolean      dps_csv_writer_flush        (DpsCsvWriter        *self,
                                           GCancellable        *cancellable,
                                           GError             **error);
guint64       dps_csv_writer_get_rows_written (DpsCsvWriter    *self);
guint64       dps_csv_writer_get_bytes_written (DpsCsvWriter   *self);

G_END_DECLS
