/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-csv-writer.h"

/* Rows collect in the buffer and go to the stream once it holds this much. */
#define FLUSH_THRESHOLD  (256 * 1024)
/* Room for the row that crosses the threshold, so the buffer rarely grows. */
#define INITIAL_CAPACITY (FLUSH_THRESHOLD + 64 * 1024)
/* What a cell may add besides its contents: delimiter, BOM, quote, '. */
#define CELL_OVERHEAD    8

static const guint8 utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

/* First characters that make a spreadsheet read a text cell as a formula
 * (OWASP's list for CSV injection). */
static const guint8 formula_start[256] = {
  ['='] = 1, ['+'] = 1, ['-'] = 1, ['@'] = 1, ['\t'] = 1, ['\r'] = 1,
};

static const char digit_pairs[201] =
  "00010203040506070809"
  "10111213141516171819"
  "20212223242526272829"
  "30313233343536373839"
  "40414243444546474849"
  "50515253545556575859"
  "60616263646566676869"
  "70717273747576777879"
  "80818283848586878889"
  "90919293949596979899";

struct _DpsCsvWriter
{
  GObject        parent_instance;

  /* Owned references */
  GOutputStream *stream;
  GError        *error;            /* first write error; later writes return a copy */

  /* Fixed at construction */
  DpsCsvOptions  options;
  guint8         must_quote[256];  /* delimiter, '"', CR, LF */
  guint8         must_stop[256];   /* the same and NUL, to scan C strings */

  /* Output buffer: complete rows, then the row being built */
  guint8        *buffer;
  gsize          length;
  gsize          capacity;
  gsize          row_start;        /* bytes before it belong to ended rows */
  guint          n_cells;          /* cells in the row being built */
  gboolean       bom_pending;

  /* Counters */
  guint64        rows_written;
  guint64        bytes_flushed;    /* handed to the stream */
};

G_DEFINE_FINAL_TYPE (DpsCsvWriter, dps_csv_writer, G_TYPE_OBJECT)

G_DEFINE_QUARK (dps-csv-error-quark, dps_csv_error)

static void
grow (DpsCsvWriter *self,
      gsize         needed)
{
  gsize wanted;

  g_assert (needed > self->capacity - self->length);

  /* Past the address space, g_realloc() aborts like any failed allocation. */
  if (!g_size_checked_add (&wanted, self->length, needed))
    wanted = G_MAXSIZE;
  self->capacity = MAX (wanted, self->capacity <= G_MAXSIZE / 2 ? self->capacity * 2 : G_MAXSIZE);
  self->buffer = g_realloc (self->buffer, self->capacity);
}

/* Makes room for @size content bytes plus CELL_OVERHEAD, writes the
 * delimiter (or the BOM before the very first cell) and returns where the
 * cell's contents go. */
static inline guint8 *
begin_cell (DpsCsvWriter *self,
            gsize         size)
{
  guint8 *out;

  if (G_UNLIKELY (self->capacity - self->length < CELL_OVERHEAD ||
                  size > self->capacity - self->length - CELL_OVERHEAD))
    grow (self, size + CELL_OVERHEAD);

  out = self->buffer + self->length;
  if (G_LIKELY (self->n_cells++ > 0))
    {
      *out++ = (guint8) self->options.delimiter;
    }
  else if (G_UNLIKELY (self->bom_pending))
    {
      memcpy (out, utf8_bom, sizeof utf8_bom);
      out += sizeof utf8_bom;
      self->row_start += sizeof utf8_bom;
      self->bom_pending = FALSE;
    }
  return out;
}

static inline void
end_cell (DpsCsvWriter *self,
          guint8       *out)
{
  self->length = (gsize) (out - self->buffer);
}

static inline gboolean
needs_quotes (const guint8 *must_quote,
              const guint8 *p,
              gsize         n)
{
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    if (must_quote[p[i]] | must_quote[p[i + 1]] | must_quote[p[i + 2]] | must_quote[p[i + 3]])
      return TRUE;
  for (; i < n; i++)
    if (must_quote[p[i]])
      return TRUE;
  return FALSE;
}

/* Measures a NUL-terminated cell and tells whether it needs quotes, in one
 * pass for the usual cell that does not. */
static inline gboolean
scan_string (const guint8 *must_stop,
             const guint8 *p,
             gsize        *n)
{
  const guint8 *s = p;

  while (!must_stop[*s])
    s++;
  if (*s == '\0')
    {
      *n = (gsize) (s - p);
      return FALSE;
    }
  *n = (gsize) (s - p) + strlen ((const char *) s);
  return TRUE;
}

static gsize
count_quotes (const guint8 *p,
              gsize         n)
{
  const guint8 *end = p + n;
  const guint8 *q;
  gsize count = 0;

  while ((q = memchr (p, '"', (gsize) (end - p))) != NULL)
    {
      count++;
      p = q + 1;
    }
  return count;
}

static guint8 *
copy_doubling_quotes (guint8       *out,
                      const guint8 *p,
                      gsize         n)
{
  const guint8 *end = p + n;
  const guint8 *q;

  while ((q = memchr (p, '"', (gsize) (end - p))) != NULL)
    {
      gsize run = (gsize) (q - p) + 1;

      memcpy (out, p, run);
      out += run;
      *out++ = '"';
      p = q + 1;
    }
  memcpy (out, p, (gsize) (end - p));
  return out + (end - p);
}

static inline void
append_cell (DpsCsvWriter *self,
             const guint8 *p,
             gsize         n,
             gboolean      quote,
             gboolean      neutralise,
             char          decimal_separator)
{
  guint8 *out;
  guint8 *contents;

  if (G_LIKELY (!quote))
    {
      out = begin_cell (self, n);
      if (neutralise)
        *out++ = '\'';
      contents = out;
      /* An empty cell may come as (NULL, 0): memcpy must not see NULL. */
      if (n > 0)
        memcpy (out, p, n);
      out += n;
    }
  else
    {
      out = begin_cell (self, n + count_quotes (p, n));
      *out++ = '"';
      if (neutralise)
        *out++ = '\'';
      contents = out;
      out = copy_doubling_quotes (out, p, n);
      *out++ = '"';
    }

  /* The options forbid a separator equal to the delimiter, and '.' needs no
   * quotes, so swapping after the quoting decision is safe. */
  if (decimal_separator != '.')
    {
      guint8 *dot;

      while ((dot = memchr (contents, '.', (gsize) (out - contents))) != NULL)
        {
          *dot = (guint8) decimal_separator;
          contents = dot + 1;
        }
    }

  end_cell (self, out);
}

static void
discard_buffer (DpsCsvWriter *self)
{
  self->length = 0;
  self->row_start = 0;
  self->n_cells = 0;
}

static gboolean
fail_again (DpsCsvWriter  *self,
            GError       **error)
{
  discard_buffer (self);
  if (error != NULL)
    *error = g_error_copy (self->error);
  return FALSE;
}

static gboolean
remember_error (DpsCsvWriter  *self,
                GError        *local,
                GError       **error)
{
  g_assert (self->error == NULL);

  g_prefix_error (&local, _("Cannot write the CSV file: "));
  self->error = local;
  return fail_again (self, error);
}

/* Hands the ended rows to the stream and keeps the row being built. */
static gboolean
write_out (DpsCsvWriter  *self,
           GCancellable  *cancellable,
           GError       **error)
{
  GError *local = NULL;
  gsize upto = self->row_start;

  /* Not every stream looks at the cancellable (memory streams do not). */
  if (g_cancellable_set_error_if_cancelled (cancellable, &local))
    return remember_error (self, local, error);
  if (upto == 0)
    return TRUE;

  if (!g_output_stream_write_all (self->stream, self->buffer, upto, NULL,
                                  cancellable, &local))
    return remember_error (self, local, error);

  self->bytes_flushed += upto;
  self->length -= upto;
  self->row_start = 0;
  if (self->length > 0)
    memmove (self->buffer, self->buffer + upto, self->length);
  return TRUE;
}

static void
dps_csv_writer_finalize (GObject *object)
{
  DpsCsvWriter *self = DPS_CSV_WRITER (object);

  g_clear_object (&self->stream);
  g_clear_error (&self->error);
  g_clear_pointer (&self->buffer, g_free);

  G_OBJECT_CLASS (dps_csv_writer_parent_class)->finalize (object);
}

static void
dps_csv_writer_class_init (DpsCsvWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_csv_writer_finalize;
}

static void
dps_csv_writer_init (DpsCsvWriter *self)
{
  self->capacity = INITIAL_CAPACITY;
  self->buffer = g_malloc (self->capacity);
}

void
dps_csv_options_init_preset (DpsCsvOptions *options,
                             DpsCsvPreset   preset)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->header = TRUE;
  options->neutralise_formulas = TRUE;

  switch (preset)
    {
    case DPS_CSV_PRESET_EXCEL_FR:
      options->delimiter = ';';
      options->decimal_separator = ',';
      options->bom = TRUE;
      break;

    case DPS_CSV_PRESET_STANDARD:
    default:
      options->delimiter = ',';
      options->decimal_separator = '.';
      options->bom = FALSE;
      break;
    }
}

gboolean
dps_csv_options_validate (const DpsCsvOptions  *options,
                          GError              **error)
{
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (options->delimiter != ',' && options->delimiter != ';' && options->delimiter != '\t')
    {
      g_set_error_literal (error, DPS_CSV_ERROR, DPS_CSV_ERROR_INVALID_OPTION,
                           _("The CSV delimiter must be a comma, a semicolon or a tab"));
      return FALSE;
    }
  if (options->decimal_separator != '.' && options->decimal_separator != ',')
    {
      g_set_error_literal (error, DPS_CSV_ERROR, DPS_CSV_ERROR_INVALID_OPTION,
                           _("The decimal separator must be a point or a comma"));
      return FALSE;
    }
  if (options->decimal_separator == options->delimiter)
    {
      g_set_error_literal (error, DPS_CSV_ERROR, DPS_CSV_ERROR_INVALID_OPTION,
                           _("The decimal separator cannot be the CSV delimiter"));
      return FALSE;
    }
  return TRUE;
}

gboolean
dps_csv_preset_from_string (const char   *text,
                            DpsCsvPreset *out)
{
  DpsCsvPreset preset;

  if (text == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (text, "standard") == 0 || g_ascii_strcasecmp (text, "rfc4180") == 0)
    preset = DPS_CSV_PRESET_STANDARD;
  else if (g_ascii_strcasecmp (text, "excel-fr") == 0)
    preset = DPS_CSV_PRESET_EXCEL_FR;
  else
    return FALSE;

  if (out != NULL)
    *out = preset;
  return TRUE;
}

DpsCsvWriter *
dps_csv_writer_new (GOutputStream       *stream,
                    const DpsCsvOptions *options)
{
  DpsCsvWriter *self;
  DpsCsvOptions standard;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  if (options == NULL)
    {
      dps_csv_options_init_preset (&standard, DPS_CSV_PRESET_STANDARD);
      options = &standard;
    }
  g_return_val_if_fail (dps_csv_options_validate (options, NULL), NULL);

  self = g_object_new (DPS_TYPE_CSV_WRITER, NULL);
  self->stream = g_object_ref (stream);
  self->options = *options;
  self->bom_pending = options->bom;
  self->must_quote[(guint8) options->delimiter] = 1;
  self->must_quote['"'] = 1;
  self->must_quote['\r'] = 1;
  self->must_quote['\n'] = 1;
  memcpy (self->must_stop, self->must_quote, sizeof self->must_stop);
  self->must_stop['\0'] = 1;
  return self;
}

void
dps_csv_writer_add_text (DpsCsvWriter *self,
                         const char   *text,
                         gssize        length)
{
  const guint8 *p = (const guint8 *) text;
  gboolean quote;
  gsize n;

  g_return_if_fail (DPS_IS_CSV_WRITER (self));

  if (text == NULL)
    {
      n = 0;
      quote = FALSE;
    }
  else if (length < 0)
    {
      quote = scan_string (self->must_stop, p, &n);
    }
  else
    {
      n = (gsize) length;
      quote = needs_quotes (self->must_quote, p, n);
    }

  append_cell (self, p, n, quote,
               self->options.neutralise_formulas && n > 0 && formula_start[p[0]],
               '.');
}

void
dps_csv_writer_add_number (DpsCsvWriter *self,
                           const char   *number)
{
  const guint8 *p = (const guint8 *) number;
  gboolean quote = FALSE;
  gsize n = 0;

  g_return_if_fail (DPS_IS_CSV_WRITER (self));

  if (number != NULL)
    quote = scan_string (self->must_stop, p, &n);
  append_cell (self, p, n, quote, FALSE, self->options.decimal_separator);
}

void
dps_csv_writer_add_int (DpsCsvWriter *self,
                        gint64        value)
{
  char digits[20];
  char *p = digits + sizeof digits;
  guint64 magnitude;
  guint8 *out;
  gsize n;

  g_return_if_fail (DPS_IS_CSV_WRITER (self));

  /* Negating in unsigned arithmetic also covers G_MININT64. */
  magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  while (magnitude >= 100)
    {
      guint pair = (guint) (magnitude % 100);

      magnitude /= 100;
      p -= 2;
      memcpy (p, digit_pairs + pair * 2, 2);
    }
  if (magnitude >= 10)
    {
      p -= 2;
      memcpy (p, digit_pairs + magnitude * 2, 2);
    }
  else
    {
      *--p = (char) ('0' + magnitude);
    }
  n = (gsize) (digits + sizeof digits - p);

  out = begin_cell (self, n + 1);
  if (value < 0)
    *out++ = '-';
  memcpy (out, p, n);
  end_cell (self, out + n);
}

gboolean
dps_csv_writer_end_row (DpsCsvWriter  *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  guint8 *out;

  g_return_val_if_fail (DPS_IS_CSV_WRITER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (G_UNLIKELY (self->error != NULL))
    return fail_again (self, error);

  if (G_UNLIKELY (self->n_cells == 0 && self->bom_pending))
    {
      /* A row without cells still comes after the BOM. */
      (void) begin_cell (self, 0);
      end_cell (self, self->buffer + self->row_start);
      self->n_cells = 0;
    }
  if (G_UNLIKELY (self->capacity - self->length < 4))
    grow (self, 4);

  out = self->buffer + self->length;
  /* A lone empty cell would be an empty line, which readers skip. */
  if (self->n_cells == 1 && self->length == self->row_start)
    {
      *out++ = '"';
      *out++ = '"';
    }
  *out++ = '\r';
  *out++ = '\n';
  end_cell (self, out);
  self->n_cells = 0;
  self->row_start = self->length;

  if (self->length >= FLUSH_THRESHOLD && !write_out (self, cancellable, error))
    return FALSE;

  self->rows_written++;
  return TRUE;
}

gboolean
dps_csv_writer_write_text_row (DpsCsvWriter       *self,
                               const char * const *cells,
                               guint               n_cells,
                               GCancellable       *cancellable,
                               GError            **error)
{
  g_return_val_if_fail (DPS_IS_CSV_WRITER (self), FALSE);
  g_return_val_if_fail (cells != NULL || n_cells == 0, FALSE);

  for (guint i = 0; i < n_cells; i++)
    dps_csv_writer_add_text (self, cells[i], -1);
  return dps_csv_writer_end_row (self, cancellable, error);
}

gboolean
dps_csv_writer_flush (DpsCsvWriter  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  GError *local = NULL;

  g_return_val_if_fail (DPS_IS_CSV_WRITER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->error != NULL)
    return fail_again (self, error);

  if (!write_out (self, cancellable, error))
    return FALSE;
  if (!g_output_stream_flush (self->stream, cancellable, &local))
    return remember_error (self, local, error);
  return TRUE;
}

guint64
dps_csv_writer_get_rows_written (DpsCsvWriter *self)
{
  g_return_val_if_fail (DPS_IS_CSV_WRITER (self), 0);

  return self->rows_written;
}

guint64
dps_csv_writer_get_bytes_written (DpsCsvWriter *self)
{
  g_return_val_if_fail (DPS_IS_CSV_WRITER (self), 0);

  return self->bytes_flushed + self->row_start;
}
