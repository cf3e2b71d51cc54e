/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One line of a JSONL stream, without its line end ("\n" or "\r\n"). */
typedef struct {
  const char *data;         /* valid until the next call on the reader */
  gsize       length;       /* bytes in data: at most max_line_length + 1 */
  gsize       full_length;  /* the line's real length (longer lines are cut) */
  gint64      offset;       /* byte offset of the line's first byte */
  gint64      line;         /* 1-based line number */
} DpsLine;

typedef enum {
  DPS_READ_LINE,            /* a line was returned */
  DPS_READ_END,             /* nothing more for now (end of the stream) */
  DPS_READ_ERROR,
} DpsReadResult;

#define DPS_TYPE_JSONL_READER (dps_jsonl_reader_get_type ())
G_DECLARE_FINAL_TYPE (DpsJsonlReader, dps_jsonl_reader, DPS, JSONL_READER, GObject)

/* Reads @stream, positioned at byte @offset which starts line @line + 1
 * (offset 0, line 0 for a new file). Lines longer than @max_line_length
 * are cut to max_line_length + 1 bytes, with full_length kept, so memory
 * stays bounded whatever the input. A UTF-8 byte-order mark at offset 0
 * is skipped; blank lines are skipped and counted. */
DpsJsonlReader *dps_jsonl_reader_new            (GInputStream   *stream,
                                                 gint64          offset,
                                                 gint64          line,
                                                 gsize           max_line_length);
/* Whether a last line without a line end is returned at the end of the
 * stream (one-shot reads: TRUE, the default) or held back until its line
 * end arrives (following a growing file: FALSE). */
void            dps_jsonl_reader_set_final      (DpsJsonlReader *self,
                                                 gboolean        final);
DpsReadResult   dps_jsonl_reader_next           (DpsJsonlReader *self,
                                                 DpsLine        *line,
                                                 GCancellable   *cancellable,
                                                 GError        **error);
/* Offset and line count after everything returned (and blank lines
 * skipped): where a resumed read starts. */
gint64          dps_jsonl_reader_get_offset     (DpsJsonlReader *self);
gint64          dps_jsonl_reader_get_line       (DpsJsonlReader *self);
/* Bytes read from the stream but not yet returned as lines (a partial
 * last line while following). */
gsize           dps_jsonl_reader_get_pending    (DpsJsonlReader *self);

G_END_DECLS
