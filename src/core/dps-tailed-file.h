/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core: one JSONL file read from a checkpoint, once or
 * followed as it grows (like tail -F), shared by the file and folder
 * sources. Watching is by polling size and identity, so it works inside
 * a sandbox where file monitors do not fire. */

#include "dps-jsonl-reader.h"
#include "dps-source.h"

G_BEGIN_DECLS

typedef struct _DpsTailedFile DpsTailedFile;

DpsTailedFile   *dps_tailed_file_new          (const char      *path,
                                               gboolean         follow,
                                               gsize            max_line_length);
void             dps_tailed_file_free         (DpsTailedFile   *self);
const char      *dps_tailed_file_get_key      (DpsTailedFile   *self);   /* "file:/abs/path" */
const char      *dps_tailed_file_get_path     (DpsTailedFile   *self);

/* Positions the file after @checkpoint when it still describes this file
 * (same bytes before its offset) and, for one-shot reads, the previous
 * read did not complete; otherwise from the start. */
gboolean         dps_tailed_file_open         (DpsTailedFile   *self,
                                               DpsRepository   *repository,
                                               GError         **error);
/* Appends up to @max_lines lines to @chunk with the checkpoint after
 * them. DATA, IDLE (following: nothing new yet) or END (one-shot: done). */
DpsSourceStatus  dps_tailed_file_read         (DpsTailedFile   *self,
                                               DpsChunk        *chunk,
                                               guint            max_lines,
                                               GCancellable    *cancellable,
                                               GError         **error);
/* Bytes between what was read and the end of the file. */
gint64           dps_tailed_file_get_lag      (DpsTailedFile   *self);
gboolean         dps_tailed_file_is_complete  (DpsTailedFile   *self);
/* Following: the file was removed (not replaced) and every line it got,
 * late ones included, was read; nothing more can come from it. */
gboolean         dps_tailed_file_is_gone      (DpsTailedFile   *self);
void             dps_tailed_file_close        (DpsTailedFile   *self);

/* The fingerprint of @fd's bytes before @offset (first and last 4 KiB). */
char            *dps_tailed_file_fingerprint  (int              fd,
                                               gint64           offset);

G_END_DECLS
