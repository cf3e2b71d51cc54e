/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dps-jsonl-reader.h"

/* ---------------------------------------------------------------------- */
/* A stream that hands out its bytes in reads of chosen sizes and can grow
 * after it reported its end, like a followed file. */

#define TEST_TYPE_STREAM (test_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestStream, test_stream, TEST, STREAM, GInputStream)

struct _TestStream
{
  GInputStream  parent_instance;

  GByteArray   *data;
  gsize         position;
  const guint  *sizes;       /* read sizes, cycled; NULL = as asked */
  guint         n_sizes;
  guint         next_size;
  GRand        *rand;        /* random read sizes up to max_random */
  guint         max_random;
  guint         reads;
};

G_DEFINE_FINAL_TYPE (TestStream, test_stream, G_TYPE_INPUT_STREAM)

static gssize
test_stream_read (GInputStream  *stream,
                  void          *buffer,
                  gsize          count,
                  GCancellable  *cancellable,
                  GError       **error)
{
  TestStream *self = TEST_STREAM (stream);
  gsize size = count;

  self->reads++;
  if (self->sizes != NULL)
    {
      size = self->sizes[self->next_size];
      self->next_size = (self->next_size + 1) % self->n_sizes;
    }
  else if (self->rand != NULL)
    size = (gsize) g_rand_int_range (self->rand, 1, (gint32) self->max_random + 1);
  size = MIN (MIN (size, count), self->data->len - self->position);
  if (size > 0)
    memcpy (buffer, self->data->data + self->position, size);
  self->position += size;
  return (gssize) size;
}

static void
test_stream_finalize (GObject *object)
{
  TestStream *self = TEST_STREAM (object);

  g_byte_array_unref (self->data);
  g_clear_pointer (&self->rand, g_rand_free);
  G_OBJECT_CLASS (test_stream_parent_class)->finalize (object);
}

static void
test_stream_class_init (TestStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = test_stream_read;
}

static void
test_stream_init (TestStream *self)
{
  self->data = g_byte_array_new ();
}

static void
test_stream_append (TestStream *self,
                    const char *data,
                    gsize       length)
{
  g_byte_array_append (self->data, (const guint8 *) data, (guint) length);
}

static TestStream *
test_stream_new (const char  *data,
                 gsize        length,
                 const guint *sizes,
                 guint        n_sizes)
{
  TestStream *self = g_object_new (TEST_TYPE_STREAM, NULL);

  test_stream_append (self, data, length);
  self->sizes = n_sizes > 0 ? sizes : NULL;
  self->n_sizes = n_sizes;
  return self;
}

/* ---------------------------------------------------------------------- */
/* Expected lines                                                         */

typedef struct {
  const char *text;          /* what is kept (NULL: nothing more) */
  gsize       full_length;   /* 0: the kept length */
  gint64      offset;
  gint64      line;
  gsize       length;        /* 0: strlen (text); for texts with NUL bytes */
} Expected;

typedef struct {
  const char *name;
  const char *input;
  gsize       input_length;  /* 0: strlen (input) */
  gsize       max_line_length;
  gboolean    final;
  gint64      start_offset;
  gint64      start_line;
  Expected    lines[8];
  gint64      end_offset;    /* offset and line count after the last line */
  gint64      end_line;
  gsize       pending;
} Case;

#define BOM "\xEF\xBB\xBF"

static const Case cases[] = {
  { "plain", "{\"a\":1}\n{\"b\":2}\n", 0, 64, TRUE, 0, 0,
    { { "{\"a\":1}", 0, 0, 1 }, { "{\"b\":2}", 0, 8, 2 } }, 16, 2, 0 },
  { "bom", BOM "{\"a\":1}\n{}\n", 0, 64, TRUE, 0, 0,
    { { "{\"a\":1}", 0, 3, 1 }, { "{}", 0, 11, 2 } }, 14, 2, 0 },
  { "bom-only", BOM, 0, 64, TRUE, 0, 0, { { NULL } }, 3, 0, 0 },
  { "bom-then-crlf", BOM "\r\nab\r\n", 0, 64, TRUE, 0, 0,
    { { "ab", 0, 5, 2 } }, 9, 2, 0 },
  { "bom-not-at-start", BOM "x\n", 0, 64, TRUE, 10, 3,
    { { BOM "x", 0, 10, 4 } }, 15, 4, 0 },
  { "crlf", "ab\r\ncd\r\n", 0, 64, TRUE, 0, 0,
    { { "ab", 0, 0, 1 }, { "cd", 0, 4, 2 } }, 8, 2, 0 },
  { "mixed-line-ends", "ab\ncd\r\nef\n", 0, 64, TRUE, 0, 0,
    { { "ab", 0, 0, 1 }, { "cd", 0, 3, 2 }, { "ef", 0, 7, 3 } }, 10, 3, 0 },
  { "lone-cr-kept", "a\rb\n", 0, 64, TRUE, 0, 0,
    { { "a\rb", 0, 0, 1 } }, 4, 1, 0 },
  { "blank-lines", "\n  \n\r\n\t\na\n\n \r\n", 0, 64, TRUE, 0, 0,
    { { "a", 0, 8, 5 } }, 14, 7, 0 },
  { "blank-last-line-final", "a\n  ", 0, 64, TRUE, 0, 0,
    { { "a", 0, 0, 1 } }, 4, 2, 0 },
  { "empty", "", 0, 64, TRUE, 0, 0, { { NULL } }, 0, 0, 0 },
  { "no-newline-final", "a\nbc", 0, 64, TRUE, 0, 0,
    { { "a", 0, 0, 1 }, { "bc", 0, 2, 2 } }, 4, 2, 0 },
  { "no-newline-follow", "a\nbc", 0, 64, FALSE, 0, 0,
    { { "a", 0, 0, 1 } }, 2, 1, 2 },
  { "cr-without-lf-follow", "a\nbc\r", 0, 64, FALSE, 0, 0,
    { { "a", 0, 0, 1 } }, 2, 1, 3 },
  { "no-newline-crlf-final", "ab\r", 0, 64, TRUE, 0, 0,
    { { "ab", 0, 0, 1 } }, 3, 1, 0 },
  { "resumed", "x\ny\n", 0, 64, TRUE, 100, 7,
    { { "x", 0, 100, 8 }, { "y", 0, 102, 9 } }, 104, 9, 0 },
  /* A line of max + 1 bytes is kept whole: the parser rejects it. */
  { "at-limit", "01234567\n012345678\nab\n", 0, 8, TRUE, 0, 0,
    { { "01234567", 0, 0, 1 }, { "012345678", 0, 9, 2 }, { "ab", 0, 19, 3 } }, 22, 3, 0 },
  { "too-long", "0123456789abcdef\nxy\n", 0, 8, TRUE, 0, 0,
    { { "012345678", 16, 0, 1 }, { "xy", 0, 17, 2 } }, 20, 2, 0 },
  { "too-long-crlf", "0123456789abcdef\r\nxy\r\n", 0, 8, TRUE, 0, 0,
    { { "012345678", 16, 0, 1 }, { "xy", 0, 18, 2 } }, 22, 2, 0 },
  { "too-long-cr-just-after-prefix", "012345678\r\nxy\n", 0, 8, TRUE, 0, 0,
    { { "012345678", 9, 0, 1 }, { "xy", 0, 11, 2 } }, 14, 2, 0 },
  { "too-long-twice", "0123456789\n0123456789abc\nz\n", 0, 8, TRUE, 0, 0,
    { { "012345678", 10, 0, 1 }, { "012345678", 13, 11, 2 }, { "z", 0, 25, 3 } }, 27, 3, 0 },
  { "too-long-last-final", "a\n0123456789", 0, 4, TRUE, 0, 0,
    { { "a", 0, 0, 1 }, { "01234", 10, 2, 2 } }, 12, 2, 0 },
  { "too-long-last-follow", "a\n0123456789", 0, 4, FALSE, 0, 0,
    { { "a", 0, 0, 1 } }, 2, 1, 10 },
  { "nul-bytes", "a\0b\n\0\n", 6, 64, TRUE, 0, 0,
    { { "a\0b", 0, 0, 1, 3 }, { "\0", 0, 4, 2, 1 } }, 6, 2, 0 },
};

/* Read sizes: as asked, one byte at a time, and odd sizes. */
static const guint one_byte[] = { 1 };
static const guint odd_sizes[] = { 3, 5, 1, 7, 2, 11, 13 };

typedef struct {
  const char  *name;
  const guint *sizes;
  guint        n_sizes;
} ReadPattern;

static const ReadPattern patterns[] = {
  { "whole", NULL, 0 },
  { "bytes", one_byte, G_N_ELEMENTS (one_byte) },
  { "odd", odd_sizes, G_N_ELEMENTS (odd_sizes) },
};

typedef struct {
  const Case        *c;
  const ReadPattern *pattern;
} CaseData;

static void
assert_line (const DpsLine  *line,
             const Expected *e)
{
  gsize length = e->length > 0 ? e->length : strlen (e->text);
  gsize full = e->full_length > 0 ? e->full_length : length;

  g_assert_cmpuint (line->length, ==, length);
  g_assert_cmpmem (line->data, line->length, e->text, length);
  g_assert_cmpuint (line->full_length, ==, full);
  g_assert_cmpint (line->offset, ==, e->offset);
  g_assert_cmpint (line->line, ==, e->line);
}

static void
test_case (gconstpointer data)
{
  const CaseData *d = data;
  const Case *c = d->c;
  gsize input_length = c->input_length > 0 ? c->input_length : strlen (c->input);
  g_autoptr(TestStream) stream = test_stream_new (c->input, input_length,
                                                  d->pattern->sizes, d->pattern->n_sizes);
  g_autoptr(DpsJsonlReader) reader = dps_jsonl_reader_new (G_INPUT_STREAM (stream), c->start_offset,
                                                           c->start_line, c->max_line_length);
  g_autoptr(GError) error = NULL;
  guint i = 0;
  DpsLine line;
  DpsReadResult result;

  dps_jsonl_reader_set_final (reader, c->final);
  while ((result = dps_jsonl_reader_next (reader, &line, NULL, &error)) == DPS_READ_LINE)
    {
      g_assert_cmpuint (i, <, G_N_ELEMENTS (c->lines));
      g_assert_nonnull (c->lines[i].text);
      assert_line (&line, &c->lines[i]);
      i++;
    }
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, DPS_READ_END);
  g_assert_true (i == G_N_ELEMENTS (c->lines) || c->lines[i].text == NULL);
  g_assert_cmpint (dps_jsonl_reader_get_offset (reader), ==, c->end_offset);
  g_assert_cmpint (dps_jsonl_reader_get_line (reader), ==, c->end_line);
  g_assert_cmpuint (dps_jsonl_reader_get_pending (reader), ==, c->pending);

  /* The end stays the end. */
  g_assert_cmpint (dps_jsonl_reader_next (reader, &line, NULL, &error), ==, DPS_READ_END);
  g_assert_cmpint (dps_jsonl_reader_get_offset (reader), ==, c->end_offset);
}

/* ---------------------------------------------------------------------- */
/* Following: the stream grows after it reported its end.                 */

typedef struct {
  const char *append;        /* bytes written, then read until the end */
  Expected    lines[3];      /* lines that this makes readable */
  gint64      offset;        /* where the reader stands after */
} Step;

typedef struct {
  const char *name;
  gsize       max_line_length;
  Step        steps[6];
} FollowCase;

static const FollowCase follow_cases[] = {
  { "partial-line", 64, {
      { "ab", { { NULL } }, 0 },
      { "c\nd", { { "abc", 0, 0, 1 } }, 4 },
      { "\n", { { "d", 0, 4, 2 } }, 6 },
    } },
  { "cr-then-lf", 64, {
      { "ab\r", { { NULL } }, 0 },
      { "\n", { { "ab", 0, 0, 1 } }, 4 },
    } },
  { "bom-after-empty", 64, {
      { "", { { NULL } }, 0 },
      { BOM "x\n", { { "x", 0, 3, 1 } }, 5 },
    } },
  { "bom-in-pieces", 64, {
      { "\xEF", { { NULL } }, 0 },
      { "\xBB", { { NULL } }, 0 },
      { "\xBF" "x", { { NULL } }, 3 },
      { "\n", { { "x", 0, 3, 1 } }, 5 },
    } },
  { "not-a-bom", 64, {
      { "\xEF", { { NULL } }, 0 },
      { "x\n", { { "\xEFx", 0, 0, 1 } }, 3 },
    } },
  { "short-first-line", 64, {
      { "a", { { NULL } }, 0 },
      { "\n", { { "a", 0, 0, 1 } }, 2 },
    } },
  { "long-line-across-writes", 4, {
      { "0123456", { { NULL } }, 0 },
      { "789", { { NULL } }, 0 },
      { "\nab\n", { { "01234", 10, 0, 1 }, { "ab", 0, 11, 2 } }, 14 },
    } },
  { "blank-lines-then-line", 64, {
      { "\n\n", { { NULL } }, 2 },
      { "a", { { NULL } }, 2 },
      { "\n", { { "a", 0, 2, 3 } }, 4 },
    } },
};

static void
test_follow (gconstpointer data)
{
  const FollowCase *c = data;
  g_autoptr(TestStream) stream = test_stream_new ("", 0, NULL, 0);
  g_autoptr(DpsJsonlReader) reader = dps_jsonl_reader_new (G_INPUT_STREAM (stream), 0, 0,
                                                           c->max_line_length);
  g_autoptr(GError) error = NULL;

  dps_jsonl_reader_set_final (reader, FALSE);
  for (guint s = 0; s < G_N_ELEMENTS (c->steps) && c->steps[s].append != NULL; s++)
    {
      const Step *step = &c->steps[s];
      DpsLine line;
      guint i = 0;

      test_stream_append (stream, step->append, strlen (step->append));
      while (dps_jsonl_reader_next (reader, &line, NULL, &error) == DPS_READ_LINE)
        {
          g_assert_cmpuint (i, <, G_N_ELEMENTS (step->lines));
          g_assert_nonnull (step->lines[i].text);
          assert_line (&line, &step->lines[i]);
          i++;
        }
      g_assert_no_error (error);
      g_assert_true (i == G_N_ELEMENTS (step->lines) || step->lines[i].text == NULL);
      g_assert_cmpint (dps_jsonl_reader_get_offset (reader), ==, step->offset);
    }
}

/* A followed file that stops growing (rotated away): its last line,
 * without a line end, is read once the reader is told it is final. */
static void
test_follow_then_final (void)
{
  g_autoptr(TestStream) stream = test_stream_new ("a\nbc", 4, one_byte, 1);
  g_autoptr(DpsJsonlReader) reader = dps_jsonl_reader_new (G_INPUT_STREAM (stream), 0, 0, 64);
  DpsLine line;

  dps_jsonl_reader_set_final (reader, FALSE);
  g_assert_cmpint (dps_jsonl_reader_next (reader, &line, NULL, NULL), ==, DPS_READ_LINE);
  g_assert_cmpmem (line.data, line.length, "a", 1);
  g_assert_cmpint (dps_jsonl_reader_next (reader, &line, NULL, NULL), ==, DPS_READ_END);
  g_assert_cmpuint (dps_jsonl_reader_get_pending (reader), ==, 2);

  dps_jsonl_reader_set_final (reader, TRUE);
  g_assert_cmpint (dps_jsonl_reader_next (reader, &line, NULL, NULL), ==, DPS_READ_LINE);
  g_assert_cmpmem (line.data, line.length, "bc", 2);
  g_assert_cmpint (line.offset, ==, 2);
  g_assert_cmpint (line.line, ==, 2);
  g_assert_cmpint (dps_jsonl_reader_next (reader, &line, NULL, NULL), ==, DPS_READ_END);
  g_assert_cmpint (dps_jsonl_reader_get_offset (reader), ==, 4);
  g_assert_cmpuint (dps_jsonl_reader_get_pending (reader), ==, 0);
}

/* ---------------------------------------------------------------------- */
/* Megabytes of random lines through random read sizes, against a simple
 * reference: buffer boundaries fall everywhere.                          */

typedef struct {
  gsize  start;
  gsize  length;       /* without the line end */
  gint64 line;
} RefLine;

static void
check_random (guint32 seed,
              gsize   max_line_length,
              guint   max_read)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (RefLine));
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(DpsJsonlReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  gint64 line_number = 0;
  guint i = 0;
  DpsLine line;

  /* Mostly short lines, some blank, some with CRLF, some far too long. */
  while (input->len < 3 * 1024 * 1024)
    {
      RefLine ref;
      guint kind = (guint) g_rand_int_range (rand, 0, 100);
      gsize length;
      gboolean crlf = g_rand_boolean (rand);

      if (kind < 5)
        length = 0;
      else if (kind < 8)
        length = max_line_length + (gsize) g_rand_int_range (rand, 1, (gint32) max_line_length * 3);
      else
        length = (gsize) g_rand_int_range (rand, 1, (gint32) MIN (max_line_length, (gsize) 600));

      line_number++;
      ref.start = input->len;
      ref.length = length;
      ref.line = line_number;
      for (gsize j = 0; j < length; j++)
        {
          guint8 byte = (guint8) g_rand_int_range (rand, 'a', 'z' + 1);

          g_byte_array_append (input, &byte, 1);
        }
      if (crlf)
        g_byte_array_append (input, (const guint8 *) "\r\n", 2);
      else
        g_byte_array_append (input, (const guint8 *) "\n", 1);
      if (length > 0)
        g_array_append_val (expected, ref);
    }

  stream = g_object_new (TEST_TYPE_STREAM, NULL);
  test_stream_append (stream, (const char *) input->data, input->len);
  stream->rand = g_rand_new_with_seed (seed + 1);
  stream->max_random = max_read;
  reader = dps_jsonl_reader_new (G_INPUT_STREAM (stream), 0, 0, max_line_length);

  while (dps_jsonl_reader_next (reader, &line, NULL, &error) == DPS_READ_LINE)
    {
      const RefLine *ref = &g_array_index (expected, RefLine, i);
      gsize kept = MIN (ref->length, max_line_length + 1);

      g_assert_cmpuint (i, <, expected->len);
      g_assert_cmpint (line.offset, ==, (gint64) ref->start);
      g_assert_cmpint (line.line, ==, ref->line);
      g_assert_cmpuint (line.full_length, ==, ref->length);
      g_assert_cmpmem (line.data, line.length, input->data + ref->start, kept);
      i++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (i, ==, expected->len);
  g_assert_cmpint (dps_jsonl_reader_get_offset (reader), ==, (gint64) input->len);
  g_assert_cmpint (dps_jsonl_reader_get_line (reader), ==, line_number);
}

static void
test_random_small_reads (void)
{
  check_random (1, 1024, 97);
}

static void
test_random_large_reads (void)
{
  /* Reads up to 1 MiB, lines up to 64 KiB: the reader's own buffer sizes. */
  check_random (2, 65536, 1024 * 1024);
}

static void
test_random_tiny_limit (void)
{
  check_random (3, 16, 4096);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint p = 0; p < G_N_ELEMENTS (patterns); p++)
      {
        CaseData *data = g_new0 (CaseData, 1);
        g_autofree char *path = g_strdup_printf ("/dps/jsonl-reader/%s/%s", cases[i].name, patterns[p].name);

        data->c = &cases[i];
        data->pattern = &patterns[p];
        g_test_add_data_func_full (path, data, test_case, g_free);
      }
  for (guint i = 0; i < G_N_ELEMENTS (follow_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/dps/jsonl-reader/follow/%s", follow_cases[i].name);

      g_test_add_data_func (path, &follow_cases[i], test_follow);
    }
  g_test_add_func ("/dps/jsonl-reader/follow/then-final", test_follow_then_final);
  g_test_add_func ("/dps/jsonl-reader/random/small-reads", test_random_small_reads);
  g_test_add_func ("/dps/jsonl-reader/random/large-reads", test_random_large_reads);
  g_test_add_func ("/dps/jsonl-reader/random/tiny-limit", test_random_tiny_limit);

  return g_test_run ();
}
