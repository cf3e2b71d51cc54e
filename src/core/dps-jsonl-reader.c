/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <string.h>

#include "dps-jsonl-reader.h"

#define READ_SIZE (256 * 1024)

struct _DpsJsonlReader
{
  GObject       parent_instance;

  GInputStream *stream;
  gsize         max_line_length;
  gboolean      final;

  /* buffer[start, end) holds bytes read and not yet consumed. */
  char         *buffer;
  gsize         capacity;
  gsize         start;
  gsize         end;
  gboolean      eof;            /* the last read returned 0 bytes */

  /* Position of buffer[start] in the stream. */
  gint64        offset;
  gint64        line;
  gboolean      at_stream_start;

  /* A line longer than the limit being skipped: its kept prefix sits at
   * buffer[0, kept) and bytes after it are dropped until the line end. */
  gboolean      skipping;
  gsize         skipped;        /* bytes dropped so far */
  gboolean      dropped_cr;     /* the last byte dropped was '\r' */
  gint64        long_offset;
};

G_DEFINE_FINAL_TYPE (DpsJsonlReader, dps_jsonl_reader, G_TYPE_OBJECT)

static void
dps_jsonl_reader_finalize (GObject *object)
{
  DpsJsonlReader *self = DPS_JSONL_READER (object);

  g_clear_object (&self->stream);
  g_free (self->buffer);

  G_OBJECT_CLASS (dps_jsonl_reader_parent_class)->finalize (object);
}

static void
dps_jsonl_reader_class_init (DpsJsonlReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dps_jsonl_reader_finalize;
}

static void
dps_jsonl_reader_init (DpsJsonlReader *self)
{
  self->final = TRUE;
}

DpsJsonlReader *
dps_jsonl_reader_new (GInputStream *stream,
                      gint64        offset,
                      gint64        line,
                      gsize         max_line_length)
{
  DpsJsonlReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (offset >= 0, NULL);
  g_return_val_if_fail (max_line_length > 0, NULL);

  self = g_object_new (DPS_TYPE_JSONL_READER, NULL);
  self->stream = g_object_ref (stream);
  self->max_line_length = max_line_length;
  self->offset = offset;
  self->line = MAX (line, 0);
  self->at_stream_start = offset == 0;
  /* Room for a whole kept line plus a full read behind it. */
  self->capacity = MAX ((gsize) READ_SIZE, max_line_length + 1) + READ_SIZE;
  self->buffer = g_malloc (self->capacity);
  return self;
}

void
dps_jsonl_reader_set_final (DpsJsonlReader *self,
                            gboolean        final)
{
  g_return_if_fail (DPS_IS_JSONL_READER (self));
  self->final = final;
}

/* Reads more bytes behind buffer[end]; FALSE on error. Sets eof when the
 * stream has nothing more right now. */
static gboolean
fill (DpsJsonlReader  *self,
      GCancellable    *cancellable,
      GError         **error)
{
  gssize n;

  if (self->start > 0 && !self->skipping)
    {
      memmove (self->buffer, self->buffer + self->start, self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }
  g_assert (self->end < self->capacity);

  n = g_input_stream_read (self->stream, self->buffer + self->end,
                           MIN ((gsize) READ_SIZE, self->capacity - self->end),
                           cancellable, error);
  if (n < 0)
    return FALSE;
  self->eof = n == 0;
  self->end += (gsize) n;
  return TRUE;
}

static void
set_line (DpsJsonlReader *self,
          DpsLine        *out,
          const char     *data,
          gsize           length,
          gsize           full_length,
          gint64          offset)
{
  /* "\r\n" line ends: the '\r' is not part of the record. */
  if (full_length == length && length > 0 && data[length - 1] == '\r')
    {
      length--;
      full_length--;
    }
  out->data = data;
  out->length = length;
  out->full_length = full_length;
  out->offset = offset;
  out->line = self->line;
}

static gboolean
is_blank (const char *data,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r')
      return FALSE;
  return TRUE;
}

DpsReadResult
dps_jsonl_reader_next (DpsJsonlReader  *self,
                       DpsLine         *line,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_return_val_if_fail (DPS_IS_JSONL_READER (self), DPS_READ_ERROR);
  g_return_val_if_fail (line != NULL, DPS_READ_ERROR);

  for (;;)
    {
      const char *data = self->buffer + self->start;
      gsize available = self->end - self->start;
      const char *newline;

      if (self->at_stream_start)
        {
          /* Wait for three bytes (or the end) to recognise a BOM. */
          if (available < 3 && !self->eof)
            {
              if (!fill (self, cancellable, error))
                return DPS_READ_ERROR;
              if (self->end - self->start > available)
                continue;
            }
          /* A growing file may hold only the start of its BOM yet (or
           * nothing at all): decide once it has more. */
          if (available < 3 && !self->final && memcmp (data, "\xEF\xBB\xBF", available) == 0)
            {
              self->eof = FALSE;
              return DPS_READ_END;
            }
          self->at_stream_start = FALSE;
          if (available >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
            {
              self->start += 3;
              self->offset += 3;
              continue;
            }
        }

      if (self->skipping)
        {
          /* buffer[0, max + 1) is the kept prefix; drop bytes behind it. */
          gsize kept = self->max_line_length + 1;
          const char *tail = self->buffer + kept;
          gsize tail_length = self->end - kept;

          newline = memchr (tail, '\n', tail_length);
          if (newline != NULL)
            {
              gsize used = (gsize) (newline - tail);
              gsize full = kept + self->skipped + used;
              /* The line end is found behind the prefix (the prefix
               * would hold it otherwise): its '\r' is among the bytes
               * dropped, or the last of them. */
              gboolean crlf = used > 0 ? tail[used - 1] == '\r' : self->dropped_cr;

              self->skipping = FALSE;
              self->line++;
              line->data = self->buffer;
              line->length = kept;
              line->full_length = full - (crlf ? 1 : 0);
              line->offset = self->long_offset;
              line->line = self->line;
              /* What follows the line end stays for the next call. */
              self->start = kept + used + 1;
              self->offset = self->long_offset + (gint64) full + 1;
              return DPS_READ_LINE;
            }
          if (tail_length > 0)
            self->dropped_cr = tail[tail_length - 1] == '\r';
          self->skipped += tail_length;
          self->end = kept;
          if (self->eof)
            {
              if (self->final)
                {
                  gsize full = kept + self->skipped;

                  self->skipping = FALSE;
                  self->line++;
                  set_line (self, line, self->buffer, kept, full, self->long_offset);
                  self->start = self->end = 0;
                  self->offset = self->long_offset + (gint64) full;
                  self->eof = FALSE;
                  return DPS_READ_LINE;
                }
              self->eof = FALSE;
              return DPS_READ_END;
            }
          if (!fill (self, cancellable, error))
            return DPS_READ_ERROR;
          continue;
        }

      newline = memchr (data, '\n', MIN (available, self->max_line_length + 2));
      if (newline != NULL)
        {
          gsize length = (gsize) (newline - data);
          gint64 offset = self->offset;

          self->start += length + 1;
          self->offset += (gint64) length + 1;
          self->line++;
          if (is_blank (data, length))
            continue;
          set_line (self, line, data, length, length, offset);
          return DPS_READ_LINE;
        }

      if (available > self->max_line_length + 1)
        {
          /* Too long: keep a prefix at the start of the buffer, then drop
           * the rest up to the line end. */
          gsize kept = self->max_line_length + 1;

          memmove (self->buffer, data, available);
          self->skipping = TRUE;
          self->skipped = 0;
          self->dropped_cr = FALSE;
          self->long_offset = self->offset;
          self->start = 0;
          self->end = available;
          (void) kept;
          continue;
        }

      if (self->eof)
        {
          self->eof = FALSE;
          if (available > 0 && self->final)
            {
              gint64 offset = self->offset;

              self->start = self->end;
              self->offset += (gint64) available;
              self->line++;
              if (is_blank (data, available))
                continue;
              set_line (self, line, data, available, available, offset);
              return DPS_READ_LINE;
            }
          return DPS_READ_END;
        }

      if (!fill (self, cancellable, error))
        return DPS_READ_ERROR;
    }
}

gint64
dps_jsonl_reader_get_offset (DpsJsonlReader *self)
{
  g_return_val_if_fail (DPS_IS_JSONL_READER (self), 0);
  return self->skipping ? self->long_offset : self->offset;
}

gint64
dps_jsonl_reader_get_line (DpsJsonlReader *self)
{
  g_return_val_if_fail (DPS_IS_JSONL_READER (self), 0);
  return self->line;
}

gsize
dps_jsonl_reader_get_pending (DpsJsonlReader *self)
{
  g_return_val_if_fail (DPS_IS_JSONL_READER (self), 0);
  return self->skipping ? self->max_line_length + 1 + self->skipped : self->end - self->start;
}
