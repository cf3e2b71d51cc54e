/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-reject.h"
#include "dps-transaction.h"

G_BEGIN_DECLS

/* Lines longer than this are rejected as line_too_long by default. */
#define DPS_DEFAULT_MAX_LINE_LENGTH (64 * 1024)
/* Deeper JSON nesting is rejected (malformed_json) before json-glib sees it. */
#define DPS_MAX_JSON_DEPTH 32

#define DPS_TYPE_RECORD_PARSER (dps_record_parser_get_type ())
G_DECLARE_FINAL_TYPE (DpsRecordParser, dps_record_parser, DPS, RECORD_PARSER, GObject)

/* A parser is used by one thread at a time; each transform thread owns one. */
DpsRecordParser *dps_record_parser_new                  (void);
void             dps_record_parser_set_max_line_length  (DpsRecordParser *self,
                                                         gsize            max_line_length);
gsize            dps_record_parser_get_max_line_length  (DpsRecordParser *self);

/* Parses, validates, normalises and enriches one line.
 *
 * @line holds @length bytes without the line end (not NUL-terminated);
 * @full_length is the length the line had in its source, larger than
 * @length when the reader kept only a prefix of a huge line.
 *
 * On success fills @tx (which must be zeroed), including its payload,
 * and returns TRUE. Otherwise fills @reject (reason, detail, field, raw
 * text, and event_ts / transaction_id when they were readable; not the
 * position) and returns FALSE. Never fails any other way. */
gboolean         dps_record_parser_parse                (DpsRecordParser *self,
                                                         const char      *line,
                                                         gsize            length,
                                                         gsize            full_length,
                                                         DpsTransaction  *tx,
                                                         DpsReject       *reject);

G_END_DECLS
