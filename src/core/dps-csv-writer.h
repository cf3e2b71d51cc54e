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

/* The decimal separator must differ from the delimiter. The writer only
 * writes the rows it is given: whether a header row comes first is the
 * caller's choice, and @header is carried here for callers to read. */
typedef struct {
  char     delimiter;            /* ',', ';' or '\t' */
  char     decimal_separator;    /* '.' or ',' */
  gboolean bom;                  /* start with a UTF-8 byte-order mark */
  gboolean header;               /* callers write a header row (not the writer) */
  gboolean neutralise_formulas;  /* prefix ' to text cells that start with = + - @ TAB CR */
} DpsCsvOptions;

void     dps_csv_options_init_preset (DpsCsvOptions       *options,
                                      DpsCsvPreset         preset);
gboolean dps_csv_options_validate    (const DpsCsvOptions *options,
                                      GError             **error);
/* "standard" (or "rfc4180") / "excel-fr", ASCII case-insensitive. */
gboolean dps_csv_preset_from_string  (const char          *text,
                                      DpsCsvPreset        *out);

#define DPS_TYPE_CSV_WRITER (dps_csv_writer_get_type ())
G_DECLARE_FINAL_TYPE (DpsCsvWriter, dps_csv_writer, DPS, CSV_WRITER, GObject)

/* Buffers output and writes it to @stream in large blocks. Rows end with
 * CRLF. The BOM is written before the first row. @options must be valid
 * (NULL means the standard preset). Not thread-safe: one thread at a time.
 * Disposing the writer does not flush: call dps_csv_writer_flush(). */
DpsCsvWriter *dps_csv_writer_new          (GOutputStream       *stream,
                                           const DpsCsvOptions *options);
/* Cells of the current row, left to right. Text cells are quoted when they
 * hold the delimiter, a quote, CR or LF (quotes doubled), and neutralised
 * when the option is on. Number cells take C-locale text ("-12.50") and
 * get the chosen decimal separator; they are never neutralised. Bytes are
 * copied as given (UTF-8 expected); a NULL text or number is an empty cell.
 * A row made of one empty cell is written as "" so that it reads back. */
void          dps_csv_writer_add_text     (DpsCsvWriter        *self,
                                           const char          *text,
                                           gssize               length);
void          dps_csv_writer_add_number   (DpsCsvWriter        *self,
                                           const char          *number);
void          dps_csv_writer_add_int      (DpsCsvWriter        *self,
                                           gint64               value);
/* Ends the row; writes the buffer out when it is full. Stream errors keep
 * their domain and code (G_IO_ERROR_CANCELLED stays recognisable); after
 * one, every end_row, write_text_row and flush fails with the same error. */
gboolean      dps_csv_writer_end_row      (DpsCsvWriter        *self,
                                           GCancellable        *cancellable,
                                           GError             **error);
/* Convenience: a whole row of text cells. */
gboolean      dps_csv_writer_write_text_row (DpsCsvWriter      *self,
                                           const char * const  *cells,
                                           guint                n_cells,
                                           GCancellable        *cancellable,
                                           GError             **error);
/* Writes the buffered complete rows and flushes @stream; does not close it.
 * A row still being built stays buffered until it ends. */
gboolean      dps_csv_writer_flush        (DpsCsvWriter        *self,
                                           GCancellable        *cancellable,
                                           GError             **error);
/* Rows ended and their bytes (BOM included), whether already handed to the
 * stream or still buffered; after a successful flush, the file's size. */
guint64       dps_csv_writer_get_rows_written (DpsCsvWriter    *self);
guint64       dps_csv_writer_get_bytes_written (DpsCsvWriter   *self);

G_END_DECLS
