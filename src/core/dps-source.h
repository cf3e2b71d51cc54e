/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-checkpoint.h"
#include "dps-reject.h"
#include "dps-repository.h"

G_BEGIN_DECLS

#define DPS_SOURCE_ERROR (dps_source_error_quark ())
typedef enum {
  DPS_SOURCE_ERROR_FAILED,
  DPS_SOURCE_ERROR_NOT_FOUND,       /* file, folder or topic missing */
  DPS_SOURCE_ERROR_UNREADABLE,      /* permission, I/O error */
  DPS_SOURCE_ERROR_INVALID,         /* bad configuration */
  DPS_SOURCE_ERROR_UNAVAILABLE,     /* transient: broker down, file gone for now */
} DpsSourceError;
GQuark dps_source_error_quark (void);

/* Raw lines read by a source, with where each came from. */
typedef struct {
  gsize       start;         /* into DpsChunk.data */
  gsize       length;        /* bytes kept */
  gsize       full_length;   /* bytes the line really had */
  DpsPosition position;
} DpsRawLine;

typedef struct {
  guint64     seq;           /* order of the chunk in the run, from 0 */
  GByteArray *data;
  GArray     *lines;         /* DpsRawLine */
  GPtrArray  *checkpoints;   /* DpsCheckpoint*: positions after this chunk */
  gsize       bytes;         /* source bytes this chunk covers */
} DpsChunk;

DpsChunk  *dps_chunk_new          (void);
void       dps_chunk_free         (DpsChunk          *self);
void       dps_chunk_reset        (DpsChunk          *self);
void       dps_chunk_add_line     (DpsChunk          *self,
                                   const char        *data,
                                   gsize              length,
                                   gsize              full_length,
                                   const DpsPosition *position);
/* Copies @checkpoint, replacing one with the same key and partition. */
void       dps_chunk_set_checkpoint (DpsChunk        *self,
                                   const DpsCheckpoint *checkpoint);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsChunk, dps_chunk_free)

typedef enum {
  DPS_SOURCE_DATA,      /* the chunk holds lines and/or checkpoints */
  DPS_SOURCE_IDLE,      /* nothing now; more may come (following) */
  DPS_SOURCE_END,       /* finished: nothing will ever come */
  DPS_SOURCE_FAILED,
} DpsSourceStatus;

#define DPS_TYPE_SOURCE (dps_source_get_type ())
G_DECLARE_DERIVABLE_TYPE (DpsSource, dps_source, DPS, SOURCE, GObject)

/* A source is opened, read and closed by one thread (the engine's source
 * thread); only the lag and description may be read from others. */

/* Kind for pipeline_runs: "import", "follow", "folder", "generator", "kafka". */
const char      *dps_source_get_kind        (DpsSource     *self);
/* What is read, for people and the run history; never a password. */
const char      *dps_source_get_description (DpsSource     *self);
/* Loads checkpoints from @repository and positions the source. */
gboolean         dps_source_open            (DpsSource     *self,
                                             DpsRepository *repository,
                                             GCancellable  *cancellable,
                                             GError       **error);
/* Appends at most @max_lines lines to @chunk. IDLE means the caller may
 * wait (the source's poll interval) and ask again. */
DpsSourceStatus  dps_source_read            (DpsSource     *self,
                                             DpsChunk      *chunk,
                                             guint          max_lines,
                                             GCancellable  *cancellable,
                                             GError       **error);
/* Milliseconds the engine waits after IDLE before reading again. */
guint            dps_source_get_poll_interval (DpsSource   *self);
/* What the source is waiting for when it has nothing to hand over
 * ("Waiting for the Kafka broker…"), for people; NULL when it has nothing
 * particular to say. Safe from any thread. Free with g_free(). */
char            *dps_source_dup_status_text (DpsSource     *self);
/* Bytes (files) or records (Kafka) behind the end of the source; -1 if unknown. */
gint64           dps_source_get_lag         (DpsSource     *self);
/* Called by the engine after a batch covering @chunk_seq committed. */
void             dps_source_committed       (DpsSource     *self,
                                             const GPtrArray *checkpoints);
void             dps_source_close           (DpsSource     *self);

G_END_DECLS
