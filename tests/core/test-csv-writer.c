/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dps-csv-writer.h"

#define BOM "\xEF\xBB\xBF"

typedef enum {
  CELL_TEXT,
  CELL_NUMBER,
  CELL_INT,
} CellKind;

static DpsCsvOptions
make_options (char     delimiter,
              char     decimal_separator,
              gboolean bom,
              gboolean neutralise)
{
  DpsCsvOptions options;

  dps_csv_options_init_preset (&options, DPS_CSV_PRESET_STANDARD);
  options.delimiter = delimiter;
  options.decimal_separator = decimal_separator;
  options.bom = bom;
  options.neutralise_formulas = neutralise;
  return options;
}

static DpsCsvWriter *
new_memory_writer (const DpsCsvOptions  *options,
                   GOutputStream       **stream)
{
  *stream = g_memory_output_stream_new_resizable ();
  return dps_csv_writer_new (*stream, options);
}

/* Flushes and returns what reached the stream. */
static char *
finish (DpsCsvWriter  *writer,
        GOutputStream *stream)
{
  GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (stream);
  g_autoptr(GError) error = NULL;
  gsize size;

  g_assert_true (dps_csv_writer_flush (writer, NULL, &error));
  g_assert_no_error (error);
  size = g_memory_output_stream_get_data_size (memory);
  g_assert_cmpuint (dps_csv_writer_get_bytes_written (writer), ==, size);
  return g_strndup (g_memory_output_stream_get_data (memory), size);
}

static void
end_row (DpsCsvWriter *writer)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dps_csv_writer_end_row (writer, NULL, &error));
  g_assert_no_error (error);
}

/* One row: the cell under test, then "z", so empty cells show. */
static char *
write_text_cell (const DpsCsvOptions *options,
                 const char          *text)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = new_memory_writer (options, &stream);

  dps_csv_writer_add_text (writer, text, -1);
  dps_csv_writer_add_text (writer, "z", -1);
  end_row (writer);
  return finish (writer, stream);
}

static char *
expected_row (char        delimiter,
              const char *cell)
{
  return g_strdup_printf ("%s%cz\r\n", cell, delimiter);
}

typedef struct {
  char        delimiter;
  const char *text;
  const char *expected;
} QuoteCase;

static const QuoteCase quote_cases[] = {
  { ',',  "plain", "plain" },
  { ',',  "a,b", "\"a,b\"" },
  { ',',  "a;b", "a;b" },
  { ';',  "a;b", "\"a;b\"" },
  { ';',  "a,b", "a,b" },
  { '\t', "a\tb", "\"a\tb\"" },
  { '\t', "a,b;c", "a,b;c" },
  { ',',  ",", "\",\"" },
  { ',',  "say \"hi\"", "\"say \"\"hi\"\"\"" },
  { ',',  "\"", "\"\"\"\"" },
  { ';',  "\"\"", "\"\"\"\"\"\"" },
  { ',',  "a\rb", "\"a\rb\"" },
  { ',',  "a\nb", "\"a\nb\"" },
  { ';',  "a\r\nb", "\"a\r\nb\"" },
  { ',',  "line\n", "\"line\n\"" },
  { ',',  "", "" },
  { ',',  "  spaced  ", "  spaced  " },
  { ';',  " ", " " },
  { ',',  "'single'", "'single'" },
  { ',',  "Crème brûlée à Évry", "Crème brûlée à Évry" },
  { ',',  "💶 😀 日本 Ω", "💶 😀 日本 Ω" },
  { ';',  "café;thé", "\"café;thé\"" },
  { ',',  "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44", "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44" },
};

static void
test_quoting (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (quote_cases); i++)
    {
      const QuoteCase *c = &quote_cases[i];

      /* None of these start with a trigger: neutralising changes nothing. */
      for (guint neutralise = 0; neutralise < 2; neutralise++)
        {
          DpsCsvOptions options = make_options (c->delimiter, '.', FALSE, neutralise);
          g_autofree char *out = write_text_cell (&options, c->text);
          g_autofree char *expected = expected_row (c->delimiter, c->expected);

          g_assert_cmpstr (out, ==, expected);
        }
    }
}

static void
test_text_length (void)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = new_memory_writer (NULL, &stream);
  g_autofree char *out = NULL;

  dps_csv_writer_add_text (writer, "abc,def", 3);
  dps_csv_writer_add_text (writer, "x,y", 3);
  dps_csv_writer_add_text (writer, NULL, -1);
  dps_csv_writer_add_number (writer, NULL);
  dps_csv_writer_add_text (writer, "end", 0);
  end_row (writer);
  out = finish (writer, stream);
  g_assert_cmpstr (out, ==, "abc,\"x,y\",,,\r\n");
}

typedef struct {
  char        delimiter;
  const char *text;
  const char *neutralised;  /* with the option on */
  const char *untouched;    /* with the option off */
} InjectionCase;

static const InjectionCase injection_cases[] = {
  { ',',  "=1+1", "'=1+1", "=1+1" },
  { ',',  "+33 6 12 34 56 78", "'+33 6 12 34 56 78", "+33 6 12 34 56 78" },
  { ',',  "-2", "'-2", "-2" },
  { ';',  "-12,50", "'-12,50", "-12,50" },
  { ',',  "@SUM(A1:A9)", "'@SUM(A1:A9)", "@SUM(A1:A9)" },
  { ',',  "\tx", "'\tx", "\tx" },
  { '\t', "\tx", "\"'\tx\"", "\"\tx\"" },
  { ',',  "\rx", "\"'\rx\"", "\"\rx\"" },
  { ';',  "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0" },
  { ',',  "=HYPERLINK(\"http://x\",\"y\")",
          "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
          "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
  { ',',  "=", "'=", "=" },
  { ',',  "a=b", "a=b", "a=b" },
  { ',',  " =1", " =1", " =1" },
  { ',',  "'=1", "'=1", "'=1" },
  { ',',  "\n=1", "\"\n=1\"", "\"\n=1\"" },
};

static void
test_injection (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (injection_cases); i++)
    {
      const InjectionCase *c = &injection_cases[i];
      DpsCsvOptions on = make_options (c->delimiter, '.', FALSE, TRUE);
      DpsCsvOptions off = make_options (c->delimiter, '.', FALSE, FALSE);
      g_autofree char *out_on = write_text_cell (&on, c->text);
      g_autofree char *out_off = write_text_cell (&off, c->text);
      g_autofree char *expected_on = expected_row (c->delimiter, c->neutralised);
      g_autofree char *expected_off = expected_row (c->delimiter, c->untouched);

      g_assert_cmpstr (out_on, ==, expected_on);
      g_assert_cmpstr (out_off, ==, expected_off);
    }
}

static void
test_injection_numbers (void)
{
  for (guint preset = DPS_CSV_PRESET_STANDARD; preset <= DPS_CSV_PRESET_EXCEL_FR; preset++)
    {
      g_autoptr(GOutputStream) stream = NULL;
      g_autoptr(DpsCsvWriter) writer = NULL;
      g_autofree char *out = NULL;
      g_autofree char *expected = NULL;
      DpsCsvOptions options;
      char d;

      dps_csv_options_init_preset (&options, preset);
      g_assert_true (options.neutralise_formulas);
      options.bom = FALSE;
      d = options.delimiter;
      writer = new_memory_writer (&options, &stream);
      dps_csv_writer_add_number (writer, "-12.50");
      dps_csv_writer_add_number (writer, "+5");
      dps_csv_writer_add_int (writer, -7);
      dps_csv_writer_add_text (writer, "-7", -1);
      end_row (writer);
      out = finish (writer, stream);
      expected = g_strdup_printf ("-12%c50%c+5%c-7%c'-7\r\n",
                                  options.decimal_separator, d, d, d);
      g_assert_cmpstr (out, ==, expected);
    }
}

static void
test_bom (void)
{
  for (guint bom = 0; bom < 2; bom++)
    {
      DpsCsvOptions options = make_options (';', ',', bom, TRUE);
      g_autoptr(GOutputStream) stream = NULL;
      g_autoptr(DpsCsvWriter) writer = new_memory_writer (&options, &stream);
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      const char *body = "a;b\r\n\r\nc\r\n";

      /* Nothing goes out before the first row. */
      g_assert_true (dps_csv_writer_flush (writer, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (dps_csv_writer_get_bytes_written (writer), ==, 0);

      dps_csv_writer_add_text (writer, "a", -1);
      dps_csv_writer_add_text (writer, "b", -1);
      end_row (writer);
      g_assert_true (dps_csv_writer_flush (writer, NULL, &error));
      g_assert_no_error (error);
      end_row (writer);
      dps_csv_writer_add_text (writer, "c", -1);
      end_row (writer);
      out = finish (writer, stream);

      if (bom)
        {
          g_assert_true (g_str_has_prefix (out, BOM));
          g_assert_cmpstr (out + strlen (BOM), ==, body);
        }
      else
        {
          g_assert_cmpstr (out, ==, body);
        }
    }
}

static void
test_bom_before_empty_row (void)
{
  DpsCsvOptions options;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = NULL;
  g_autofree char *out = NULL;

  dps_csv_options_init_preset (&options, DPS_CSV_PRESET_EXCEL_FR);
  writer = new_memory_writer (&options, &stream);
  end_row (writer);
  dps_csv_writer_add_text (writer, "", -1);
  end_row (writer);
  out = finish (writer, stream);
  g_assert_cmpstr (out, ==, BOM "\r\n\"\"\r\n");
}

static void
test_delimiters (void)
{
  static const char delimiters[] = { ',', ';', '\t' };
  static const char separators[] = { '.', ',' };

  for (guint i = 0; i < G_N_ELEMENTS (delimiters); i++)
    for (guint j = 0; j < G_N_ELEMENTS (separators); j++)
      {
        char d = delimiters[i];
        char s = separators[j];
        DpsCsvOptions options = make_options (d, s, FALSE, TRUE);
        g_autoptr(GOutputStream) stream = NULL;
        g_autoptr(DpsCsvWriter) writer = NULL;
        g_autofree char *out = NULL;
        g_autofree char *expected = NULL;

        if (d == s)
          continue;

        writer = new_memory_writer (&options, &stream);
        dps_csv_writer_add_text (writer, "a b", -1);
        dps_csv_writer_add_number (writer, "3.14");
        dps_csv_writer_add_int (writer, -42);
        dps_csv_writer_add_text (writer, "", -1);
        dps_csv_writer_add_text (writer, "x", -1);
        end_row (writer);
        out = finish (writer, stream);
        expected = g_strdup_printf ("a b%c3%c14%c-42%c%cx\r\n", d, s, d, d, d);
        g_assert_cmpstr (out, ==, expected);
      }
}

typedef struct {
  char        delimiter;
  char        decimal_separator;
  const char *number;
  const char *expected;
} NumberCase;

static const NumberCase number_cases[] = {
  { ';',  ',', "-12.50", "-12,50" },
  { '\t', ',', "1234.5", "1234,5" },
  { ';',  ',', "42", "42" },
  { ';',  ',', "", "" },
  { ',',  '.', "-12.50", "-12.50" },
  { ';',  '.', "0.01", "0.01" },
  { '\t', '.', "1e-3", "1e-3" },
  /* Not what callers pass, but a delimiter inside a number is still quoted. */
  { ',',  '.', "1,000.50", "\"1,000.50\"" },
  { ';',  ',', "1;2.5", "\"1;2,5\"" },
  { '\t', ',', "1\t2.5", "\"1\t2,5\"" },
};

static void
test_decimal_separator (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (number_cases); i++)
    {
      const NumberCase *c = &number_cases[i];
      DpsCsvOptions options = make_options (c->delimiter, c->decimal_separator, FALSE, TRUE);
      g_autoptr(GOutputStream) stream = NULL;
      g_autoptr(DpsCsvWriter) writer = new_memory_writer (&options, &stream);
      g_autofree char *out = NULL;
      g_autofree char *expected = expected_row (c->delimiter, c->expected);

      dps_csv_writer_add_number (writer, c->number);
      dps_csv_writer_add_text (writer, "z", -1);
      end_row (writer);
      out = finish (writer, stream);
      g_assert_cmpstr (out, ==, expected);
    }
}

static void
test_int (void)
{
  static const gint64 values[] = {
    0, 1, -1, 9, 10, -10, 99, 100, 101, 999, 1000, 12345, -987654321,
    G_GINT64_CONSTANT (1795182312123456),
    G_MAXINT32, G_MININT32, (gint64) G_MAXUINT32,
    G_MAXINT64, G_MININT64, G_MAXINT64 - 1, G_MININT64 + 1,
  };
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = new_memory_writer (NULL, &stream);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *out = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      dps_csv_writer_add_int (writer, values[i]);
      g_string_append_printf (expected, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", values[i]);
    }
  end_row (writer);
  g_string_append (expected, "\r\n");
  out = finish (writer, stream);
  g_assert_cmpstr (out, ==, expected->str);
}

static void
test_row_ends (void)
{
  const char *const row[] = { "id", "line\nbreak", "carriage\rreturn", "" };
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = new_memory_writer (NULL, &stream);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (dps_csv_writer_write_text_row (writer, row, G_N_ELEMENTS (row), NULL, &error));
      g_assert_no_error (error);
    }
  /* No cell, one empty cell, two empty cells. */
  g_assert_true (dps_csv_writer_write_text_row (writer, NULL, 0, NULL, &error));
  g_assert_true (dps_csv_writer_write_text_row (writer, (const char *[]) { "" }, 1, NULL, &error));
  g_assert_true (dps_csv_writer_write_text_row (writer, (const char *[]) { "", "" }, 2, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dps_csv_writer_get_rows_written (writer), ==, 6);

  out = finish (writer, stream);
  g_assert_cmpstr (out, ==,
                   "id,\"line\nbreak\",\"carriage\rreturn\",\r\n"
                   "id,\"line\nbreak\",\"carriage\rreturn\",\r\n"
                   "id,\"line\nbreak\",\"carriage\rreturn\",\r\n"
                   "\r\n"
                   "\"\"\r\n"
                   ",\r\n");
}

static void
test_large_cells (void)
{
  gsize big = 3 * 1024 * 1024;
  g_autofree char *quotes = g_malloc (big + 1);
  g_autofree char *plain = g_malloc (big + 1);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = new_memory_writer (NULL, &stream);
  g_autofree char *out = NULL;
  const char *p;

  memset (quotes, '"', big);
  quotes[big] = '\0';
  memset (plain, 'a', big);
  plain[big] = '\0';

  dps_csv_writer_add_text (writer, "first", -1);
  end_row (writer);
  dps_csv_writer_add_text (writer, quotes, -1);
  dps_csv_writer_add_text (writer, plain, big);
  end_row (writer);
  dps_csv_writer_add_text (writer, "last", -1);
  end_row (writer);
  out = finish (writer, stream);

  g_assert_cmpuint (strlen (out), ==, 7 + (1 + 2 * big + 1) + 1 + big + 2 + 6);
  g_assert_true (g_str_has_prefix (out, "first\r\n\""));
  p = out + 8;
  for (gsize i = 0; i < 2 * big; i++)
    g_assert_cmpint (p[i], ==, '"');
  p += 2 * big;
  g_assert_true (g_str_has_prefix (p, "\",aaa"));
  g_assert_true (g_str_has_suffix (out, "aaa\r\nlast\r\n"));
}

static void
test_flush_keeps_open_row (void)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = new_memory_writer (NULL, &stream);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  dps_csv_writer_add_text (writer, "a", -1);
  end_row (writer);
  dps_csv_writer_add_text (writer, "b", -1);
  g_assert_true (dps_csv_writer_flush (writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)), ==, 3);
  g_assert_cmpuint (dps_csv_writer_get_bytes_written (writer), ==, 3);
  dps_csv_writer_add_text (writer, "", -1);
  end_row (writer);
  out = finish (writer, stream);
  g_assert_cmpstr (out, ==, "a\r\nb,\r\n");
}

static void
test_counters (void)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = new_memory_writer (NULL, &stream);
  g_autofree char *out = NULL;
  guint64 rows = 20000;

  /* Enough rows to write the buffer out several times. */
  for (guint64 i = 0; i < rows; i++)
    {
      dps_csv_writer_add_int (writer, (gint64) i);
      dps_csv_writer_add_text (writer, "some text, quoted", -1);
      dps_csv_writer_add_number (writer, "12.34");
      end_row (writer);
    }
  g_assert_cmpuint (dps_csv_writer_get_rows_written (writer), ==, rows);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)), >, 0);
  out = finish (writer, stream);
  g_assert_cmpuint (dps_csv_writer_get_bytes_written (writer), ==, strlen (out));
  g_assert_true (g_str_has_prefix (out, "0,\"some text, quoted\",12.34\r\n1,"));
  g_assert_true (g_str_has_suffix (out, "\r\n19999,\"some text, quoted\",12.34\r\n"));
}

static void
assert_sticky (DpsCsvWriter *writer,
               GQuark        domain,
               int           code,
               GError      **first)
{
  g_autoptr(GError) again = NULL;
  g_autoptr(GError) flushed = NULL;

  g_assert_error (*first, domain, code);
  g_assert_true (g_str_has_prefix ((*first)->message, "Cannot write the CSV file: "));

  dps_csv_writer_add_text (writer, "more", -1);
  g_assert_false (dps_csv_writer_end_row (writer, NULL, &again));
  g_assert_error (again, domain, code);
  g_assert_cmpstr (again->message, ==, (*first)->message);
  g_assert_false (dps_csv_writer_flush (writer, NULL, &flushed));
  g_assert_error (flushed, domain, code);
  g_assert_false (dps_csv_writer_end_row (writer, NULL, NULL));
}

static void
test_stream_full (void)
{
  static char small[64];
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new (small, sizeof small, NULL, NULL);
  g_autoptr(DpsCsvWriter) writer = dps_csv_writer_new (stream, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *cell = g_strnfill (1000, 'x');
  guint64 rows = 0;

  /* Rows are buffered: the stream is only written once the buffer fills. */
  while (dps_csv_writer_end_row (writer, NULL, &error))
    {
      g_assert_cmpuint (++rows, <, 1000);
      dps_csv_writer_add_text (writer, cell, -1);
    }
  g_assert_cmpuint (rows, >, 200);
  g_assert_cmpuint (dps_csv_writer_get_rows_written (writer), ==, rows);
  assert_sticky (writer, G_IO_ERROR, G_IO_ERROR_NO_SPACE, &error);
}

static void
test_stream_cancelled (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(DpsCsvWriter) writer = dps_csv_writer_new (stream, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  dps_csv_writer_add_text (writer, "a", -1);
  g_assert_true (dps_csv_writer_end_row (writer, cancellable, &error));
  g_cancellable_cancel (cancellable);
  g_assert_false (dps_csv_writer_flush (writer, cancellable, &error));
  assert_sticky (writer, G_IO_ERROR, G_IO_ERROR_CANCELLED, &error);
}

static void
test_stream_closed (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(DpsCsvWriter) writer = dps_csv_writer_new (stream, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  dps_csv_writer_add_text (writer, "a", -1);
  g_assert_true (dps_csv_writer_end_row (writer, NULL, &error));
  g_assert_false (dps_csv_writer_flush (writer, NULL, &error));
  assert_sticky (writer, G_IO_ERROR, G_IO_ERROR_CLOSED, &error);
}

static void
test_options (void)
{
  static const char delimiters[] = { ',', ';', '\t', '|', ' ', '.', '\0' };
  static const char separators[] = { '.', ',', ';', '\t', '\0' };

  for (guint i = 0; i < G_N_ELEMENTS (delimiters); i++)
    for (guint j = 0; j < G_N_ELEMENTS (separators); j++)
      {
        char d = delimiters[i];
        char s = separators[j];
        DpsCsvOptions options = make_options (d, s, FALSE, TRUE);
        g_autoptr(GError) error = NULL;
        gboolean valid = (d == ',' || d == ';' || d == '\t') &&
                         (s == '.' || s == ',') && d != s;

        g_assert_cmpint (dps_csv_options_validate (&options, &error), ==, valid);
        if (valid)
          {
            g_assert_no_error (error);
          }
        else
          {
            g_assert_error (error, DPS_CSV_ERROR, DPS_CSV_ERROR_INVALID_OPTION);
            g_assert_cmpstr (error->message, !=, "");
          }
        g_assert_cmpint (dps_csv_options_validate (&options, NULL), ==, valid);
      }
}

static void
test_presets (void)
{
  static const struct {
    const char  *text;
    gboolean     known;
    DpsCsvPreset preset;
  } names[] = {
    { "standard", TRUE, DPS_CSV_PRESET_STANDARD },
    { "rfc4180", TRUE, DPS_CSV_PRESET_STANDARD },
    { "RFC4180", TRUE, DPS_CSV_PRESET_STANDARD },
    { "excel-fr", TRUE, DPS_CSV_PRESET_EXCEL_FR },
    { "Excel-FR", TRUE, DPS_CSV_PRESET_EXCEL_FR },
    { "excel", FALSE, 0 },
    { "excel_fr", FALSE, 0 },
    { " standard", FALSE, 0 },
    { "", FALSE, 0 },
    { NULL, FALSE, 0 },
  };
  DpsCsvOptions options;

  dps_csv_options_init_preset (&options, DPS_CSV_PRESET_STANDARD);
  g_assert_cmpint (options.delimiter, ==, ',');
  g_assert_cmpint (options.decimal_separator, ==, '.');
  g_assert_false (options.bom);
  g_assert_true (options.header);
  g_assert_true (options.neutralise_formulas);
  g_assert_true (dps_csv_options_validate (&options, NULL));

  dps_csv_options_init_preset (&options, DPS_CSV_PRESET_EXCEL_FR);
  g_assert_cmpint (options.delimiter, ==, ';');
  g_assert_cmpint (options.decimal_separator, ==, ',');
  g_assert_true (options.bom);
  g_assert_true (options.header);
  g_assert_true (options.neutralise_formulas);
  g_assert_true (dps_csv_options_validate (&options, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      DpsCsvPreset preset = 99;

      g_assert_cmpint (dps_csv_preset_from_string (names[i].text, &preset), ==, names[i].known);
      if (names[i].known)
        g_assert_cmpint (preset, ==, names[i].preset);
      else
        g_assert_cmpint (preset, ==, 99);
    }
}

/* Round trip through Python's csv module. */

static const char *const fragments[] = {
  "", "a", "plain text", " ", "  lead", "trail  ", "\"", "\"\"", ",", ";",
  "\t", "\n", "\r", "\r\n", "\n\r", "'", "=", "+", "-", "@", "=1+2",
  "=cmd|' /C calc'!A0", "@SUM(A1)", "-12.50", "+33", "é", "Crème brûlée",
  "€", "😀", "日本語", "Ω≈ç", "\xc2\xa0", "\\", "\\N", "NULL", "a\"b,c;d\te",
};

static gboolean
is_trigger (char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* Writes one random cell and returns the text a reader should get back. */
static char *
write_random_cell (DpsCsvWriter        *writer,
                   const DpsCsvOptions *options,
                   GRand               *rand)
{
  guint kind = g_rand_int_range (rand, 0, 10);

  if (kind < 7)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 0, 6);

      for (guint i = 0; i < n; i++)
        g_string_append (text, fragments[g_rand_int_range (rand, 0, G_N_ELEMENTS (fragments))]);
      /* Both ways to give the length. */
      dps_csv_writer_add_text (writer, text->str, g_rand_boolean (rand) ? (gssize) text->len : -1);
      if (options->neutralise_formulas && is_trigger (text->str[0]))
        g_string_prepend_c (text, '\'');
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  else if (kind < 9)
    {
      gint32 cents = g_rand_int_range (rand, -100000000, 100000000);
      guint32 magnitude = cents < 0 ? (guint32) -cents : (guint32) cents;
      g_autofree char *number = NULL;

      if (g_rand_boolean (rand))
        number = g_strdup_printf ("%s%u.%02u", cents < 0 ? "-" : "", magnitude / 100, magnitude % 100);
      else
        number = g_strdup_printf ("%d", cents);
      dps_csv_writer_add_number (writer, number);
      g_strdelimit (number, ".", options->decimal_separator);
      return g_steal_pointer (&number);
    }
  else
    {
      static const gint64 extremes[] = { 0, -1, G_MAXINT64, G_MININT64 };
      gint64 value;

      if (g_rand_int_range (rand, 0, 4) == 0)
        value = extremes[g_rand_int_range (rand, 0, G_N_ELEMENTS (extremes))];
      else
        value = (gint64) (((guint64) g_rand_int (rand) << 32) | g_rand_int (rand));
      dps_csv_writer_add_int (writer, value);
      return g_strdup_printf ("%" G_GINT64_FORMAT, value);
    }
}

static GPtrArray *
write_random_file (const DpsCsvOptions *options,
                   GFile               *file,
                   guint32              seed,
                   guint                n_rows)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GError) error = NULL;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  writer = dps_csv_writer_new (G_OUTPUT_STREAM (stream), options);

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      guint n_cells = g_rand_int_range (rand, 0, 9);

      for (guint c = 0; c < n_cells; c++)
        {
          g_autofree char *expected = write_random_cell (writer, options, rand);

          g_strv_builder_add (builder, expected);
        }
      end_row (writer);
      g_ptr_array_add (rows, g_strv_builder_end (builder));
    }

  g_assert_true (dps_csv_writer_flush (writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dps_csv_writer_get_rows_written (writer), ==, n_rows);
  return g_steal_pointer (&rows);
}

static char *
read_back (const char          *path,
           const DpsCsvOptions *options)
{
  const char *python = g_getenv ("DPS_PYTHON3");
  const char *script = g_getenv ("DPS_CSV_READ_BACK");
  const char *delimiter = options->delimiter == '\t' ? "tab" :
                          options->delimiter == ';' ? ";" : ",";
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (python == NULL)
    python = "/usr/bin/python3";
  g_assert_nonnull (script);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, python, script, path, delimiter,
                              options->bom ? "bom" : "no-bom", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("csv-read-back.py failed: %s", err);
  return g_steal_pointer (&out);
}

static void
compare_rows (GPtrArray  *expected,
              const char *json_lines)
{
  g_auto(GStrv) lines = g_strsplit (json_lines, "\n", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint n_lines = g_strv_length (lines);

  /* One JSON array per row, then the empty string after the last "\n". */
  g_assert_cmpuint (n_lines, ==, expected->len + 1);
  g_assert_cmpstr (lines[expected->len], ==, "");

  for (guint r = 0; r < expected->len; r++)
    {
      const char *const *cells = g_ptr_array_index (expected, r);
      g_autoptr(GError) error = NULL;
      JsonArray *array;

      json_parser_load_from_data (parser, lines[r], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
      array = json_node_get_array (json_parser_get_root (parser));

      if (json_array_get_length (array) != g_strv_length ((char **) cells))
        g_error ("row %u: %u cells read back, %u written", r,
                 json_array_get_length (array), g_strv_length ((char **) cells));
      for (guint c = 0; cells[c] != NULL; c++)
        {
          const char *got = json_array_get_string_element (array, c);

          if (g_strcmp0 (got, cells[c]) != 0)
            {
              g_autofree char *got_escaped = g_strescape (got != NULL ? got : "(null)", NULL);
              g_autofree char *wanted_escaped = g_strescape (cells[c], NULL);

              g_error ("row %u cell %u: read back \"%s\", wrote \"%s\"",
                       r, c, got_escaped, wanted_escaped);
            }
        }
    }
}

static void
test_round_trip (gconstpointer data)
{
  DpsCsvPreset preset = GPOINTER_TO_UINT (data);
  guint32 seed = (guint32) g_test_rand_int () + preset;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *json_lines = NULL;
  DpsCsvOptions options;
  int fd;

  if (g_getenv ("DPS_CSV_READ_BACK") == NULL)
    {
      g_test_skip ("DPS_CSV_READ_BACK is not set; run through meson test");
      return;
    }

  dps_csv_options_init_preset (&options, preset);
  g_test_message ("seed %" G_GUINT32_FORMAT, seed);

  fd = g_file_open_tmp ("dps-csv-XXXXXX.csv", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  file = g_file_new_for_path (path);

  rows = write_random_file (&options, file, seed, 5000);
  json_lines = read_back (path, &options);
  compare_rows (rows, json_lines);

  g_assert_true (g_file_delete (file, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/csv/quoting", test_quoting);
  g_test_add_func ("/dps/csv/text-length", test_text_length);
  g_test_add_func ("/dps/csv/injection/text", test_injection);
  g_test_add_func ("/dps/csv/injection/numbers", test_injection_numbers);
  g_test_add_func ("/dps/csv/bom", test_bom);
  g_test_add_func ("/dps/csv/bom-before-empty-row", test_bom_before_empty_row);
  g_test_add_func ("/dps/csv/delimiters", test_delimiters);
  g_test_add_func ("/dps/csv/decimal-separator", test_decimal_separator);
  g_test_add_func ("/dps/csv/int", test_int);
  g_test_add_func ("/dps/csv/row-ends", test_row_ends);
  g_test_add_func ("/dps/csv/large-cells", test_large_cells);
  g_test_add_func ("/dps/csv/flush-keeps-open-row", test_flush_keeps_open_row);
  g_test_add_func ("/dps/csv/counters", test_counters);
  g_test_add_func ("/dps/csv/error/stream-full", test_stream_full);
  g_test_add_func ("/dps/csv/error/cancelled", test_stream_cancelled);
  g_test_add_func ("/dps/csv/error/closed", test_stream_closed);
  g_test_add_func ("/dps/csv/options", test_options);
  g_test_add_func ("/dps/csv/presets", test_presets);
  g_test_add_data_func ("/dps/csv/round-trip/standard",
                        GUINT_TO_POINTER (DPS_CSV_PRESET_STANDARD), test_round_trip);
  g_test_add_data_func ("/dps/csv/round-trip/excel-fr",
                        GUINT_TO_POINTER (DPS_CSV_PRESET_EXCEL_FR), test_round_trip);

  return g_test_run ();
}
